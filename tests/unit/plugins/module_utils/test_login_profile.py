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

UPN = "alice@corp.onaliyun.com"
SECRET = "Str0ng-Pass-Phrase!"
POLICY = {"minimum_password_length": 12, "require_symbols": True, "require_numbers": True,
          "password_not_contain_user_name": True}


class FakeClient:
    """In-memory IMS login profiles with the RamClient method names and semantics used by the reconciler."""

    def __init__(self, users=(UPN,), profiles=None, policy=None, fail=None):
        self.users = set(users)
        self.profiles = dict(profiles or {})
        self.policy = dict(POLICY if policy is None else policy)
        self.fail = dict(fail or {})
        self.calls = []
        self.sent_passwords = []

    def _record(self, action):
        self.calls.append(action)
        if action in self.fail:
            raise self.fail[action]

    def upn_for(self, name):
        if "@" in name:
            return name
        self.calls.append("GetDefaultDomain")
        return name + "@corp.onaliyun.com"

    def get_user(self, upn=None, user_id=None):
        self._record("GetUser")
        return {"user_principal_name": upn} if upn in self.users else None

    def get_login_profile(self, upn):
        self._record("GetLoginProfile")
        if upn not in self.users:
            raise RamApiError("EntityNotExist.User", "The user does not exist.", http_status=404)
        profile = self.profiles.get(upn)
        return dict(profile) if profile else None

    def get_password_policy(self):
        self._record("GetPasswordPolicy")
        return dict(self.policy)

    def create_login_profile(self, upn, password=None, password_reset_required=None, mfa_bind_required=None, status=None):
        self._record("CreateLoginProfile")
        self.sent_passwords.append(password)
        self.profiles[upn] = {
            "user_principal_name": upn, "status": status or "Active",
            "password_reset_required": bool(password_reset_required), "mfa_bind_required": bool(mfa_bind_required),
            "password_status": "InitialValid", "create_date": "2024-01-01T00:00:00Z",
            "update_date": "2024-01-01T00:00:00Z", "last_login_time": None, "auto_disable_login_status": None,
        }
        return dict(self.profiles[upn])

    def update_login_profile(self, upn, password=None, password_reset_required=None, mfa_bind_required=None, status=None):
        self._record("UpdateLoginProfile")
        self.sent_passwords.append(password)
        profile = self.profiles[upn]
        for key, value in (("password_reset_required", password_reset_required),
                           ("mfa_bind_required", mfa_bind_required), ("status", status)):
            if value is not None:
                profile[key] = value
        profile["update_date"] = "2024-02-02T00:00:00Z"
        return dict(profile)

    def delete_login_profile(self, upn):
        self._record("DeleteLoginProfile")
        del self.profiles[upn]


def existing(**flags):
    profile = {"user_principal_name": UPN, "status": "Active", "password_reset_required": False,
               "mfa_bind_required": False, "password_status": "NotInitial", "create_date": "2023-01-01T00:00:00Z",
               "update_date": "2023-01-01T00:00:00Z", "last_login_time": None, "auto_disable_login_status": None}
    profile.update(flags)
    return {UPN: profile}


def params(**overrides):
    values = {"name": UPN, "state": "present", "password": None, "update_password": "on_create",
              "password_reset_required": None, "mfa_bind_required": None, "status": None}
    values.update(overrides)
    return values


WRITES = {"CreateLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile"}


def writes(client):
    return [call for call in client.calls if call in WRITES]


# --- reading ---------------------------------------------------------------------------------

def test_read_absent_profile_is_none():
    assert read_login_profile(FakeClient(), UPN) is None


def test_read_missing_user_is_a_clear_error():
    client = FakeClient(users=())
    with pytest.raises(MissingUserError) as err:
        read_login_profile(client, UPN)
    assert str(err.value).startswith("user alice@corp.onaliyun.com does not exist")


@pytest.mark.parametrize("code, status", [("NoPermission", 403), ("Throttling.User", 400), ("ServiceUnavailable", 503)])
def test_read_errors_other_than_not_found_propagate_and_nothing_is_created(code, status):
    client = FakeClient(fail={"GetLoginProfile": RamApiError(code, "denied", http_status=status, action="GetLoginProfile")})
    with pytest.raises(RamApiError) as err:
        ensure_login_profile(client, params(password=SECRET))
    assert err.value.code == code
    assert writes(client) == []
    assert "GetPasswordPolicy" not in client.calls


# --- create ------------------------------------------------------------------------------------

def test_create_then_rerun_is_ok_with_reads_only():
    client = FakeClient()
    first = ensure_login_profile(client, params(password=SECRET, mfa_bind_required=True, password_reset_required=True))
    assert first["changed"] is True
    # GetUser confirms the user before "no login profile" is believed (IMS documents no codes for GetLoginProfile)
    assert client.calls == ["GetLoginProfile", "GetUser", "GetPasswordPolicy", "CreateLoginProfile", "GetLoginProfile"]
    assert client.sent_passwords == [SECRET]
    assert first["login_profile"]["mfa_bind_required"] is True
    assert first["login_profile"]["password_reset_required"] is True
    assert first["login_profile"]["status"] == "Active"

    client.calls = []
    second = ensure_login_profile(client, params(password=SECRET, mfa_bind_required=True, password_reset_required=True))
    assert second["changed"] is False
    assert client.calls == ["GetLoginProfile"]
    assert second["warnings"] and "update_password is on_create" in second["warnings"][0]


