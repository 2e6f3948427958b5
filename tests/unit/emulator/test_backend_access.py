# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator backend: login profiles, password policy, AccessKeys, MFA, groups and policies."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.tests.emulator.ram_backend import IMS, RAM, ApiFault, RamBackend
from ansible_collections.aliyun.ram.tests.unit.emulator.backend_support import Clock, call, fault_of, upn

DAY = 86400


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def backend(clock):
    backend = RamBackend(clock=clock)
    for name in ("alice", "bob"):
        call(backend, IMS, "CreateUser", UserPrincipalName=upn(name), DisplayName=name)
    return backend


ALICE = {"UserPrincipalName": upn("alice")}


# ----------------------------------------------------------------------------- login profiles


def test_login_profile_lifecycle_ims(backend, clock):
    created = call(backend, IMS, "CreateLoginProfile", Password="Initial-Pass1", PasswordResetRequired="True",
                   MFABindRequired="false", **ALICE)["LoginProfile"]
    assert created == {"UserPrincipalName": upn("alice"), "Status": "Active", "PasswordResetRequired": True,
                       "MFABindRequired": False, "PasswordStatus": "InitialValid", "UpdateDate": created["UpdateDate"]}
    clock.now += 60
    updated = call(backend, IMS, "UpdateLoginProfile", Status="Inactive", MFABindRequired="true", **ALICE)["LoginProfile"]
    assert (updated["Status"], updated["MFABindRequired"], updated["PasswordResetRequired"]) == ("Inactive", True, True)
    assert updated["AutoDisableLoginStatus"] == "true"
    assert updated["UpdateDate"] > created["UpdateDate"]
    got = call(backend, IMS, "GetLoginProfile", **ALICE)["LoginProfile"]
    assert got["LastLoginTime"] == "" and got["Status"] == "Inactive"
    assert call(backend, IMS, "DeleteLoginProfile", **ALICE) == {}
    assert fault_of(backend, IMS, "GetLoginProfile", **ALICE) == ("EntityNotExist.User.LoginProfile", 404)


def test_login_profile_without_password_is_accepted(backend):
    profile = call(backend, IMS, "CreateLoginProfile", **ALICE)["LoginProfile"]
    assert profile["Status"] == "Active"
    assert profile["PasswordStatus"] == "NotInitial"


@pytest.mark.parametrize("action", ["GetLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile"])
def test_missing_login_profile_is_404(backend, action):
    assert fault_of(backend, IMS, action, **ALICE) == ("EntityNotExist.User.LoginProfile", 404)
    assert fault_of(backend, RAM, action, UserName="alice") == ("EntityNotExist.User.LoginProfile", 404)


def test_second_login_profile_is_409(backend):
    call(backend, IMS, "CreateLoginProfile", Password="Initial-Pass1", **ALICE)
    assert fault_of(backend, IMS, "CreateLoginProfile", **ALICE) == ("EntityAlreadyExists.User.LoginProfile", 409)
    assert fault_of(backend, RAM, "CreateLoginProfile", UserName="alice", Password="Another-Pass1") == \
        ("EntityAlreadyExists.User.LoginProfile", 409)


@pytest.mark.parametrize("params, fault", [
    ({"UserPrincipalName": upn("nobody")}, ("EntityNotExist.User", 404)),
    ({}, ("MissingParameter.UserPrincipalName", 400)),
    ({"UserPrincipalName": upn("alice"), "Status": "Enabled"}, ("InvalidParameter.Status", 400)),
    ({"UserPrincipalName": upn("alice"), "PasswordResetRequired": "yes"}, ("InvalidParameter.PasswordResetRequired", 400)),
])
def test_create_login_profile_errors(backend, params, fault):
    assert fault_of(backend, IMS, "CreateLoginProfile", **params) == fault


def test_initial_password_expires_after_initial_password_age(backend, clock):
    call(backend, IMS, "CreateLoginProfile", Password="Initial-Pass1", **ALICE)
    clock.now += 14 * DAY - 10
    assert call(backend, IMS, "GetLoginProfile", **ALICE)["LoginProfile"]["PasswordStatus"] == "InitialValid"
    clock.now += 20
    assert call(backend, IMS, "GetLoginProfile", **ALICE)["LoginProfile"]["PasswordStatus"] == "InitialExpired"
    # An administrator setting a new password makes it a fresh initial password.
    call(backend, IMS, "UpdateLoginProfile", Password="Second-Pass2", **ALICE)
    assert call(backend, IMS, "GetLoginProfile", **ALICE)["LoginProfile"]["PasswordStatus"] == "InitialValid"


