# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The batch engine against an in-memory RAM account (the reconcilers are the real ones)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json
import os
import stat
import threading

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import batch
from ansible_collections.aliyun.ram.plugins.module_utils.batch import BatchOptions, run_batch
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.password import password_violations
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

POLICY = {"minimum_password_length": 14, "require_lowercase_characters": True, "require_uppercase_characters": True,
          "require_numbers": True, "require_symbols": True, "password_not_contain_user_name": True}
# what a person picks when the console asks for a new password (it satisfies POLICY)
CHOSEN_PASSWORD = "Chosen-By-The-Person-42!"
LOGIN_FLAGS = ("status", "password_reset_required", "mfa_bind_required")


def new_account(groups=("dev", "ops", "staff")):
    """An account with these groups (RAM's system policies, ReadOnlyAccess among them) and a strict password policy."""
    fake = FakeRamClient(password_policy=POLICY)
    for name in groups:
        fake.add_group(name)
    return fake


def existing(fake, name, groups=(), login=None):
    """A user that is already there, in ``groups``; ``login`` (login profile fields) gives it a console login."""
    upn = fake.add_user(name, groups=groups)["user_principal_name"]
    if login is not None:
        fake.add_login_profile(upn, **login)
    return upn


def login_flags(fake, upn):
    return dict((flag, fake.login_profiles[upn][flag]) for flag in LOGIN_FLAGS)


def team(count, **extra):
    return [dict({"name": "user%02d" % index, "console_login": True}, **extra) for index in range(count)]


def options(tmp_path=None, **kwargs):
    kwargs.setdefault("password_dir", str(tmp_path / "pw") if tmp_path is not None else None)
    return BatchOptions(**kwargs)


def by_name(summary):
    return dict((user["name"], user) for user in summary["users"])


# ---------------------------------------------------------------- onboarding and idempotence


def people_use_their_logins(account, upns, reset=True, mfa=True):
    """People log in, set their own password (the service clears the reset flag) and bind MFA (the MFA flag goes)."""
    for upn in upns:
        if reset:
            account.person_change_password(upn, CHOSEN_PASSWORD)
        if mfa:
            account.person_bind_mfa(upn)


def test_onboarding_creates_users_with_memberships_login_and_password_files(tmp_path):
    account = new_account()
    summary = run_batch(account, team(3, groups=["ops"]), options(tmp_path, default_groups=["dev"]), diff=True)

    assert summary["changed"] is True
    assert summary["counts"]["created"] == 3 and summary["counts"]["failed"] == 0
    for user in summary["users"]:
        upn = user["user_principal_name"]
        assert account.groups_of(upn) == ["dev", "ops"]
        # secure defaults: MFA and a password change at first login
        assert login_flags(account, upn) == {"status": "Active", "password_reset_required": True, "mfa_bind_required": True}
        assert account.get_login_profile(upn)["password_status"] == "InitialValid"
        path = user["password_file"]
        assert path == os.path.join(str(tmp_path / "pw"), upn + ".password")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        with open(path) as handle:
            password = handle.read().strip()
        # the password in the file is the one the account got, and it satisfies the policy
        assert password == account.passwords[upn]
        assert password_violations(password, POLICY, upn) == []
        assert password not in json.dumps(summary)
    assert stat.S_IMODE(os.stat(str(tmp_path / "pw")).st_mode) == 0o700
    assert len(summary["diff"]) == 3
    assert summary["diff"][0]["before_header"] == "user user00@%s" % DOMAIN


def test_second_run_is_unchanged_with_four_reads_per_user_and_no_write(tmp_path):
    account = new_account()
    opts = options(tmp_path, default_groups=["dev"])
    run_batch(account, team(5), opts)
    account.reset_calls()

    summary = run_batch(account, team(5), opts, diff=True)

    assert summary["changed"] is False
    assert summary["counts"]["unchanged"] == 5
    assert summary["diff"] == []
    assert account.writes() == []
    per_user = collections.Counter(name for name, kwargs in account.calls if name != "get_default_domain")
    assert per_user == {"get_user": 5, "list_groups_for_user": 5, "list_policies_for_user": 5, "get_login_profile": 5}


