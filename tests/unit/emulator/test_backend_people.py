# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator backend: what people and the platform do to a user (the /_emulator/people/* actions)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aliyun.ram.tests.emulator.ram_backend import IMS, RAM, RamBackend, iso
from ansible_collections.aliyun.ram.tests.unit.emulator.backend_support import Clock, DOMAIN, call, fault_of, upn

START = 1767225600.0  # 2026-01-01T00:00:00Z
ALICE = {"UserPrincipalName": "alice@" + DOMAIN}
PASSWORD = "Initial-Pw-123"


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture
def backend(clock):
    backend = RamBackend(account_alias="example", clock=clock)
    call(backend, IMS, "CreateUser", DisplayName="Alice", **ALICE)
    call(backend, IMS, "CreateUser", UserPrincipalName=upn("bob"), DisplayName="Bob")
    return backend


def with_profile(backend, **extra):
    params = dict(ALICE, Password=PASSWORD)
    params.update(extra)
    call(backend, IMS, "CreateLoginProfile", **params)


def ok(backend, action, **payload):
    status, body = backend.person(action, payload)
    assert status == 200, body
    return body


def profile(backend):
    return call(backend, IMS, "GetLoginProfile", **ALICE)["LoginProfile"]


# --- the answer --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alice", upn("alice"), "ALICE", "Alice@EXAMPLE.onaliyun.com"])
def test_a_user_is_named_by_bare_name_or_upn(backend, name):
    with_profile(backend)
    assert ok(backend, "login", user=name)["user_principal_name"] == upn("alice")


def test_answer_has_user_and_login_profile_views_without_secrets(backend, clock):
    with_profile(backend, PasswordResetRequired="true")
    clock.now += 60
    body = ok(backend, "change_password", user="alice", password="Sec0nd-Passw0rd!")
    assert set(body) == {"user_principal_name", "user", "login_profile"}
    assert body["user"]["UserName"] == "alice" and body["user"]["Status"] == "active"
    assert body["user"]["LastLoginDate"] == iso(START + 60)
    assert body["login_profile"] == profile(backend)
    text = json.dumps(body) + json.dumps(backend.snapshot())
    assert "Sec0nd-Passw0rd!" not in text and PASSWORD not in text and "sha256$" not in text
    assert "password_history" not in text and "password_hash" not in text


def test_login_profile_is_null_without_one(backend):
    assert ok(backend, "freeze", user="bob")["login_profile"] is None


@pytest.mark.parametrize("action, payload, status", [
    ("login", {"user": "zed"}, 404),
    ("login", {"user": "alice@other.onaliyun.com"}, 404),
    ("login", {"user": ""}, 400),
    ("login", {"user": 7}, 400),
    ("login", {}, 400),
    ("login", {"user": "alice", "extra": 1}, 400),
    ("login", ["alice"], 400),
    ("change_password", {"user": "alice"}, 400),
    ("change_password", {"user": "alice", "password": ""}, 400),
    ("change_password", {"user": "alice", "password": 12345678}, 400),
    ("teleport", {"user": "alice"}, 404),
    ("_console_refusal", {"user": "alice"}, 404),
])
def test_bad_requests(backend, action, payload, status):
    with_profile(backend)
    code, body = backend.person(action, payload)
    assert code == status and isinstance(body["error"], str)


# --- login -------------------------------------------------------------------------------------


def test_login_sets_last_login_only(backend, clock):
    with_profile(backend, PasswordResetRequired="true", MFABindRequired="true")
    before = profile(backend)
    assert before["LastLoginTime"] == ""
    clock.now += 3600
    ok(backend, "login", user="alice")
    after = profile(backend)
    assert after["LastLoginTime"] == iso(START + 3600)
    assert call(backend, IMS, "GetUser", **ALICE)["User"]["LastLoginDate"] == iso(START + 3600)
    assert [u["LastLoginDate"] for u in call(backend, IMS, "ListUsers")["Users"]["User"]] == [iso(START + 3600), ""]
    assert call(backend, RAM, "GetUser", UserName="alice")["User"]["LastLoginDate"] == iso(START + 3600)
    assert (after["PasswordResetRequired"], after["MFABindRequired"], after["UpdateDate"]) == \
        (True, True, before["UpdateDate"])