def test_ram_login_profile_views(backend):
    created = call(backend, RAM, "CreateLoginProfile", UserName="bob", Password="Initial-Pass1",
                   MFABindRequired="True")["LoginProfile"]
    assert set(created) == {"UserName", "PasswordResetRequired", "MFABindRequired", "CreateDate"}
    assert created["MFABindRequired"] is True
    assert call(backend, RAM, "UpdateLoginProfile", UserName="bob", PasswordResetRequired="true") == {}
    got = call(backend, RAM, "GetLoginProfile", UserName="bob")["LoginProfile"]
    assert got["PasswordResetRequired"] is True and got["UserName"] == "bob"
    # IMS sees the same profile.
    assert call(backend, IMS, "GetLoginProfile", UserPrincipalName=upn("bob"))["LoginProfile"]["MFABindRequired"] is True
    assert fault_of(backend, RAM, "CreateLoginProfile", UserName="alice") == ("MissingParameter.Password", 400)


# ----------------------------------------------------------------------------- password policy


DEFAULT_POLICY = {"MinimumPasswordLength": 8, "RequireLowercaseCharacters": False, "RequireUppercaseCharacters": False,
                  "RequireNumbers": False, "RequireSymbols": False, "HardExpire": False, "MaxLoginAttemps": 0,
                  "PasswordReusePrevention": 0, "MaxPasswordAge": 0, "MinimumPasswordDifferentCharacter": 0,
                  "PasswordNotContainUserName": False, "InitialPasswordAge": 14, "InterceptRiskPasswordOnApi": False}


def test_default_password_policy(backend):
    assert call(backend, IMS, "GetPasswordPolicy") == {"PasswordPolicy": DEFAULT_POLICY}


def test_set_password_policy_round_trip_and_reset_of_omitted_fields(backend):
    body = call(backend, IMS, "SetPasswordPolicy", MinimumPasswordLength=12, RequireSymbols="true", MaxPasswordAge=90,
                HardExpire="True", InitialPasswordAge=0)
    expected = dict(DEFAULT_POLICY, MinimumPasswordLength=12, RequireSymbols=True, MaxPasswordAge=90, HardExpire=True,
                    InitialPasswordAge=0)
    assert body["PasswordPolicy"] == expected
    assert call(backend, IMS, "GetPasswordPolicy")["PasswordPolicy"] == expected
    call(backend, IMS, "SetPasswordPolicy", RequireNumbers="true")
    assert call(backend, IMS, "GetPasswordPolicy")["PasswordPolicy"] == dict(DEFAULT_POLICY, RequireNumbers=True)


RAM_POLICY_FIELDS = {"HardExpiry", "MaxLoginAttemps", "MaxPasswordAge", "MinimumPasswordLength", "PasswordReusePrevention",
                     "RequireLowercaseCharacters", "RequireNumbers", "RequireSymbols", "RequireUppercaseCharacters"}


def test_ram_password_policy_has_the_nine_fields_of_the_ram_sdk(backend):
    call(backend, RAM, "SetPasswordPolicy", HardExpiry="true", MinimumPasswordLength=10)
    ram = call(backend, RAM, "GetPasswordPolicy")["PasswordPolicy"]
    assert set(ram) == RAM_POLICY_FIELDS
    assert ram["HardExpiry"] is True and ram["MinimumPasswordLength"] == 10
    assert call(backend, IMS, "GetPasswordPolicy")["PasswordPolicy"]["HardExpire"] is True
    assert set(call(backend, RAM, "SetPasswordPolicy")["PasswordPolicy"]) == RAM_POLICY_FIELDS


def test_ram_set_password_policy_keeps_the_ims_only_fields(backend):
    call(backend, IMS, "SetPasswordPolicy", PasswordNotContainUserName="true", MinimumPasswordDifferentCharacter=4,
         InitialPasswordAge=30)
    # RAM has no such parameters: sending them changes nothing, and RAM's own fields reset to their defaults.
    call(backend, RAM, "SetPasswordPolicy", RequireNumbers="true", PasswordNotContainUserName="false",
         MinimumPasswordDifferentCharacter=0)
    ims = call(backend, IMS, "GetPasswordPolicy")["PasswordPolicy"]
    assert (ims["PasswordNotContainUserName"], ims["MinimumPasswordDifferentCharacter"], ims["InitialPasswordAge"]) == \
        (True, 4, 30)
    assert ims["RequireNumbers"] is True


