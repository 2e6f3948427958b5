# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.aliyun.ram.plugins.modules import ram_group
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient


def test_create_check_mode_then_real_then_noop(run_module):
    client = FakeRamClient()
    args = {"group_name": "dev", "comments": "team"}
    predicted = run_module(ram_group, args, client, check_mode=True, diff=True)
    assert client.writes() == []
    real = run_module(ram_group, args, client, diff=True)
    assert predicted["changed"] is True and real["changed"] is True
    assert predicted["diff"] == real["diff"]
    again = run_module(ram_group, args, client)
    assert again["changed"] is False
    assert client.writes() == ["create_group"]


def test_name_is_required(run_module):
    client = FakeRamClient()
    result = run_module(ram_group, {}, client)
    assert result["failed"] is True and result["msg"] == "missing required arguments: name"
    assert client.calls == []


def test_delete_with_members_fails_without_force(run_module):
    client = FakeRamClient()
    client.add_group("dev")
    client.add_user("alice", groups=["dev"])
    result = run_module(ram_group, {"name": "dev", "state": "absent"}, client)
    assert result["failed"] is True
    assert result["msg"] == "force: group dev has 1 member (alice@%s); set force: true to remove them and delete the group" % DOMAIN
    assert client.writes() == []