def test_check_mode_predicts_the_real_run_and_writes_nothing(tmp_path):
    entries = team(4, groups=["ops"], policies=["ReadOnlyAccess"])
    account = new_account()
    existing(account, "user01", groups=["staff"], login={"status": "Active", "password_reset_required": True,
                                                         "mfa_bind_required": False})
    opts = options(tmp_path, purge_groups=True)

    predicted = run_batch(account, entries, opts, check_mode=True, diff=True)
    assert account.writes() == []
    assert not os.path.exists(str(tmp_path / "pw"))

    real = run_batch(account, entries, opts, diff=True)
    assert predicted == real
    assert by_name(real)["user01"]["action"] == "updated"
    # the login flags of an existing console login are people's business (enforce_login_flags: on_create)
    assert set(by_name(real)["user01"]["changed_fields"]) == {"groups", "policies"}
    assert account.login_profiles["user01@%s" % DOMAIN]["mfa_bind_required"] is False
    # the user that existed has no generated password: its profile was kept
    assert "password_file" not in by_name(real)["user01"]


def test_changing_one_users_groups_changes_only_that_user(tmp_path):
    account = new_account()
    entries = team(4, groups=["dev"])
    run_batch(account, entries, options(tmp_path))
    entries[2]["groups"] = ["ops"]
    account.reset_calls()

    summary = run_batch(account, entries, options(tmp_path, purge_groups=True), check_mode=True, diff=True)

    assert summary["counts"]["updated"] == 1 and summary["counts"]["unchanged"] == 3
    assert len(summary["diff"]) == 1
    entry = summary["diff"][0]
    assert entry["before_header"] == "user user02@%s" % DOMAIN
    assert entry["before"]["groups"] == ["dev"] and entry["after"]["groups"] == ["ops"]


def test_given_password_is_used_and_never_returned(tmp_path):
    account = new_account()
    secret = "Given-Passw0rd-#1"
    summary = run_batch(account, [{"name": "alice", "password": secret}], options(None))
    upn = "alice@" + DOMAIN
    assert account.passwords[upn] == secret
    assert by_name(summary)["alice"]["action"] == "created"
    assert "password_file" not in by_name(summary)["alice"]
    assert secret not in json.dumps(summary)


def test_weak_given_password_fails_that_user_only_and_is_not_shown():
    account = new_account()
    secret = "weakpassword"
    summary = run_batch(account, [{"name": "alice", "password": secret}, {"name": "bob"}], options(None))
    users = by_name(summary)
    assert users["alice"]["action"] == "failed"
    assert "uppercase" in users["alice"]["error"]["msg"]
    assert users["bob"]["action"] == "created"
    assert secret not in json.dumps(summary)
    assert "failed" in batch.failure_message(summary)


# ---------------------------------------------------------------- offboarding


def test_offboarding_disables_login_and_removes_memberships_then_is_idempotent():
    account = new_account()
    upn = existing(account, "carol", groups=["dev", "ops"], login={"status": "Active"})
    entries = [{"name": "carol", "state": "absent"}]

    summary = run_batch(account, entries, options(None), diff=True)
    user = by_name(summary)["carol"]
    assert user["action"] == "disabled"
    assert account.login_profiles[upn]["status"] == "Inactive"
    assert account.groups_of(upn) == []
    assert upn in account.users
    # console login is cut before anything else
    assert account.writes()[0] == "update_login_profile"

    again = run_batch(account, entries, options(None))
    assert by_name(again)["carol"]["action"] == "unchanged"


def test_offboarding_with_delete_users_force_deletes():
    account = new_account()
    upn = existing(account, "dave", groups=["dev"], login={"status": "Active"})
    account.add_user_policy("dave", "ReadOnlyAccess")
    account.add_access_key(upn, "LTAI-key")

    summary = run_batch(account, [{"name": "dave", "state": "absent"}, {"name": "nobody", "state": "absent"}],
                        options(None, delete_users=True))
    users = by_name(summary)
    assert users["dave"]["action"] == "deleted"
    assert users["nobody"]["action"] == "unchanged"
    assert upn not in account.users
    written = account.writes()
    assert written[0] == "update_login_profile" and written[-1] == "delete_user"


# ---------------------------------------------------------------- failures, concurrency, shared reads


