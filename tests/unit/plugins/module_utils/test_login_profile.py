# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.login_profile import (
    MissingUserError,
    ensure_login_profile,
    plan_login_profile,
    read_login_profile,
    read_login_profile_info,
    validate_params,
)
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import FakeRamClient

UPN = "alice@corp.onaliyun.com"
SECRET = "Str0ng-Pass-Phrase!"
POLICY = {"minimum_password_length": 12, "require_symbols": True, "require_numbers": True,
          "password_not_contain_user_name": True}


def account(profile=None, users=(UPN,), fail=None):
    """An account with ``users``; ``profile`` (a dict of login profile fields) gives alice a console login."""
    fake = FakeRamClient(password_policy=POLICY)
    for upn in users:
        fake.add_user(upn)
    if profile is not None:
        fake.add_login_profile(UPN, **profile)
    fake.fail.update(fail or {})
    return fake


def existing(**flags):
    """An existing login profile whose password the person has already changed (PasswordStatus NotInitial)."""
    profile = {"status": "Active", "password_reset_required": False, "mfa_bind_required": False,
               "update_date": "2023-01-01T00:00:00Z"}
    profile.update(flags)
    return profile


def params(**overrides):
    values = {"name": UPN, "state": "present", "password": None, "update_password": "on_create",
              "password_reset_required": None, "mfa_bind_required": None, "status": None}
    values.update(overrides)
    return values


# --- reading ---------------------------------------------------------------------------------

def test_read_absent_profile_is_none():
    assert read_login_profile(account(), UPN) is None


def test_read_missing_user_is_a_clear_error():
    client = account(users=())
    with pytest.raises(MissingUserError) as err:
        read_login_profile(client, UPN)
    assert str(err.value) == ("user alice@corp.onaliyun.com does not exist; create it first "
                              "(for example with aliyun.ram.ram_user)")


@pytest.mark.parametrize("code, status", [("NoPermission", 403), ("Throttling.User", 400), ("ServiceUnavailable", 503)])
def test_read_errors_other_than_not_found_propagate_and_nothing_is_created(code, status):
    client = account(fail={"get_login_profile": RamApiError(code, "denied", http_status=status, action="GetLoginProfile")})
    with pytest.raises(RamApiError) as err:
        ensure_login_profile(client, params(password=SECRET))
    assert err.value.code == code
    assert client.writes() == []
    assert "get_password_policy" not in client.methods()


# --- create ------------------------------------------------------------------------------------

def test_create_then_rerun_is_ok_with_reads_only():
    client = account()
    first = ensure_login_profile(client, params(password=SECRET, mfa_bind_required=True, password_reset_required=True))
    assert first["changed"] is True
    # GetUser confirms the user before "no login profile" is believed (IMS documents no codes for GetLoginProfile)
    assert client.methods() == ["get_login_profile", "get_user", "get_password_policy", "create_login_profile",
                                "get_login_profile"]
    assert client.sent_passwords == [SECRET]
    assert first["login_profile"]["mfa_bind_required"] is True
    assert first["login_profile"]["password_reset_required"] is True
    assert first["login_profile"]["status"] == "Active"

    client.reset_calls()
    second = ensure_login_profile(client, params(password=SECRET, mfa_bind_required=True, password_reset_required=True))
    assert second["changed"] is False
    assert client.methods() == ["get_login_profile"]
    assert second["warnings"] and "update_password is on_create" in second["warnings"][0]


def test_create_without_password_is_refused_before_any_write():
    client = account()
    with pytest.raises(ValidationError) as err:
        ensure_login_profile(client, params(mfa_bind_required=True))
    assert str(err.value) == "password: required to create a login profile (the console login needs a password)"
    assert client.writes() == []


def test_create_sends_only_the_flags_that_were_set():
    plan = plan_login_profile(None, {"password": SECRET, "status": "Inactive"}, user_name=UPN)
    assert [step.method for step in plan.steps] == ["create_login_profile"]
    assert plan.steps[0].kwargs == {"upn": UPN, "password": SECRET, "status": "Inactive"}
    assert plan.after == {"exists": True, "status": "Inactive", "password_reset_required": False,
                          "mfa_bind_required": False, "password": "<changed>"}


def test_bare_name_is_completed_from_default_domain():
    client = account()
    result = ensure_login_profile(client, params(name="alice", password=SECRET))
    assert result["user_principal_name"] == UPN
    assert UPN in client.login_profiles


def test_invalid_name_is_refused_locally():
    client = account()
    with pytest.raises(ValidationError) as err:
        ensure_login_profile(client, validate_params(params(name="bad name!", password=SECRET)))
    assert (err.value.option, err.value.rule) == (
        "name", "the user name 'bad name!' may contain only letters, digits, periods (.), underscores (_) and hyphens (-)")
    assert client.calls == []


