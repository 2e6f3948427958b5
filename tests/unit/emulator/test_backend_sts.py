# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator backend: STS AssumeRole, ECS metadata credentials, key lookup, persistence, snapshot, contract."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import json
import os
import time

import pytest

from ansible_collections.aliyun.ram.tests.emulator import ram_backend
from ansible_collections.aliyun.ram.tests.emulator.ram_backend import IMS, RAM, STS, ApiFault, RamBackend
from ansible_collections.aliyun.ram.tests.unit.emulator.backend_support import Clock, call, fault_of

ACCOUNT = "1234567890123456"
ADMIN_ARN = "acs:ram::%s:role/admin" % ACCOUNT


def epoch(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def backend(clock):
    return RamBackend(clock=clock, static_keys={"LTAIrootkey": "root-secret", "STS.static": ("sts-secret", "sts-token")})


# ----------------------------------------------------------------------------- STS


def test_assume_role_issues_usable_credentials(backend, clock):
    body = call(backend, STS, "AssumeRole", RoleArn=ADMIN_ARN, RoleSessionName="deploy@ci", DurationSeconds=900)
    credentials = body["Credentials"]
    assert credentials["AccessKeyId"].startswith("STS.")
    assert len(credentials["SecurityToken"]) > 100
    assert epoch(credentials["Expiration"]) == clock.now + 900
    assert body["AssumedRoleUser"]["Arn"] == "acs:ram::%s:role/admin/deploy@ci" % ACCOUNT
    assert body["AssumedRoleUser"]["AssumedRoleId"].endswith(":deploy@ci")
    assert backend.lookup_access_key(credentials["AccessKeyId"]) == {
        "secret": credentials["AccessKeySecret"], "security_token": credentials["SecurityToken"],
        "expiration": clock.now + 900}


def test_assume_role_defaults_to_one_hour_and_accepts_the_demo_role(backend, clock):
    body = call(backend, STS, "AssumeRole", RoleArn="acs:ram::%s:role/EcsRamRoleDemo" % ACCOUNT, RoleSessionName="s1")
    assert epoch(body["Credentials"]["Expiration"]) == clock.now + 3600


def test_sts_lifetime_caps_the_duration(clock):
    backend = RamBackend(clock=clock, sts_lifetime=60)
    body = call(backend, STS, "AssumeRole", RoleArn=ADMIN_ARN, RoleSessionName="short", DurationSeconds=3600)
    assert epoch(body["Credentials"]["Expiration"]) == clock.now + 60
    assert backend.lookup_access_key(body["Credentials"]["AccessKeyId"])["expiration"] == clock.now + 60


def test_expired_credentials_are_reported_then_forgotten(backend, clock):
    akid = call(backend, STS, "AssumeRole", RoleArn=ADMIN_ARN, RoleSessionName="old",
                DurationSeconds=900)["Credentials"]["AccessKeyId"]
    clock.now += 1000
    found = backend.lookup_access_key(akid)
    assert found is not None and found["expiration"] < clock.now
    clock.now += ram_backend.STS_GRACE
    call(backend, STS, "AssumeRole", RoleArn=ADMIN_ARN, RoleSessionName="new")
    assert backend.lookup_access_key(akid) is None


@pytest.mark.parametrize("params, fault", [
    ({"RoleSessionName": "s1"}, ("MissingParameter.RoleArn", 400)),
    ({"RoleArn": ADMIN_ARN}, ("MissingParameter.RoleSessionName", 400)),
    ({"RoleArn": "arn:aws:iam::1:role/admin", "RoleSessionName": "s1"}, ("InvalidParameter.RoleArn", 400)),
    ({"RoleArn": ADMIN_ARN, "RoleSessionName": "x"}, ("InvalidParameter.RoleSessionName", 400)),
    ({"RoleArn": ADMIN_ARN, "RoleSessionName": "s" * 33}, ("InvalidParameter.RoleSessionName", 400)),
    ({"RoleArn": ADMIN_ARN, "RoleSessionName": "bad name"}, ("InvalidParameter.RoleSessionName", 400)),
    ({"RoleArn": ADMIN_ARN, "RoleSessionName": "s1", "DurationSeconds": 899}, ("InvalidParameter.DurationSeconds", 400)),
    ({"RoleArn": ADMIN_ARN, "RoleSessionName": "s1", "DurationSeconds": 3601}, ("InvalidParameter.DurationSeconds", 400)),
    ({"RoleArn": ADMIN_ARN, "RoleSessionName": "s1", "DurationSeconds": "soon"}, ("InvalidParameter.DurationSeconds", 400)),
    ({"RoleArn": ADMIN_ARN, "RoleSessionName": "s1", "Policy": '{"x": "' + "x" * 2040 + '"}'},
     ("InvalidParameter.PolicySize", 400)),
    ({"RoleArn": ADMIN_ARN, "RoleSessionName": "s1", "Policy": "not json"}, ("InvalidParameter.PolicyGrammar", 400)),
    ({"RoleArn": "acs:ram::%s:role/ghost" % ACCOUNT, "RoleSessionName": "s1"}, ("EntityNotExist.Role", 404)),
    ({"RoleArn": "acs:ram::999:role/admin", "RoleSessionName": "s1"}, ("EntityNotExist.Role", 404)),
])
def test_assume_role_errors(backend, params, fault):
    assert fault_of(backend, STS, "AssumeRole", **params) == fault


def test_assume_role_accepts_policy_and_external_id(backend):
    body = call(backend, STS, "AssumeRole", RoleArn=ADMIN_ARN, RoleSessionName="s1", ExternalId="abc",
                Policy='{"Version":"1","Statement":[]}')
    assert body["Credentials"]["AccessKeyId"].startswith("STS.")


def test_imds_credentials(backend, clock):
    assert backend.imds_role_name() == "EcsRamRoleDemo"
    body = backend.imds_credentials("EcsRamRoleDemo")
    assert body["Code"] == "Success"
    assert body["AccessKeyId"].startswith("STS.")
    assert epoch(body["Expiration"]) > clock.now
    assert backend.lookup_access_key(body["AccessKeyId"])["security_token"] == body["SecurityToken"]
    with pytest.raises(ApiFault):
        backend.imds_credentials("admin")


def test_imds_credentials_follow_sts_lifetime(clock):
    backend = RamBackend(clock=clock, sts_lifetime=120)
    assert epoch(backend.imds_credentials("EcsRamRoleDemo")["Expiration"]) == clock.now + 120


# ----------------------------------------------------------------------------- key lookup and contract


def test_static_keys(backend):
    assert backend.lookup_access_key("LTAIrootkey") == {"secret": "root-secret", "security_token": None, "expiration": None}
    assert backend.lookup_access_key("STS.static") == {"secret": "sts-secret", "security_token": "sts-token",
                                                       "expiration": None}
    assert backend.lookup_access_key("LTAIunknown") is None


def test_contract_helpers(backend):
    assert backend.known_versions() == {IMS, RAM, STS}
    assert backend.has_action(IMS, "CreateUser") and backend.has_action(RAM, "AttachPolicyToUser")
    assert backend.has_action(STS, "AssumeRole")
    assert not backend.has_action(IMS, "AttachPolicyToUser")
    assert not backend.has_action(RAM, "user_param")
    for action in ("CreateUser", "UpdateLoginProfile", "DeleteGroup", "AddUserToGroup", "RemoveUserFromGroup",
                   "AttachPolicyToUser", "DetachPolicyFromGroup", "SetPasswordPolicy", "TagResources",
                   "UntagResources", "BindMFADevice", "UnbindMFADevice", "ChangePassword"):
        assert backend.is_write(action), action
    for action in ("GetUser", "ListUsers", "ListTagResources", "GetPasswordPolicy", "AssumeRole"):
        assert not backend.is_write(action), action
    with pytest.raises(ApiFault) as info:
        call(backend, IMS, "NoSuchAction")
    assert (info.value.code, info.value.http_status) == ("InvalidAction.NotFound", 404)


def test_unknown_parameters_are_ignored(backend):
    body = call(backend, RAM, "CreateUser", UserName="junk", on="CreateUser", ClientToken="abc")
    assert body["User"]["UserName"] == "junk"


def test_fault_string_is_safe(backend):
    call(backend, IMS, "CreateUser", UserPrincipalName="amy@example.onaliyun.com", DisplayName="Amy")
    with pytest.raises(ApiFault) as info:
        call(backend, IMS, "CreateLoginProfile", UserPrincipalName="amy@example.onaliyun.com", Password="S3cr3t")
    assert "S3cr3t" not in str(info.value) and "S3cr3t" not in info.value.message


# ----------------------------------------------------------------------------- snapshot and persistence


def populate(backend):
    call(backend, IMS, "CreateUser", UserPrincipalName="zoe@example.onaliyun.com", DisplayName="Zoe",
         **{"Tag.1.Key": "team", "Tag.1.Value": "sec"})
    call(backend, IMS, "CreateLoginProfile", UserPrincipalName="zoe@example.onaliyun.com", Password="Very-Secret-77")
    key = call(backend, IMS, "CreateAccessKey", UserPrincipalName="zoe@example.onaliyun.com")["AccessKey"]
    call(backend, IMS, "CreateGroup", GroupName="sec")
    call(backend, IMS, "AddUserToGroup", GroupName="sec", UserPrincipalName="zoe@example.onaliyun.com")
    call(backend, RAM, "AttachPolicyToUser", UserName="zoe", PolicyName="ReadOnlyAccess", PolicyType="System")
    call(backend, IMS, "SetPasswordPolicy", MinimumPasswordLength=10)
    sts = call(backend, STS, "AssumeRole", RoleArn=ADMIN_ARN, RoleSessionName="s1")["Credentials"]
    return key, sts


def test_snapshot_is_complete_and_holds_no_secret(backend):
    key, sts = populate(backend)
    snapshot = backend.snapshot()
    text = json.dumps(snapshot)
    for secret in ("Very-Secret-77", key["AccessKeySecret"], sts["AccessKeySecret"], sts["SecurityToken"], "sha256$"):
        assert secret not in text
    user = snapshot["users"][0]
    assert user["UserPrincipalName"] == "zoe@example.onaliyun.com"
    assert user["Groups"] == ["sec"]
    assert [p["PolicyName"] for p in user["Policies"]] == ["ReadOnlyAccess"]
    assert user["LoginProfile"]["Status"] == "Active"
    assert [k["AccessKeyId"] for k in user["AccessKeys"]] == [key["AccessKeyId"]]
    assert snapshot["groups"][0]["Users"] == ["zoe"]
    assert snapshot["password_policy"]["MinimumPasswordLength"] == 10
    assert snapshot["sts_sessions"][0]["AccessKeyId"] == sts["AccessKeyId"]


def test_state_survives_a_restart(tmp_path, clock):
    path = str(tmp_path / "state.json")
    first = RamBackend(clock=clock, state_file=path)
    key, sts = populate(first)
    first.save()
    raw = open(path).read()
    assert "Very-Secret-77" not in raw
    second = RamBackend(clock=clock, state_file=path)
    assert second.snapshot() == first.snapshot()
    assert second.lookup_access_key(key["AccessKeyId"])["secret"] == key["AccessKeySecret"]
    assert second.lookup_access_key(sts["AccessKeyId"])["security_token"] == sts["SecurityToken"]
    # The stored login profile still guards conflicts after the restart.
    call(second, IMS, "RemoveUserFromGroup", GroupName="sec", UserPrincipalName="zoe@example.onaliyun.com")
    call(second, IMS, "DeleteAccessKey", UserAccessKeyId=key["AccessKeyId"], UserPrincipalName="zoe@example.onaliyun.com")
    assert fault_of(second, IMS, "DeleteUser", UserPrincipalName="zoe@example.onaliyun.com") == \
        ("DeleteConflict.User.LoginProfile", 409)


def test_state_file_holding_secrets_is_readable_by_its_owner_only(tmp_path, clock):
    path = str(tmp_path / "state.json")
    old_umask = os.umask(0o022)
    try:
        backend = RamBackend(clock=clock, state_file=path)
        key, dummy = populate(backend)
        backend.save()
    finally:
        os.umask(old_umask)
    assert key["AccessKeySecret"] in open(path).read()  # needed to verify signatures after a restart
    assert os.stat(path).st_mode & 0o077 == 0


def test_writes_are_saved_without_an_explicit_save(tmp_path, monkeypatch):
    monkeypatch.setattr(ram_backend, "SAVE_INTERVAL", 0.05)
    path = str(tmp_path / "state.json")
    backend = RamBackend(state_file=path)
    call(backend, RAM, "CreateUser", UserName="first")
    assert os.path.exists(path)  # the first write saves at once
    call(backend, RAM, "CreateUser", UserName="second")  # within the interval: saved by a timer
    deadline = time.time() + 5
    while time.time() < deadline:
        names = [u["UserName"] for u in json.load(open(path))["state"]["users"].values()]
        if "second" in names:
            break
        time.sleep(0.02)
    assert sorted(names) == ["first", "second"]
    backend.save()


def test_reads_do_not_write_the_state_file(tmp_path):
    path = str(tmp_path / "state.json")
    backend = RamBackend(state_file=path)
    call(backend, IMS, "ListUsers")
    call(backend, IMS, "GetPasswordPolicy")
    assert not os.path.exists(path)


def test_save_is_atomic_and_leaves_no_temporary_file(tmp_path):
    path = str(tmp_path / "state.json")
    backend = RamBackend(state_file=path)
    backend.save()
    assert os.listdir(str(tmp_path)) == ["state.json"]
    assert json.load(open(path))["format"] == 1


def test_assume_role_policy_must_be_smaller_than_2048_bytes(backend):
    base = '{"Version":"1","Statement":[],"Pad":"%s"}'
    fits = base % ("x" * (2047 - len(base % "")))
    assert len(fits.encode("utf-8")) == 2047
    assert call(backend, STS, "AssumeRole", RoleArn=ADMIN_ARN, RoleSessionName="s1", Policy=fits)["Credentials"]
    too_big = base % ("\u00e9" * 1100)  # fewer than 2048 characters, more than 2048 bytes
    assert len(too_big) < 2048
    assert fault_of(backend, STS, "AssumeRole", RoleArn=ADMIN_ARN, RoleSessionName="s1", Policy=too_big) == \
        ("InvalidParameter.PolicySize", 400)
