# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""batch.py: refusals, per-user results, warnings and the run's summary, against the mutants ``make mutation``
found alive (docs/mutation.md)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import batch
from ansible_collections.aliyun.ram.plugins.module_utils.batch import BatchOptions, run_batch
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

PASSWORD = "Given-Password-2024!"


def refusal(entries, **options):
    with pytest.raises(ValidationError) as info:
        run_batch(FakeRamClient(), entries, BatchOptions(**options))
    return str(info.value)


@pytest.mark.parametrize("entries, options, message", [
    ("kate", {}, "users: must be a list"),
    ([{"name": "kate"}], {"enforce_login_flags": "sometimes"}, "enforce_login_flags: must be one of on_create, always"),
    (["kate"], {}, "users[0]: must be a dictionary with at least a name"),
    ([{"name": "kate"}, {"name": ""}], {}, "users[1].name: is required"),
    ([{"name": "kate", "state": "gone"}], {}, "users[0] (kate).state: must be present or absent"),
    ([{"name": "kate", "password": ""}], {}, "users[0] (kate).password: must not be empty"),
    ([{"name": "kate", "password": PASSWORD, "console_login": False}], {},
     "users[0] (kate).password: a password needs a console login, but console_login is false"),
    ([{"name": "kate", "mfa_bind_required": "yes"}], {}, "users[0] (kate).mfa_bind_required: must be true or false"),
    ([{"name": "kate", "enforce_login_flags": "never"}], {},
     "users[0] (kate).enforce_login_flags: must be one of on_create, always"),
    ([{"name": "kate", "email": "nobody"}], {},
     "users[0] (kate).email: 'nobody' is not an e-mail address (expected local@domain.tld)"),
    ([{"name": "kate"}, {"name": "KATE@corp.example.com"}], {},
     "users: KATE@corp.example.com is listed twice (entries 0 and 1)"),
    ([{"name": "u%d" % i, "console_login": True} for i in range(7)], {},
     "password_dir: required because u0, u1, u2, u3, u4 and 2 more ask for a console login without a password "
     "(a generated initial password is written there)"),
    ([{"name": "u%d" % i, "console_login": True} for i in range(5)], {},
     "password_dir: required because u0, u1, u2, u3, u4 ask for a console login without a password "
     "(a generated initial password is written there)"),
    ([{"name": "kate"}], {"max_concurrency": 65}, "max_concurrency: must be between 1 and 64"),
    ([{"name": "kate"}], {"max_concurrency": None}, "max_concurrency: must be between 1 and 64"),
])
def test_refusals_name_the_entry_and_the_rule(entries, options, message):
    assert refusal(entries, **options) == message


def test_the_concurrency_limit_is_inclusive_and_empty_runs_work():
    summary = run_batch(FakeRamClient(), [{"name": "kate"}], BatchOptions(max_concurrency=64))
    assert summary["counts"]["created"] == 1
    assert run_batch(FakeRamClient(), [], BatchOptions())["users"] == []


def test_defaults_of_the_options():
    options = BatchOptions(enforce_login_flags=None)
    assert options.enforce_login_flags == "on_create"
    assert (options.purge_groups, options.purge_policies, options.purge_tags, options.delete_users) == (False,) * 4
    assert (options.mfa_bind_required, options.password_reset_required) == (True, True)
    assert BatchOptions(purge_policies=1).purge_policies is True


def test_a_spec_shows_its_name_and_state_only():
    [spec] = batch.build_specs([{"name": "kate", "password": PASSWORD}], BatchOptions())
    assert repr(spec) == "UserSpec(kate, present)"
    assert spec.index == 0 and spec.console_login is True and spec.enforce_login_flags == "on_create"
    assert spec.login_flags == {"mfa_bind_required": True, "password_reset_required": True}
    spec = batch.UserSpec(3, "kate", "present", None, None, {})
    assert spec.enforce_login_flags == "on_create" and spec.index == 3


