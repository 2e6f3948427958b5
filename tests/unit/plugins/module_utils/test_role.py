# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import role as role_mod
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import FakeRamClient

TRUST = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                        "Principal": {"RAM": ["acs:ram::1234567890123456:root"]}}]}


def params(**overrides):
    base = {"name": "deployer", "state": "present", "assume_role_policy_document": TRUST, "description": None,
            "max_session_duration": None, "policies": None, "purge_policies": False, "force": False}
    base.update(overrides)
    return role_mod.validate_role_params(base)


@pytest.fixture
def client():
    return FakeRamClient()


def test_create_predicted_then_rerun_is_one_read(client):
    predicted = role_mod.ensure_role(client, params(max_session_duration=7200), check_mode=True, diff=True)
    assert client.writes() == []
    real = role_mod.ensure_role(client, params(max_session_duration=7200), diff=True)
    assert predicted["diff"] == real["diff"] and predicted["actions"] == real["actions"] == ["create role deployer"]
    assert predicted["role"]["role_id"] is None and real["role"]["role_id"]
    assert dict(predicted["role"], role_id=None, arn=None, create_date=None, update_date=None) == \
        dict(real["role"], role_id=None, arn=None, create_date=None, update_date=None)
    client.reset_calls()
    text = '{"Version":"1","Statement":[{"Principal":{"RAM":"acs:ram::1234567890123456:root"},"Effect":"Allow","Action":["sts:AssumeRole"]}]}'
    again = role_mod.ensure_role(client, params(assume_role_policy_document=text, max_session_duration=7200))
    assert again["changed"] is False and client.methods() == ["get_role"]


def test_one_update_keeps_the_session_duration(client):
    role_mod.ensure_role(client, params(max_session_duration=7200))
    client.reset_calls()
    result = role_mod.ensure_role(client, params(description="deploys"))
    assert result["actions"] == ["update description of role deployer"]
    assert client.calls_to("update_role")[0]["new_max_session_duration"] == 7200
    assert result["role"]["max_session_duration"] == 7200 and result["changed_fields"] == ["description"]


def test_trust_policy_change_and_policies_with_purge(client):
    client.add_policy("deploy", "Custom")
    role_mod.ensure_role(client, params(policies=["ReadOnlyAccess"]))
    changed = dict(TRUST, Statement=[dict(TRUST["Statement"][0], Principal={"Service": ["ecs.aliyuncs.com"]})])
    wanted = params(assume_role_policy_document=changed, policies=[{"name": "deploy", "type": "Custom"}], purge_policies=True)
    predicted = role_mod.ensure_role(client, wanted, check_mode=True, diff=True)
    real = role_mod.ensure_role(client, wanted, diff=True)
    assert predicted["diff"] == real["diff"]
    assert real["actions"] == ["update assume_role_policy_document of role deployer",
                               "detach System policy ReadOnlyAccess from role deployer",
                               "attach Custom policy deploy to role deployer"]
    assert real["role"]["policies"] == [{"policy_name": "deploy", "policy_type": "Custom"}]


def test_delete_needs_force_when_policies_are_attached(client):
    role_mod.ensure_role(client, params(policies=["ReadOnlyAccess"]))
    client.reset_calls()
    with pytest.raises(ValidationError) as info:
        role_mod.ensure_role(client, params(state="absent"))
    assert str(info.value) == ("force: role deployer has 1 attached policy (System:ReadOnlyAccess); set force: true to "
                               "detach them and delete the role")
    assert client.writes() == []
    result = role_mod.ensure_role(client, params(state="absent", force=True))
    assert client.writes() == ["detach_policy_from_role", "delete_role"] and result["role"] == {}
    assert role_mod.ensure_role(client, params(state="absent"))["changed"] is False


@pytest.mark.parametrize("overrides, message", [
    (dict(name="bad name"), "name: role name 'bad name' may contain only"),
    (dict(name="r" * 65), "name: must be 1 to 64 characters long"),
    (dict(max_session_duration=3599), "max_session_duration: must be 3600 to 43200 seconds"),
    (dict(description=""), "description: cannot be cleared"),
    (dict(assume_role_policy_document="[]"), "assume_role_policy_document: must be a policy document"),
    (dict(policies=[{"name": "x", "type": "Managed"}]), "policies: policy 'x' has type 'Managed'"),
])
def test_bad_input(overrides, message):
    with pytest.raises(ValidationError) as info:
        params(**overrides)
    assert str(info.value).startswith(message)


def test_create_needs_a_trust_policy(client):
    with pytest.raises(ValidationError) as info:
        role_mod.ensure_role(client, params(assume_role_policy_document=None))
    assert str(info.value) == "assume_role_policy_document: is required to create role deployer"
    assert client.writes() == []


def test_info(client):
    role_mod.ensure_role(client, params(policies=["ReadOnlyAccess"]))
    role_mod.ensure_role(client, params(name="other"))
    found = role_mod.find_roles(client, name_prefix="dep", include_policies=True)
    assert [r["role_name"] for r in found] == ["deployer"] and found[0]["assume_role_policy_document"] == TRUST
    assert found[0]["policies"] == [{"policy_name": "ReadOnlyAccess", "policy_type": "System"}]
    assert [r["role_name"] for r in role_mod.find_roles(client)] == ["deployer", "other"]
    assert role_mod.find_roles(client, name="nobody") == []