# --- password policy -----------------------------------------------------------------------

@pytest.mark.parametrize("check_mode", [True, False])
def test_weak_password_fails_identically_in_check_and_real_run(check_mode):
    client = account()
    with pytest.raises(ValidationError) as err:
        ensure_login_profile(client, params(password="short1"), check_mode=check_mode)
    assert str(err.value) == ("password: must be at least 12 characters long (account password policy minimum_password_length); "
                              "must contain at least one symbol (account password policy require_symbols)")
    assert client.writes() == []


def test_password_containing_user_name_is_refused():
    client = account()
    with pytest.raises(ValidationError) as err:
        ensure_login_profile(client, params(password="Alice-2024-secret!"))
    assert str(err.value) == "password: must not contain the user name (account password policy password_not_contain_user_name)"
    assert "Alice-2024" not in str(err.value)


def test_password_that_is_not_sent_is_not_checked_and_costs_no_policy_read():
    client = account(existing())
    result = ensure_login_profile(client, params(password="weak"))
    assert result["changed"] is False
    assert "get_password_policy" not in client.methods()


# --- update ------------------------------------------------------------------------------------

@pytest.mark.parametrize("flag, value, enforce", [("password_reset_required", True, "always"),
                                                  ("mfa_bind_required", True, "always"),
                                                  ("status", "Inactive", "on_create")])
def test_each_flag_changes_alone_and_leaves_the_others(flag, value, enforce):
    client = account(existing(password_reset_required=False, mfa_bind_required=False, status="Active"))
    before = dict(client.login_profiles[UPN])
    result = ensure_login_profile(client, params(enforce_login_flags=enforce, **{flag: value}), diff=True)
    assert result["changed"] is True
    assert result["changed_fields"] == [flag]
    after = client.login_profiles[UPN]
    assert after[flag] == value
    for other in ("password_reset_required", "mfa_bind_required", "status"):
        if other != flag:
            assert after[other] == before[other]
    assert result["diff"]["before"][flag] == before[flag]
    assert result["diff"]["after"][flag] == value
    assert "password" not in result["diff"]["after"]
    assert client.sent_passwords == [None]


def test_unset_flags_are_never_reset():
    client = account(existing(password_reset_required=True, mfa_bind_required=True, status="Inactive"))
    result = ensure_login_profile(client, params())
    assert result["changed"] is False
    assert client.writes() == []


def test_update_password_always_sends_every_run_and_reports_changed():
    client = account(existing())
    for dummy in range(2):
        result = ensure_login_profile(client, params(password=SECRET, update_password="always"), diff=True)
        assert result["changed"] is True
        assert result["changed_fields"] == ["password"]
        assert result["diff"]["after"]["password"] == "<changed>"
    assert client.sent_passwords == [SECRET, SECRET]


def test_on_create_with_flag_change_sends_flag_but_not_password():
    client = account(existing())
    result = ensure_login_profile(client, params(password=SECRET, mfa_bind_required=True, enforce_login_flags="always"))
    assert result["changed_fields"] == ["mfa_bind_required"]
    assert client.sent_passwords == [None]
    assert "password not changed" in result["warnings"][0]


@pytest.mark.parametrize("flag", ["password_reset_required", "mfa_bind_required"])
def test_people_flags_are_not_enforced_on_an_existing_profile_by_default(flag):
    # the person reset the password (or bound MFA); the service cleared the flag
    client = account(existing(password_reset_required=False, mfa_bind_required=False))
    for check_mode in (True, False):
        result = ensure_login_profile(client, params(password=SECRET, **{flag: True}), check_mode=check_mode, diff=True)
        assert result["changed"] is False
        assert result["changed_fields"] == []
        assert result["login_profile"][flag] is False
        assert result["diff"]["before"] == result["diff"]["after"]
    assert client.writes() == []


def test_people_flags_go_out_with_a_new_password():
    client = account(existing(password_reset_required=False, mfa_bind_required=False))
    result = ensure_login_profile(client, params(password=SECRET, update_password="always", password_reset_required=True))
    assert result["changed_fields"] == ["password_reset_required", "password"]
    assert client.login_profiles[UPN]["password_reset_required"] is True
    assert client.sent_passwords == [SECRET]


def test_status_is_enforced_whatever_enforce_login_flags_says():
    client = account(existing(status="Inactive", password_reset_required=False))
    result = ensure_login_profile(client, params(status="Active", password_reset_required=True))
    assert result["changed_fields"] == ["status"]
    assert client.login_profiles[UPN]["status"] == "Active"
    assert client.login_profiles[UPN]["password_reset_required"] is False


