# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import policy as policy_mod
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import FakeRamClient

DOC = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ecs:Describe*", "ecs:List*"], "Resource": "*"}]}


def doc(n):
    return {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:Describe%d" % n, "Resource": "*"}]}


def params(**overrides):
    base = {"name": "ecs-read", "state": "present", "policy_document": DOC, "description": None, "keep_versions": None,
            "force": False}
    base.update(overrides)
    return policy_mod.validate_policy_params(base)


@pytest.fixture
def client():
    return FakeRamClient()


def test_create_then_rerun_reads_twice_and_writes_nothing(client):
    first = policy_mod.ensure_policy(client, params(description="ECS"), diff=True)
    assert first["changed"] is True and first["actions"] == ["create custom policy ecs-read"]
    assert first["diff"] == {"before": {}, "after": {"policy_name": "ecs-read", "description": "ECS",
                                                     "policy_document": json.loads(json.dumps(DOC, sort_keys=True))},
                             "before_header": "policy ecs-read", "after_header": "policy ecs-read"}
    assert first["policy"]["policy_document"] == DOC and first["policy"]["default_version"] == "v1"
    client.reset_calls()
    second = policy_mod.ensure_policy(client, params(description="ECS"))
    assert second["changed"] is False
    assert client.methods() == ["get_policy_detail", "list_policy_versions"]


def test_same_meaning_is_no_change(client):
    policy_mod.ensure_policy(client, params())
    text = '{"Statement":[{"Resource":["*"],"Action":["ecs:List*","ecs:Describe*","ecs:List*"],"Effect":"Allow"}],"Version":"1"}'
    client.reset_calls()
    assert policy_mod.ensure_policy(client, params(policy_document=text))["changed"] is False
    assert client.writes() == []


def test_check_mode_predicts_the_real_run(client):
    policy_mod.ensure_policy(client, params())
    client.reset_calls()
    predicted = policy_mod.ensure_policy(client, params(policy_document=doc(2), description="new"), check_mode=True, diff=True)
    assert client.writes() == []
    real = policy_mod.ensure_policy(client, params(policy_document=doc(2), description="new"), diff=True)
    assert predicted["diff"] == real["diff"] and predicted["actions"] == real["actions"]
    assert predicted["changed_fields"] == real["changed_fields"] == ["policy_document", "description"]
    assert predicted["policy"]["default_version"] is None and real["policy"]["default_version"] == "v2"
    assert dict(predicted["policy"], default_version="v2", update_date=None, attachment_count=None) == \
        dict(real["policy"], update_date=None, attachment_count=None)


def test_keep_versions_prunes_oldest_non_default_first(client):
    policy_mod.ensure_policy(client, params(policy_document=doc(1)))
    for n in range(2, 7):
        policy_mod.ensure_policy(client, params(policy_document=doc(n)))
    assert [v["version_id"] for v in client.list_policy_versions("ecs-read")] == ["v2", "v3", "v4", "v5", "v6"]
    client.reset_calls()
    result = policy_mod.ensure_policy(client, params(policy_document=doc(6), keep_versions=3))
    assert result["changed"] is True and result["changed_fields"] == ["versions"]
    assert [v["version_id"] for v in client.list_policy_versions("ecs-read")] == ["v4", "v5", "v6"]


def test_absent_lists_holders_without_force_and_detaches_with_it(client):
    client.add_user("alice")
    client.add_group("dev")
    policy_mod.ensure_policy(client, params())
    policy_mod.ensure_policy(client, params(policy_document=doc(2)))
    client.attach_policy_to_user("alice", "ecs-read", "Custom")
    client.attach_policy_to_group("dev", "ecs-read", "Custom")
    client.reset_calls()
    with pytest.raises(ValidationError) as info:
        policy_mod.ensure_policy(client, params(state="absent", policy_document=None))
    assert str(info.value) == ("force: policy ecs-read is attached to 1 user (alice) and 1 group (dev); set force: true "
                               "to detach it and delete the policy")
    assert client.writes() == []
    predicted = policy_mod.ensure_policy(client, params(state="absent", policy_document=None, force=True), check_mode=True)
    assert client.writes() == []
    real = policy_mod.ensure_policy(client, params(state="absent", policy_document=None, force=True))
    assert predicted["actions"] == real["actions"] == [
        "detach Custom policy ecs-read from user alice", "detach Custom policy ecs-read from group dev",
        "delete version v1 of policy ecs-read", "delete custom policy ecs-read"]
    assert real["policy"] == {}
    assert policy_mod.ensure_policy(client, params(state="absent", policy_document=None))["changed"] is False


@pytest.mark.parametrize("overrides, message", [
    (dict(name="bad name"), "name: policy name 'bad name' may contain only letters, digits and hyphens (-)"),
    (dict(policy_document=None), "policy_document: is required with state: present"),
    (dict(policy_document="{oops"), "policy_document: is neither valid JSON"),
    (dict(description=""), "description: cannot be cleared"),
    (dict(description="x" * 1025), "description: must be 1 to 1024 characters long"),
    (dict(keep_versions=0), "keep_versions: must be an integer from 1 to 5"),
    (dict(keep_versions=6), "keep_versions: must be an integer from 1 to 5"),
])
def test_bad_input_fails_before_any_call(overrides, message):
    with pytest.raises(ValidationError) as info:
        params(**overrides)
    assert str(info.value).startswith(message)


def test_info_by_name_type_and_prefix(client):
    policy_mod.ensure_policy(client, params())
    policy_mod.ensure_policy(client, params(name="ecs-write", policy_document=doc(1)))
    assert [p["policy_name"] for p in policy_mod.find_policies(client, name_prefix="ecs-", policy_type="Custom")] == \
        ["ecs-read", "ecs-write"]
    one = policy_mod.find_policies(client, name="ecs-read")
    assert len(one) == 1 and one[0]["policy_document"] == DOC
    bare = policy_mod.find_policies(client, policy_type="Custom", with_document=False)
    assert all(p["policy_document"] is None for p in bare)
    assert policy_mod.find_policies(client, name="nothing") == []
    with pytest.raises(ValidationError):
        policy_mod.find_policies(client, name="a", name_prefix="b")


def test_a_system_policy_name_fails_before_any_write(client):
    with pytest.raises(ValidationError) as info:
        policy_mod.ensure_policy(client, params(name="ReadOnlyAccess"), check_mode=True)
    assert str(info.value) == "name: ReadOnlyAccess is the name of a system policy; a custom policy needs another name"
    assert client.writes() == []