@pytest.mark.parametrize("field, low, high", [
    ("MinimumPasswordLength", 8, 32), ("InitialPasswordAge", 0, 90), ("MaxLoginAttemps", 0, 32),
    ("MaxPasswordAge", 0, 1095), ("MinimumPasswordDifferentCharacter", 0, 8), ("PasswordReusePrevention", 0, 24),
])
def test_password_policy_ranges(backend, field, low, high):
    for value in (low, high):
        assert call(backend, IMS, "SetPasswordPolicy", **{field: value})["PasswordPolicy"][field] == value
    for value in (low - 1, high + 1):
        assert fault_of(backend, IMS, "SetPasswordPolicy", **{field: value}) == ("InvalidParameter.%s.Range" % field, 400)


def test_range_error_message_is_documented(backend):
    with pytest.raises(ApiFault) as info:
        call(backend, IMS, "SetPasswordPolicy", MinimumPasswordLength=7)
    assert info.value.message == 'The parameter - "MinimumPasswordLength" MUST be in the range of 8 and 32.'


@pytest.mark.parametrize("policy, weak, strong", [
    ({}, "Short1!", "longenough"),
    ({"MinimumPasswordLength": 12}, "Elevenchars", "twelve-chars"),
    ({"RequireLowercaseCharacters": "true"}, "ALLUPPER123", "ALLUPPEr123"),
    ({"RequireUppercaseCharacters": "true"}, "alllower123", "allloweR123"),
    ({"RequireNumbers": "true"}, "NoDigitsHere", "OneDigit1Here"),
    ({"RequireSymbols": "true"}, "NoSymbols123", "Symbol#123x"),
    ({"PasswordNotContainUserName": "true"}, "xxALICE-pass1", "xx-pass1-bob"),
    ({"MinimumPasswordDifferentCharacter": 5}, "aaaabbbbcccc", "abcdeaaaa"),
])
def test_passwords_are_checked_against_the_policy(backend, policy, weak, strong):
    if policy:
        call(backend, IMS, "SetPasswordPolicy", **policy)
    with pytest.raises(ApiFault) as info:
        call(backend, IMS, "CreateLoginProfile", Password=weak, **ALICE)
    assert (info.value.code, info.value.http_status) == ("InvalidParameter.Password.TooWeak", 400)
    assert weak not in str(info.value)
    assert info.value.message == 'The parameter - "Password" is not compliant with the password policy.'
    assert fault_of(backend, IMS, "GetLoginProfile", **ALICE) == ("EntityNotExist.User.LoginProfile", 404)
    call(backend, IMS, "CreateLoginProfile", Password=strong, **ALICE)
    with pytest.raises(ApiFault):
        call(backend, IMS, "UpdateLoginProfile", Password=weak, **ALICE)
    with pytest.raises(ApiFault):
        call(backend, RAM, "UpdateLoginProfile", UserName="alice", Password=weak)


# ----------------------------------------------------------------------------- AccessKeys


def test_access_key_lifecycle(backend, clock):
    created = call(backend, IMS, "CreateAccessKey", **ALICE)["AccessKey"]
    assert created["Status"] == "Active" and created["AccessKeySecret"]
    akid = created["AccessKeyId"]
    listed = call(backend, IMS, "ListAccessKeys", **ALICE)["AccessKeys"]["AccessKey"]
    assert listed == [{"AccessKeyId": akid, "Status": "Active", "CreateDate": created["CreateDate"],
                       "UpdateDate": created["CreateDate"]}]
    assert backend.lookup_access_key(akid) == {"secret": created["AccessKeySecret"], "security_token": None,
                                               "expiration": None, "disabled": False}
    clock.now += 5
    call(backend, IMS, "UpdateAccessKey", UserAccessKeyId=akid, Status="Inactive", **ALICE)
    assert call(backend, RAM, "ListAccessKeys", UserName="alice")["AccessKeys"]["AccessKey"][0]["Status"] == "Inactive"
    assert backend.lookup_access_key(akid)["disabled"] is True
    call(backend, IMS, "DeleteAccessKey", UserAccessKeyId=akid, **ALICE)
    assert backend.lookup_access_key(akid) is None
    assert call(backend, IMS, "ListAccessKeys", **ALICE) == {"AccessKeys": {"AccessKey": []}}


def test_two_access_keys_per_user(backend):
    call(backend, IMS, "CreateAccessKey", **ALICE)
    call(backend, RAM, "CreateAccessKey", UserName="alice")
    assert fault_of(backend, IMS, "CreateAccessKey", **ALICE) == ("LimitExceeded.User.AccessKey", 409)
    assert call(backend, IMS, "CreateAccessKey", UserPrincipalName=upn("bob"))["AccessKey"]["AccessKeyId"]


