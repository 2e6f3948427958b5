# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.password_policy import (
    POLICY_FIELDS,
    ensure_password_policy,
    plan_password_policy,
    validate_password_policy,
)
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DEFAULT_PASSWORD_POLICY as DEFAULT_POLICY
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import FakeRamClient

# DEFAULT_POLICY: Alibaba's documented defaults, as a new account has them (test_fake_contract.py holds the fake to
# the emulator's); SetPasswordPolicy returns every field it is not given to its default.


def account(**policy):
    """An account whose password policy is the documented default with ``policy`` on top."""
    return FakeRamClient(password_policy=policy)


@pytest.mark.parametrize("field, value, rule", [
    ("minimum_password_length", 7, "must be between 8 and 32, got 7"),
    ("minimum_password_length", 33, "must be between 8 and 32, got 33"),
    ("max_login_attemps", 33, "must be between 0 and 32, got 33"),
    ("max_password_age", 1096, "must be between 0 and 1095, got 1096"),
    ("max_password_age", -1, "must be between 0 and 1095, got -1"),
    ("password_reuse_prevention", 25, "must be between 0 and 24, got 25"),
    ("minimum_password_different_character", 9, "must be between 0 and 8, got 9"),
    ("initial_password_age", 91, "must be between 0 and 90, got 91"),
    ("require_symbols", "yes", "must be true or false"),
    ("max_password_age", True, "must be an integer between 0 and 1095"),
])
def test_out_of_range_values_are_refused_locally(field, value, rule):
    client = account()
    with pytest.raises(ValidationError) as err:
        ensure_password_policy(client, validate_password_policy({field: value}))
    assert str(err.value) == "%s: %s" % (field, rule)
    assert client.calls == []


@pytest.mark.parametrize("field, value", [
    ("minimum_password_length", 8), ("minimum_password_length", 32), ("max_login_attemps", 32),
    ("max_password_age", 1095), ("password_reuse_prevention", 24), ("minimum_password_different_character", 8),
    ("initial_password_age", 0), ("initial_password_age", 90),
])
def test_range_boundaries_are_accepted(field, value):
    validate_password_policy({field: value})


def test_unknown_field_is_refused():
    with pytest.raises(ValidationError) as err:
        validate_password_policy({"max_login_attempts": 3})
    assert str(err.value) == "max_login_attempts: is not a password policy field"


def test_no_change_is_a_single_read():
    client = account()
    result = ensure_password_policy(client, {"minimum_password_length": 8, "require_symbols": None})
    assert result["changed"] is False
    assert result["changed_fields"] == []
    assert client.methods() == ["get_password_policy"]


def test_change_sends_full_policy_so_unmanaged_fields_survive():
    start = dict(require_symbols=True, max_password_age=90)
    client = account(**start)
    result = ensure_password_policy(client, {"minimum_password_length": 14}, diff=True)
    assert result["changed"] is True
    assert result["changed_fields"] == ["minimum_password_length"]
    assert client.methods() == ["get_password_policy", "set_password_policy", "get_password_policy"]
    # the service resets omitted fields (so does the fake): these survive only because the whole policy was sent
    assert client.password_policy["require_symbols"] is True
    assert client.password_policy["max_password_age"] == 90
    assert client.password_policy["minimum_password_length"] == 14
    assert result["password_policy"] == client.password_policy
    assert result["diff"]["before"] == {"minimum_password_length": 8}
    assert result["diff"]["after"] == {"minimum_password_length": 14}


def test_only_really_changed_fields_are_reported():
    client = account(require_numbers=True)
    result = ensure_password_policy(client, {"require_numbers": True, "hard_expire": True, "max_login_attemps": 5})
    assert result["changed_fields"] == ["max_login_attemps", "hard_expire"]


def test_check_mode_predicts_the_real_run_without_writing():
    desired = {"minimum_password_length": 16, "require_uppercase_characters": True, "initial_password_age": 7}
    check_client = account()
    real_client = account()
    predicted = ensure_password_policy(check_client, desired, check_mode=True, diff=True)
    real = ensure_password_policy(real_client, desired, check_mode=False, diff=True)
    assert check_client.methods() == ["get_password_policy"]
    assert check_client.password_policy == DEFAULT_POLICY
    assert predicted == real


def test_plan_lists_all_fields_in_the_step_and_no_none_values():
    current = dict(DEFAULT_POLICY, intercept_risk_password_on_api=None)
    plan = plan_password_policy(current, {"require_symbols": True})
    assert len(plan.steps) == 1
    sent = plan.steps[0].kwargs
    assert "intercept_risk_password_on_api" not in sent
    assert set(sent) == set(POLICY_FIELDS) - {"intercept_risk_password_on_api"}
    assert sent["require_symbols"] is True
