# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator backend: the user status (active / freeze) and the Status filter of the IMS user lists."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.tests.emulator.ram_backend import IMS, RAM, RamBackend
from ansible_collections.aliyun.ram.tests.unit.emulator.backend_support import call, fault_of, upn


def names(body, item="User", key="Users"):
    return [entry["UserPrincipalName"].split("@")[0] for entry in body[key][item]]


def freeze(backend, name):
    status, body = backend.person("freeze", {"user": name})
    assert status == 200, body


@pytest.fixture
def backend():
    backend = RamBackend(account_alias="example")
    for name, team in (("alice", "a"), ("bob", "b"), ("carl", "a")):
        call(backend, IMS, "CreateUser", UserPrincipalName=upn(name), DisplayName=name.title(),
             **{"Tag.1.Key": "team", "Tag.1.Value": team})
    freeze(backend, "bob")
    return backend


def test_new_users_are_active(backend):
    listed = call(backend, IMS, "ListUsers", Status="active,freeze")["Users"]["User"]
    assert dict((u["UserPrincipalName"].split("@")[0], u["Status"]) for u in listed) == \
        {"alice": "active", "bob": "freeze", "carl": "active"}


@pytest.mark.parametrize("action, key, item", [("ListUsers", "Users", "User"),
                                               ("ListUserBasicInfos", "UserBasicInfos", "UserBasicInfo")])
@pytest.mark.parametrize("status, expected", [
    (None, ["alice", "carl"]), ("", ["alice", "carl"]), ("active", ["alice", "carl"]), ("freeze", ["bob"]),
    ("active,freeze", ["alice", "bob", "carl"]),
])
def test_status_selects_the_states(backend, action, key, item, status, expected):
    params = {} if status is None else {"Status": status}
    body = call(backend, IMS, action, **params)
    assert names(body, item, key) == expected
    assert all(entry["Status"] == ("freeze" if entry["UserPrincipalName"].startswith("bob@") else "active")
               for entry in body[key][item])


@pytest.mark.parametrize("action", ["ListUsers", "ListUserBasicInfos"])
@pytest.mark.parametrize("status", ["Active", "frozen", "freeze,active", "active, freeze", "active,", "all"])
def test_bad_status_is_refused(backend, action, status):
    assert fault_of(backend, IMS, action, Status=status) == ("InvalidParameter.Status", 400)


def test_list_users_with_a_tag_returns_both_states(backend):
    tag = {"Tag.1.Key": "team", "Tag.1.Value": "b"}
    assert names(call(backend, IMS, "ListUsers", **tag)) == ["bob"]
    assert names(call(backend, IMS, "ListUsers", Status="active", **tag)) == ["bob"]


def test_list_user_basic_infos_refuses_tag_with_status(backend):
    tag = {"Tag.1.Key": "team", "Tag.1.Value": "b"}
    assert names(call(backend, IMS, "ListUserBasicInfos", **tag), "UserBasicInfo", "UserBasicInfos") == ["bob"]
    assert fault_of(backend, IMS, "ListUserBasicInfos", Status="active", **tag) == ("InvalidParameter.Status", 400)


def test_ram_list_users_hides_frozen_users_and_ignores_status(backend):
    assert [u["UserName"] for u in call(backend, RAM, "ListUsers")["Users"]["User"]] == ["alice", "carl"]
    assert [u["UserName"] for u in call(backend, RAM, "ListUsers", Status="freeze")["Users"]["User"]] == \
        ["alice", "carl"]
    assert all("Status" not in u for u in call(backend, RAM, "ListUsers")["Users"]["User"])


def test_get_user_returns_a_frozen_user(backend):
    assert call(backend, IMS, "GetUser", UserPrincipalName=upn("bob"))["User"]["UserName"] == "bob"
    assert call(backend, RAM, "GetUser", UserName="bob")["User"]["UserName"] == "bob"


def test_group_members_include_frozen_users(backend):
    call(backend, IMS, "CreateGroup", GroupName="dev")
    call(backend, IMS, "AddUserToGroup", GroupName="dev", UserPrincipalName=upn("bob"))
    assert names(call(backend, IMS, "ListUsersForGroup", GroupName="dev")) == ["bob"]


def test_unfreeze_makes_the_user_listed_again(backend):
    status, body = backend.person("unfreeze", {"user": upn("bob")})
    assert status == 200 and body["user"]["Status"] == "active"
    assert names(call(backend, IMS, "ListUsers")) == ["alice", "bob", "carl"]


def test_state_snapshot_shows_status(backend):
    users = dict((u["UserName"], u["Status"]) for u in backend.snapshot()["users"])
    assert users == {"alice": "active", "bob": "freeze", "carl": "active"}


def test_users_saved_without_status_are_active(tmp_path):
    path = tmp_path / "state.json"
    first = RamBackend(account_alias="example", state_file=str(path))
    call(first, IMS, "CreateUser", UserPrincipalName=upn("old"), DisplayName="Old")
    first.save()
    import json
    data = json.loads(path.read_text())
    for user in data["state"]["users"].values():
        del user["Status"]
    path.write_text(json.dumps(data))
    second = RamBackend(account_alias="example", state_file=str(path))
    assert call(second, IMS, "ListUsers")["Users"]["User"][0]["Status"] == "active"
    assert second.snapshot()["users"][0]["Status"] == "active"