def test_create_without_password_is_refused_before_any_write():
    client = FakeClient()
    with pytest.raises(ValidationError) as err:
        ensure_login_profile(client, params(mfa_bind_required=True))
    assert str(err.value).startswith("password: required to create a login profile")
    assert writes(client) == []


def test_create_sends_only_the_flags_that_were_set():
    plan = plan_login_profile(None, {"password": SECRET, "status": "Inactive"}, user_name=UPN)
    assert [step.method for step in plan.steps] == ["create_login_profile"]
    assert plan.steps[0].kwargs == {"upn": UPN, "password": SECRET, "status": "Inactive"}
    assert plan.after == {"exists": True, "status": "Inactive", "password_reset_required": False,
                          "mfa_bind_required": False, "password": "<changed>"}


def test_bare_name_is_completed_from_default_domain():
    client = FakeClient()
    result = ensure_login_profile(client, params(name="alice", password=SECRET))
    assert result["user_principal_name"] == UPN
    assert UPN in client.profiles


def test_invalid_name_is_refused_locally():
    client = FakeClient()
    with pytest.raises(ValidationError) as err:
        ensure_login_profile(client, validate_params(params(name="bad name!", password=SECRET)))
    assert err.value.option == "name"
    assert client.calls == []


# --- password policy -----------------------------------------------------------------------

@pytest.mark.parametrize("check_mode", [True, False])
def test_weak_password_fails_identically_in_check_and_real_run(check_mode):
    client = FakeClient()
    with pytest.raises(ValidationError) as err:
        ensure_login_profile(client, params(password="short1"), check_mode=check_mode)
    assert str(err.value) == ("password: must be at least 12 characters long (account password policy minimum_password_length); "
                              "must contain at least one symbol (account password policy require_symbols)")
    assert writes(client) == []


def test_password_containing_user_name_is_refused():
    client = FakeClient()
    with pytest.raises(ValidationError) as err:
        ensure_login_profile(client, params(password="Alice-2024-secret!"))
    assert "password_not_contain_user_name" in str(err.value)
    assert "Alice-2024" not in str(err.value)


def test_password_that_is_not_sent_is_not_checked_and_costs_no_policy_read():
    client = FakeClient(profiles=existing())
    result = ensure_login_profile(client, params(password="weak"))
    assert result["changed"] is False
    assert "GetPasswordPolicy" not in client.calls


# --- update ------------------------------------------------------------------------------------

@pytest.mark.parametrize("flag, value, enforce", [("password_reset_required", True, "always"),
                                                  ("mfa_bind_required", True, "always"),
                                                  ("status", "Inactive", "on_create")])
def test_each_flag_changes_alone_and_leaves_the_others(flag, value, enforce):
    client = FakeClient(profiles=existing(password_reset_required=False, mfa_bind_required=False, status="Active"))
    before = dict(client.profiles[UPN])
    result = ensure_login_profile(client, params(enforce_login_flags=enforce, **{flag: value}), diff=True)
    assert result["changed"] is True
    assert result["changed_fields"] == [flag]
    after = client.profiles[UPN]
    assert after[flag] == value
    for other in ("password_reset_required", "mfa_bind_required", "status"):
        if other != flag:
            assert after[other] == before[other]
    assert result["diff"]["before"][flag] == before[flag]
    assert result["diff"]["after"][flag] == value
    assert "password" not in result["diff"]["after"]
    assert client.sent_passwords == [None]


def test_unset_flags_are_never_reset():
    client = FakeClient(profiles=existing(password_reset_required=True, mfa_bind_required=True, status="Inactive"))
    result = ensure_login_profile(client, params())
    assert result["changed"] is False
    assert writes(client) == []


def test_update_password_always_sends_every_run_and_reports_changed():
    client = FakeClient(profiles=existing())
    for dummy in range(2):
        result = ensure_login_profile(client, params(password=SECRET, update_password="always"), diff=True)
        assert result["changed"] is True
        assert result["changed_fields"] == ["password"]
        assert result["diff"]["after"]["password"] == "<changed>"
    assert client.sent_passwords == [SECRET, SECRET]


def test_on_create_with_flag_change_sends_flag_but_not_password():
    client = FakeClient(profiles=existing())
    result = ensure_login_profile(client, params(password=SECRET, mfa_bind_required=True, enforce_login_flags="always"))
    assert result["changed_fields"] == ["mfa_bind_required"]
    assert client.sent_passwords == [None]
    assert "password not changed" in result["warnings"][0]


