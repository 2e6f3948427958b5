# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.modules import ram_login_profile_info
from ansible_collections.aliyun.ram.tests.unit.plugins.modules.ims_fake import DOMAIN, FakeImsTransport, run_module

UPN = "bob@" + DOMAIN


@pytest.fixture
def run(monkeypatch, capsys):
    def runner(args, transport, **kwargs):
        return run_module(ram_login_profile_info, args, transport, monkeypatch, capsys, **kwargs)[0]
    return runner


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_profile_is_exists_false_not_an_error(run, check_mode):
    transport = FakeImsTransport(users=[UPN])
    result = run({"name": "bob"}, transport, check_mode=check_mode)
    assert "failed" not in result
    assert result["changed"] is False
    assert result["exists"] is False
    assert result["login_profile"] is None
    assert result["user_principal_name"] == UPN


def test_existing_profile_is_returned_in_snake_case(run):
    transport = FakeImsTransport(users=[UPN], profiles={UPN: {
        "UserPrincipalName": UPN, "Status": "Inactive", "PasswordResetRequired": True, "MFABindRequired": True,
        "PasswordStatus": "InitialExpired", "UpdateDate": "2024-03-03T03:03:03Z", "LastLoginTime": "2024-03-04T00:00:00Z"}})
    result = run({"user_principal_name": UPN}, transport, check_mode=True)
    assert result["exists"] is True
    assert result["login_profile"]["status"] == "Inactive"
    assert result["login_profile"]["password_reset_required"] is True
    assert result["login_profile"]["mfa_bind_required"] is True
    assert result["login_profile"]["password_status"] == "InitialExpired"
    assert result["login_profile"]["last_login_time"] == "2024-03-04T00:00:00Z"
    assert transport.actions() == ["GetLoginProfile"]


def test_permission_error_is_not_reported_as_absent(run):
    transport = FakeImsTransport(users=[UPN])
    transport.fail_next("GetLoginProfile", "NoPermission", 403)
    result = run({"name": UPN}, transport)
    assert result["failed"] is True
    assert result["error"]["code"] == "NoPermission"
    assert "exists" not in result


def test_missing_user_fails(run):
    result = run({"name": UPN}, FakeImsTransport(users=[]))
    assert result["failed"] is True
    assert result["msg"].startswith("user %s does not exist" % UPN)