def test_access_key_of_another_user_is_not_found(backend):
    akid = call(backend, IMS, "CreateAccessKey", **ALICE)["AccessKey"]["AccessKeyId"]
    assert fault_of(backend, IMS, "DeleteAccessKey", UserPrincipalName=upn("bob"), UserAccessKeyId=akid) == \
        ("EntityNotExist.User.AccessKey", 404)
    assert fault_of(backend, RAM, "DeleteAccessKey", UserName="bob", UserAccessKeyId=akid) == \
        ("EntityNotExist.User.AccessKey", 404)
    assert fault_of(backend, IMS, "UpdateAccessKey", UserAccessKeyId=akid, Status="Paused", **ALICE) == \
        ("InvalidParameter.Status", 400)


def test_access_key_calls_default_to_the_calling_user(backend):
    created = call(backend, IMS, "CreateAccessKey", **ALICE)["AccessKey"]
    as_alice = {"access_key_id": created["AccessKeyId"], "is_sts": False}
    keys = call(backend, IMS, "ListAccessKeys", caller=as_alice)["AccessKeys"]["AccessKey"]
    assert [k["AccessKeyId"] for k in keys] == [created["AccessKeyId"]]
    assert fault_of(backend, IMS, "ListAccessKeys") == ("MissingParameter.UserPrincipalName", 400)


# ----------------------------------------------------------------------------- MFA


def bind(backend, name, device="dev1"):
    serial = call(backend, IMS, "CreateVirtualMFADevice", VirtualMFADeviceName=device)["VirtualMFADevice"]["SerialNumber"]
    call(backend, IMS, "BindMFADevice", SerialNumber=serial, UserPrincipalName=upn(name),
         AuthenticationCode1="111111", AuthenticationCode2="222222")
    return serial


def test_mfa_bind_info_and_unbind(backend):
    assert call(backend, IMS, "GetUserMFAInfo", **ALICE) == {"IsMFAEnable": False}
    assert fault_of(backend, RAM, "GetUserMFAInfo", UserName="alice") == ("EntityNotExist.User.MFADevice", 404)
    assert fault_of(backend, IMS, "GetUserMFAInfo", UserPrincipalName=upn("zed")) == ("EntityNotExist.User", 404)
    serial = bind(backend, "alice")
    assert serial == "acs:ram::1234567890123456:mfa/dev1"
    assert call(backend, IMS, "GetUserMFAInfo", **ALICE) == {"IsMFAEnable": True,
                                                             "MFADevice": {"SerialNumber": serial, "Type": "VMFA"}}
    assert call(backend, RAM, "GetUserMFAInfo", UserName="alice")["MFADevice"]["SerialNumber"] == serial
    assert call(backend, RAM, "UnbindMFADevice", UserName="alice") == {"MFADevice": {"SerialNumber": serial}}
    assert fault_of(backend, IMS, "UnbindMFADevice", **ALICE) == ("EntityNotExist.User.MFADevice", 404)
    # The unbound device can be bound again, then deleted once free.
    call(backend, IMS, "BindMFADevice", SerialNumber=serial, UserPrincipalName=upn("bob"),
         AuthenticationCode1="123456", AuthenticationCode2="654321")
    assert fault_of(backend, IMS, "DeleteVirtualMFADevice", SerialNumber=serial) == ("DeleteConflict.VirtualMFADevice.User", 409)


@pytest.mark.parametrize("codes, fault", [
    (("12345", "123456"), ("InvalidParameter.AuthenticationCode.Format", 400)),
    (("123456", "abcdef"), ("InvalidParameter.AuthenticationCode.Format", 400)),
])
def test_mfa_code_format(backend, codes, fault):
    serial = call(backend, IMS, "CreateVirtualMFADevice", VirtualMFADeviceName="d")["VirtualMFADevice"]["SerialNumber"]
    assert fault_of(backend, IMS, "BindMFADevice", SerialNumber=serial, AuthenticationCode1=codes[0],
                    AuthenticationCode2=codes[1], **ALICE) == fault


