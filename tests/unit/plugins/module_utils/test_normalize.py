# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.normalize import (
    normalize_access_key,
    normalize_group,
    normalize_group_member,
    normalize_login_profile,
    normalize_mfa_info,
    normalize_password_policy,
    normalize_policy,
    normalize_user,
    snake_name,
    tags_to_dict,
    to_snake,
    unwrap_list,
)

USER_KEYS = {"user_id", "user_principal_name", "user_name", "display_name", "email", "mobile_phone", "comments",
             "create_date", "update_date", "last_login_date", "provision_type", "tags", "status"}
LOGIN_PROFILE_KEYS = {"user_principal_name", "status", "password_reset_required", "mfa_bind_required", "password_status",
                      "create_date", "update_date", "last_login_time", "auto_disable_login_status"}
GROUP_KEYS = {"group_id", "group_name", "display_name", "comments", "create_date", "update_date"}
POLICY_KEYS = {"policy_name", "policy_type", "description", "default_version", "attach_date"}


@pytest.mark.parametrize("wire, snake", [
    ("UserPrincipalName", "user_principal_name"),
    ("MFABindRequired", "mfa_bind_required"),
    ("IsMFAEnable", "is_mfa_enabled"),
    ("MaxLoginAttemps", "max_login_attemps"),
    ("AccessKeyId", "access_key_id"),
    ("RequestId", "request_id"),
    ("PasswordNotContainUserName", "password_not_contain_user_name"),
    ("InterceptRiskPasswordOnApi", "intercept_risk_password_on_api"),
    ("SerialNumber", "serial_number"),
    ("UserId", "user_id"),
    ("Status", "status"),
])
def test_snake_name(wire, snake):
    assert snake_name(wire) == snake


def test_to_snake_is_recursive():
    assert to_snake({"AssumedRoleUser": {"AssumedRoleId": "x", "List": [{"KeyName": 1}]}}) == {
        "assumed_role_user": {"assumed_role_id": "x", "list": [{"key_name": 1}]}}


@pytest.mark.parametrize("container, expected", [
    ({"Users": {"User": [{"a": 1}, {"a": 2}]}}, [{"a": 1}, {"a": 2}]),
    ({"Users": {"User": {"a": 1}}}, [{"a": 1}]),
    ({"Users": {}}, []),
    ({"Users": [{"a": 1}]}, [{"a": 1}]),
    ({}, []),
    (None, []),
])
def test_unwrap_list(container, expected):
    assert unwrap_list(container, "Users", "User") == expected


def test_tags_to_dict():
    raw = {"Tag": [{"TagKey": "team", "TagValue": "a b"}, {"TagKey": "empty", "TagValue": ""}, {"TagKey": "nil"}]}
    assert tags_to_dict(raw) == {"team": "a b", "empty": "", "nil": ""}
    assert tags_to_dict({"Tag": []}) == {}
    assert tags_to_dict(None) is None


def test_user_full():
    raw = {"UserId": "1", "UserPrincipalName": "alice@corp.onaliyun.com", "UserName": "alice", "DisplayName": "Alice",
           "Email": "a@example.com", "MobilePhone": "86-1", "Comments": "c", "CreateDate": "2020-01-01T00:00:00Z",
           "UpdateDate": "2020-01-02T00:00:00Z", "LastLoginDate": "2020-01-03T00:00:00Z", "ProvisionType": "Manual",
           "Status": "active", "Tags": {"Tag": [{"TagKey": "k", "TagValue": "v"}]}}
    user = normalize_user(raw)
    assert set(user) == USER_KEYS
    assert user["email"] == "a@example.com" and user["tags"] == {"k": "v"} and user["provision_type"] == "Manual"


