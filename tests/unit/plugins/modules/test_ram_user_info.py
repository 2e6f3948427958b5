# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.modules import ram_user_info
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient


@pytest.fixture
def client():
    fake = FakeRamClient()
    fake.add_group("dev")
    for name in ("alice", "alfred"):
        fake.add_user(name)
    fake.add_user("bob", groups=["dev"])
    return fake


def test_lists_all_users_in_check_mode(run_module, client):
    result = run_module(ram_user_info, {}, client, check_mode=True)
    assert result["changed"] is False
    assert [u["user_name"] for u in result["users"]] == ["alfred", "alice", "bob"]
    assert "groups" not in result["users"][0]


def test_group_filter_with_includes(run_module, client):
    result = run_module(ram_user_info, {"group": "dev", "include": ["groups", "login_profile"]}, client)
    assert [(u["user_name"], u["groups"], u["login_profile"]) for u in result["users"]] == [("bob", ["dev"], None)]


def test_one_user_by_name(run_module, client):
    result = run_module(ram_user_info, {"name": "alice"}, client)
    assert [u["user_principal_name"] for u in result["users"]] == ["alice@" + DOMAIN]
    assert "list_users" not in client.methods()


def test_bad_include_is_rejected_by_the_spec(run_module, client):
    result = run_module(ram_user_info, {"include": ["secrets"]}, client)
    assert result["failed"] is True
    assert result["msg"] == "value of include must be one or more of: login_profile, groups, policies. Got no match for: secrets"
    assert client.calls == []