def test_mfa_conflicts(backend):
    serial = bind(backend, "alice")
    assert fault_of(backend, IMS, "CreateVirtualMFADevice", VirtualMFADeviceName="dev1") == \
        ("EntityAlreadyExists.VirtualMFADevice", 409)
    assert fault_of(backend, IMS, "BindMFADevice", SerialNumber=serial, UserPrincipalName=upn("bob"),
                    AuthenticationCode1="111111", AuthenticationCode2="222222") == \
        ("EntityAlreadyExists.VirtualMFADevice.User", 409)
    other = call(backend, IMS, "CreateVirtualMFADevice", VirtualMFADeviceName="dev2")["VirtualMFADevice"]["SerialNumber"]
    assert fault_of(backend, IMS, "BindMFADevice", SerialNumber=other, AuthenticationCode1="111111",
                    AuthenticationCode2="222222", **ALICE) == ("EntityAlreadyExists.User.MFADevice", 409)
    assert fault_of(backend, IMS, "BindMFADevice", SerialNumber="acs:ram::1:mfa/none", AuthenticationCode1="111111",
                    AuthenticationCode2="222222", **ALICE) == ("EntityNotExist.VirtualMFADevice", 404)


# ----------------------------------------------------------------------------- groups


def test_group_lifecycle_ims(backend):
    group = call(backend, IMS, "CreateGroup", GroupName="dev", DisplayName="Developers", Comments="c")["Group"]
    assert (group["GroupName"], group["DisplayName"], group["Comments"]) == ("dev", "Developers", "c")
    assert group["GroupId"].startswith("g-")
    updated = call(backend, IMS, "UpdateGroup", GroupName="dev", NewGroupName="devs", NewDisplayName="Devs",
                   NewComments="")["Group"]
    assert (updated["GroupName"], updated["DisplayName"], updated["Comments"]) == ("devs", "Devs", "")
    assert call(backend, RAM, "GetGroup", GroupName="devs")["Group"]["GroupId"] == group["GroupId"]
    assert "DisplayName" not in call(backend, RAM, "GetGroup", GroupName="devs")["Group"]
    assert call(backend, IMS, "DeleteGroup", GroupName="devs") == {}
    assert fault_of(backend, IMS, "GetGroup", GroupName="devs") == ("EntityNotExist.Group", 404)


@pytest.mark.parametrize("version, action, params, fault", [
    (IMS, "CreateGroup", {}, ("MissingParameter.GroupName", 400)),
    (IMS, "CreateGroup", {"GroupName": "g" * 65}, ("InvalidParameter.GroupName.Length", 400)),
    (IMS, "CreateGroup", {"GroupName": "a b"}, ("InvalidParameter.GroupName.InvalidChars", 400)),
    (IMS, "CreateGroup", {"GroupName": "ok", "DisplayName": "d" * 25}, ("InvalidParameter.DisplayName.Length", 400)),
    (IMS, "CreateGroup", {"GroupName": "ok", "Comments": "c" * 129}, ("InvalidParameter.Comments.Length", 400)),
    (RAM, "CreateGroup", {"GroupName": "a/b"}, ("InvalidParameter.GroupName.InvalidChars", 400)),
    (IMS, "CreateGroup", {"GroupName": "taken"}, ("EntityAlreadyExists.Group", 409)),
    (RAM, "CreateGroup", {"GroupName": "TAKEN"}, ("EntityAlreadyExists.Group", 409)),
    (IMS, "UpdateGroup", {"GroupName": "taken", "NewGroupName": "x y"}, ("InvalidParameter.NewGroupName.InvalidChars", 400)),
    (IMS, "UpdateGroup", {"GroupName": "taken", "NewDisplayName": "d" * 25}, ("InvalidParameter.NewDisplayName.Length", 400)),
    (RAM, "UpdateGroup", {"GroupName": "nope", "NewComments": "x"}, ("EntityNotExist.Group", 404)),
    (IMS, "DeleteGroup", {"GroupName": "nope"}, ("EntityNotExist.Group", 404)),
    (IMS, "AddUserToGroup", {"GroupName": "nope", "UserPrincipalName": upn("alice")}, ("EntityNotExist.Group", 404)),
    (IMS, "AddUserToGroup", {"GroupName": "taken", "UserPrincipalName": upn("zed")}, ("EntityNotExist.User", 404)),
    (IMS, "RemoveUserFromGroup", {"GroupName": "taken", "UserPrincipalName": upn("alice")}, ("EntityNotExist.User.Group", 404)),
    (RAM, "RemoveUserFromGroup", {"GroupName": "taken", "UserName": "alice"}, ("EntityNotExist.User.Group", 404)),
    (IMS, "ListUsersForGroup", {"GroupName": "nope"}, ("EntityNotExist.Group", 404)),
    (IMS, "ListGroupsForUser", {"UserPrincipalName": upn("zed")}, ("EntityNotExist.User", 404)),
])
def test_group_errors(backend, version, action, params, fault):
    call(backend, IMS, "CreateGroup", GroupName="taken")
    assert fault_of(backend, version, action, **params) == fault