def test_a_failing_user_does_not_hide_the_others_and_their_changes_stand(tmp_path):
    account = new_account()
    account.fail[("add_user_to_group", "user01@" + DOMAIN)] = RamApiError("NoPermission", "denied", http_status=403,
                                                                          request_id="REQ-1")
    summary = run_batch(account, team(3, groups=["dev"]), options(tmp_path))

    users = by_name(summary)
    assert users["user01"]["action"] == "failed"
    assert users["user01"]["error"]["code"] == "NoPermission"
    assert users["user01"]["error"]["request_id"] == "REQ-1"
    # the user was created before the failure: reported as changed, with the writes that were made
    assert users["user01"]["changed"] is True
    assert users["user01"]["changes"] == ["create user user01@%s" % DOMAIN]
    assert users["user00"]["action"] == users["user02"]["action"] == "created"
    assert summary["counts"]["failed"] == 1 and summary["counts"]["created"] == 2
    assert "user01" in batch.failure_message(summary)


def test_missing_group_fails_the_user_and_known_groups_skip_the_lookup(tmp_path):
    account = new_account(groups=())
    failed = run_batch(account, team(2, groups=["newteam"]), options(tmp_path), check_mode=True)
    assert failed["counts"]["failed"] == 2
    assert "newteam" in failed["users"][0]["error"]["msg"]

    account.reset_calls()
    predicted = run_batch(account, team(2, groups=["newteam"]), options(tmp_path, known_groups=["newteam"]),
                          check_mode=True)
    assert predicted["counts"]["created"] == 2
    assert account.count("get_group") == 0


def test_lookups_of_groups_policies_and_the_password_policy_happen_once_per_run(tmp_path):
    account = new_account()
    # the 8 workers read their first users together, then all look up the same groups and policy at the same time
    account.gather("get_user", 8)
    run_batch(account, team(16, groups=["dev", "ops"], policies=["ReadOnlyAccess"]), options(tmp_path, max_concurrency=8))
    assert account.peak == 8
    assert account.count("get_group") == 2
    assert account.count("get_policy") == 1
    assert account.count("get_password_policy") == 1


def test_the_pool_is_bounded_by_max_concurrency(tmp_path):
    account = new_account()
    # three workers provably in flight at once (a barrier), and no fourth worker ever
    account.gather("get_user", 3)
    run_batch(account, team(12), options(tmp_path, max_concurrency=3))
    assert account.peak == 3
    assert len(account.threads) == 3


def test_results_keep_the_input_order(tmp_path):
    account = new_account()
    entries = list(reversed(team(10)))
    first, last = entries[0]["name"] + "@" + DOMAIN, entries[-1]["name"] + "@" + DOMAIN
    last_one_done = threading.Event()

    def first_entry_waits_for_the_last(method, kwargs):
        """The first entry is worked on only once the last one is (its last write is under way)."""
        if method == "create_login_profile" and kwargs["upn"] == last:
            last_one_done.set()
        elif method == "get_user" and kwargs["upn"] == first:
            assert last_one_done.wait(10)
    account.hooks.append(first_entry_waits_for_the_last)
    summary = run_batch(account, entries, options(tmp_path))
    assert [user["action"] for user in summary["users"]] == ["created"] * 10
    created = [kwargs["upn"] for kwargs in account.calls_to("create_user")]
    assert created.index(last) < created.index(first)
    assert [user["name"] for user in summary["users"]] == [entry["name"] for entry in entries]


def test_unexpected_exception_is_reported_by_type_only(tmp_path):
    account = new_account()
    account.fail[("get_user", "user00@" + DOMAIN)] = KeyError("Password=hunter2")
    summary = run_batch(account, team(2), options(tmp_path))
    assert by_name(summary)["user00"]["error"] == {"msg": "unexpected KeyError while handling user00"}
    assert by_name(summary)["user01"]["action"] == "created"


# ---------------------------------------------------------------- input checks (before any call)


@pytest.mark.parametrize("entries, opts, option", [
    ([{"name": "alice"}, {"name": "Alice@other.onaliyun.com"}], {}, "users"),
    ([{"name": "alice", "console_login": True}], {"password_dir": None}, "password_dir"),
    ([{"name": "alice", "console_login": False, "password": "Abcdef-123456"}], {}, "users[0] (alice).password"),
    ([{"name": "bad name"}], {}, "users[0] (bad name).name"),
    ([{"name": "alice", "groups": ["a", "b", "c", "d", "e", "f"]}], {}, "users[0] (alice).groups"),
    ([{"name": "alice", "policies": [{"name": "X", "type": "Nope"}]}], {}, "users[0] (alice).policies"),
    ([{"name": "alice"}], {"max_concurrency": 0}, "max_concurrency"),
])
def test_bad_input_is_refused_before_any_call(tmp_path, entries, opts, option):
    account = new_account()
    opts.setdefault("password_dir", str(tmp_path))
    with pytest.raises(ValidationError) as info:
        run_batch(account, entries, BatchOptions(**opts))
    assert info.value.option == option
    assert account.calls == []