@pytest.mark.parametrize("flag", ["password_reset_required", "mfa_bind_required"])
def test_people_flags_are_not_enforced_on_an_existing_profile_by_default(flag):
    # the person reset the password (or bound MFA); the service cleared the flag
    client = FakeClient(profiles=existing(password_reset_required=False, mfa_bind_required=False))
    for check_mode in (True, False):
        result = ensure_login_profile(client, params(password=SECRET, **{flag: True}), check_mode=check_mode, diff=True)
        assert result["changed"] is False
        assert result["changed_fields"] == []
        assert result["login_profile"][flag] is False
        assert result["diff"]["before"] == result["diff"]["after"]
    assert writes(client) == []


def test_people_flags_go_out_with_a_new_password():
    client = FakeClient(profiles=existing(password_reset_required=False, mfa_bind_required=False))
    result = ensure_login_profile(client, params(password=SECRET, update_password="always", password_reset_required=True))
    assert result["changed_fields"] == ["password_reset_required", "password"]
    assert client.profiles[UPN]["password_reset_required"] is True
    assert client.sent_passwords == [SECRET]


def test_status_is_enforced_whatever_enforce_login_flags_says():
    client = FakeClient(profiles=existing(status="Inactive", password_reset_required=False))
    result = ensure_login_profile(client, params(status="Active", password_reset_required=True))
    assert result["changed_fields"] == ["status"]
    assert client.profiles[UPN]["status"] == "Active"
    assert client.profiles[UPN]["password_reset_required"] is False


def test_enforce_login_flags_is_validated_before_any_call():
    client = FakeClient()
    with pytest.raises(ValidationError) as err:
        ensure_login_profile(client, validate_params(params(enforce_login_flags="sometimes")))
    assert str(err.value).startswith("enforce_login_flags: must be one of on_create, always")
    assert client.calls == []


def test_status_toggle_keeps_the_profile():
    client = FakeClient(profiles=existing())
    ensure_login_profile(client, params(status="Inactive"))
    assert client.profiles[UPN]["status"] == "Inactive"
    result = ensure_login_profile(client, params(status="Active"))
    assert result["changed"] is True
    assert client.profiles[UPN]["status"] == "Active"
    assert "DeleteLoginProfile" not in client.calls


# --- delete ------------------------------------------------------------------------------------

def test_delete_then_delete_again_is_ok():
    client = FakeClient(profiles=existing())
    first = ensure_login_profile(client, params(state="absent"), diff=True)
    assert first["changed"] is True
    assert first["login_profile"] is None
    assert first["diff"] == {"before": {"exists": True, "status": "Active", "password_reset_required": False,
                                        "mfa_bind_required": False},
                             "after": {"exists": False},
                             "before_header": "login profile of %s" % UPN, "after_header": "login profile of %s" % UPN}
    client.calls = []
    second = ensure_login_profile(client, params(state="absent"))
    assert second["changed"] is False
    assert writes(client) == []


def test_absent_for_missing_user_is_ok():
    client = FakeClient(users=())
    result = ensure_login_profile(client, params(state="absent"))
    assert result["changed"] is False
    assert writes(client) == []


def test_present_for_missing_user_fails_clearly():
    client = FakeClient(users=())
    with pytest.raises(MissingUserError):
        ensure_login_profile(client, params(password=SECRET))
    assert writes(client) == []


def test_options_given_with_absent_are_reported_as_ignored():
    plan = plan_login_profile(existing()[UPN], {"state": "absent", "status": "Active", "password": SECRET}, user_name=UPN)
    assert plan.warnings == ["password, status ignored because state is absent"]


# --- check mode ----------------------------------------------------------------------------------

@pytest.mark.parametrize("start, options", [
    (None, dict(password=SECRET, mfa_bind_required=True, password_reset_required=True)),
    (None, dict(password=SECRET, status="Inactive")),
    (existing(), dict(status="Inactive")),
    (existing(), dict(password=SECRET, update_password="always", mfa_bind_required=True)),
    (existing(), dict(state="absent")),
    (existing(), dict(password=SECRET)),
    ({}, dict(state="absent")),
])
def test_check_mode_predicts_the_real_run_without_writes(start, options):
    check_client = FakeClient(profiles=start)
    real_client = FakeClient(profiles=start)
    predicted = ensure_login_profile(check_client, params(**options), check_mode=True, diff=True)
    real = ensure_login_profile(real_client, params(**options), check_mode=False, diff=True)
    assert writes(check_client) == []
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
    client = FakeClient(profiles=start)
    result = ensure_login_profile(client, params(**options), diff=True)
    assert SECRET not in json.dumps(result)
    plan = plan_login_profile(client.profiles.get(UPN), dict(options), update_password=options.get("update_password", "on_create"),
                              user_name=UPN)
    assert SECRET not in repr(plan.steps) + json.dumps(plan.summaries()) + json.dumps(plan.warnings)


# --- info ----------------------------------------------------------------------------------------

def test_info_reports_absent_as_exists_false():
    result = read_login_profile_info(FakeClient(), "alice")
    assert result == {"changed": False, "exists": False, "user_principal_name": UPN, "login_profile": None}


def test_info_reports_existing_profile():
    client = FakeClient(profiles=existing(status="Inactive"))
    result = read_login_profile_info(client, UPN)
    assert result["exists"] is True
    assert result["login_profile"]["status"] == "Inactive"
    assert client.calls == ["GetLoginProfile"]
