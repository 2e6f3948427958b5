# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_time import FakeTime


class FakeTransport:
    """Records calls; answers each action from a list of replies (the last one repeats) or an exception.

    A transport-level fake, because these tests are about RamClient itself: the action and parameter names it
    sends, how it reads the PascalCase answers, paging, and its answers to errors (None for "not found",
    convergence after retries, the wait for replication lag). Everything above RamClient is tested against
    tests/unit/plugins/fake_ram_client.py instead.
    """

    def __init__(self, replies=None):
        self.replies = dict((k, list(v) if isinstance(v, list) else [v]) for k, v in (replies or {}).items())
        self.calls = []
        self.lock = threading.Lock()

    def call(self, product, action, params=None):
        with self.lock:
            self.calls.append((product, action, dict(params or {})))
            queue = self.replies.get(action, [{"RequestId": "R"}])
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(params)
        return reply

    def sent(self, action):
        return [params for _product, name, params in self.calls if name == action]

    def actions(self):
        return [name for _product, name, _params in self.calls]


def error(code, retried=False, status=409):
    exc = RamApiError(code, "m", http_status=status)
    exc.retried = retried
    return exc


def without_none(params):
    return dict((k, v) for k, v in params.items() if v is not None)


USER = {"UserId": "u1", "UserPrincipalName": "alice@corp.onaliyun.com", "DisplayName": "Alice"}


# --- default domain and UPNs -----------------------------------------------------------