@pytest.mark.parametrize("names, rule", [
    (["alice", "bob"], "required because alice, bob ask for a console login without a password "
                       "(a generated initial password is written there)"),
    (["alice"], "required because alice asks for a console login without a password "
                "(a generated initial password is written there)"),
])
def test_one_name_takes_a_singular_verb(names, rule):
    account = new_account()
    with pytest.raises(ValidationError) as info:
        run_batch(account, [{"name": name, "console_login": True} for name in names], options(None))
    assert (info.value.option, info.value.rule) == ("password_dir", rule)
    assert account.calls == []


def test_password_dir_that_is_a_file_is_refused_before_any_write(tmp_path):
    account = new_account()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValidationError) as info:
        run_batch(account, team(1), options(None, password_dir=str(blocker)))
    assert (info.value.option, info.value.rule) == ("password_dir", "%s exists and is not a directory" % blocker)
    assert account.calls == []


def test_user_spec_repr_never_shows_the_password():
    spec = batch.build_spec(0, {"name": "alice", "password": "Top-Secret-99"}, BatchOptions())
    assert "Top-Secret-99" not in repr(spec)
    assert spec.console_login is True


# ---------------------------------------------------------------- interrupted runs and password files


def test_password_sent_by_an_interrupted_create_is_reused_by_the_next_run(tmp_path):
    """CreateLoginProfile fails (or the run dies) after the pending file is written: the re-run sends the same password."""
    account = new_account()
    upn = "user00@" + DOMAIN
    account.fail[("create_login_profile", upn)] = RamApiError("ServiceUnavailable", "try later", http_status=503)
    first = by_name(run_batch(account, team(1), options(tmp_path)))
    assert first["user00"]["action"] == "failed" and upn not in account.login_profiles
    pending = os.path.join(str(tmp_path / "pw"), upn + ".password.pending")
    with open(pending) as handle:
        kept = handle.read().strip()
    assert stat.S_IMODE(os.stat(pending).st_mode) == 0o600

    del account.fail[("create_login_profile", upn)]
    second = by_name(run_batch(account, team(1), options(tmp_path)))
    assert second["user00"]["action"] == "updated"
    assert account.passwords[upn] == kept
    with open(second["user00"]["password_file"]) as handle:
        assert handle.read().strip() == kept
    assert not os.path.exists(pending)


def test_password_file_lost_after_the_create_is_restored_without_any_write(tmp_path):
    """The run died between CreateLoginProfile and the rename: the next run restores the file, writes nothing."""
    account = new_account()
    run_batch(account, team(1), options(tmp_path))
    upn = "user00@" + DOMAIN
    final = os.path.join(str(tmp_path / "pw"), upn + ".password")
    os.rename(final, final + ".pending")  # the state a crash right after CreateLoginProfile leaves
    account.reset_calls()

    checked = by_name(run_batch(account, team(1), options(tmp_path), check_mode=True))
    assert checked["user00"]["password_file"] == final and not os.path.exists(final)
    assert any("would be restored" in text for text in checked["user00"]["warnings"])

    restored = by_name(run_batch(account, team(1), options(tmp_path)))
    assert restored["user00"]["action"] == "unchanged"
    assert any("was restored" in text for text in restored["user00"]["warnings"])
    with open(final) as handle:
        assert handle.read().strip() == account.passwords[upn]
    assert not [call for call in account.calls if not call[0].startswith(("get_", "list_"))]


# ---------------------------------------------------------------- people use what the baseline gave them


def onboarded(tmp_path, count):
    """An account after a first run over ``team(count)``: the account, the entries and the users' UPNs."""
    account = new_account()
    entries = team(count)
    first = run_batch(account, entries, options(tmp_path))
    return account, entries, [user["user_principal_name"] for user in first["users"]]