def test_what_an_entry_manages():
    options = BatchOptions(default_groups=["dev"], default_tags={"team": "a"})
    [plain, own] = batch.build_specs([{"name": "kate", "display_name": "Kate"},
                                      {"name": "bob", "groups": ["ops", "dev"], "tags": {"x": "1"},
                                       "policies": ["ReadOnlyAccess"]}], options)
    assert plain.params["display_name"] == "Kate" and plain.params["groups"] == ["dev"]
    assert plain.params["policies"] is None and plain.params["tags"] == {"team": "a"}
    assert own.params["groups"] == ["dev", "ops"] and own.params["tags"] == {"team": "a", "x": "1"}
    assert own.params["policies"] == ["ReadOnlyAccess"]
    [bare] = batch.build_specs([{"name": "kate"}], BatchOptions())
    assert bare.params["groups"] is None and bare.params["policies"] is None and bare.params["tags"] is None
    [purged] = batch.build_specs([{"name": "kate"}], BatchOptions(purge_groups=True, purge_policies=True, purge_tags=True))
    assert purged.params["groups"] == [] and purged.params["policies"] == [] and purged.params["tags"] == {}
    [tagged] = batch.build_specs([{"name": "kate", "tags": {}}], BatchOptions())
    assert tagged.params["tags"] == {}


def account():
    client = FakeRamClient()
    client.add_group("dev")
    return client


def test_results_of_a_created_and_an_unchanged_user(tmp_path):
    client = account()
    client.add_user("bob")
    summary = run_batch(client, [{"name": "kate", "password": PASSWORD, "groups": ["dev"]}, {"name": "bob"}],
                        BatchOptions(), diff=True)
    kate, bob = summary["users"]
    assert kate == {"name": "kate", "user_principal_name": "kate@" + DOMAIN, "state": "present", "action": "created",
                    "changed": True, "changed_fields": ["user_principal_name", "display_name", "groups", "login_profile.exists",
                                                        "login_profile.password", "login_profile.status",
                                                        "login_profile.password_reset_required",
                                                        "login_profile.mfa_bind_required"],
                    "changes": ["create user kate@%s" % DOMAIN, "add kate@%s to group dev" % DOMAIN,
                                "create the login profile of kate@%s with a password and mfa_bind_required=true, "
                                "password_reset_required=true, status=Active" % DOMAIN],
                    "warnings": []}
    assert bob["action"] == "unchanged" and bob["changed"] is False and bob["changes"] == []
    assert summary["counts"] == {"created": 1, "updated": 0, "disabled": 0, "deleted": 0, "unchanged": 1, "failed": 0}
    [diff] = summary["diff"]
    assert diff["before_header"] == diff["after_header"] == "user kate@" + DOMAIN
    assert diff["after"]["login_profile"]["exists"] is True and diff["before"]["login_profile"] == {"exists": False}
    assert summary["warnings"] == [] and summary["disabled_logins"] == [] and summary["changed"] is True


def test_no_diff_unless_asked_and_check_mode_reports_the_planned_changes():
    client = account()
    summary = run_batch(client, [{"name": "kate"}], BatchOptions(), check_mode=True)
    assert "diff" not in summary and client.writes() == []
    assert summary["users"][0]["changes"] == ["create user kate@" + DOMAIN] and summary["users"][0]["changed"] is True


def test_a_failed_user_reports_what_was_done_and_a_redacted_error():
    client = account()
    client.fail[("add_user_to_group", "kate@" + DOMAIN)] = RamApiError(
        "Throttling.User", "quota hit; Password=%s" % PASSWORD, request_id="R1", http_status=400)
    summary = run_batch(client, [{"name": "kate", "groups": ["dev"], "password": PASSWORD}], BatchOptions())
    [kate] = summary["users"]
    assert kate["action"] == "failed" and kate["changed"] is True
    assert kate["changes"] == ["create user kate@" + DOMAIN]
    assert kate["error"]["message"] == "quota hit; Password=********" and kate["error"]["code"] == "Throttling.User"
    assert PASSWORD not in kate["error"]["msg"] and "********" in kate["error"]["msg"]
    assert batch.failure_message(summary) == \
        "1 of 1 users failed: kate (see users[].error); the other users' changes stand"
    assert summary["counts"]["failed"] == 1