def test_rename_group_onto_existing_is_409(backend):
    call(backend, IMS, "CreateGroup", GroupName="one")
    call(backend, IMS, "CreateGroup", GroupName="two")
    assert fault_of(backend, RAM, "UpdateGroup", GroupName="one", NewGroupName="two") == ("EntityAlreadyExists.Group", 409)


def test_membership_across_apis(backend, clock):
    call(backend, IMS, "CreateGroup", GroupName="ops", DisplayName="Ops")
    call(backend, IMS, "AddUserToGroup", GroupName="ops", **ALICE)
    clock.now += 1
    call(backend, RAM, "AddUserToGroup", GroupName="ops", UserName="bob")
    assert fault_of(backend, RAM, "AddUserToGroup", GroupName="ops", UserName="alice") == \
        ("EntityAlreadyExists.User.Group", 409)
    ims_groups = call(backend, IMS, "ListGroupsForUser", **ALICE)["Groups"]["Group"]
    assert [(g["GroupName"], g["DisplayName"]) for g in ims_groups] == [("ops", "Ops")]
    ram_groups = call(backend, RAM, "ListGroupsForUser", UserName="alice")["Groups"]["Group"]
    assert set(ram_groups[0]) == {"GroupId", "GroupName", "Comments", "JoinDate"}
    ims_users = call(backend, IMS, "ListUsersForGroup", GroupName="ops")["Users"]["User"]
    assert [u["UserPrincipalName"] for u in ims_users] == [upn("alice"), upn("bob")]
    assert ims_users[0]["JoinDate"] < ims_users[1]["JoinDate"]
    ram_users = call(backend, RAM, "ListUsersForGroup", GroupName="ops")["Users"]["User"]
    assert [u["UserName"] for u in ram_users] == ["alice", "bob"]
    assert fault_of(backend, IMS, "DeleteGroup", GroupName="ops") == ("DeleteConflict.Group.User", 409)
    call(backend, IMS, "RemoveUserFromGroup", GroupName="ops", **ALICE)
    call(backend, RAM, "RemoveUserFromGroup", GroupName="ops", UserName="bob")
    call(backend, RAM, "AttachPolicyToGroup", GroupName="ops", PolicyName="ReadOnlyAccess", PolicyType="System")
    assert fault_of(backend, RAM, "DeleteGroup", GroupName="ops") == ("DeleteConflict.Group.Policy", 409)
    call(backend, RAM, "DetachPolicyFromGroup", GroupName="ops", PolicyName="ReadOnlyAccess", PolicyType="System")
    assert call(backend, RAM, "DeleteGroup", GroupName="ops") == {}


def test_five_groups_per_user(backend):
    for index in range(6):
        call(backend, IMS, "CreateGroup", GroupName="g%d" % index)
    for index in range(5):
        call(backend, IMS, "AddUserToGroup", GroupName="g%d" % index, **ALICE)
    assert fault_of(backend, IMS, "AddUserToGroup", GroupName="g5", **ALICE) == ("LimitExceeded.User.Group", 409)


def test_fifty_groups_per_account(backend):
    for index in range(50):
        call(backend, RAM, "CreateGroup", GroupName="grp%02d" % index)
    assert fault_of(backend, IMS, "CreateGroup", GroupName="one-more") == ("LimitExceeded.Group", 409)


@pytest.mark.parametrize("version, action, item, max_items, high", [
    (IMS, "ListGroups", "Group", 3, 100), (RAM, "ListGroups", "Group", 4, 100),
    (IMS, "ListUsersForGroup", "User", 2, 100), (RAM, "ListUsersForGroup", "User", 3, 1000),
])
def test_group_listings_page_to_the_end(backend, version, action, item, max_items, high):
    for index in range(7):
        call(backend, IMS, "CreateGroup", GroupName="grp%d" % index)
        call(backend, RAM, "CreateUser", UserName="member%d" % index)
        call(backend, RAM, "AddUserToGroup", GroupName="grp0", UserName="member%d" % index)
    params = {"GroupName": "grp0"} if action == "ListUsersForGroup" else {}
    seen, marker = [], None
    while True:
        page_params = dict(params, MaxItems=max_items)
        if marker:
            page_params["Marker"] = marker
        body = call(backend, version, action, **page_params)
        seen.extend(body[item + "s"][item])
        if not body["IsTruncated"]:
            break
        marker = body["Marker"]
    assert len(seen) == 7
    assert fault_of(backend, version, action, MaxItems=high + 1, **params) == ("InvalidParameter.MaxItems", 400)