def test_enforce_login_flags_is_validated_before_any_call():
    client = account()
    with pytest.raises(ValidationError) as err:
        ensure_login_profile(client, validate_params(params(enforce_login_flags="sometimes")))
    assert str(err.value) == "enforce_login_flags: must be one of on_create, always"
    assert client.calls == []


def test_status_toggle_keeps_the_profile():
    client = account(existing())
    ensure_login_profile(client, params(status="Inactive"))
    assert client.login_profiles[UPN]["status"] == "Inactive"
    result = ensure_login_profile(client, params(status="Active"))
    assert result["changed"] is True
    assert client.login_profiles[UPN]["status"] == "Active"
    assert "delete_login_profile" not in client.methods()


# --- delete ------------------------------------------------------------------------------------

def test_delete_then_delete_again_is_ok():
    client = account(existing())
    first = ensure_login_profile(client, params(state="absent"), diff=True)
    assert first["changed"] is True
    assert first["login_profile"] is None
    assert first["diff"] == {"before": {"exists": True, "status": "Active", "password_reset_required": False,
                                        "mfa_bind_required": False},
                             "after": {"exists": False},
                             "before_header": "login profile of %s" % UPN, "after_header": "login profile of %s" % UPN}
    client.reset_calls()
    second = ensure_login_profile(client, params(state="absent"))
    assert second["changed"] is False
    assert client.writes() == []


def test_absent_for_missing_user_is_ok():
    client = account(users=())
    result = ensure_login_profile(client, params(state="absent"))
    assert result["changed"] is False
    assert client.writes() == []


def test_present_for_missing_user_fails_clearly():
    client = account(users=())
    with pytest.raises(MissingUserError):
        ensure_login_profile(client, params(password=SECRET))
    assert client.writes() == []


def test_options_given_with_absent_are_reported_as_ignored():
    current = account(existing()).get_login_profile(UPN)
    plan = plan_login_profile(current, {"state": "absent", "status": "Active", "password": SECRET}, user_name=UPN)
    assert plan.warnings == ["password, status ignored because state is absent"]


# --- check mode ----------------------------------------------------------------------------------

@pytest.mark.parametrize("start, options", [
    (None, dict(password=SECRET, mfa_bind_required=True, password_reset_required=True)),
    (None, dict(password=SECRET, status="Inactive")),
    (existing(), dict(status="Inactive")),
    (existing(), dict(password=SECRET, update_password="always", mfa_bind_required=True)),
    (existing(), dict(state="absent")),
    (existing(), dict(password=SECRET)),
    (None, dict(state="absent")),
])
def test_check_mode_predicts_the_real_run_without_writes(start, options):
    check_client = account(start)
    real_client = account(start)
    predicted = ensure_login_profile(check_client, params(**options), check_mode=True, diff=True)
    real = ensure_login_profile(real_client, params(**options), check_mode=False, diff=True)
    assert check_client.writes() == []
    for key in ("changed", "changed_fields", "diff", "warnings", "actions", "user_principal_name"):
        assert predicted[key] == real[key], key
    if real["login_profile"] is None:
        assert predicted["login_profile"] is None
    else:
        for key in ("status", "password_reset_required", "mfa_bind_required", "user_principal_name"):
            assert predicted["login_profile"][key] == real["login_profile"][key]


# --- secrets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("options, start", [
    (dict(password=SECRET, mfa_bind_required=True), None),
    (dict(password=SECRET, update_password="always"), existing()),
    (dict(password=SECRET), existing()),
    (dict(password=SECRET, state="absent"), existing()),
])
def test_password_never_in_result_plan_repr_or_summaries(options, start):
    client = account(start)
    result = ensure_login_profile(client, params(**options), diff=True)
    assert SECRET not in json.dumps(result)
    plan = plan_login_profile(client.get_login_profile(UPN), dict(options), update_password=options.get("update_password", "on_create"),
                              user_name=UPN)
    assert SECRET not in repr(plan.steps) + json.dumps(plan.summaries()) + json.dumps(plan.warnings)


# --- info ----------------------------------------------------------------------------------------

def test_info_reports_absent_as_exists_false():
    result = read_login_profile_info(account(), "alice")
    assert result == {"changed": False, "exists": False, "user_principal_name": UPN, "login_profile": None}


def test_info_reports_existing_profile():
    client = account(existing(status="Inactive"))
    result = read_login_profile_info(client, UPN)
    assert result["exists"] is True
    assert result["login_profile"]["status"] == "Inactive"
    assert client.methods() == ["get_login_profile"]
