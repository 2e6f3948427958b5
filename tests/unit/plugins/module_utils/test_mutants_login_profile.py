# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""login_profile.py: refusals, actions, warnings and predictions of a ram_login_profile task, against the mutants
``make mutation`` found alive (docs/mutation.md)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import login_profile as lp
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

KATE = "kate@" + DOMAIN
PASSWORD = "Initial-pw-2024!"


def refusal(func, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("desired, kwargs, message", [
    ({"state": "gone"}, {}, "state: must be one of present, absent"),
    ({}, {"update_password": "never"}, "update_password: must be one of always, on_create"),
    ({}, {"enforce_login_flags": "sometimes"}, "enforce_login_flags: must be one of on_create, always"),
    ({"status": "active"}, {}, "status: must be Active or Inactive"),
    ({"password_reset_required": "yes"}, {}, "password_reset_required: must be true or false"),
    ({"mfa_bind_required": 1}, {}, "mfa_bind_required: must be true or false"),
    ({"password": ""}, {}, "password: must not be empty"),
])
def test_local_refusals_name_the_option(desired, kwargs, message):
    assert refusal(lp.validate_desired, desired, **kwargs) == message


def test_the_defaults_of_validate_desired_are_valid_choices():
    lp.validate_desired({"state": None, "status": "Inactive", "password_reset_required": False,
                         "mfa_bind_required": True, "password": PASSWORD})
    lp.validate_desired({"state": "absent"}, "always", "always")


def test_a_login_profile_for_a_missing_user_names_it():
    client = FakeRamClient()
    with pytest.raises(lp.MissingUserError) as info:
        lp.read_login_profile(client, KATE)
    assert info.value.user_principal_name == KATE
    assert str(info.value) == "user %s does not exist; create it first (for example with aliyun.ram.ram_user)" % KATE


def test_the_info_read_names_the_option():
    assert refusal(lp.read_login_profile_info, FakeRamClient(), "a b") == \
        "name: the user name 'a b' may contain only letters, digits, periods (.), underscores (_) and hyphens (-)"


def test_password_will_be_sent_on_create_by_default_and_always_when_asked():
    profile = {"user_principal_name": KATE, "status": "Active"}
    assert lp.password_will_be_sent(None, {"state": None, "password": PASSWORD}) is True
    assert lp.password_will_be_sent(profile, {"password": PASSWORD}) is False
    assert lp.password_will_be_sent(profile, {"password": PASSWORD}, "always") is True
    assert lp.password_will_be_sent(None, {"state": "absent", "password": PASSWORD}) is False


def profile(**flags):
    view = {"user_principal_name": KATE, "status": "Active", "password_reset_required": False,
            "mfa_bind_required": False, "password_status": "NotInitial", "create_date": "2024-01-01T00:00:00Z"}
    view.update(flags)
    return view


def test_deletion_takes_the_name_from_the_current_profile_and_says_what_it_ignores():
    plan = lp.plan_login_profile(profile(), {"state": "absent", "password": PASSWORD, "status": "Active"})
    assert plan.summaries() == ["delete the login profile of %s" % KATE]
    assert plan.changed_fields == ["exists"]
    assert plan.warnings == ["password, status ignored because state is absent"]
    assert plan.after == {"exists": False}


def test_creation_with_and_without_flags():
    plan = lp.plan_login_profile(None, {"password": PASSWORD}, user_name=KATE)
    assert plan.summaries() == ["create the login profile of %s with a password" % KATE]
    assert plan.changed_fields == ["exists", "password"]
    plan = lp.plan_login_profile(None, {"password": PASSWORD, "mfa_bind_required": True, "password_reset_required": False,
                                        "status": "Inactive"}, user_name=KATE)
    assert plan.summaries() == ["create the login profile of %s with a password and mfa_bind_required=true, "
                                "password_reset_required=false, status=Inactive" % KATE]
    assert plan.changed_fields == ["exists", "password", "status", "password_reset_required", "mfa_bind_required"]
    assert plan.after == {"exists": True, "status": "Inactive", "password_reset_required": False,
                          "mfa_bind_required": True, "password": "<changed>"}


def test_an_update_lists_each_change_and_a_new_password():
    plan = lp.plan_login_profile(profile(), {"password": PASSWORD, "status": "Inactive", "mfa_bind_required": True},
                                 update_password="always", user_name=KATE)
    assert plan.summaries() == ["update the login profile of %s: mfa_bind_required=true, status=Inactive, "
                                "a new password" % KATE]
    assert plan.changed_fields == ["status", "mfa_bind_required", "password"]


def test_a_password_that_is_not_sent_is_not_checked_and_the_warning_says_how_to_send_it():
    strict = {"minimum_password_length": 30}
    plan = lp.plan_login_profile(profile(), {"password": "short-pw-1"}, policy=strict, user_name=KATE)
    assert plan.steps == []
    assert plan.warnings == ["password not changed: %s already has a login profile and update_password is on_create; "
                             "set update_password: always to replace the password" % KATE]
    assert lp.plan_login_profile(profile(), {"status": "Active"}, user_name=KATE).warnings == []


def test_person_flags_are_compared_only_on_demand_by_default():
    desired = {"password_reset_required": True, "mfa_bind_required": True}
    assert lp.plan_login_profile(profile(), desired, user_name=KATE).steps == []
    plan = lp.plan_login_profile(profile(), desired, user_name=KATE, enforce_login_flags="always")
    assert plan.summaries() == ["update the login profile of %s: mfa_bind_required=true, password_reset_required=true" % KATE]


def run(client, check_mode=False, diff=True, **params):
    params.setdefault("name", "kate")
    return lp.ensure_login_profile(client, lp.validate_params(params), check_mode=check_mode, diff=diff)


def test_absent_for_a_missing_user_is_no_change():
    result = run(FakeRamClient(), state="absent")
    assert result == {"changed": False, "user_principal_name": KATE, "login_profile": None, "changed_fields": [],
                      "actions": [], "warnings": [],
                      "diff": {"before": {"exists": False}, "after": {"exists": False},
                               "before_header": "login profile of %s" % KATE, "after_header": "login profile of %s" % KATE}}


def test_a_replaced_password_is_checked_against_the_policy_first():
    client = FakeRamClient(password_policy={"minimum_password_length": 20})
    client.add_user("kate")
    client.add_login_profile(KATE)
    message = refusal(run, client, password="Short-pw-1", update_password="always")
    assert message.startswith("password: ") and "20" in message
    assert client.writes() == []


def test_the_defaults_of_the_options_are_on_create():
    client = FakeRamClient()
    client.add_user("kate")
    client.add_login_profile(KATE, password_reset_required=True)
    result = run(client, password=PASSWORD, password_reset_required=False, update_password=None, enforce_login_flags=None)
    assert result["changed"] is False and result["warnings"][0].startswith("password not changed: ")


def test_check_mode_keeps_what_it_knows_of_the_current_profile():
    client = FakeRamClient()
    client.add_user("kate")
    client.add_login_profile(KATE, password=PASSWORD)
    result = run(client, check_mode=True, status="Inactive")
    assert result["changed"] is True and client.writes() == []
    assert result["login_profile"]["status"] == "Inactive"
    assert result["login_profile"]["password_status"] == "InitialValid"
    assert result["login_profile"]["user_principal_name"] == KATE


def test_a_missing_user_found_by_get_user_is_named_too():
    class Quiet(FakeRamClient):
        """A service that answers GetLoginProfile of a missing user as 'no profile' (IMS documents no codes)."""
        def get_login_profile(self, upn):
            return None
    with pytest.raises(lp.MissingUserError) as info:
        lp.read_login_profile(Quiet(), KATE)
    assert info.value.user_principal_name == KATE
    client = Quiet()
    client.add_user("kate")
    assert lp.read_login_profile(client, KATE) is None
    client.reset_calls()
    assert lp.read_login_profile(client, KATE, user_exists=True) is None and client.count("get_user") == 0
