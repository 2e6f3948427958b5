# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator backend: the visibility delay after creates (eventual consistency model)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.tests.emulator.ram_backend import IMS, RAM, RamBackend
from ansible_collections.aliyun.ram.tests.unit.emulator.backend_support import Clock, DOMAIN, call, fault_of

NEW = {"UserPrincipalName": "new@" + DOMAIN}


@pytest.fixture
def monotonic():
    return Clock(100.0)


@pytest.fixture
def backend(monotonic):
    backend = RamBackend(account_alias="example", monotonic=monotonic, visibility_delay_ms=500)
    return backend


def create_user(backend):
    return call(backend, IMS, "CreateUser", DisplayName="New", **NEW)["User"]


def user_lookups(uid):
    return [
        (IMS, "GetUser", NEW), (IMS, "GetUser", {"UserId": uid}), (RAM, "GetUser", {"UserName": "new"}),
        (IMS, "UpdateUser", dict(NEW, NewDisplayName="X")), (RAM, "UpdateUser", {"UserName": "new", "NewComments": "c"}),
        (IMS, "CreateLoginProfile", dict(NEW, Password="Some-Passw0rd")),
        (RAM, "CreateLoginProfile", {"UserName": "new", "Password": "Some-Passw0rd"}),
        (IMS, "GetLoginProfile", NEW), (IMS, "CreateAccessKey", NEW), (IMS, "ListGroupsForUser", NEW),
        (IMS, "TagResources", {"ResourceType": "user", "ResourcePrincipalName.1": NEW["UserPrincipalName"],
                               "Tag.1.Key": "k"}),
        (IMS, "TagResources", {"ResourceType": "user", "ResourceId.1": uid, "Tag.1.Key": "k"}),
        (RAM, "AttachPolicyToUser", {"UserName": "new", "PolicyName": "ReadOnlyAccess", "PolicyType": "System"}),
        (IMS, "AddUserToGroup", dict(NEW, GroupName="seen")), (IMS, "GetUserMFAInfo", NEW),
        (IMS, "DeleteUser", NEW), (RAM, "DeleteUser", {"UserName": "new"}),
    ]


def test_created_user_is_invisible_to_other_requests_until_the_delay_passes(backend, monotonic):
    backend.set_visibility_delay(0)
    call(backend, IMS, "CreateGroup", GroupName="seen")
    backend.set_visibility_delay(500)
    user = create_user(backend)
    assert user["UserPrincipalName"] == NEW["UserPrincipalName"]  # the Create response carries it
    for version, action, params in user_lookups(user["UserId"]):
        assert fault_of(backend, version, action, **params) == ("EntityNotExist.User", 404), action
    assert call(backend, IMS, "ListUsers", Status="active,freeze")["Users"]["User"] == []
    assert call(backend, IMS, "ListUserBasicInfos")["UserBasicInfos"]["UserBasicInfo"] == []
    assert call(backend, RAM, "ListUsers")["Users"]["User"] == []
    assert fault_of(backend, IMS, "CreateUser", DisplayName="Again", **NEW) == ("EntityAlreadyExists.User", 409)
    assert fault_of(backend, RAM, "CreateUser", UserName="NEW") == ("EntityAlreadyExists.User", 409)
    monotonic.now += 0.499
    assert fault_of(backend, IMS, "GetUser", **NEW) == ("EntityNotExist.User", 404)
    monotonic.now += 0.001
    assert call(backend, IMS, "GetUser", **NEW)["User"]["UserId"] == user["UserId"]
    assert [u["UserId"] for u in call(backend, IMS, "ListUsers")["Users"]["User"]] == [user["UserId"]]
    call(backend, IMS, "AddUserToGroup", GroupName="seen", **NEW)


def test_rename_onto_a_pending_name_conflicts(backend, monotonic):
    backend.set_visibility_delay(0)
    call(backend, RAM, "CreateUser", UserName="old")
    backend.set_visibility_delay(500)
    create_user(backend)
    assert fault_of(backend, RAM, "UpdateUser", UserName="old", NewUserName="new") == ("EntityAlreadyExists.User", 409)


@pytest.mark.parametrize("version", [IMS, RAM])
def test_created_group_is_invisible_until_the_delay_passes(backend, monotonic, version):
    backend.set_visibility_delay(0)
    call(backend, RAM, "CreateUser", UserName="member")
    backend.set_visibility_delay(500)
    group = call(backend, version, "CreateGroup", GroupName="ops")["Group"]
    assert group["GroupName"] == "ops"
    for v, action, params in [
        (IMS, "GetGroup", {}), (RAM, "GetGroup", {}), (IMS, "UpdateGroup", {"NewComments": "c"}),
        (RAM, "AddUserToGroup", {"UserName": "member"}), (IMS, "ListUsersForGroup", {}),
        (RAM, "AttachPolicyToGroup", {"PolicyName": "ReadOnlyAccess", "PolicyType": "System"}),
        (RAM, "ListPoliciesForGroup", {}), (IMS, "DeleteGroup", {}),
    ]:
        assert fault_of(backend, v, action, GroupName="ops", **params) == ("EntityNotExist.Group", 404), action
    assert call(backend, IMS, "ListGroups")["Groups"]["Group"] == []
    assert fault_of(backend, version, "CreateGroup", GroupName="OPS") == ("EntityAlreadyExists.Group", 409)
    monotonic.now += 1
    assert call(backend, RAM, "GetGroup", GroupName="ops")["Group"]["GroupId"] == group["GroupId"]
    assert [g["GroupName"] for g in call(backend, RAM, "ListGroups")["Groups"]["Group"]] == ["ops"]


def test_no_delay_by_default(monotonic):
    backend = RamBackend(account_alias="example", monotonic=monotonic)
    create_user(backend)
    assert call(backend, IMS, "GetUser", **NEW)["User"]["UserName"] == "new"


def test_people_paths_and_state_see_pending_users(backend):
    create_user(backend)
    assert backend.person("freeze", {"user": "new"})[0] == 200
    assert [u["UserName"] for u in backend.snapshot()["users"]] == ["new"]


def test_delay_changes_apply_to_later_creates(backend, monotonic):
    backend.set_visibility_delay(0)
    create_user(backend)
    backend.set_visibility_delay(10000)
    assert call(backend, IMS, "GetUser", **NEW)["User"]["UserName"] == "new"