# ----------------------------------------------------------------------------- policies


def test_attach_list_detach_user_policy(backend, clock):
    call(backend, RAM, "AttachPolicyToUser", UserName="alice", PolicyName="AliyunECSReadOnlyAccess", PolicyType="System")
    policies = call(backend, RAM, "ListPoliciesForUser", UserName="alice")["Policies"]["Policy"]
    assert [(p["PolicyName"], p["PolicyType"], p["DefaultVersion"]) for p in policies] == \
        [("AliyunECSReadOnlyAccess", "System", "v1")]
    assert policies[0]["AttachDate"] and policies[0]["Description"]
    assert fault_of(backend, RAM, "AttachPolicyToUser", UserName="alice", PolicyName="AliyunECSReadOnlyAccess",
                    PolicyType="System") == ("EntityAlreadyExists.User.Policy", 409)
    call(backend, RAM, "DetachPolicyFromUser", UserName="alice", PolicyName="AliyunECSReadOnlyAccess", PolicyType="System")
    assert call(backend, RAM, "ListPoliciesForUser", UserName="alice") == {"Policies": {"Policy": []}}
    assert fault_of(backend, RAM, "DetachPolicyFromUser", UserName="alice", PolicyName="AliyunECSReadOnlyAccess",
                    PolicyType="System") == ("EntityNotExist.User.Policy", 404)


@pytest.mark.parametrize("params, fault", [
    ({"PolicyName": "AdministratorAccess", "PolicyType": "system"}, ("InvalidParameter.PolicyType", 400)),
    ({"PolicyName": "AdministratorAccess"}, ("MissingParameter.PolicyType", 400)),
    ({"PolicyName": "NoSuchPolicy", "PolicyType": "System"}, ("EntityNotExist.Policy", 404)),
    ({"PolicyName": "AdministratorAccess", "PolicyType": "Custom"}, ("EntityNotExist.Policy", 404)),
    ({"PolicyName": "p" * 129, "PolicyType": "System"}, ("InvalidParameter.PolicyName.Length", 400)),
    ({"PolicyName": "bad_name", "PolicyType": "System"}, ("InvalidParameter.PolicyName.InvalidChars", 400)),
])
def test_policy_parameter_errors(backend, params, fault):
    assert fault_of(backend, RAM, "AttachPolicyToUser", UserName="alice", **params) == fault
    assert fault_of(backend, RAM, "GetPolicy", **params) == fault


def test_policy_limits_per_type(backend):
    from ansible_collections.aliyun.ram.tests.emulator.ram_backend import SYSTEM_POLICIES
    for index in range(10):
        call(backend, RAM, "CreatePolicy", PolicyName="custom%d" % index, PolicyDocument='{"Version":"1","Statement":[]}')
        call(backend, RAM, "AttachPolicyToUser", UserName="alice", PolicyName="custom%d" % index, PolicyType="Custom")
    call(backend, RAM, "CreatePolicy", PolicyName="custom10", PolicyDocument='{"Version":"1","Statement":[]}')
    assert fault_of(backend, RAM, "AttachPolicyToUser", UserName="alice", PolicyName="custom10", PolicyType="Custom") == \
        ("LimitExceeded.User.Policy", 409)
    # System policies have their own quota of 20; the seed has fewer, so all of them fit.
    for name, description, actions in SYSTEM_POLICIES:
        call(backend, RAM, "AttachPolicyToUser", UserName="alice", PolicyName=name, PolicyType="System")
    for index in range(5):
        call(backend, RAM, "CreateUser", UserName="x%d" % index)
    call(backend, IMS, "CreateGroup", GroupName="grp")
    for index in range(10):  # 10 custom policies per group (Dec 2025 limits page; 5 in 2021)
        call(backend, RAM, "AttachPolicyToGroup", GroupName="grp", PolicyName="custom%d" % index, PolicyType="Custom")
    assert fault_of(backend, RAM, "AttachPolicyToGroup", GroupName="grp", PolicyName="custom10", PolicyType="Custom") == \
        ("LimitExceeded.Group.Policy", 409)