def test_a_rerun_after_people_reset_passwords_and_bound_mfa_writes_nothing(tmp_path):
    account, entries, upns = onboarded(tmp_path, 4)
    people_use_their_logins(account, upns[:3])
    people_use_their_logins(account, upns[3:], mfa=False)
    account.reset_calls()
    for check_mode in (True, False):
        summary = run_batch(account, entries, options(tmp_path), check_mode=check_mode, diff=True)
        assert summary["changed"] is False
        assert summary["counts"]["unchanged"] == 4
        assert summary["diff"] == []
    assert account.writes() == []
    assert all(not account.login_profiles[upn]["password_reset_required"] for upn in upns)


def test_enforce_login_flags_always_asks_people_again(tmp_path):
    account, entries, upns = onboarded(tmp_path, 3)
    people_use_their_logins(account, upns)
    account.reset_calls()
    predicted = run_batch(account, entries, options(tmp_path, enforce_login_flags="always"), check_mode=True, diff=True)
    assert account.writes() == []
    real = run_batch(account, entries, options(tmp_path, enforce_login_flags="always"), diff=True)
    assert predicted == real
    assert real["counts"]["updated"] == 3
    assert account.writes() == ["update_login_profile"] * 3
    assert all(account.login_profiles[upn]["password_reset_required"] and account.login_profiles[upn]["mfa_bind_required"]
               for upn in upns)


def test_one_person_can_be_asked_to_reset_again_on_demand(tmp_path):
    account, entries, upns = onboarded(tmp_path, 3)
    people_use_their_logins(account, upns)
    account.reset_calls()
    # always enforces both flags of that entry: keep MFA as the person left it by saying so
    entries[1] = dict(entries[1], password_reset_required=True, mfa_bind_required=False, enforce_login_flags="always")
    summary = run_batch(account, entries, options(tmp_path))
    assert by_name(summary)["user01"]["changed_fields"] == ["login_profile.password_reset_required"]
    assert summary["counts"]["unchanged"] == 2
    assert account.login_profiles[upns[1]]["password_reset_required"] is True
    assert account.login_profiles[upns[1]]["mfa_bind_required"] is False
    assert [kwargs["upn"] for name, kwargs in account.write_calls()] == [upns[1]]


def test_a_disabled_console_login_stays_disabled_and_is_reported(tmp_path):
    account, entries, upns = onboarded(tmp_path, 3)
    # the platform disables an idle console login
    account.idle_disable(upns[2])
    account.reset_calls()
    for check_mode in (True, False):
        summary = run_batch(account, entries, options(tmp_path), check_mode=check_mode, diff=True)
        assert summary["changed"] is False
        assert summary["disabled_logins"] == [upns[2]]
        assert by_name(summary)["user02"]["console_login_disabled"] is True
        assert "console_login_disabled" not in by_name(summary)["user01"]
        assert any("left disabled: user02" in text for text in summary["warnings"])
    assert account.writes() == []
    assert account.login_profiles[upns[2]]["status"] == "Inactive"


def test_enable_disabled_logins_turns_them_on_again(tmp_path):
    account, entries, upns = onboarded(tmp_path, 2)
    upn = upns[0]
    account.idle_disable(upn)
    account.reset_calls()
    summary = run_batch(account, entries, options(tmp_path, enable_disabled_logins=True))
    assert summary["disabled_logins"] == []
    assert by_name(summary)["user00"]["changed_fields"] == ["login_profile.status"]
    assert account.login_profiles[upn]["status"] == "Active"
    assert account.writes() == ["update_login_profile"]


def test_default_console_login_gives_entries_without_a_choice_a_console_login(tmp_path):
    account = new_account()
    entries = [{"name": "ann"}, {"name": "svc", "console_login": False}]
    summary = run_batch(account, entries, options(tmp_path, default_console_login=True))
    assert "ann@%s" % DOMAIN in account.login_profiles
    assert "svc@%s" % DOMAIN not in account.login_profiles
    assert "password_file" in by_name(summary)["ann"]
    # without the default, an entry that does not say leaves the console login alone
    account2 = new_account()
    run_batch(account2, [{"name": "ann"}], options(tmp_path / "other"))
    assert account2.login_profiles == {}


def test_default_console_login_needs_a_password_dir():
    with pytest.raises(ValidationError) as err:
        run_batch(new_account(), [{"name": "ann"}], options(None, default_console_login=True))
    assert err.value.option == "password_dir"


