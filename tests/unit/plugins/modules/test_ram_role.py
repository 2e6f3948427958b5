# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.aliyun.ram.plugins.modules import ram_role, ram_role_info
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import FakeRamClient

TRUST = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs.aliyuncs.com"}}]}


def test_create_check_mode_then_real_then_noop(run_module):
    client = FakeRamClient()
    args = {"name": "ecs-reader", "trust_policy": TRUST, "policies": ["ReadOnlyAccess"]}
    predicted = run_module(ram_role, args, client, check_mode=True, diff=True)
    assert client.writes() == []
    real = run_module(ram_role, args, client, diff=True)
    assert predicted["diff"] == real["diff"] and real["changed"] is True
    assert run_module(ram_role, args, client)["changed"] is False
    assert client.writes() == ["create_role", "attach_policy_to_role"]
    info = run_module(ram_role_info, {"name": "ecs-reader", "include_policies": True}, client)
    assert info["roles"][0]["policies"] == [{"policy_name": "ReadOnlyAccess", "policy_type": "System"}]


def test_bad_session_duration_fails_before_any_call(run_module):
    client = FakeRamClient()
    result = run_module(ram_role, {"name": "r", "trust_policy": TRUST, "max_session_duration": 100}, client)
    assert result["failed"] is True and result["msg"].startswith("max_session_duration: must be 3600 to 43200")
    assert client.calls == []
