# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.modules import ram_security_preference
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import FakeRamClient


def test_changed_fields_and_the_others_kept(run_module):
    client = FakeRamClient()
    client.security_preference.update(enable_save_mfa_ticket=True, max_idle_days_for_users=90)
    result = run_module(ram_security_preference, {"mfa_operation_for_login": "mandatory", "login_session_duration": 8},
                        client, diff=True)
    assert result["changed"] is True
    assert result["changed_fields"] == ["login_session_duration", "mfa_operation_for_login"]
    # untouched by the task, and kept although the fake resets the fields SetSecurityPreference is not given
    assert client.security_preference["enable_save_mfa_ticket"] is True
    assert client.security_preference["max_idle_days_for_users"] == 90
    assert result["diff"]["after"] == {"login_session_duration": 8, "mfa_operation_for_login": "mandatory"}


def test_same_values_are_ok_with_one_read(run_module):
    client = FakeRamClient()
    result = run_module(ram_security_preference, {"login_session_duration": 6, "login_network_masks": []}, client)
    assert result["changed"] is False
    assert client.methods() == ["get_security_preference"]


def test_check_mode_reports_the_change_without_writing(run_module):
    client = FakeRamClient()
    result = run_module(ram_security_preference, {"login_network_masks": ["10.0.0.0/8"]}, client, check_mode=True,
                        diff=True)
    assert result["changed"] is True
    assert result["security_preference"]["login_network_masks"] == ["10.0.0.0/8"]
    assert client.writes() == []


@pytest.mark.parametrize("args, message", [
    ({"login_session_duration": 25}, "login_session_duration: must be between 1 and 24, got 25"),
    ({"login_network_masks": ["10.0.0.0/99"]}, "login_network_masks: '10.0.0.0/99' is not a CIDR block such as 10.0.0.0/8"),
])
def test_bad_values_fail_before_any_call(run_module, args, message):
    client = FakeRamClient()
    result = run_module(ram_security_preference, args, client)
    assert result["failed"] is True
    assert result["msg"] == message
    assert client.calls == []