@pytest.mark.parametrize("entry, option", [
    ({"name": "a", "password_reset_required": "yes"}, "users[0] (a).password_reset_required"),
    ({"name": "a", "mfa_bind_required": 1}, "users[0] (a).mfa_bind_required"),
    ({"name": "a", "enforce_login_flags": "sometimes"}, "users[0] (a).enforce_login_flags"),
])
def test_bad_login_flag_entries_fail_before_any_call(entry, option):
    account = new_account()
    with pytest.raises(ValidationError) as err:
        run_batch(account, [entry], options(None))
    assert err.value.option == option
    assert account.calls == []


# ---------------------------------------------------------------- secret files at rest (pending and password files)


def planted(tmp_path, upn, text="Planted-Pass-2026!", mode=0o600):
    directory = tmp_path / "pw"
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / (upn + ".password.pending")
    path.write_text(text + "\n")
    os.chmod(str(path), mode)
    return str(path)


def test_a_refused_create_removes_the_pending_file(tmp_path):
    account = new_account()
    upn = "user00@" + DOMAIN
    account.fail[("create_login_profile", upn)] = RamApiError("NoPermission", "denied", http_status=403)
    first = by_name(run_batch(account, team(1), options(tmp_path)))
    assert first["user00"]["action"] == "failed"
    assert not os.path.exists(os.path.join(str(tmp_path / "pw"), upn + ".password.pending"))


def test_a_failure_that_may_have_applied_keeps_the_pending_file(tmp_path):
    account = new_account()
    upn = "user00@" + DOMAIN
    error = RamApiError("NoPermission", "denied", http_status=403)
    error.retried = True
    account.fail[("create_login_profile", upn)] = error
    run_batch(account, team(1), options(tmp_path))
    assert os.path.exists(os.path.join(str(tmp_path / "pw"), upn + ".password.pending"))


def test_a_pending_password_the_tightened_policy_refuses_is_replaced(tmp_path):
    account = new_account()
    upn = "user00@" + DOMAIN
    path = planted(tmp_path, upn, text="short-1A!")
    summary = run_batch(account, team(1), options(tmp_path))
    user = by_name(summary)["user00"]
    assert user["action"] == "created"
    assert any("no longer satisfies the password policy" in text for text in user["warnings"])
    assert account.passwords[upn] != "short-1A!"
    assert password_violations(account.passwords[upn], POLICY, user_name=upn) == []
    with open(user["password_file"]) as handle:
        assert handle.read().strip() == account.passwords[upn]
    assert not os.path.exists(path)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o666])
def test_a_pending_file_others_could_read_or_write_is_not_trusted(tmp_path, mode):
    account = new_account()
    upn = "user00@" + DOMAIN
    path = planted(tmp_path, upn, mode=mode)
    summary = run_batch(account, team(1), options(tmp_path))
    user = by_name(summary)["user00"]
    assert user["action"] == "failed"
    assert user["error"]["option"] == "password_dir"
    assert path in user["error"]["msg"] and "not trusted" in user["error"]["msg"]
    assert "Planted-Pass-2026!" not in json.dumps(summary)
    assert account.writes() == []


def test_a_pending_file_owned_by_someone_else_is_not_trusted(tmp_path, monkeypatch):
    account = new_account()
    upn = "user00@" + DOMAIN
    path = planted(tmp_path, upn)
    real = os.geteuid()
    directory = str(tmp_path / "pw")
    monkeypatch.setattr(os, "geteuid", lambda: real + 1)
    # the directory is ours in this test: only the file is someone else's
    os.chown(directory, real + 1, -1) if real == 0 else pytest.skip("needs root to change ownership")
    summary = run_batch(account, team(1), options(tmp_path))
    user = by_name(summary)["user00"]
    assert user["action"] == "failed"
    assert "is owned by uid %d" % real in user["error"]["msg"] and path in user["error"]["msg"]
    assert account.writes() == []


def test_a_pending_symlink_is_not_followed(tmp_path):
    account = new_account()
    upn = "user00@" + DOMAIN
    target = tmp_path / "elsewhere"
    target.write_text("Planted-Pass-2026!\n")
    os.chmod(str(target), 0o600)
    (tmp_path / "pw").mkdir(mode=0o700)
    link = tmp_path / "pw" / (upn + ".password.pending")
    os.symlink(str(target), str(link))
    summary = run_batch(account, team(1), options(tmp_path))
    user = by_name(summary)["user00"]
    assert user["action"] == "failed" and "symbolic link" in user["error"]["msg"]
    assert account.writes() == []
    assert target.read_text() == "Planted-Pass-2026!\n"


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o755, 0o1777])
def test_a_password_dir_others_can_use_is_refused_before_any_write(tmp_path, mode):
    account = new_account()
    directory = tmp_path / "pw"
    directory.mkdir()
    os.chmod(str(directory), mode)
    for check_mode in (True, False):
        with pytest.raises(ValidationError) as info:
            run_batch(account, team(2), options(tmp_path), check_mode=check_mode)
        assert info.value.option == "password_dir"
        assert str(directory) in info.value.rule and "owner only" in info.value.rule
    assert account.calls == []


