# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError
from ansible_collections.aliyun.ram.plugins.modules import ram_login_profile
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

UPN = "alice@" + DOMAIN
SECRET = "Quiet-Lantern-7741!"


def account(login=None, **policy):
    """Alice's account; ``login`` (login profile fields) gives her a console login whose password she changed."""
    fake = FakeRamClient(password_policy=policy)
    fake.add_user(UPN)
    if login is not None:
        fake.add_login_profile(UPN, **login)
    return fake


def existing_login(**fields):
    return dict({"status": "Active", "password_reset_required": False, "mfa_bind_required": False,
                 "update_date": "2024-01-01T00:00:00Z"}, **fields)


def test_create_sends_the_password_once_and_returns_it_nowhere(run_module):
    client = account(minimum_password_length=12, require_symbols=True)
    result = run_module(ram_login_profile, {"name": "alice", "password": SECRET, "mfa_bind_required": True,
                                            "password_reset_required": True}, client, diff=True)
    assert result["changed"] is True
    assert result["user_principal_name"] == UPN
    assert result["login_profile"]["mfa_bind_required"] is True
    assert result["login_profile"]["password_reset_required"] is True
    assert result["login_profile"]["status"] == "Active"
    assert result["diff"]["after"]["password"] == "<changed>"
    assert client.calls_to("create_login_profile") == [{"upn": UPN, "password": SECRET, "password_reset_required": True,
                                                        "mfa_bind_required": True, "status": None}]
    assert SECRET not in result.output
    assert client.methods() == ["get_default_domain", "get_login_profile", "get_user", "get_password_policy",
                                "create_login_profile", "get_login_profile"]


def test_second_run_is_ok_warns_and_reads_once(run_module):
    client = account(existing_login())
    result = run_module(ram_login_profile, {"name": UPN, "password": SECRET}, client)
    assert result["changed"] is False
    assert client.methods() == ["get_login_profile"]
    # ansible-core 2.19+ wraps warnings in structured events; the text is inside
    assert "update_password is on_create" in json.dumps(result["warnings"])
    assert SECRET not in result.output


def test_no_permission_on_read_fails_clearly_and_never_creates(run_module):
    client = account()
    client.fail["get_login_profile"] = RamApiError("NoPermission", "injected", request_id="REQ", http_status=403,
                                                   action="GetLoginProfile")
    result = run_module(ram_login_profile, {"name": UPN, "password": SECRET}, client)
    assert result["failed"] is True
    assert result["msg"] == "NoPermission: injected (action GetLoginProfile, HTTP 403, request id REQ)"
    assert result["error"]["code"] == "NoPermission"
    assert client.writes() == []
    assert SECRET not in result.output


@pytest.mark.parametrize("check_mode", [True, False])
def test_weak_password_fails_with_the_same_message_in_check_and_real_run(run_module, check_mode):
    client = account(minimum_password_length=16, require_uppercase_characters=True)
    result = run_module(ram_login_profile, {"name": UPN, "password": "lowercase-only-1"}, client, check_mode=check_mode)
    assert result["failed"] is True
    assert result["msg"] == ("password: must contain at least one uppercase letter "
                             "(account password policy require_uppercase_characters)")
    assert client.writes() == []
    assert "lowercase-only-1" not in result.output


def test_missing_user_fails_clearly(run_module):
    client = FakeRamClient()
    result = run_module(ram_login_profile, {"name": UPN, "password": SECRET}, client)
    assert result["failed"] is True
    assert result["msg"] == "user %s does not exist; create it first (for example with aliyun.ram.ram_user)" % UPN
    assert client.writes() == []


def test_check_mode_toggle_status_writes_nothing(run_module):
    client = account(existing_login())
    result = run_module(ram_login_profile, {"name": UPN, "status": "Inactive"}, client, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["login_profile"]["status"] == "Inactive"
    assert result["diff"]["before"]["status"] == "Active"
    assert result["diff"]["after"]["status"] == "Inactive"
    assert client.writes() == []
    assert client.login_profiles[UPN]["status"] == "Active"


def test_update_sends_only_the_changed_flag(run_module):
    client = account(existing_login(mfa_bind_required=True))
    result = run_module(ram_login_profile, {"name": UPN, "mfa_bind_required": True, "password_reset_required": True,
                                            "enforce_login_flags": "always"}, client)
    assert result["changed_fields"] == ["password_reset_required"]
    assert client.calls_to("update_login_profile") == [{"upn": UPN, "password": None, "password_reset_required": True,
                                                        "mfa_bind_required": None, "status": None}]


def test_delete_is_idempotent(run_module):
    client = account(existing_login())
    first = run_module(ram_login_profile, {"name": UPN, "state": "absent"}, client)
    second = run_module(ram_login_profile, {"name": UPN, "state": "absent"}, client)
    assert (first["changed"], second["changed"]) == (True, False)
    assert client.writes() == ["delete_login_profile"]


def test_invalid_status_is_refused_by_the_argument_spec(run_module):
    client = account()
    result = run_module(ram_login_profile, {"name": UPN, "status": "Disabled"}, client)
    assert result["failed"] is True
    assert result["msg"] == "value of status must be one of: Active, Inactive, got: Disabled"
    assert client.calls == []
