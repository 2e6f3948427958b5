# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.aliyun.ram.plugins.module_utils import common
from ansible_collections.aliyun.ram.plugins.modules import ram_user
from ansible_collections.aliyun.ram.tests.unit.plugins.module_utils.fake_ram_client import DOMAIN, FakeRamClient

ALICE = "alice@" + DOMAIN


def run(module, args, client, monkeypatch, capsys, check_mode=False, diff=False):
    monkeypatch.setattr(common, "client_from_module", lambda ansible_module: client)
    with patch_module_args(dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)):
        with pytest.raises(SystemExit):
            module.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def client():
    fake = FakeRamClient()
    fake.add_group("dev")
    return fake


@pytest.fixture
def task(client, monkeypatch, capsys):
    def runner(args, **kwargs):
        return run(ram_user, args, client, monkeypatch, capsys, **kwargs)
    return runner


def test_create_and_rerun(task, client):
    args = {"user_principal_name": "alice", "display_name": "Alice", "groups": ["dev"], "tags": {"env": "prod"}}
    first = task(args, diff=True)
    assert first["changed"] is True
    assert first["user"]["user_principal_name"] == ALICE
    assert first["diff"]["after"]["groups"] == ["dev"]
    client.reset_calls()
    second = task(args)
    assert second["changed"] is False and "diff" not in second
    assert client.writes() == []


def test_check_mode_writes_nothing(task, client):
    result = task({"name": "alice", "comments": "x"}, check_mode=True)
    assert result["changed"] is True
    assert client.writes() == []


def test_validation_error_names_the_option_and_makes_no_call(task, client):
    result = task({"name": "alice", "mobile_phone": "12345"})
    assert result["failed"] is True
    assert result["msg"].startswith("mobile_phone: ")
    assert client.calls == []


@pytest.mark.parametrize("args,fragment", [
    ({}, "one of the following is required: name, user_id"),
    ({"user_id": "1", "rename_from": "x", "name": "y"}, "mutually exclusive"),
    ({"user_id": "1", "rename_from": "x"}, "mutually exclusive"),
])
def test_argument_spec_rules(task, client, args, fragment):
    result = task(args)
    assert result["failed"] is True and fragment in result["msg"]
    assert client.calls == []


def test_force_delete_message_without_force(task, client):
    client.add_user(ALICE)
    client.login_profiles[ALICE] = {"status": "Active"}
    client.members.add((ALICE, "dev"))
    result = task({"name": ALICE, "state": "absent"})
    assert result["failed"] is True
    assert result["msg"] == ("force: user %s has a login profile and 1 group membership (dev); "
                             "set force: true to remove them and delete the user" % ALICE)


def test_intl_warning_reaches_the_result(monkeypatch, capsys):
    client = FakeRamClient(site="intl")
    client.add_user(ALICE)
    result = run(ram_user, {"name": ALICE, "email": "a@example.com"}, client, monkeypatch, capsys)
    assert result["changed"] is False
    assert "email: the API does not return" in json.dumps(result.get("warnings"))


def test_api_error_is_reported_with_its_code(task, client, monkeypatch):
    from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError

    def boom(upn=None, user_id=None):
        raise RamApiError("NoPermission", "You are not authorized", request_id="R1", http_status=403, action="GetUser")
    monkeypatch.setattr(client, "get_user", boom)
    result = task({"name": ALICE})
    assert result["failed"] is True
    assert result["error"]["code"] == "NoPermission"
