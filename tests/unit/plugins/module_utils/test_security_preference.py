# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.security_preference import (
    PREFERENCE_FIELDS,
    ensure_security_preference,
    plan_security_preference,
    validate_security_preference,
)
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DEFAULT_SECURITY_PREFERENCE as DEFAULTS
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import FakeRamClient

# The fake, like the emulator (A90), returns every field SetSecurityPreference is not given to its default: the
# harder case, which the merge must survive.

STRICT = {
    "allow_user_to_change_password": False, "allow_user_to_login_with_passkey": False, "enable_save_mfa_ticket": True,
    "login_network_masks": ["203.0.113.0/24", "198.51.100.0/24"], "login_session_duration": 8,
    "mfa_operation_for_login": "mandatory", "operation_for_risk_login": "enforceVerify",
    "allow_user_to_manage_access_keys": True, "allow_user_to_manage_service_credentials": True,
    "allow_user_to_manage_mfa_devices": False, "allow_user_to_manage_personal_dingtalk": False,
    "verification_types": ["email"], "max_idle_days_for_users": 90, "max_idle_days_for_access_keys": 180,
}


def test_every_documented_field_is_managed():
    assert set(PREFERENCE_FIELDS) == set(DEFAULTS) == set(STRICT)


@pytest.mark.parametrize("field, value, rule", [
    ("login_session_duration", 0, "must be between 1 and 24, got 0"),
    ("login_session_duration", 25, "must be between 1 and 24, got 25"),
    ("login_session_duration", True, "must be an integer between 1 and 24"),
    ("max_idle_days_for_users", 100, "must be one of 90, 180, 365, 730, got 100"),
    ("max_idle_days_for_access_keys", 0, "must be one of 90, 180, 365, 730, got 0"),
    ("mfa_operation_for_login", "always", "must be one of mandatory, independent, adaptive, got 'always'"),
    ("operation_for_risk_login", "enforce", "must be one of autonomous, enforceVerify, got 'enforce'"),
    ("allow_user_to_change_password", "yes", "must be true or false"),
    ("verification_types", ["pigeon"], "must be a list of sms and email, got ['pigeon']"),
    ("verification_types", ["sms", "sms"], "lists a method twice"),
    ("login_network_masks", ["10.0.0.0/8", "10.0.0.0/8"], "lists a mask twice"),
    ("login_network_masks", ["not-a-mask"], "'not-a-mask' is not a CIDR block such as 10.0.0.0/8"),
    ("login_network_masks", ["10.0.0.0/8;11.0.0.0/8"], "'10.0.0.0/8;11.0.0.0/8' is not a CIDR block such as 10.0.0.0/8"),
    ("login_network_masks", [" 10.0.0.0/8"], "' 10.0.0.0/8' is not a CIDR block such as 10.0.0.0/8"),
    ("login_network_masks", ["10.0.0.0/33"], "'10.0.0.0/33' is not a CIDR block such as 10.0.0.0/8"),
    ("login_network_masks", ["10.%d.0.0/16" % n for n in range(41)], "may hold at most 40 masks, got 41"),
    ("login_network_masks", "10.0.0.0/8", "must be a list of CIDR blocks such as 10.0.0.0/8"),
])
def test_bad_values_are_refused_locally(field, value, rule):
    client = FakeRamClient()
    with pytest.raises(ValidationError) as err:
        ensure_security_preference(client, validate_security_preference({field: value}))
    assert str(err.value) == "%s: %s" % (field, rule)
    assert client.calls == []


def test_the_512_character_limit_of_the_masks():
    masks = ["2001:db8:%04x:ffff::/64" % n for n in range(25)]   # 23 characters each: 25 * 24 - 1 = 599
    with pytest.raises(ValidationError) as err:
        validate_security_preference({"login_network_masks": masks})
    assert "may be at most 512 characters long joined with ';', got 599" in str(err.value)
    validate_security_preference({"login_network_masks": masks[:21]})  # 503