@pytest.mark.parametrize("setup, message", [
    (lambda b: None, "no login profile"),
    (lambda b: with_profile(b, Status="Inactive"), "disabled"),
    (lambda b: (with_profile(b), b.person("freeze", {"user": "alice"})), "frozen"),
])
def test_login_is_refused_without_an_active_console_logon(backend, setup, message):
    setup(backend)
    status, body = backend.person("login", {"user": "alice"})
    assert status == 409 and message in body["error"]
    assert call(backend, IMS, "GetUser", **ALICE)["User"]["LastLoginDate"] == ""


def test_login_is_refused_once_the_initial_password_expired(backend, clock):
    with_profile(backend)
    clock.now += 15 * 86400  # InitialPasswordAge defaults to 14 days
    assert profile(backend)["PasswordStatus"] == "InitialExpired"
    status, body = backend.person("login", {"user": "alice"})
    assert status == 409 and "InitialPasswordAge" in body["error"]


# --- change_password ---------------------------------------------------------------------------


def test_change_password_meets_the_reset_demand_and_counts_as_login(backend, clock):
    with_profile(backend, PasswordResetRequired="true")
    assert profile(backend)["PasswordStatus"] == "InitialValid"
    clock.now += 120
    ok(backend, "change_password", user=upn("alice"), password="Chosen-Passw0rd")
    after = profile(backend)
    assert (after["PasswordResetRequired"], after["PasswordStatus"]) == (False, "NotInitial")
    assert after["LastLoginTime"] == after["UpdateDate"] == iso(START + 120)
    assert call(backend, IMS, "GetUser", **ALICE)["User"]["LastLoginDate"] == iso(START + 120)
    clock.now += 30 * 86400  # a chosen password does not expire as an initial one
    assert profile(backend)["PasswordStatus"] == "NotInitial"


@pytest.mark.parametrize("policy, weak, rule", [
    ({"MinimumPasswordLength": 12}, "Short-Pw-1", "MinimumPasswordLength"),
    ({"RequireSymbols": "true"}, "NoSymbols123", "RequireSymbols"),
    ({"RequireNumbers": "true"}, "No-Digits-Here", "RequireNumbers"),
    ({"RequireUppercaseCharacters": "true"}, "all-lower-1", "RequireUppercaseCharacters"),
    ({"RequireLowercaseCharacters": "true"}, "ALL-UPPER-1", "RequireLowercaseCharacters"),
    ({"PasswordNotContainUserName": "true"}, "my-Alice-pw1", "PasswordNotContainUserName"),
    ({"MinimumPasswordDifferentCharacter": 6}, "aaaabbbbcc", "MinimumPasswordDifferentCharacter"),
])
def test_change_password_names_the_broken_rule_and_never_echoes_it(backend, policy, weak, rule):
    with_profile(backend, PasswordResetRequired="true")
    call(backend, IMS, "SetPasswordPolicy", **policy)
    status, body = backend.person("change_password", {"user": "alice", "password": weak})
    assert status == 400 and rule in body["error"] and weak not in body["error"]
    assert profile(backend)["PasswordResetRequired"] is True


def test_change_password_honours_reuse_prevention(backend):
    with_profile(backend)
    call(backend, IMS, "SetPasswordPolicy", PasswordReusePrevention=2)
    status, body = backend.person("change_password", {"user": "alice", "password": PASSWORD})
    assert status == 400 and "PasswordReusePrevention" in body["error"] and PASSWORD not in body["error"]
    ok(backend, "change_password", user="alice", password="Second-Pw-123")
    assert backend.person("change_password", {"user": "alice", "password": PASSWORD})[0] == 400
    ok(backend, "change_password", user="alice", password="Third-Pw-123")
    ok(backend, "change_password", user="alice", password=PASSWORD)  # three back: allowed with 2


