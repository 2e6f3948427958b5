# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.aliyun.ram.plugins.modules import ram_group
from ansible_collections.aliyun.ram.tests.unit.plugins.module_utils.fake_ram_client import FakeRamClient
from ansible_collections.aliyun.ram.tests.unit.plugins.modules.test_ram_user import run


def test_create_check_mode_then_real_then_noop(monkeypatch, capsys):
    client = FakeRamClient()
    args = {"group_name": "dev", "comments": "team"}
    predicted = run(ram_group, args, client, monkeypatch, capsys, check_mode=True, diff=True)
    assert client.writes() == []
    real = run(ram_group, args, client, monkeypatch, capsys, diff=True)
    assert predicted["changed"] is True and real["changed"] is True
    assert predicted["diff"] == real["diff"]
    again = run(ram_group, args, client, monkeypatch, capsys)
    assert again["changed"] is False
    assert client.writes() == ["create_group"]


def test_name_is_required(monkeypatch, capsys):
    result = run(ram_group, {}, FakeRamClient(), monkeypatch, capsys)
    assert result["failed"] is True and "name" in result["msg"]


def test_delete_with_members_fails_without_force(monkeypatch, capsys):
    client = FakeRamClient()
    client.add_group("dev")
    client.add_user("alice")
    client.members.add(("alice@corp.onaliyun.com", "dev"))
    result = run(ram_group, {"name": "dev", "state": "absent"}, client, monkeypatch, capsys)
    assert result["failed"] is True and "set force: true" in result["msg"]
    assert client.writes() == []