def test_a_password_dir_symlink_to_a_directory_others_can_use_is_refused(tmp_path):
    account = new_account()
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(str(shared), 0o777)
    os.symlink(str(shared), str(tmp_path / "pw"))
    with pytest.raises(ValidationError) as info:
        run_batch(account, team(1), options(tmp_path))
    assert info.value.option == "password_dir"
    assert account.calls == []


def test_an_empty_password_dir_is_a_clear_error(tmp_path):
    account = new_account()
    with pytest.raises(ValidationError) as info:
        run_batch(account, team(1), options(None, password_dir=""))
    assert str(info.value) == "password_dir: must be a directory path, not an empty string"
    assert account.calls == []


def test_a_pending_file_that_cannot_be_proven_current_is_left_alone(tmp_path):
    account = new_account()
    run_batch(account, team(1), options(tmp_path))
    upn = "user00@" + DOMAIN
    final = os.path.join(str(tmp_path / "pw"), upn + ".password")
    os.rename(final, final + ".pending")
    # the password was set again later, some other way
    account.login_profiles[upn]["update_date"] = "2099-01-01T00:00:00Z"
    account.reset_calls()
    summary = by_name(run_batch(account, team(1), options(tmp_path)))
    assert summary["user00"]["action"] == "unchanged"
    assert "password_file" not in summary["user00"]
    assert any("cannot be proven" in text for text in summary["user00"]["warnings"])
    assert os.path.exists(final + ".pending") and not os.path.exists(final)
    # a person who changed the initial password: no longer the initial one
    account.person_change_password(upn, CHOSEN_PASSWORD)
    assert account.get_login_profile(upn)["password_status"] == "NotInitial"
    summary = by_name(run_batch(account, team(1), options(tmp_path)))
    assert any("cannot be proven" in text for text in summary["user00"]["warnings"])
    assert not os.path.exists(final)


def test_purge_tags_removes_tags_nobody_listed(tmp_path):
    account = new_account()
    upn = account.add_user("user00", tags={"team": "old", "stray": "x"})["user_principal_name"]
    entries = [{"name": "user00", "tags": {"team": "core"}}]
    kept = run_batch(account, entries, options(tmp_path, default_tags={"env": "prod"}))
    assert account.users[upn]["tags"] == {"team": "core", "stray": "x", "env": "prod"}
    assert "tags" in by_name(kept)["user00"]["changed_fields"]
    account.reset_calls()
    purged = run_batch(account, entries, options(tmp_path, default_tags={"env": "prod"}, purge_tags=True), diff=True)
    assert account.users[upn]["tags"] == {"team": "core", "env": "prod"}
    assert account.writes() == ["untag_user"]
    assert purged["diff"][0]["after"]["tags"] == {"team": "core", "env": "prod"}


def test_a_name_with_a_control_character_is_quoted_in_the_message():
    with pytest.raises(ValidationError) as info:
        run_batch(new_account(), [{"name": "bi1\n"}], options(None))
    assert info.value.option == "users[0] ('bi1\\n').name"
    assert "\n" not in str(info.value)


def test_known_policies_skip_the_lookup_in_check_mode(tmp_path):
    # issue 15: the onboarding role ensures custom policies first; in check mode they do not exist yet
    account = new_account()
    refs = [{"name": "team-read", "type": "Custom"}]
    failed = run_batch(account, team(1, policies=refs), options(tmp_path), check_mode=True)
    assert failed["counts"]["failed"] == 1 and "team-read" in failed["users"][0]["error"]["msg"]
    account.reset_calls()
    predicted = run_batch(account, team(1, policies=refs), options(tmp_path, known_policies=["team-read"]), check_mode=True)
    assert predicted["counts"]["created"] == 1
    assert account.count("get_policy") == 0 and account.writes() == []
