# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError
from ansible_collections.aliyun.ram.plugins.modules import ram_login_profile_info
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

UPN = "bob@" + DOMAIN


@pytest.fixture
def client():
    fake = FakeRamClient()
    fake.add_user(UPN)
    return fake


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_profile_is_exists_false_not_an_error(run_module, client, check_mode):
    result = run_module(ram_login_profile_info, {"name": "bob"}, client, check_mode=check_mode)
    assert "failed" not in result
    assert result["changed"] is False
    assert result["exists"] is False
    assert result["login_profile"] is None
    assert result["user_principal_name"] == UPN


def test_existing_profile_is_returned_in_snake_case(run_module, client):
    # an initial password set long ago: older than InitialPasswordAge (14 days), so it has expired
    client.add_login_profile(UPN, password="Initial-Passw0rd!", status="Inactive", password_reset_required=True,
                             mfa_bind_required=True, initial_password_set="2024-01-01T00:00:00Z",
                             update_date="2024-03-03T03:03:03Z", last_login_time="2024-03-04T00:00:00Z")
    result = run_module(ram_login_profile_info, {"user_principal_name": UPN}, client, check_mode=True)
    assert result["exists"] is True
    assert result["login_profile"]["status"] == "Inactive"
    assert result["login_profile"]["password_reset_required"] is True
    assert result["login_profile"]["mfa_bind_required"] is True
    assert result["login_profile"]["password_status"] == "InitialExpired"
    assert result["login_profile"]["update_date"] == "2024-03-03T03:03:03Z"
    assert result["login_profile"]["last_login_time"] == "2024-03-04T00:00:00Z"
    assert client.methods() == ["get_login_profile"]


def test_permission_error_is_not_reported_as_absent(run_module, client):
    client.fail["get_login_profile"] = RamApiError("NoPermission", "injected", request_id="REQ", http_status=403,
                                                   action="GetLoginProfile")
    result = run_module(ram_login_profile_info, {"name": UPN}, client)
    assert result["failed"] is True
    assert result["error"]["code"] == "NoPermission"
    assert "exists" not in result


def test_missing_user_fails(run_module):
    result = run_module(ram_login_profile_info, {"name": UPN}, FakeRamClient())
    assert result["failed"] is True
    assert result["msg"] == "user %s does not exist; create it first (for example with aliyun.ram.ram_user)" % UPN