def test_default_domain_is_fetched_once_even_across_threads():
    transport = FakeTransport({"GetDefaultDomain": {"DefaultDomainName": "corp.onaliyun.com"}})
    client = RamClient(transport)
    results = []
    threads = [threading.Thread(target=lambda: results.append(client.upn_for("bob"))) for _thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert results == ["bob@corp.onaliyun.com"] * 8
    assert transport.actions() == ["GetDefaultDomain"]


def test_full_upn_is_kept_without_a_call():
    transport = FakeTransport()
    assert RamClient(transport).upn_for("bob@example.com") == "bob@example.com"
    assert transport.calls == []


def test_missing_default_domain_is_an_error():
    with pytest.raises(RamApiError):
        RamClient(FakeTransport({"GetDefaultDomain": {"RequestId": "R"}})).get_default_domain()


# --- users ----------------------------------------------------------------------------


def test_get_user_by_upn_or_id():
    transport = FakeTransport({"GetUser": {"User": dict(USER, UserName="alice")}})
    client = RamClient(transport)
    assert client.get_user(upn="alice@corp.onaliyun.com")["user_id"] == "u1"
    assert client.get_user(user_id="u1")["user_name"] == "alice"
    assert transport.sent("GetUser") == [{"UserPrincipalName": "alice@corp.onaliyun.com"}, {"UserId": "u1"}]
    for wrong in ({}, {"upn": "a", "user_id": "b"}):
        with pytest.raises(ValidationError) as info:
            client.get_user(**wrong)
        assert (info.value.option, info.value.rule) == ("user", "give exactly one of user_principal_name and user_id")
    assert len(transport.calls) == 2


def test_get_returns_none_only_for_not_found():
    client = RamClient(FakeTransport({"GetUser": error("EntityNotExist.User", status=404),
                                      "GetGroup": error("NoPermission", status=403)}))
    assert client.get_user(upn="x@y") is None
    with pytest.raises(RamApiError):
        client.get_group("dev")


def test_create_user_wire_params():
    transport = FakeTransport({"CreateUser": {"User": USER}})
    user = RamClient(transport).create_user("alice@corp.onaliyun.com", "Alice", email="a@example.com",
                                            tags={"team": "x", "env": ""})
    assert user["user_principal_name"] == "alice@corp.onaliyun.com"
    assert without_none(transport.sent("CreateUser")[0]) == {
        "UserPrincipalName": "alice@corp.onaliyun.com", "DisplayName": "Alice", "Email": "a@example.com",
        "Tag.1.Key": "env", "Tag.1.Value": "", "Tag.2.Key": "team", "Tag.2.Value": "x"}


def test_retried_create_that_finds_the_entity_returns_it():
    transport = FakeTransport({"CreateUser": error("EntityAlreadyExists.User", retried=True),
                               "GetUser": {"User": USER}})
    user = RamClient(transport).create_user("alice@corp.onaliyun.com", "Alice")
    assert user["user_id"] == "u1"
    assert transport.actions() == ["CreateUser", "GetUser"]


def test_first_try_create_conflict_is_raised():
    transport = FakeTransport({"CreateUser": error("EntityAlreadyExists.User", retried=False)})
    with pytest.raises(RamApiError) as info:
        RamClient(transport).create_user("alice@corp.onaliyun.com", "Alice")
    assert info.value.code == "EntityAlreadyExists.User"
    assert transport.actions() == ["CreateUser"]


def test_retried_create_conflict_with_nothing_to_find_is_raised():
    transport = FakeTransport({"CreateGroup": error("EntityAlreadyExists.Group", retried=True),
                               "GetGroup": error("EntityNotExist.Group", status=404)})
    with pytest.raises(RamApiError) as info:
        RamClient(transport).create_group("dev")
    assert info.value.code == "EntityAlreadyExists.Group"


def test_retried_create_with_other_error_is_raised():
    transport = FakeTransport({"CreateUser": error("LimitExceeded.User", retried=True)})
    with pytest.raises(RamApiError):
        RamClient(transport).create_user("a@x", "A")
    assert transport.actions() == ["CreateUser"]


@pytest.mark.parametrize("method, args, action", [
    ("delete_user", ("a@x",), "DeleteUser"),
    ("delete_group", ("dev",), "DeleteGroup"),
    ("delete_login_profile", ("a@x",), "DeleteLoginProfile"),
    ("delete_access_key", ("a@x", "LTAI1"), "DeleteAccessKey"),
    ("remove_user_from_group", ("a@x", "dev"), "RemoveUserFromGroup"),
    ("detach_policy_from_user", ("a@x", "ReadOnlyAccess", "System"), "DetachPolicyFromUser"),
    ("detach_policy_from_group", ("dev", "ReadOnlyAccess", "System"), "DetachPolicyFromGroup"),
    ("unbind_mfa_device", ("a@x",), "UnbindMFADevice"),
])
def test_delete_convergence(method, args, action):
    retried = FakeTransport({action: error("EntityNotExist.User", retried=True, status=404)})
    getattr(RamClient(retried), method)(*args)  # counts as done
    first_try = FakeTransport({action: error("EntityNotExist.User", retried=False, status=404)})
    with pytest.raises(RamApiError):
        getattr(RamClient(first_try), method)(*args)
    conflict = FakeTransport({action: error("DeleteConflict.User.Group", retried=True)})
    with pytest.raises(RamApiError):
        getattr(RamClient(conflict), method)(*args)


@pytest.mark.parametrize("method, args, action, code", [
    ("add_user_to_group", ("a@x", "dev"), "AddUserToGroup", "EntityAlreadyExists.User.Group"),
    ("attach_policy_to_user", ("a@x", "P", "Custom"), "AttachPolicyToUser", "EntityAlreadyExists.User.Policy"),
    ("attach_policy_to_group", ("dev", "P", "Custom"), "AttachPolicyToGroup", "EntityAlreadyExists.Group.Policy"),
])
def test_add_convergence(method, args, action, code):
    getattr(RamClient(FakeTransport({action: error(code, retried=True)})), method)(*args)
    with pytest.raises(RamApiError):
        getattr(RamClient(FakeTransport({action: error(code, retried=False)})), method)(*args)


def test_update_user_sends_only_given_fields():
    transport = FakeTransport({"UpdateUser": {"User": USER}})
    RamClient(transport).update_user(upn="alice@corp.onaliyun.com", new_display_name="Al", new_comments="")
    assert without_none(transport.sent("UpdateUser")[0]) == {
        "UserPrincipalName": "alice@corp.onaliyun.com", "NewDisplayName": "Al", "NewComments": ""}


def test_list_users_follows_markers_to_the_end():
    pages = [
        {"IsTruncated": True, "Marker": "m1", "Users": {"User": [{"UserPrincipalName": "a@x"}, {"UserPrincipalName": "b@x"}]}},
        {"IsTruncated": True, "Marker": "m2", "Users": {"User": [{"UserPrincipalName": "c@x"}]}},
        {"IsTruncated": False, "Users": {"User": [{"UserPrincipalName": "d@x"}]}},
    ]
    transport = FakeTransport({"ListUsers": pages})
    users = RamClient(transport, page_size=2).list_users()
    assert [u["user_principal_name"] for u in users] == ["a@x", "b@x", "c@x", "d@x"]
    # ListUsers alone hides frozen users: every page asks for both states
    assert transport.sent("ListUsers") == [{"MaxItems": 2, "Status": "active,freeze"},
                                           {"MaxItems": 2, "Status": "active,freeze", "Marker": "m1"},
                                           {"MaxItems": 2, "Status": "active,freeze", "Marker": "m2"}]


def test_paging_stops_on_a_repeated_marker():
    transport = FakeTransport({"ListGroups": {"IsTruncated": True, "Marker": "same", "Groups": {"Group": []}}})
    with pytest.raises(RamApiError) as info:
        RamClient(transport).list_groups()
    assert info.value.code == "InvalidResponse"
    assert len(transport.calls) == 2


def test_list_users_for_group_pages_and_keeps_group_name():
    pages = [{"IsTruncated": True, "Marker": "m", "Users": {"User": [{"UserPrincipalName": "a@x", "JoinDate": "j"}]}},
             {"IsTruncated": False, "Users": {"User": []}}]
    transport = FakeTransport({"ListUsersForGroup": pages})
    members = RamClient(transport).list_users_for_group("dev")
    assert members[0]["join_date"] == "j" and members[0]["user_name"] == "a"
    assert all(p["GroupName"] == "dev" for p in transport.sent("ListUsersForGroup"))


def test_tags_use_resource_principal_name():
    transport = FakeTransport()
    client = RamClient(transport)
    client.tag_user("a@x", {"b": "2", "a": "1"})
    client.untag_user("a@x", ["z", "y"])
    assert transport.sent("TagResources")[0] == {"ResourceType": "user", "ResourcePrincipalName.1": "a@x",
                                                 "Tag.1.Key": "a", "Tag.1.Value": "1", "Tag.2.Key": "b", "Tag.2.Value": "2"}
    assert transport.sent("UntagResources")[0] == {"ResourceType": "user", "ResourcePrincipalName.1": "a@x",
                                                   "TagKey.1": "y", "TagKey.2": "z"}


def test_ram_calls_use_the_user_name_prefix():
    transport = FakeTransport({"ListPoliciesForUser": {"Policies": {"Policy": [
        {"PolicyName": "ReadOnlyAccess", "PolicyType": "System", "AttachDate": "d"}]}}})
    client = RamClient(transport)
    policies = client.list_policies_for_user("alice@corp.onaliyun.com")
    client.attach_policy_to_user("alice", "P", "Custom")
    assert policies == [{"policy_name": "ReadOnlyAccess", "policy_type": "System", "description": None,
                         "default_version": None, "attach_date": "d"}]
    assert [c[0] for c in transport.calls] == ["ram", "ram"]
    assert transport.sent("ListPoliciesForUser")[0] == {"UserName": "alice"}
    assert transport.sent("AttachPolicyToUser")[0] == {"UserName": "alice", "PolicyName": "P", "PolicyType": "Custom"}


def test_get_policy():
    transport = FakeTransport({"GetPolicy": [{"Policy": {"PolicyName": "P", "PolicyType": "Custom", "DefaultVersion": "v2"}},
                                             error("EntityNotExist.Policy", status=404)]})
    client = RamClient(transport)
    assert client.get_policy("P", "Custom")["default_version"] == "v2"
    assert client.get_policy("Q", "Custom") is None
    assert transport.sent("GetPolicy")[0] == {"PolicyName": "P", "PolicyType": "Custom"}


def test_login_profile_calls():
    profile = {"LoginProfile": {"UserPrincipalName": "a@x", "Status": "Active", "MFABindRequired": True}}
    transport = FakeTransport({"CreateLoginProfile": profile, "UpdateLoginProfile": profile,
                               "GetLoginProfile": error("EntityNotExist.User.LoginProfile", status=404)})
    client = RamClient(transport)
    assert client.get_login_profile("a@x") is None
    created = client.create_login_profile("a@x", password="P@ss-1234", password_reset_required=False, mfa_bind_required=True)
    client.update_login_profile("a@x", status="Inactive")
    assert created["mfa_bind_required"] is True
    assert without_none(transport.sent("CreateLoginProfile")[0]) == {
        "UserPrincipalName": "a@x", "Password": "P@ss-1234", "PasswordResetRequired": False, "MFABindRequired": True}
    assert without_none(transport.sent("UpdateLoginProfile")[0]) == {"UserPrincipalName": "a@x", "Status": "Inactive"}


def test_retried_login_profile_create_returns_existing():
    transport = FakeTransport({"CreateLoginProfile": error("EntityAlreadyExists.User.LoginProfile", retried=True),
                               "GetLoginProfile": {"LoginProfile": {"UserPrincipalName": "a@x", "Status": "Active"}}})
    assert RamClient(transport).create_login_profile("a@x", password="x")["status"] == "Active"


def test_password_policy_set_uses_wire_names():
    transport = FakeTransport({"SetPasswordPolicy": {"PasswordPolicy": {"MinimumPasswordLength": 14, "MaxLoginAttemps": 3}}})
    client = RamClient(transport)
    result = client.set_password_policy(minimum_password_length=14, max_login_attemps=3, require_symbols=None)
    assert result["minimum_password_length"] == 14 and result["max_login_attemps"] == 3
    assert without_none(transport.sent("SetPasswordPolicy")[0]) == {"MinimumPasswordLength": 14, "MaxLoginAttemps": 3}
    with pytest.raises(ValidationError) as info:
        client.set_password_policy(minimum_length=3)
    assert info.value.option == "minimum_length"


def test_access_keys_and_mfa():
    transport = FakeTransport({
        "ListAccessKeys": {"AccessKeys": {"AccessKey": [{"AccessKeyId": "LTAI1", "Status": "Active", "AccessKeySecret": "s"}]}},
        "GetUserMFAInfo": [{"IsMFAEnable": True, "MFADevice": {"SerialNumber": "sn", "Type": "VMFA"}},
                           error("EntityNotExist.User.MFADevice", status=404)],
    })
    client = RamClient(transport)
    keys = client.list_access_keys("a@x")
    assert keys == [{"access_key_id": "LTAI1", "status": "Active", "create_date": None, "update_date": None}]
    assert client.get_user_mfa_info("a@x")["serial_number"] == "sn"
    assert client.get_user_mfa_info("a@x") is None


def test_groups_calls():
    group = {"Group": {"GroupName": "dev", "GroupId": "g"}}
    transport = FakeTransport({"CreateGroup": group, "UpdateGroup": group, "GetGroup": group,
                               "ListGroupsForUser": {"Groups": {"Group": [{"GroupName": "dev", "JoinDate": "j"}]}},
                               "ListPoliciesForGroup": {"Policies": {"Policy": []}}})
    client = RamClient(transport)
    client.create_group("dev", display_name="Dev")
    client.update_group("dev", new_display_name="Developers")
    assert client.list_groups_for_user("a@x")[0]["join_date"] == "j"
    assert client.list_policies_for_group("dev") == []
    client.add_user_to_group("a@x", "dev")
    assert without_none(transport.sent("CreateGroup")[0]) == {"GroupName": "dev", "DisplayName": "Dev"}
    assert without_none(transport.sent("UpdateGroup")[0]) == {"GroupName": "dev", "NewDisplayName": "Developers"}
    assert transport.sent("AddUserToGroup")[0] == {"UserPrincipalName": "a@x", "GroupName": "dev"}
    assert [c[0] for c in transport.calls if c[1] == "ListPoliciesForGroup"] == ["ram"]


def test_assume_role():
    transport = FakeTransport({"AssumeRole": {"Credentials": {"AccessKeyId": "STS.1", "AccessKeySecret": "s",
                                                              "SecurityToken": "t", "Expiration": "2030-01-01T00:00:00Z"},
                                              "AssumedRoleUser": {"Arn": "arn", "AssumedRoleId": "id"}}})
    result = RamClient(transport).assume_role("acs:ram::1:role/r", "sess", duration_seconds=900)
    assert result["access_key_id"] == "STS.1" and result["expiration"] == "2030-01-01T00:00:00Z"
    assert without_none(transport.sent("AssumeRole")[0]) == {"RoleArn": "acs:ram::1:role/r", "RoleSessionName": "sess",
                                                             "DurationSeconds": 900}
    assert transport.calls[0][0] == "sts"


def test_list_users_reports_each_users_status():
    transport = FakeTransport({"ListUsers": {"Users": {"User": [
        {"UserPrincipalName": "a@x", "Status": "active"}, {"UserPrincipalName": "f@x", "Status": "freeze"}]}}})
    users = RamClient(transport).list_users()
    assert [(u["user_principal_name"], u["status"]) for u in users] == [("a@x", "active"), ("f@x", "freeze")]
    assert RamClient(transport).list_users(status="freeze") is not None
    assert transport.sent("ListUsers")[-1]["Status"] == "freeze"


# --- eventual consistency right after our own create ------------------------------------


def lagging(code, times, then):
    """A reply function: ``code`` for the first ``times`` calls, then ``then``."""
    state = {"left": times}

    def reply(params):
        if state["left"] > 0:
            state["left"] -= 1
            raise error(code, status=404)
        return then
    return reply


def test_a_user_we_just_created_is_waited_for_until_it_is_visible():
    clock = FakeTime()
    transport = FakeTransport({"CreateUser": {"User": USER},
                               "AddUserToGroup": lagging("EntityNotExist.User", 3, {}),
                               "GetUser": lagging("EntityNotExist.User", 2, {"User": USER})})
    client = RamClient(transport, clock=clock, sleep=clock.sleep)
    client.create_user("alice@corp.onaliyun.com", "Alice")
    client.add_user_to_group("alice@corp.onaliyun.com", "dev")
    assert client.get_user(upn="alice@corp.onaliyun.com")["user_id"] == "u1"
    assert transport.actions().count("AddUserToGroup") == 4
    assert transport.actions().count("GetUser") == 3
    # bounded exponential waits: 0.2, 0.4, 0.8 then 0.2, 0.4
    assert clock.sleeps == [0.2, 0.4, 0.8, 0.2, 0.4]


def test_the_wait_for_a_fresh_entity_is_bounded():
    clock = FakeTime()
    transport = FakeTransport({"CreateGroup": {"Group": {"GroupName": "dev"}},
                               "GetGroup": error("EntityNotExist.Group", status=404)})
    client = RamClient(transport, clock=clock, sleep=clock.sleep)
    client.create_group("dev")
    with pytest.raises(RamApiError):
        client._call("ims", "GetGroup", GroupName="dev")
    assert sum(clock.sleeps) == pytest.approx(10.0)
    assert max(clock.sleeps) <= 2.0


@pytest.mark.parametrize("upn, later", [("bob@corp.onaliyun.com", 0), ("alice@corp.onaliyun.com", 61)])
def test_absent_at_once_unless_we_created_it_within_the_last_minute(upn, later):
    """Someone else's entity, or ours created long ago: "does not exist" is believed at once."""
    clock = FakeTime()
    transport = FakeTransport({"GetUser": error("EntityNotExist.User", status=404),
                               "CreateUser": {"User": USER}})
    client = RamClient(transport, clock=clock, sleep=clock.sleep)
    client.create_user("alice@corp.onaliyun.com", "Alice")
    clock.now += later
    assert client.get_user(upn=upn) is None
    assert clock.sleeps == []
    assert transport.actions().count("GetUser") == 1


def test_other_errors_about_a_fresh_entity_are_not_retried():
    clock = FakeTime()
    transport = FakeTransport({"CreateUser": {"User": USER},
                               "AddUserToGroup": error("EntityNotExist.Group", status=404)})
    client = RamClient(transport, clock=clock, sleep=clock.sleep)
    client.create_user("alice@corp.onaliyun.com", "Alice")
    # the group, not the fresh user, is missing
    with pytest.raises(RamApiError) as raised:
        client.add_user_to_group("alice@corp.onaliyun.com", "dev")
    assert raised.value.code == "EntityNotExist.Group"
    assert clock.sleeps == []


def test_a_renamed_user_is_fresh_under_its_new_name():
    clock = FakeTime()
    transport = FakeTransport({"UpdateUser": {"User": USER},
                               "GetUser": lagging("EntityNotExist.User", 1, {"User": USER})})
    client = RamClient(transport, clock=clock, sleep=clock.sleep)
    client.update_user(upn="al@corp.onaliyun.com", new_upn="alice@corp.onaliyun.com")
    assert client.get_user(upn="alice@corp.onaliyun.com") is not None
    assert clock.sleeps == [0.2]
