# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator backend: every validation pattern matches the whole value (a trailing newline is refused)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.tests.emulator.ram_backend import IMS, RAM, STS, RamBackend
from ansible_collections.aliyun.ram.tests.unit.emulator.backend_support import call, fault_of, upn


@pytest.fixture
def backend():
    backend = RamBackend(account_alias="example")
    call(backend, IMS, "CreateUser", UserPrincipalName=upn("alice"), DisplayName="Alice")
    call(backend, IMS, "CreateGroup", GroupName="dev")
    return backend


@pytest.mark.parametrize("version, action, params, code", [
    (IMS, "CreateUser", {"UserPrincipalName": upn("kate\n"), "DisplayName": "K"},
     "InvalidParameter.UserPrincipalName.InvalidChars"),
    (IMS, "CreateUser", {"UserPrincipalName": upn("\nkate"), "DisplayName": "K"},
     "InvalidParameter.UserPrincipalName.InvalidChars"),
    (RAM, "CreateUser", {"UserName": "kate\n"}, "InvalidParameter.UserName.InvalidChars"),
    (RAM, "UpdateUser", {"UserName": "alice", "NewUserName": "kate\n"}, "InvalidParameter.NewUserName.InvalidChars"),
    (IMS, "CreateGroup", {"GroupName": "ops\n"}, "InvalidParameter.GroupName.InvalidChars"),
    (RAM, "CreatePolicy", {"PolicyName": "p\n", "PolicyDocument": '{"Statement": []}'},
     "InvalidParameter.PolicyName.InvalidChars"),
    (IMS, "CreateUser", {"UserPrincipalName": upn("kate"), "DisplayName": "K", "Email": "k@corp.example\n"},
     "InvalidParameter.Email.Format"),
    (IMS, "CreateUser", {"UserPrincipalName": upn("kate"), "DisplayName": "K", "MobilePhone": "86-1234567\n"},
     "InvalidParameter.MobilePhone.Format"),
    (IMS, "CreateVirtualMFADevice", {"VirtualMFADeviceName": "dev\n"},
     "InvalidParameter.VirtualMFADeviceName.InvalidChars"),
    (STS, "AssumeRole", {"RoleArn": "acs:ram::1234567890123456:role/admin\n", "RoleSessionName": "s1"},
     "InvalidParameter.RoleArn"),
    (STS, "AssumeRole", {"RoleArn": "acs:ram::1234567890123456:role/admin", "RoleSessionName": "s1\n"},
     "InvalidParameter.RoleSessionName"),
])
def test_trailing_newline_is_refused(backend, version, action, params, code):
    assert fault_of(backend, version, action, **params) == (code, 400)


def test_mfa_code_with_newline_is_refused(backend):
    serial = call(backend, IMS, "CreateVirtualMFADevice", VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
    assert fault_of(backend, IMS, "BindMFADevice", UserPrincipalName=upn("alice"), SerialNumber=serial,
                    AuthenticationCode1="123456\n", AuthenticationCode2="654321") == \
        ("InvalidParameter.AuthenticationCode.Format", 400)


@pytest.mark.parametrize("value", ["5\n", " 5", "+5", "\u0665", "5.0", ""])
def test_integers_must_be_plain_digits(backend, value):
    if value == "":
        assert call(backend, IMS, "ListUsers", MaxItems=value)["IsTruncated"] is False
        return
    assert fault_of(backend, IMS, "ListUsers", MaxItems=value) == ("InvalidParameter.MaxItems", 400)


def test_duration_seconds_must_be_plain_digits(backend):
    assert fault_of(backend, STS, "AssumeRole", RoleArn="acs:ram::1234567890123456:role/admin",
                    RoleSessionName="s1", DurationSeconds="3600\n") == ("InvalidParameter.DurationSeconds", 400)


def test_indexed_parameters_need_ascii_indexes(backend):
    # "Tag.\u0661.Key" is not Tag.1.Key: a non-ASCII digit is not an index, so no tag is given at all.
    assert fault_of(backend, IMS, "TagResources", ResourceType="user", **{
        "ResourcePrincipalName.1": upn("alice"), "Tag.\u0661.Key": "k", "Tag.\u0661.Value": "v"}) == \
        ("MissingParameter.Tag.1.Key", 400)
    assert fault_of(backend, IMS, "TagResources", ResourceType="user", **{
        "ResourcePrincipalName.\u0661": upn("alice"), "Tag.1.Key": "k"}) == \
        ("MissingParameter.ResourcePrincipalName", 400)