def test_policy_document_limit_is_6144(backend):
    document = '{"Version":"1","Statement":[],"Pad":"%s"}'
    filler = "x" * (6144 - len(document % ""))
    assert call(backend, RAM, "CreatePolicy", PolicyName="big", PolicyDocument=document % filler)["Policy"]
    assert fault_of(backend, RAM, "CreatePolicy", PolicyName="bigger", PolicyDocument=document % (filler + "x")) == \
        ("InvalidParameter.PolicyDocument.Length", 400)


def test_seeded_system_policies(backend):
    required = {"AdministratorAccess", "ReadOnlyAccess", "AliyunRAMFullAccess", "AliyunRAMReadOnlyAccess",
                "AliyunECSFullAccess", "AliyunECSReadOnlyAccess", "AliyunOSSFullAccess", "AliyunOSSReadOnlyAccess",
                "AliyunVPCReadOnlyAccess", "AliyunLogReadOnlyAccess", "AliyunSLBReadOnlyAccess", "AliyunRDSReadOnlyAccess",
                "AliyunActionTrailFullAccess", "AliyunSTSAssumeRoleAccess"}
    names, marker = set(), None
    while True:
        params = {"PolicyType": "System", "MaxItems": 5}
        if marker:
            params["Marker"] = marker
        body = call(backend, RAM, "ListPolicies", **params)
        names.update(p["PolicyName"] for p in body["Policies"]["Policy"])
        if not body["IsTruncated"]:
            break
        marker = body["Marker"]
    assert required <= names
    assert fault_of(backend, RAM, "ListPolicies", PolicyType="Managed") == ("InvalidParameter.PolicyType", 400)


def test_custom_policy_lifecycle(backend):
    document = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}]}'
    created = call(backend, RAM, "CreatePolicy", PolicyName="ecs-describe", PolicyDocument=document,
                   Description="Describe ECS")["Policy"]
    assert (created["PolicyType"], created["DefaultVersion"], created["Description"]) == ("Custom", "v1", "Describe ECS")
    got = call(backend, RAM, "GetPolicy", PolicyName="ecs-describe", PolicyType="Custom")
    assert got["Policy"]["AttachmentCount"] == 0
    assert got["DefaultPolicyVersion"]["PolicyDocument"] == document
    assert fault_of(backend, RAM, "CreatePolicy", PolicyName="ecs-describe", PolicyDocument=document) == \
        ("EntityAlreadyExists.Policy", 409)
    assert fault_of(backend, RAM, "CreatePolicy", PolicyName="broken", PolicyDocument="{not json") == \
        ("MalformedPolicyDocument", 400)
    call(backend, RAM, "AttachPolicyToUser", UserName="alice", PolicyName="ecs-describe", PolicyType="Custom")
    assert call(backend, RAM, "GetPolicy", PolicyName="ecs-describe", PolicyType="Custom")["Policy"]["AttachmentCount"] == 1
    assert fault_of(backend, RAM, "DeletePolicy", PolicyName="ecs-describe") == ("DeleteConflict.Policy.User", 409)
    call(backend, RAM, "DetachPolicyFromUser", UserName="alice", PolicyName="ecs-describe", PolicyType="Custom")
    call(backend, IMS, "CreateGroup", GroupName="grp")
    call(backend, RAM, "AttachPolicyToGroup", GroupName="grp", PolicyName="ecs-describe", PolicyType="Custom")
    assert [p["PolicyName"] for p in call(backend, RAM, "ListPoliciesForGroup", GroupName="grp")["Policies"]["Policy"]] == \
        ["ecs-describe"]
    assert fault_of(backend, RAM, "DeletePolicy", PolicyName="ecs-describe") == ("DeleteConflict.Policy.Group", 409)
    call(backend, RAM, "DetachPolicyFromGroup", GroupName="grp", PolicyName="ecs-describe", PolicyType="Custom")
    assert call(backend, RAM, "DeletePolicy", PolicyName="ecs-describe") == {}
    assert fault_of(backend, RAM, "DeletePolicy", PolicyName="ecs-describe") == ("EntityNotExist.Policy", 404)
    assert fault_of(backend, RAM, "DetachPolicyFromGroup", GroupName="grp", PolicyName="AdministratorAccess",
                    PolicyType="System") == ("EntityNotExist.Group.Policy", 404)


@pytest.mark.parametrize("version", [IMS, RAM])
def test_list_groups_max_items_is_one_to_a_hundred(backend, version):
    assert call(backend, version, "ListGroups", MaxItems=100)["IsTruncated"] is False
    for bad in (0, 101, 1000):
        assert fault_of(backend, version, "ListGroups", MaxItems=bad) == ("InvalidParameter.MaxItems", 400)
