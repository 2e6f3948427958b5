# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The custom policy reconciler and RamClient's policy calls against the RAM API emulator (signed HTTP)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import uuid

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import policy as policy_mod
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError

DOC = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ecs:Describe*", "ecs:List*"], "Resource": "*"}]}


@pytest.fixture
def client(module_emulator, emulator_ram_client):
    module_emulator.set_faults(throttle_rate=0, error_rate=0, drop_rate=0, latency_ms=0)
    return emulator_ram_client(module_emulator)


def unique(prefix="pol"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def doc(n):
    return {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:Describe%d" % n, "Resource": "*"}]}


def params(name, **overrides):
    base = {"name": name, "state": "present", "policy_document": DOC, "description": None, "keep_versions": None,
            "force": False}
    base.update(overrides)
    return policy_mod.validate_policy_params(base)


def writes(emulator, since):
    return [e["action"] for e in emulator.log_entries()[since:] if e.get("write")]


def test_create_rerun_key_order_and_check_mode(client, module_emulator):
    name = unique()
    created = policy_mod.ensure_policy(client, params(name, description="d"), diff=True)
    assert created["changed"] is True
    assert created["policy"]["default_version"] == "v1"
    assert created["policy"]["policy_document"] == DOC
    mark = len(module_emulator.log_entries())
    reordered = json.dumps({"Statement": [{"Resource": ["*"], "Action": ["ecs:List*", "ecs:Describe*"], "Effect": "Allow"}],
                            "Version": "1"}, indent=3)
    again = policy_mod.ensure_policy(client, params(name, policy_document=reordered, description="d"))
    assert again["changed"] is False
    predicted = policy_mod.ensure_policy(client, params(name, policy_document=doc(2)), check_mode=True, diff=True)
    assert predicted["changed"] is True and predicted["actions"] == ["create a new default version of policy %s" % name]
    assert writes(module_emulator, mark) == []
    real = policy_mod.ensure_policy(client, params(name, policy_document=doc(2)), diff=True)
    assert real["diff"] == predicted["diff"]
    assert real["policy"]["default_version"] == "v2"
    assert [v["version_id"] for v in client.list_policy_versions(name)] == ["v1", "v2"]


def test_versions_are_pruned_to_keep_versions(client):
    name = unique()
    policy_mod.ensure_policy(client, params(name, policy_document=doc(1)))
    for n in range(2, 8):
        policy_mod.ensure_policy(client, params(name, policy_document=doc(n)))
    versions = client.list_policy_versions(name)
    assert [v["version_id"] for v in versions] == ["v3", "v4", "v5", "v6", "v7"]
    result = policy_mod.ensure_policy(client, params(name, policy_document=doc(8), keep_versions=2))
    # v3..v6 go before the new version is made; v7, the old default, stays as the one non-default version
    assert result["actions"] == ["delete version v%d of policy %s" % (n, name) for n in (3, 4, 5, 6)] + \
        ["create a new default version of policy %s" % name]
    assert [v["version_id"] for v in client.list_policy_versions(name)] == ["v7", "v8"]
    result = policy_mod.ensure_policy(client, params(name, policy_document=doc(9), keep_versions=1))
    assert result["actions"] == ["delete version v7 of policy %s" % name, "create a new default version of policy %s" % name,
                                 "delete version v8 of policy %s" % name]
    assert [v["version_id"] for v in client.list_policy_versions(name)] == ["v9"]


def test_emulator_version_rules(client):
    name = unique()
    client.create_policy(name, json.dumps(DOC))
    with pytest.raises(RamApiError) as info:
        client.delete_policy_version(name, "v1")
    assert info.value.code == "DeleteConflict.Policy.Version.Default" and info.value.http_status == 409
    for n in range(2, 6):
        client.create_policy_version(name, json.dumps(doc(n)), set_as_default=False)
    with pytest.raises(RamApiError) as info:
        client.create_policy_version(name, json.dumps(doc(6)))
    assert info.value.code == "LimitExceeded.Policy.Version"
    with pytest.raises(RamApiError) as info:
        client.delete_policy(name)
    assert info.value.code == "DeleteConflict.Policy.Version"
    with pytest.raises(RamApiError) as info:
        client.create_policy_version(name, "{not json")
    assert info.value.code == "MalformedPolicyDocument"
    assert client.get_policy_detail(name)["default_version"] == "v1"


def test_absent_needs_force_when_attached_and_deletes_versions(client, module_emulator):
    name = unique()
    group = unique("grp")
    client.create_group(group)
    policy_mod.ensure_policy(client, params(name, policy_document=doc(1)))
    policy_mod.ensure_policy(client, params(name, policy_document=doc(2)))
    client.attach_policy_to_group(group, name, "Custom")
    mark = len(module_emulator.log_entries())
    with pytest.raises(ValidationError) as info:
        policy_mod.ensure_policy(client, params(name, state="absent", policy_document=None))
    assert "1 group (%s)" % group in str(info.value) and str(info.value).startswith("force: ")
    assert writes(module_emulator, mark) == []
    result = policy_mod.ensure_policy(client, params(name, state="absent", policy_document=None, force=True))
    assert result["actions"] == ["detach Custom policy %s from group %s" % (name, group),
                                 "delete version v1 of policy %s" % name, "delete custom policy %s" % name]
    assert client.get_policy_detail(name) is None
    assert policy_mod.ensure_policy(client, params(name, state="absent", policy_document=None))["changed"] is False


def test_info_by_name_and_prefix(client):
    prefix = unique("inf")
    policy_mod.ensure_policy(client, params(prefix + "-a"))
    policy_mod.ensure_policy(client, params(prefix + "-b", policy_document=doc(3)))
    found = policy_mod.find_policies(client, name_prefix=prefix, policy_type="Custom")
    assert [p["policy_name"] for p in found] == [prefix + "-a", prefix + "-b"]
    assert found[1]["policy_document"] == doc(3)
    system = policy_mod.find_policies(client, name="AdministratorAccess")
    assert system[0]["policy_type"] == "System" and system[0]["policy_document"]["Statement"]
