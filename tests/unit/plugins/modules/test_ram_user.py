# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError
from ansible_collections.aliyun.ram.plugins.modules import ram_user
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

ALICE = "alice@" + DOMAIN


@pytest.fixture
def client():
    fake = FakeRamClient()
    fake.add_group("dev")
    return fake


def test_create_and_rerun(run_module, client):
    args = {"user_principal_name": "alice", "display_name": "Alice", "groups": ["dev"], "tags": {"env": "prod"}}
    first = run_module(ram_user, args, client, diff=True)
    assert first["changed"] is True
    assert first["user"]["user_principal_name"] == ALICE
    assert first["diff"]["after"]["groups"] == ["dev"]
    client.reset_calls()
    second = run_module(ram_user, args, client)
    assert second["changed"] is False and "diff" not in second
    assert client.writes() == []


def test_check_mode_writes_nothing(run_module, client):
    result = run_module(ram_user, {"name": "alice", "comments": "x"}, client, check_mode=True)
    assert result["changed"] is True
    assert client.writes() == []


def test_validation_error_names_the_option_and_makes_no_call(run_module, client):
    result = run_module(ram_user, {"name": "alice", "mobile_phone": "12345"}, client)
    assert result["failed"] is True
    assert result["msg"] == "mobile_phone: '12345' must be <country code>-<number> in digits, for example 86-18600008888"
    assert client.calls == []


@pytest.mark.parametrize("args, message", [
    ({}, "one of the following is required: name, user_id"),
    ({"user_id": "1", "rename_from": "x", "name": "y"}, "parameters are mutually exclusive: rename_from|user_id"),
    ({"user_id": "1", "rename_from": "x"}, "parameters are mutually exclusive: rename_from|user_id"),
])
def test_argument_spec_rules(run_module, client, args, message):
    result = run_module(ram_user, args, client)
    assert result["failed"] is True and result["msg"] == message
    assert client.calls == []


def test_force_delete_message_without_force(run_module, client):
    client.add_user(ALICE, groups=["dev"])
    client.add_login_profile(ALICE)
    result = run_module(ram_user, {"name": ALICE, "state": "absent"}, client)
    assert result["failed"] is True
    assert result["msg"] == ("force: user %s has a login profile and 1 group membership (dev); "
                             "set force: true to remove them and delete the user" % ALICE)


def test_intl_warning_reaches_the_result(run_module):
    client = FakeRamClient(site="intl")
    client.add_user(ALICE)
    result = run_module(ram_user, {"name": ALICE, "email": "a@example.com"}, client)
    assert result["changed"] is False
    assert "email: the API does not return" in json.dumps(result.get("warnings"))


def test_api_error_is_reported_with_its_code(run_module, client):
    client.fail["get_user"] = RamApiError("NoPermission", "You are not authorized", request_id="R1", http_status=403,
                                          action="GetUser")
    result = run_module(ram_user, {"name": ALICE}, client)
    assert result["failed"] is True
    assert result["error"]["code"] == "NoPermission"