@pytest.mark.parametrize("field, value", [
    ("login_session_duration", 1), ("login_session_duration", 24), ("max_idle_days_for_users", 90),
    ("max_idle_days_for_access_keys", 730), ("login_network_masks", []), ("verification_types", []),
    ("login_network_masks", ["10.%d.0.0/16" % n for n in range(40)]), ("login_network_masks", ["192.0.2.7"]),
])
def test_edges_are_accepted(field, value):
    validate_security_preference({field: value})


def test_unknown_field_is_refused():
    with pytest.raises(ValidationError) as err:
        validate_security_preference({"allow_user_to_fly": True})
    assert str(err.value) == "allow_user_to_fly: is not a security preference field"


def test_nothing_managed_only_reads():
    client = FakeRamClient()
    result = ensure_security_preference(client, validate_security_preference({}), diff=True)
    assert not result["changed"]
    assert result["security_preference"] == DEFAULTS
    assert client.writes() == []
    assert result["diff"]["before"] == result["diff"]["after"] == {}


def test_every_field_set_then_a_rerun_writes_nothing():
    client = FakeRamClient()
    checked = ensure_security_preference(client, validate_security_preference(dict(STRICT)), check_mode=True, diff=True)
    assert client.writes() == []
    real = ensure_security_preference(client, validate_security_preference(dict(STRICT)), diff=True)
    assert checked["changed"] and real["changed"]
    assert checked["security_preference"] == real["security_preference"] == STRICT
    assert checked["diff"] == real["diff"]
    assert checked["changed_fields"] == real["changed_fields"] == list(PREFERENCE_FIELDS)
    assert client.writes() == ["set_security_preference"]
    client.reset_calls()
    again = ensure_security_preference(client, validate_security_preference(dict(STRICT)))
    assert not again["changed"]
    assert client.writes() == []


def test_one_field_changed_keeps_every_other_field():
    """The service may reset what it is not sent (A90): the plan sends the whole preference."""
    client = FakeRamClient()
    ensure_security_preference(client, validate_security_preference(dict(STRICT)))
    result = ensure_security_preference(client, validate_security_preference({"login_session_duration": 12}), diff=True)
    assert result["changed_fields"] == ["login_session_duration"]
    assert result["diff"] == {"before": {"login_session_duration": 8}, "after": {"login_session_duration": 12},
                              "before_header": "security preference", "after_header": "security preference"}
    assert client.security_preference == dict(STRICT, login_session_duration=12)
    sent = client.calls_to("set_security_preference")[-1]
    assert sent == dict(STRICT, login_session_duration=12)


def test_lists_compare_as_sets():
    client = FakeRamClient()
    ensure_security_preference(client, validate_security_preference({"login_network_masks": ["10.0.0.0/8", "11.0.0.0/8"],
                                                                     "verification_types": ["sms", "email"]}))
    client.reset_calls()
    result = ensure_security_preference(client, validate_security_preference(
        {"login_network_masks": ["11.0.0.0/8", "10.0.0.0/8"], "verification_types": ["email", "sms"]}))
    assert not result["changed"]
    assert client.writes() == []


def test_an_empty_list_clears_the_restriction():
    client = FakeRamClient()
    ensure_security_preference(client, validate_security_preference({"login_network_masks": ["10.0.0.0/8"]}))
    result = ensure_security_preference(client, validate_security_preference({"login_network_masks": []}))
    assert result["changed_fields"] == ["login_network_masks"]
    assert client.security_preference["login_network_masks"] == []


def test_a_field_the_answer_lacks_is_not_sent():
    """A field GetSecurityPreference does not return (None) is left out of the merged call, not sent as None."""
    current = dict(DEFAULTS, allow_user_to_manage_service_credentials=None)
    plan = plan_security_preference(current, {"login_session_duration": 9})
    assert "allow_user_to_manage_service_credentials" not in plan.steps[0].kwargs
    assert plan.steps[0].kwargs["login_session_duration"] == 9


def test_a_failed_write_is_reported():
    client = FakeRamClient()
    from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError
    client.fail["set_security_preference"] = RamApiError("NoPermission", "denied", http_status=403)
    with pytest.raises(RamApiError):
        ensure_security_preference(client, validate_security_preference({"login_session_duration": 9}))
    assert client.security_preference == DEFAULTS
