# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.aliyun.ram.plugins.modules import ram_policy, ram_policy_info
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import FakeRamClient

DOC = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:Describe*", "Resource": "*"}]}


def test_create_check_mode_then_real_then_noop_with_a_json_string(run_module):
    client = FakeRamClient()
    args = {"name": "ecs-read", "policy_document": DOC, "description": "ECS"}
    predicted = run_module(ram_policy, args, client, check_mode=True, diff=True)
    assert client.writes() == []
    real = run_module(ram_policy, args, client, diff=True)
    assert predicted["changed"] is True and real["changed"] is True and predicted["diff"] == real["diff"]
    again = run_module(ram_policy, dict(args, policy_document=json.dumps(DOC, indent=2)), client)
    assert again["changed"] is False
    assert client.writes() == ["create_policy"]


def test_bad_document_fails_before_any_call(run_module):
    client = FakeRamClient()
    result = run_module(ram_policy, {"name": "p", "policy_document": {"Version": 1, "Statement": []}}, client)
    assert result["failed"] is True and result["msg"].startswith('policy_document: Version must be the string "1"')
    assert client.calls == []


def test_info_lists_custom_policies_with_documents(run_module):
    client = FakeRamClient()
    run_module(ram_policy, {"name": "ecs-read", "policy_document": DOC}, client)
    result = run_module(ram_policy_info, {"policy_type": "Custom"}, client)
    assert result["changed"] is False
    assert [(p["policy_name"], p["policy_document"]) for p in result["policies"]] == [("ecs-read", DOC)]