def test_the_failure_message_lists_ten_names():
    users = [{"name": "u%02d" % i, "action": "failed"} for i in range(11)] + [{"name": "ok", "action": "created"}]
    assert batch.failure_message({"users": users}) == (
        "11 of 12 users failed: u00, u01, u02, u03, u04, u05, u06, u07, u08, u09 and 1 more (see users[].error); "
        "the other users' changes stand")
    assert batch.failure_message({"users": users[-1:]}) is None


def test_a_validation_error_of_one_user_names_the_option():
    summary = run_batch(FakeRamClient(), [{"name": "kate", "groups": ["nosuch"]}], BatchOptions())
    assert summary["users"][0]["error"] == {"msg": "groups: group 'nosuch' does not exist", "option": "groups"}


def test_offboarding_disables_the_login_and_leaves_groups():
    client = account()
    client.add_user("kate", groups=["dev"])
    client.add_login_profile("kate@" + DOMAIN)
    summary = run_batch(client, [{"name": "kate", "state": "absent"}], BatchOptions(), diff=True)
    [kate] = summary["users"]
    assert kate["action"] == "disabled"
    assert kate["changes"] == ["update the login profile of kate@%s: status=Inactive" % DOMAIN,
                               "remove kate@%s from group dev" % DOMAIN]
    assert summary["diff"][0]["before"]["login_profile"]["status"] == "Active"
    assert summary["diff"][0]["after"]["login_profile"]["status"] == "Inactive"
    again = run_batch(client, [{"name": "kate", "state": "absent"}], BatchOptions())
    assert again["users"][0]["action"] == "unchanged" and again["changed"] is False


def test_an_absent_user_that_is_not_there_is_unchanged():
    summary = run_batch(FakeRamClient(), [{"name": "kate", "state": "absent"}], BatchOptions(), diff=True)
    assert summary["users"][0]["action"] == "unchanged" and summary["diff"] == []


def test_deleting_reads_the_user_once(tmp_path):
    client = account()
    client.add_user("kate", groups=["dev"])
    client.reset_calls()
    summary = run_batch(client, [{"name": "kate", "state": "absent"}], BatchOptions(delete_users=True))
    assert summary["users"][0]["action"] == "deleted"
    assert client.count("get_user") == 1 and client.count("list_groups_for_user") == 1


def test_console_login_false_removes_the_login():
    client = account()
    client.add_user("kate")
    client.add_login_profile("kate@" + DOMAIN)
    summary = run_batch(client, [{"name": "kate", "console_login": False}], BatchOptions())
    assert summary["users"][0]["changes"] == ["delete the login profile of kate@" + DOMAIN]


def test_disabled_logins_and_per_user_warnings_are_collected(tmp_path):
    client = FakeRamClient(site="intl")
    entries = []
    for index in range(11):
        client.add_user("u%02d" % index)
        entries.append({"name": "u%02d" % index, "email": "u%02d@example.com" % index})
    for name in ("d1", "d2"):
        upn = client.add_user(name)["user_principal_name"]
        client.add_login_profile(upn, status="Inactive")
        entries.append({"name": name, "console_login": True})
    warnings = run_batch(client, entries, BatchOptions(password_dir=str(tmp_path)))["warnings"]
    assert warnings[0] == ("2 console login(s) are disabled and were left disabled: d1, d2 (see disabled_logins; "
                           "enable_disabled_logins: true turns them on again)")
    assert warnings[1].startswith("u00: email: the API does not return the email of u00@%s " % DOMAIN)
    assert [w.split(":")[0] for w in warnings[1:11]] == ["u%02d" % i for i in range(10)]
    assert warnings[11:] == ["1 more warnings in users[].warnings"]
    ten = run_batch(client, entries[:10], BatchOptions())["warnings"]
    assert len(ten) == 10 and ten[-1].startswith("u09: ")