def test_user_absent_fields_are_none_and_empty_stays_empty():
    user = normalize_user({"UserPrincipalName": "bob@corp.onaliyun.com", "DisplayName": "Bob", "MobilePhone": ""})
    assert set(user) == USER_KEYS
    assert user["email"] is None
    assert user["mobile_phone"] == ""
    assert user["tags"] is None
    assert user["user_name"] == "bob"  # CreateUser leaves UserName out; it is the UPN prefix


def test_user_keys_present_for_empty_input():
    assert normalize_user(None) == dict((key, None) for key in USER_KEYS)


def test_group_member_adds_join_date():
    member = normalize_group_member({"UserPrincipalName": "a@x", "JoinDate": "2021-01-01T00:00:00Z"})
    assert set(member) == USER_KEYS | {"join_date"}
    assert member["join_date"] == "2021-01-01T00:00:00Z"


def test_login_profile():
    raw = {"UserPrincipalName": "a@x", "Status": "Active", "PasswordResetRequired": True, "MFABindRequired": False,
           "PasswordStatus": "Initial", "UpdateDate": "d", "LastLoginTime": "t", "AutoDisableLoginStatus": "Enabled"}
    profile = normalize_login_profile(raw)
    assert set(profile) == LOGIN_PROFILE_KEYS
    assert profile["mfa_bind_required"] is False and profile["password_reset_required"] is True
    assert profile["create_date"] is None


def test_group_and_membership_variant():
    raw = {"GroupId": "g1", "GroupName": "dev", "DisplayName": "Dev", "Comments": "", "CreateDate": "c", "JoinDate": "j"}
    assert set(normalize_group(raw)) == GROUP_KEYS
    membership = normalize_group(raw, membership=True)
    assert set(membership) == GROUP_KEYS | {"join_date"} and membership["join_date"] == "j"
    assert membership["update_date"] is None and membership["comments"] == ""


def test_policy():
    policy = normalize_policy({"PolicyName": "ReadOnlyAccess", "PolicyType": "System", "AttachDate": "d", "Extra": 1})
    assert set(policy) == POLICY_KEYS
    assert policy["description"] is None and policy["attach_date"] == "d"


def test_password_policy_keys_follow_the_api():
    raw = {"MinimumPasswordLength": 12, "RequireLowercaseCharacters": True, "MaxLoginAttemps": 5, "HardExpire": False}
    policy = normalize_password_policy(raw)
    assert policy["minimum_password_length"] == 12
    assert policy["max_login_attemps"] == 5
    assert policy["hard_expire"] is False
    assert policy["require_symbols"] is None
    assert set(policy) == {
        "hard_expire", "initial_password_age", "intercept_risk_password_on_api", "max_login_attemps", "max_password_age",
        "minimum_password_different_character", "minimum_password_length", "password_not_contain_user_name",
        "password_reuse_prevention", "require_lowercase_characters", "require_numbers", "require_symbols",
        "require_uppercase_characters"}


def test_access_key_never_carries_the_secret():
    key = normalize_access_key({"AccessKeyId": "LTAI1", "AccessKeySecret": "s3cr3t", "Status": "Active", "CreateDate": "d"})
    assert key == {"access_key_id": "LTAI1", "status": "Active", "create_date": "d", "update_date": None}
    assert "s3cr3t" not in repr(key)


@pytest.mark.parametrize("raw, expected", [
    ({"IsMFAEnable": True, "MFADevice": {"SerialNumber": "acs:ram::1:mfa/a", "Type": "VMFA"}},
     {"is_mfa_enabled": True, "serial_number": "acs:ram::1:mfa/a", "device_type": "VMFA"}),
    ({"IsMFAEnable": False}, {"is_mfa_enabled": False, "serial_number": None, "device_type": None}),
    ({"MFADevice": {"SerialNumber": "s"}}, {"is_mfa_enabled": True, "serial_number": "s", "device_type": None}),
    ({}, {"is_mfa_enabled": None, "serial_number": None, "device_type": None}),
])
def test_mfa_info(raw, expected):
    assert normalize_mfa_info(raw) == expected
