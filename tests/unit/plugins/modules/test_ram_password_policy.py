# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.modules import ram_password_policy
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import FakeRamClient


def test_alias_sets_the_api_spelled_field_and_keeps_the_others(run_module):
    client = FakeRamClient(password_policy={"require_symbols": True, "max_password_age": 90})
    result = run_module(ram_password_policy, {"max_login_attempts": 5, "minimum_password_length": 14}, client, diff=True)
    assert result["changed"] is True
    assert result["changed_fields"] == ["minimum_password_length", "max_login_attemps"]
    assert client.password_policy["max_login_attemps"] == 5
    assert client.password_policy["minimum_password_length"] == 14
    # untouched by the task, and kept although SetPasswordPolicy resets the fields it is not given
    assert client.password_policy["require_symbols"] is True
    assert client.password_policy["max_password_age"] == 90
    assert result["password_policy"]["max_login_attemps"] == 5
    assert result["diff"] == {"before": {"minimum_password_length": 8, "max_login_attemps": 0},
                              "after": {"minimum_password_length": 14, "max_login_attemps": 5},
                              "before_header": "password policy", "after_header": "password policy"}


def test_same_values_are_ok_with_one_read(run_module):
    client = FakeRamClient(password_policy={"minimum_password_length": 12})
    result = run_module(ram_password_policy, {"minimum_password_length": 12, "hard_expire": False}, client)
    assert result["changed"] is False
    assert client.methods() == ["get_password_policy"]


def test_check_mode_reports_the_change_without_writing(run_module):
    client = FakeRamClient()
    result = run_module(ram_password_policy, {"require_numbers": True, "password_reuse_prevention": 3}, client,
                        check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["password_policy"]["require_numbers"] is True
    assert result["password_policy"]["password_reuse_prevention"] == 3
    assert client.writes() == []


@pytest.mark.parametrize("args, message", [
    ({"minimum_password_length": 40}, "minimum_password_length: must be between 8 and 32, got 40"),
    ({"max_password_age": 2000}, "max_password_age: must be between 0 and 1095, got 2000"),
    ({"max_login_attemps": 33}, "max_login_attemps: must be between 0 and 32, got 33"),
])
def test_out_of_range_fails_before_any_call(run_module, args, message):
    client = FakeRamClient()
    result = run_module(ram_password_policy, args, client)
    assert result["failed"] is True
    assert result["msg"] == message
    assert client.calls == []


def test_no_option_just_reads(run_module):
    client = FakeRamClient()
    result = run_module(ram_password_policy, {}, client)
    assert result["changed"] is False
    assert result["password_policy"]["initial_password_age"] == 14
    assert client.methods() == ["get_password_policy"]