def test_shared_lookups_ask_once_per_key():
    client = account()
    client.add_policy("Deploy-x", "Custom")
    shared = batch.SharedLookups(client, known_groups=["ops"])
    assert shared.get_group("ops") == {"group_name": "ops"}
    assert shared.get_policy("Deploy-x", "Custom")["policy_name"] == "Deploy-x"
    assert shared.get_policy("Deploy-x", "System") is None
    assert shared.get_password_policy()["minimum_password_length"] == 8
    shared.get_password_policy()
    shared.get_group("dev")
    assert shared.get_group("dev")["group_name"] == "dev"
    assert client.count("get_policy") == 2 and client.count("get_password_policy") == 1 and client.count("get_group") == 1


@pytest.mark.parametrize("status, retried, kept", [
    (399, False, True), (400, False, False), (499, False, False), (500, False, True), (None, False, True), (403, True, True)])
def test_only_a_first_attempts_client_error_proves_the_password_was_never_set(tmp_path, status, retried, kept):
    client = account()
    error = RamApiError("Refused", "no", http_status=status)
    error.retried = retried
    client.fail[("create_login_profile", "kate@" + DOMAIN)] = error
    summary = run_batch(client, [{"name": "kate", "console_login": True}], BatchOptions(password_dir=str(tmp_path)))
    assert summary["users"][0]["action"] == "failed"
    assert os.path.exists(os.path.join(str(tmp_path), "kate@%s.password.pending" % DOMAIN)) is kept


def test_the_pending_password_file_cannot_be_written(tmp_path, monkeypatch):
    from ansible_collections.aliyun.ram.plugins.module_utils import secret_files

    def refuse(self, upn, password):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(secret_files.PasswordVault, "write_pending", refuse)
    client = account()
    summary = run_batch(client, [{"name": "kate", "console_login": True}], BatchOptions(password_dir=str(tmp_path)))
    [kate] = summary["users"]
    assert kate["error"]["msg"] == ("the initial password of kate@%s could not be written to %s (No space left on device); "
                                    "its console login was not created" % (DOMAIN, tmp_path))
    assert client.count("create_login_profile") == 0


def test_a_generated_password_is_dropped_after_the_run(tmp_path):
    client = account()
    options = BatchOptions(password_dir=str(tmp_path))
    specs = batch.build_specs([{"name": "kate", "console_login": True}], options)
    outcomes = batch.BatchRun(client, specs, options).run()
    assert outcomes[0].generated_password is None and outcomes[0].password_file
    assert outcomes[0].result(False)["password_file"] == outcomes[0].password_file


def test_purge_policies_detaches_what_no_entry_lists():
    client = account()
    client.add_user("kate")
    client.add_user_policy("kate", "ReadOnlyAccess")
    summary = run_batch(client, [{"name": "kate", "policies": []}], BatchOptions(purge_policies=True))
    assert summary["users"][0]["changes"] == ["detach System policy ReadOnlyAccess from kate@" + DOMAIN]


def test_a_console_login_for_an_existing_user_reads_the_user_once(tmp_path):
    client = account()
    client.add_user("kate")
    client.reset_calls()
    summary = run_batch(client, [{"name": "kate", "password": PASSWORD}], BatchOptions())
    assert summary["users"][0]["action"] == "updated"
    assert client.count("get_user") == 1


def test_a_given_password_needs_no_password_dir_for_an_existing_login():
    client = account()
    client.add_user("kate")
    client.add_login_profile("kate@" + DOMAIN)
    summary = run_batch(client, [{"name": "kate", "password": PASSWORD}], BatchOptions())
    assert summary["users"][0]["action"] == "unchanged" and "error" not in summary["users"][0]


def test_a_failed_create_names_no_password_file(tmp_path):
    client = account()
    client.fail[("create_login_profile", "kate@" + DOMAIN)] = RamApiError("NoPermission", None, http_status=403)
    summary = run_batch(client, [{"name": "kate", "console_login": True}], BatchOptions(password_dir=str(tmp_path)))
    [kate] = summary["users"]
    assert kate["action"] == "failed" and "password_file" not in kate
    assert kate["error"]["message"] == "" and kate["error"]["code"] == "NoPermission"