def test_change_password_needs_a_usable_console_logon(backend):
    assert backend.person("change_password", {"user": "alice", "password": "Whatever-123"})[0] == 409
    with_profile(backend, Status="Inactive")
    assert backend.person("change_password", {"user": "alice", "password": "Whatever-123"})[0] == 409


# --- bind_mfa ----------------------------------------------------------------------------------


def test_bind_mfa_creates_and_binds_a_device_named_after_the_user(backend):
    with_profile(backend, MFABindRequired="true")
    ok(backend, "bind_mfa", user="alice")
    serial = "acs:ram::1234567890123456:mfa/alice"
    assert call(backend, IMS, "GetUserMFAInfo", **ALICE) == {"IsMFAEnable": True,
                                                             "MFADevice": {"SerialNumber": serial, "Type": "VMFA"}}
    assert call(backend, RAM, "GetUserMFAInfo", UserName="alice")["MFADevice"]["SerialNumber"] == serial
    assert profile(backend)["MFABindRequired"] is False
    call(backend, IMS, "DeleteLoginProfile", **ALICE)
    assert fault_of(backend, IMS, "DeleteUser", **ALICE) == ("DeleteConflict.User.MFADevice", 409)
    assert backend.person("bind_mfa", {"user": "alice"})[0] == 409
    call(backend, IMS, "UnbindMFADevice", **ALICE)
    ok(backend, "bind_mfa", user="alice")  # the free device of that name is bound again


def test_bind_mfa_without_login_profile_works(backend):
    assert ok(backend, "bind_mfa", user="bob")["login_profile"] is None
    assert call(backend, IMS, "GetUserMFAInfo", UserPrincipalName=upn("bob"))["IsMFAEnable"] is True


def test_bind_mfa_refuses_a_device_name_bound_to_someone_else(backend):
    serial = call(backend, IMS, "CreateVirtualMFADevice", VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
    call(backend, IMS, "BindMFADevice", SerialNumber=serial, UserPrincipalName=upn("bob"),
         AuthenticationCode1="111111", AuthenticationCode2="222222")
    status, body = backend.person("bind_mfa", {"user": "alice"})
    assert status == 409 and serial in body["error"]


# --- idle_disable ------------------------------------------------------------------------------


def test_idle_disable_turns_console_logon_off_and_keeps_last_login(backend, clock):
    with_profile(backend)
    ok(backend, "login", user="alice")
    clock.now += 731 * 86400
    body = ok(backend, "idle_disable", user="alice")
    after = profile(backend)
    assert body["login_profile"] == after
    assert (after["Status"], after["LastLoginTime"], after["AutoDisableLoginStatus"]) == \
        ("Inactive", iso(START), "true")
    assert after["UpdateDate"] == iso(START + 731 * 86400)
    assert backend.person("login", {"user": "alice"})[0] == 409
    # Re-enabled with a new initial password (the old initial one expired long ago), the person can sign in.
    call(backend, IMS, "UpdateLoginProfile", Status="Active", Password="Fresh-Initial-1", **ALICE)
    ok(backend, "login", user="alice")


def test_idle_disable_needs_a_login_profile(backend):
    status, body = backend.person("idle_disable", {"user": "alice"})
    assert status == 409 and "login profile" in body["error"]


# --- persistence -------------------------------------------------------------------------------


def test_people_changes_are_saved(tmp_path, clock):
    path = str(tmp_path / "state.json")
    first = RamBackend(account_alias="example", state_file=path, clock=clock)
    call(first, IMS, "CreateUser", DisplayName="Alice", **ALICE)
    call(first, IMS, "CreateLoginProfile", Password=PASSWORD, PasswordResetRequired="true", **ALICE)
    ok(first, "change_password", user="alice", password="Saved-Passw0rd")
    ok(first, "freeze", user="alice")
    first.save()
    with open(path) as handle:
        assert "Saved-Passw0rd" not in handle.read()
    second = RamBackend(account_alias="example", state_file=path, clock=clock)
    assert second.snapshot()["users"][0]["Status"] == "freeze"
    assert call(second, IMS, "GetLoginProfile", **ALICE)["LoginProfile"]["PasswordResetRequired"] is False
