# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The /_emulator/people/* admin paths over HTTP, against the real backend (loopback only)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.client
import json

import pytest

from ansible_collections.aliyun.ram.tests.unit.emulator import gateway_support as support

client = support.client
UPN = "alice@example.onaliyun.com"
PASSWORD = "Initial-Pw-123"


@pytest.fixture(scope="module")
def emu():
    handle = client.start_emulator(["--fixed-time", support.CAPTURE_TIME], env={"RAM_EMULATOR_BACKEND": ""})
    yield handle
    handle.cleanup()


api = support.signed_call


def raw_admin(emu, method, path, body):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read().decode("utf-8"))
    finally:
        conn.close()


@pytest.fixture
def alice(emu):
    name = "alice"
    status, body = api(emu, "GetUser", {"UserPrincipalName": UPN})
    if status == 200:  # a previous test made her; start from a clean user
        for action in ("DeleteLoginProfile", "UnbindMFADevice"):
            api(emu, action, {"UserPrincipalName": UPN})
        api(emu, "DeleteVirtualMFADevice", {"SerialNumber": "acs:ram::1234567890123456:mfa/alice"})
        assert api(emu, "DeleteUser", {"UserPrincipalName": UPN})[0] == 200
    assert api(emu, "CreateUser", {"UserPrincipalName": UPN, "DisplayName": "Alice"})[0] == 200
    assert api(emu, "CreateLoginProfile", {"UserPrincipalName": UPN, "Password": PASSWORD,
                                           "PasswordResetRequired": "true", "MFABindRequired": "true"})[0] == 200
    return name


def test_login_over_http(emu, alice):
    body = emu.person_login(alice)
    assert body["user_principal_name"] == UPN
    assert body["login_profile"]["LastLoginTime"] == support.CAPTURE_TIME
    assert api(emu, "GetUser", {"UserPrincipalName": UPN})[1]["User"]["LastLoginDate"] == support.CAPTURE_TIME
    profile = api(emu, "GetLoginProfile", {"UserPrincipalName": UPN})[1]["LoginProfile"]
    assert (profile["LastLoginTime"], profile["PasswordResetRequired"]) == (support.CAPTURE_TIME, True)


def test_change_password_over_http_checks_the_policy_and_never_logs_it(emu, alice):
    assert api(emu, "SetPasswordPolicy", {"RequireSymbols": "true"})[0] == 200
    try:
        with pytest.raises(client.AdminError) as refused:
            emu.person_change_password(alice, "NoSymbols123")
        assert refused.value.status == 400 and "RequireSymbols" in refused.value.body["error"]
        assert "NoSymbols123" not in json.dumps(refused.value.body)
        body = emu.person_change_password(UPN, "Has-Symbols-123")
    finally:
        api(emu, "SetPasswordPolicy", {})
    assert (body["login_profile"]["PasswordResetRequired"], body["login_profile"]["PasswordStatus"]) == \
        (False, "NotInitial")
    for text in (json.dumps(emu.log_entries()), json.dumps(emu.state()), emu.stderr()):
        assert "Has-Symbols-123" not in text and "NoSymbols123" not in text


def test_bind_mfa_idle_disable_freeze_over_http(emu, alice):
    assert emu.person_bind_mfa(alice)["login_profile"]["MFABindRequired"] is False
    mfa = api(emu, "GetUserMFAInfo", {"UserPrincipalName": UPN})[1]
    assert (mfa["IsMFAEnable"], mfa["MFADevice"]["SerialNumber"]) == (True, "acs:ram::1234567890123456:mfa/alice")
    assert emu.idle_disable(alice)["login_profile"]["Status"] == "Inactive"
    assert api(emu, "GetLoginProfile", {"UserPrincipalName": UPN})[1]["LoginProfile"]["Status"] == "Inactive"
    with pytest.raises(client.AdminError) as refused:
        emu.person_login(alice)
    assert refused.value.status == 409
    assert emu.freeze(alice)["user"]["Status"] == "freeze"
    listed = [u["UserPrincipalName"] for u in api(emu, "ListUsers")[1]["Users"]["User"]]
    assert UPN not in listed
    assert [u["Status"] for u in api(emu, "ListUsers", {"Status": "freeze"})[1]["Users"]["User"]] == ["freeze"]
    assert [u["UserId"] for u in emu.state()["users"] if u["Status"] == "freeze"]
    assert emu.unfreeze(alice)["user"]["Status"] == "active"


def test_people_errors_over_http(emu, alice):
    assert emu.people("login", {"user": "nobody"})[0] == 404
    assert emu.people("login", {"usr": "alice"})[0] == 400
    assert emu.people("fly", {"user": "alice"})[0] == 404
    assert raw_admin(emu, "POST", "/_emulator/people/login", b"{not json")[0] == 400
    assert raw_admin(emu, "POST", "/_emulator/people/login", b'["alice"]')[0] == 400
    assert raw_admin(emu, "GET", "/_emulator/people/login", None)[0] == 405


def test_people_paths_are_not_logged_or_counted(emu, alice):
    emu.reset_stats()
    before = len(emu.log_entries())
    emu.person_login(alice)
    emu.freeze(alice)
    emu.unfreeze(alice)
    assert len(emu.log_entries()) == before
    assert emu.stats()["requests"] == 0


def test_fake_backend_has_no_people_actions():
    gateway = support.emulator.Gateway(support.fake_backend.RamBackend(), support.fake_backend.ApiFault)
    response = gateway.handle_admin("POST", "/_emulator/people/login", b'{"user": "alice"}')
    assert response.status == 404