def test_one_worker_means_one_call_at_a_time():
    client = account()
    client.latency = 0.02
    summary = run_batch(client, [{"name": "u%d" % i} for i in range(3)], BatchOptions(max_concurrency=1))
    assert summary["counts"]["created"] == 3 and client.peak == 1


def lost_password_file(tmp_path):
    """A run that died right after CreateLoginProfile: the password is still in the pending file."""
    client = account()
    run_batch(client, [{"name": "kate", "console_login": True}], BatchOptions(password_dir=str(tmp_path)))
    final = os.path.join(str(tmp_path), "kate@%s.password" % DOMAIN)
    os.rename(final, final + ".pending")
    return client, final


def test_the_recovery_of_a_lost_password_file_is_reported(tmp_path):
    client, final = lost_password_file(tmp_path)
    entries, options = [{"name": "kate", "console_login": True}], BatchOptions(password_dir=str(tmp_path))
    checked = run_batch(client, entries, options, check_mode=True)["users"][0]
    assert checked["warnings"] == ["kate@%s: an interrupted run created its console login; its initial password file would "
                                   "be restored from %s" % (DOMAIN, final + ".pending")]
    restored = run_batch(client, entries, options)["users"][0]
    assert restored["warnings"] == ["kate@%s: an interrupted run created its console login; its initial password file was "
                                    "restored" % DOMAIN]


@pytest.mark.parametrize("update_date", ["2099-01-01T00:00:00Z", None])
def test_a_pending_file_that_cannot_be_proven_current_is_explained(tmp_path, update_date):
    client, final = lost_password_file(tmp_path)
    client.login_profiles["kate@" + DOMAIN]["update_date"] = update_date
    user = run_batch(client, [{"name": "kate", "console_login": True}], BatchOptions(password_dir=str(tmp_path)))["users"][0]
    assert user["warnings"] == [
        "kate@%s: %s was left by an interrupted run, but it cannot be proven to hold the current password of the console "
        "login (the login was changed at %s or its password is no longer the initial one); the file is left as it is: "
        "remove it once you know it is stale" % (DOMAIN, final + ".pending", update_date or "an unknown time")]


@pytest.mark.parametrize("offset, proven", [(-300, True), (-301, False), (900, True), (901, False)])
def test_the_proof_window_of_a_pending_file_is_inclusive(tmp_path, offset, proven):
    import calendar
    import time
    client, final = lost_password_file(tmp_path)
    written = os.stat(final + ".pending").st_mtime
    set_at = int(written) + offset
    os.utime(final + ".pending", (int(written), int(written)))
    client.login_profiles["kate@" + DOMAIN]["update_date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(set_at))
    assert calendar.timegm(time.gmtime(set_at)) == set_at
    user = run_batch(client, [{"name": "kate", "console_login": True}], BatchOptions(password_dir=str(tmp_path)))["users"][0]
    assert ("password_file" in user) is proven


def test_a_pending_password_with_the_user_name_in_it_is_replaced(tmp_path):
    client = FakeRamClient(password_policy={"password_not_contain_user_name": True})
    error = RamApiError("ServiceUnavailable", "busy", http_status=503)
    error.retried = True
    client.fail[("create_login_profile", "kate@" + DOMAIN)] = error
    entries, options = [{"name": "kate", "console_login": True}], BatchOptions(password_dir=str(tmp_path))
    run_batch(client, entries, options)
    pending = os.path.join(str(tmp_path), "kate@%s.password.pending" % DOMAIN)
    with open(pending, "w") as handle:
        handle.write("Kate-2024-pass!\n")
    del client.fail[("create_login_profile", "kate@" + DOMAIN)]
    user = run_batch(client, entries, options)["users"][0]
    assert user["action"] == "updated"  # the user was created by the first run
    assert user["warnings"] == ["kate@%s: the password left in %s by an interrupted run no longer satisfies the password "
                                "policy; a new one replaces it" % (DOMAIN, pending)]
    assert "kate" not in client.passwords["kate@" + DOMAIN].lower()
