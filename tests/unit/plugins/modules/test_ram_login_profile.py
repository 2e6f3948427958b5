# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aliyun.ram.plugins.modules import ram_login_profile
from ansible_collections.aliyun.ram.tests.unit.plugins.modules.ims_fake import DOMAIN, FakeImsTransport, run_module

UPN = "alice@" + DOMAIN
SECRET = "Quiet-Lantern-7741!"


def existing_profile(**wire):
    profile = {"UserPrincipalName": UPN, "Status": "Active", "PasswordResetRequired": False, "MFABindRequired": False,
               "PasswordStatus": "NotInitial", "UpdateDate": "2024-01-01T00:00:00Z"}
    profile.update(wire)
    return {UPN: profile}


@pytest.fixture
def run(monkeypatch, capsys):
    def runner(args, transport, **kwargs):
        return run_module(ram_login_profile, args, transport, monkeypatch, capsys, **kwargs)
    return runner


def test_create_sends_the_password_once_and_returns_it_nowhere(run):
    transport = FakeImsTransport(users=[UPN], policy={"MinimumPasswordLength": 12, "RequireSymbols": True})
    result, raw = run({"name": "alice", "password": SECRET, "mfa_bind_required": True, "password_reset_required": True},
                      transport, diff=True)
    assert result["changed"] is True
    assert result["user_principal_name"] == UPN
    assert result["login_profile"]["mfa_bind_required"] is True
    assert result["login_profile"]["password_reset_required"] is True
    assert result["login_profile"]["status"] == "Active"
    assert result["diff"]["after"]["password"] == "<changed>"
    create = [params for action, params in transport.calls if action == "CreateLoginProfile"]
    assert create == [{"UserPrincipalName": UPN, "Password": SECRET, "MFABindRequired": True, "PasswordResetRequired": True}]
    assert SECRET not in raw
    assert transport.actions() == ["GetDefaultDomain", "GetLoginProfile", "GetUser", "GetPasswordPolicy",
                                   "CreateLoginProfile", "GetLoginProfile"]


def test_second_run_is_ok_warns_and_reads_once(run):
    transport = FakeImsTransport(users=[UPN], profiles=existing_profile())
    result, raw = run({"name": UPN, "password": SECRET}, transport)
    assert result["changed"] is False
    assert transport.actions() == ["GetLoginProfile"]
    # ansible-core 2.19+ wraps warnings in structured events; the text is inside
    assert "update_password is on_create" in json.dumps(result["warnings"])
    assert SECRET not in raw


def test_no_permission_on_read_fails_clearly_and_never_creates(run):
    transport = FakeImsTransport(users=[UPN])
    transport.fail_next("GetLoginProfile", "NoPermission", 403)
    result, raw = run({"name": UPN, "password": SECRET}, transport)
    assert result["failed"] is True
    assert result["msg"].startswith("NoPermission: injected (action GetLoginProfile, HTTP 403")
    assert result["error"]["code"] == "NoPermission"
    assert transport.writes() == []
    assert SECRET not in raw


@pytest.mark.parametrize("check_mode", [True, False])
def test_weak_password_fails_with_the_same_message_in_check_and_real_run(run, check_mode):
    transport = FakeImsTransport(users=[UPN], policy={"MinimumPasswordLength": 16, "RequireUppercaseCharacters": True})
    result, raw = run({"name": UPN, "password": "lowercase-only-1"}, transport, check_mode=check_mode)
    assert result["failed"] is True
    assert result["msg"] == ("password: must contain at least one uppercase letter "
                             "(account password policy require_uppercase_characters)")
    assert transport.writes() == []
    assert "lowercase-only-1" not in raw


def test_missing_user_fails_clearly(run):
    transport = FakeImsTransport(users=[])
    result, dummy = run({"name": UPN, "password": SECRET}, transport)
    assert result["failed"] is True
    assert result["msg"].startswith("user %s does not exist" % UPN)


def test_check_mode_toggle_status_writes_nothing(run):
    transport = FakeImsTransport(users=[UPN], profiles=existing_profile())
    result, dummy = run({"name": UPN, "status": "Inactive"}, transport, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["login_profile"]["status"] == "Inactive"
    assert result["diff"]["before"]["status"] == "Active"
    assert result["diff"]["after"]["status"] == "Inactive"
    assert transport.writes() == []
    assert transport.profiles[UPN]["Status"] == "Active"


def test_update_sends_only_the_changed_flag(run):
    transport = FakeImsTransport(users=[UPN], profiles=existing_profile(MFABindRequired=True))
    result, dummy = run({"name": UPN, "mfa_bind_required": True, "password_reset_required": True,
                         "enforce_login_flags": "always"}, transport)
    assert result["changed_fields"] == ["password_reset_required"]
    update = [params for action, params in transport.calls if action == "UpdateLoginProfile"]
    assert update == [{"UserPrincipalName": UPN, "PasswordResetRequired": True}]


def test_delete_is_idempotent(run):
    transport = FakeImsTransport(users=[UPN], profiles=existing_profile())
    first, dummy = run({"name": UPN, "state": "absent"}, transport)
    second, dummy = run({"name": UPN, "state": "absent"}, transport)
    assert (first["changed"], second["changed"]) == (True, False)
    assert transport.writes() == ["DeleteLoginProfile"]


def test_invalid_status_is_refused_by_the_argument_spec(run):
    transport = FakeImsTransport(users=[UPN])
    result, dummy = run({"name": UPN, "status": "Disabled"}, transport)
    assert result["failed"] is True
    assert "status" in result["msg"]
    assert transport.calls == []


def test_password_option_is_no_log_and_flags_are_not():
    spec = ram_login_profile.argument_spec()
    assert spec["password"]["no_log"] is True
    assert spec["update_password"]["no_log"] is False
    assert spec["password_reset_required"]["no_log"] is False
    assert spec["access_key_secret"]["no_log"] is True
