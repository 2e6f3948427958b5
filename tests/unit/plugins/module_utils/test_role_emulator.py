# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role reconciler and RamClient's role calls against the RAM API emulator (signed HTTP)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import uuid

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import role as role_mod
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError

TRUST = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                        "Principal": {"Service": ["ecs.aliyuncs.com"]}}]}


@pytest.fixture
def client(module_emulator, emulator_ram_client):
    module_emulator.set_faults(throttle_rate=0, error_rate=0, drop_rate=0, latency_ms=0)
    return emulator_ram_client(module_emulator)


def params(name, **overrides):
    base = {"name": name, "state": "present", "assume_role_policy_document": TRUST, "description": None,
            "max_session_duration": None, "policies": None, "purge_policies": False, "force": False}
    base.update(overrides)
    return role_mod.validate_role_params(base)


def writes(emulator, since):
    return [e["action"] for e in emulator.log_entries()[since:] if e.get("write")]


def test_role_lifecycle(client, module_emulator):
    name = "role-%s" % uuid.uuid4().hex[:8]
    created = role_mod.ensure_role(client, params(name, description="ECS", max_session_duration=7200,
                                                  policies=["ReadOnlyAccess"]), diff=True)
    assert created["changed"] is True
    assert created["role"]["arn"].endswith(":role/" + name)
    assert created["role"]["max_session_duration"] == 7200
    assert created["role"]["policies"] == [{"policy_name": "ReadOnlyAccess", "policy_type": "System"}]
    mark = len(module_emulator.log_entries())
    text = json.dumps({"Statement": [{"Principal": {"Service": "ecs.aliyuncs.com"}, "Action": ["sts:AssumeRole"],
                                      "Effect": "Allow"}], "Version": "1"}, indent=2)
    again = role_mod.ensure_role(client, params(name, assume_role_policy_document=text, description="ECS",
                                                policies=["ReadOnlyAccess"]))
    assert again["changed"] is False
    assert writes(module_emulator, mark) == []
    # a description change keeps the session duration (it is always sent)
    changed = role_mod.ensure_role(client, params(name, description="new"))
    assert changed["role"]["max_session_duration"] == 7200 and changed["role"]["description"] == "new"
    with pytest.raises(ValidationError) as info:
        role_mod.ensure_role(client, params(name, state="absent"))
    assert str(info.value).startswith("force: role %s has 1 attached policy (System:ReadOnlyAccess)" % name)
    with pytest.raises(RamApiError) as error:
        client.delete_role(name)
    assert error.value.code == "DeleteConflict.Role.Policy"
    deleted = role_mod.ensure_role(client, params(name, state="absent", force=True))
    assert deleted["actions"] == ["detach System policy ReadOnlyAccess from role %s" % name, "delete role %s" % name]
    assert client.get_role(name) is None


def test_policy_attached_to_a_role_blocks_its_deletion(client):
    name = "role-%s" % uuid.uuid4().hex[:8]
    client.create_role(name, json.dumps(TRUST))
    client.create_policy(name + "-p", json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    client.attach_policy_to_role(name, name + "-p", "Custom")
    with pytest.raises(RamApiError) as error:
        client.attach_policy_to_role(name, name + "-p", "Custom")
    assert error.value.code == "EntityAlreadyExists.Role.Policy"
    assert client.list_entities_for_policy(name + "-p")["roles"] == [name]
    with pytest.raises(RamApiError) as error:
        client.delete_policy(name + "-p")
    assert error.value.code == "DeleteConflict.Policy.Role"
    found = role_mod.find_roles(client, name_prefix=name, include_policies=True)
    assert [r["role_name"] for r in found] == [name]
    assert found[0]["assume_role_policy_document"] == TRUST
    assert found[0]["policies"] == [{"policy_name": name + "-p", "policy_type": "Custom"}]
