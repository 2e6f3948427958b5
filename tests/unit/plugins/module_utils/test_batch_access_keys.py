# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The batch engine's AccessKeys (programmatic users, offboarding under the last-use guard) and return_passwords."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.batch import BatchOptions, run_batch
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.password import password_violations
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

POLICY = {"minimum_password_length": 14, "require_symbols": True, "password_not_contain_user_name": True}
KEY_WRITES = ("create_access_key", "update_access_key", "delete_access_key")


def upn(name):
    return "%s@%s" % (name, DOMAIN)


def options(tmp_path, **kwargs):
    kwargs.setdefault("password_dir", str(tmp_path / "pw"))
    kwargs.setdefault("secret_dir", str(tmp_path / "keys"))
    return BatchOptions(**kwargs)


def by_name(summary):
    return dict((user["name"], user) for user in summary["users"])


def statuses(fake, name):
    return [key["status"] for key in fake.list_access_keys(upn(name))]


def secret_of(fake, key_id):
    return fake.access_key_secrets[key_id]


def run(fake, entries, tmp_path, check_mode=False, diff=False, **kwargs):
    fake.reset_calls()
    return run_batch(fake, entries, options(tmp_path, **kwargs), check_mode=check_mode, diff=diff)


# ---------------------------------------------------------------------------- programmatic users


def test_programmatic_user_gets_one_key_its_secret_in_an_owner_only_file_and_no_console_login(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    summary = run(fake, [{"name": "svc-deploy", "programmatic": True}], tmp_path, default_console_login=True)
    user = by_name(summary)["svc-deploy"]
    assert user["action"] == "created" and user["changed"] is True
    keys = fake.list_access_keys(upn("svc-deploy"))
    assert [key["status"] for key in keys] == ["Active"]
    created = user["created_key"]
    assert created["access_key_id"] == keys[0]["access_key_id"] and "access_key_secret" not in created
    path = created["secret_file"]
    assert path == str(tmp_path / "keys" / ("%s.%s.credentials" % (upn("svc-deploy"), keys[0]["access_key_id"])))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(str(tmp_path / "keys")).st_mode) == 0o700
    with open(path) as handle:
        text = handle.read()
    assert "access_key_id = %s\n" % keys[0]["access_key_id"] in text
    assert "access_key_secret = %s\n" % secret_of(fake, keys[0]["access_key_id"]) in text
    # no console login although default_console_login is true; the marker of the create is gone
    assert upn("svc-deploy") not in fake.login_profiles
    assert os.listdir(str(tmp_path / "keys")) == [os.path.basename(path)]
    assert user["protected_keys"] == []
    # the secret is nowhere in the result
    assert secret_of(fake, keys[0]["access_key_id"]) not in json.dumps(summary)
    assert "create access key for %s" % upn("svc-deploy") in user["changes"]


def test_rerun_is_unchanged_with_zero_writes_and_one_list_per_user(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    entries = [{"name": "svc-a", "programmatic": True}, {"name": "svc-b", "access_key": True, "console_login": False}]
    run(fake, entries, tmp_path)
    summary = run(fake, entries, tmp_path)
    assert summary["changed"] is False
    assert summary["counts"]["unchanged"] == 2
    assert fake.writes() == []
    assert fake.count("list_access_keys") == 2
    assert fake.count("get_access_key_last_used") == 0
    assert all("created_key" not in user for user in summary["users"])


def test_check_mode_predicts_the_create_with_zero_writes_and_no_file(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    fake.add_user("svc-old")
    entries = [{"name": "svc-new", "programmatic": True}, {"name": "svc-old", "access_key": True}]
    predicted = run(fake, entries, tmp_path, check_mode=True, diff=True)
    assert fake.write_calls() == []
    assert not os.path.exists(str(tmp_path / "keys"))
    users = by_name(predicted)
    assert users["svc-new"]["action"] == "created" and users["svc-old"]["action"] == "updated"
    for name in ("svc-new", "svc-old"):
        assert "create access key for %s" % upn(name) in users[name]["changes"]
        assert "access_keys" in users[name]["changed_fields"]
        assert "created_key" not in users[name]
    diff = dict((entry["after_header"], entry) for entry in predicted["diff"])["user %s" % upn("svc-old")]
    assert diff["before"]["access_keys"] == [] and diff["after"]["access_keys"] == [
        {"access_key_id": "(new key)", "status": "Active"}]
    real = run(fake, entries, tmp_path)
    assert [user["changes"] for user in real["users"]] == [user["changes"] for user in predicted["users"]]
    assert [user["action"] for user in real["users"]] == [user["action"] for user in predicted["users"]]


def test_access_key_alone_keeps_the_console_login_default(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    summary = run(fake, [{"name": "carol", "access_key": True}], tmp_path, default_console_login=True)
    user = by_name(summary)["carol"]
    assert upn("carol") in fake.login_profiles and user["password_file"]
    assert statuses(fake, "carol") == ["Active"]


def test_programmatic_user_may_ask_for_a_console_login(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    run(fake, [{"name": "svc-ops", "programmatic": True, "console_login": True}], tmp_path)
    assert upn("svc-ops") in fake.login_profiles and statuses(fake, "svc-ops") == ["Active"]


def test_an_existing_user_with_two_active_keys_keeps_the_newest(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    fake.add_user("svc-two")
    older = fake.add_access_key(upn("svc-two"))
    fake.age_key(older, 3)
    newer = fake.add_access_key(upn("svc-two"))
    summary = run(fake, [{"name": "svc-two", "access_key": True}], tmp_path)
    user = by_name(summary)["svc-two"]
    assert user["changes"] == ["deactivate access key %s of %s" % (older, upn("svc-two"))]
    assert dict((key["access_key_id"], key["status"]) for key in fake.list_access_keys(upn("svc-two"))) == {
        older: "Inactive", newer: "Active"}


def test_rotation_and_the_guard(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    fake.add_user("svc-rot")
    old = fake.add_access_key(upn("svc-rot"))
    fake.age_key(old, 100)
    fake.use_key(old, service="oss", days_ago=1)
    entries = [{"name": "svc-rot", "programmatic": True}]
    summary = run(fake, entries, tmp_path, rotate_after_days=90)
    user = by_name(summary)["svc-rot"]
    # a new key, delivered; the old one is still used, so it stays active and is reported
    assert statuses(fake, "svc-rot") == ["Active", "Active"]
    assert user["created_key"]["access_key_id"] != old
    assert [key["access_key_id"] for key in user["protected_keys"]] == [old]
    assert user["protected_keys"][0]["reason"] == "deactivated"
    assert any("kept" in warning and "svc-rot" in warning for warning in summary["warnings"])
    # once unused for long enough, the next run deactivates it
    fake.age_key(old, 40)
    again = run(fake, entries, tmp_path, rotate_after_days=90)
    assert by_name(again)["svc-rot"]["changes"] == ["deactivate access key %s of %s" % (old, upn("svc-rot"))]
    # and deletes it once inactive for delete_inactive_after_days
    fake.age_key(old, 10)
    third = run(fake, entries, tmp_path, rotate_after_days=90, delete_inactive_after_days=7)
    assert by_name(third)["svc-rot"]["changes"] == ["delete access key %s of %s" % (old, upn("svc-rot"))]
    assert statuses(fake, "svc-rot") == ["Active"]


def test_a_key_that_cannot_fit_fails_that_user_only_before_any_write(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    fake.add_user("svc-full")
    for _dummy in range(2):
        key_id = fake.add_access_key(upn("svc-full"))
        fake.update_access_key(upn("svc-full"), key_id, "Inactive")
    summary = run(fake, [{"name": "svc-full", "programmatic": True}, {"name": "svc-ok", "programmatic": True}], tmp_path)
    users = by_name(summary)
    assert users["svc-full"]["action"] == "failed" and users["svc-full"]["changes"] == []
    assert "already has 2" in users["svc-full"]["error"]["msg"]
    assert users["svc-ok"]["action"] == "created"
    assert [call for call in fake.write_calls() if "svc-full" in json.dumps(call, default=str)] == []


# ---------------------------------------------------------------------------- return_secrets


def test_return_secrets_puts_the_secret_in_the_result_and_writes_no_secret_file(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    summary = run(fake, [{"name": "svc-r", "programmatic": True}], tmp_path, return_secrets=True)
    created = by_name(summary)["svc-r"]["created_key"]
    assert created["access_key_secret"] == secret_of(fake, created["access_key_id"])
    assert "secret_file" not in created
    # the marker is gone once the task succeeded, and no secret file exists
    assert os.listdir(str(tmp_path / "keys")) == []


def test_return_secrets_with_a_failed_user_returns_no_secret_and_the_next_run_replaces_the_key(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    entries = [{"name": "svc-r", "programmatic": True}, {"name": "bad", "groups": ["missing"]}]
    summary = run(fake, entries, tmp_path, return_secrets=True)
    users = by_name(summary)
    assert users["bad"]["action"] == "failed"
    created = users["svc-r"]["created_key"]
    assert "access_key_secret" not in created
    assert secret_of(fake, created["access_key_id"]) not in json.dumps(summary)
    assert any("not returned" in warning for warning in users["svc-r"]["warnings"])
    # the marker stays: the next run removes the undelivered key and creates another
    again = run(fake, entries[:1], tmp_path, return_secrets=True)
    user = by_name(again)["svc-r"]
    assert user["changes"][:3] == ["deactivate access key %s of %s" % (created["access_key_id"], upn("svc-r")),
                                   "delete access key %s of %s" % (created["access_key_id"], upn("svc-r")),
                                   "create access key for %s" % upn("svc-r")]
    assert user["created_key"]["access_key_secret"] == secret_of(fake, user["created_key"]["access_key_id"])
    assert statuses(fake, "svc-r") == ["Active"]


# ---------------------------------------------------------------------------- return_passwords


def test_return_passwords_returns_the_generated_password_and_needs_no_password_dir(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    entries = [{"name": "dave", "console_login": True}, {"name": "erin", "console_login": True, "password": "Given-Pass-1234!"}]
    predicted = run(fake, entries, tmp_path, check_mode=True, return_passwords=True, password_dir=None)
    assert fake.write_calls() == [] and all("initial_password" not in user for user in predicted["users"])
    summary = run(fake, entries, tmp_path, return_passwords=True, password_dir=None)
    users = by_name(summary)
    password = users["dave"]["initial_password"]
    assert password == fake.passwords[upn("dave")]
    assert password_violations(password, fake.password_policy, user_name=upn("dave")) == []
    assert "password_file" not in users["dave"]
    # a given password is never returned
    assert "initial_password" not in users["erin"]
    assert "Given-Pass-1234!" not in json.dumps(summary)
    assert not os.path.exists(str(tmp_path / "pw"))
    # the re-run creates nothing, so returns nothing
    again = run(fake, entries, tmp_path, return_passwords=True, password_dir=None)
    assert again["changed"] is False and all("initial_password" not in user for user in again["users"])


def test_without_return_passwords_the_password_stays_out_of_the_result(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    summary = run(fake, [{"name": "dave", "console_login": True}], tmp_path)
    assert "initial_password" not in by_name(summary)["dave"]
    assert fake.passwords[upn("dave")] not in json.dumps(summary)


# ---------------------------------------------------------------------------- offboarding


def offboarded(fake, name, used_days_ago=None, second=False):
    fake.add_user(name, groups=())
    key_id = fake.add_access_key(upn(name))
    fake.age_key(key_id, 200)
    if used_days_ago is not None:
        fake.use_key(key_id, days_ago=used_days_ago)
    other = fake.add_access_key(upn(name)) if second else None
    return key_id, other


def test_offboarding_without_delete_deactivates_unused_keys_and_keeps_a_used_one(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    idle, _dummy = offboarded(fake, "gone-idle")
    used, _dummy = offboarded(fake, "gone-used", used_days_ago=2)
    summary = run(fake, [{"name": "gone-idle", "state": "absent"}, {"name": "gone-used", "state": "absent"}], tmp_path)
    users = by_name(summary)
    assert users["gone-idle"]["action"] == "disabled"
    assert users["gone-idle"]["changes"] == ["deactivate access key %s of %s" % (idle, upn("gone-idle"))]
    assert statuses(fake, "gone-idle") == ["Inactive"]
    assert users["gone-used"]["action"] == "unchanged" and statuses(fake, "gone-used") == ["Active"]
    assert [key["access_key_id"] for key in users["gone-used"]["protected_keys"]] == [used]
    assert any("gone-used" in warning and used in warning for warning in summary["warnings"])


def test_offboarding_with_delete_deactivates_then_deletes_keys_then_the_user(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    first, second = offboarded(fake, "gone", second=True)
    summary = run(fake, [{"name": "gone", "state": "absent"}], tmp_path, delete_users=True)
    user = by_name(summary)["gone"]
    assert user["action"] == "deleted"
    assert user["changes"] == [
        "deactivate access key %s of %s" % (first, upn("gone")), "delete access key %s of %s" % (first, upn("gone")),
        "deactivate access key %s of %s" % (second, upn("gone")), "delete access key %s of %s" % (second, upn("gone")),
        "delete user %s" % upn("gone")]
    assert upn("gone") not in fake.users


def test_a_recently_used_key_blocks_the_deletion_clearly_and_force_key_removal_deletes(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    used, idle = offboarded(fake, "gone", used_days_ago=5, second=True)
    fake.add_login_profile(upn("gone"))
    entries = [{"name": "gone", "state": "absent"}]
    predicted = run(fake, entries, tmp_path, check_mode=True, delete_users=True)
    assert fake.write_calls() == []
    summary = run(fake, entries, tmp_path, delete_users=True)
    user = by_name(summary)["gone"]
    assert [u["changes"] for u in predicted["users"]] == [user["changes"]]
    assert user["action"] == "disabled" and user["deletion_blocked"] is True
    assert "error" not in user and "failed" not in summary
    assert [key["access_key_id"] for key in user["protected_keys"]] == [used]
    assert user["protected_keys"][0]["reason"] == "deleted"
    # the unused key and the console login go; the user and the used key stay
    assert "login profile" in user["changes"][0]
    assert user["changes"][1:] == ["deactivate access key %s of %s" % (idle, upn("gone")),
                                   "delete access key %s of %s" % (idle, upn("gone"))]
    assert fake.login_profiles[upn("gone")]["status"] == "Inactive"
    assert upn("gone") in fake.users and statuses(fake, "gone") == ["Active"]
    assert any("was not deleted" in warning and used in warning for warning in user["warnings"])
    # a re-run without force makes no write
    again = run(fake, entries, tmp_path, delete_users=True)
    assert fake.write_calls() == [] and by_name(again)["gone"]["action"] == "unchanged"
    assert by_name(again)["gone"]["deletion_blocked"] is True
    forced = run(fake, entries, tmp_path, delete_users=True, force_key_removal=True)
    assert by_name(forced)["gone"]["action"] == "deleted" and upn("gone") not in fake.users
    assert fake.count("get_access_key_last_used") == 0


def test_protect_used_within_days_zero_turns_the_guard_off(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    offboarded(fake, "gone", used_days_ago=0)
    summary = run(fake, [{"name": "gone", "state": "absent"}], tmp_path, delete_users=True, protect_used_within_days=0)
    assert by_name(summary)["gone"]["action"] == "deleted"


# ---------------------------------------------------------------------------- input


@pytest.mark.parametrize("entry, kwargs, message", [
    ({"name": "svc", "programmatic": True, "access_key": False}, {},
     ("users[0] (svc).access_key", "a programmatic user has an access key, but access_key is false")),
    ({"name": "svc", "access_key": "yes"}, {}, ("users[0] (svc).access_key", "must be true or false")),
    ({"name": "svc", "programmatic": 1}, {}, ("users[0] (svc).programmatic", "must be true or false")),
    ({"name": "svc"}, {"rotate_after_days": 0},
     ("rotate_after_days", "must be a whole number of days, 1 or more (got 0)")),
    ({"name": "svc"}, {"protect_used_within_days": -1},
     ("protect_used_within_days", "must be a whole number of days, 0 or more (got -1)")),
    ({"name": "svc"}, {"delete_inactive_after_days": True},
     ("delete_inactive_after_days", "must be a whole number of days, 0 or more (got True)")),
])
def test_bad_input_fails_before_any_call(tmp_path, entry, kwargs, message):
    fake = FakeRamClient(password_policy=POLICY)
    with pytest.raises(ValidationError) as info:
        run(fake, [entry], tmp_path, **kwargs)
    assert (info.value.option, info.value.rule) == message
    assert fake.methods() == []


def test_an_untrusted_secret_dir_stops_the_run_before_any_write(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o755)
    os.chmod(str(keys), 0o755)
    with pytest.raises(ValidationError) as info:
        run(fake, [{"name": "svc", "programmatic": True}], tmp_path)
    assert info.value.option == "secret_dir"
    assert fake.write_calls() == []


# ---------------------------------------------------------------------------- interrupted creates


def test_a_secret_file_that_cannot_be_written_fails_the_user_and_says_the_key_exists(tmp_path, monkeypatch):
    from ansible_collections.aliyun.ram.plugins.module_utils import secret_files

    def refuse(self, upn_, access_key_id, secret):
        raise OSError(28, "No space left on device")

    fake = FakeRamClient(password_policy=POLICY)
    monkeypatch.setattr(secret_files.KeyVault, "write_secret", refuse)
    summary = run(fake, [{"name": "svc-x", "programmatic": True}], tmp_path)
    user = by_name(summary)["svc-x"]
    key_id = fake.list_access_keys(upn("svc-x"))[0]["access_key_id"]
    assert user["action"] == "failed" and user["changed"] is True
    assert "create access key %s for %s" % (key_id, upn("svc-x")) in user["changes"]
    # the marker stays, so the next run removes the undelivered key and creates one whose secret it delivers
    monkeypatch.undo()
    again = run(fake, [{"name": "svc-x", "programmatic": True}], tmp_path)
    user = by_name(again)["svc-x"]
    assert user["action"] == "updated"
    assert user["changes"][:2] == ["deactivate access key %s of %s" % (key_id, upn("svc-x")),
                                   "delete access key %s of %s" % (key_id, upn("svc-x"))]
    assert any("interrupted run" in warning for warning in user["warnings"])
    assert [key["access_key_id"] for key in fake.list_access_keys(upn("svc-x"))] == [user["created_key"]["access_key_id"]]
    assert sorted(os.listdir(str(tmp_path / "keys"))) == [os.path.basename(user["created_key"]["secret_file"])]


def test_a_marker_with_nothing_undelivered_is_removed(tmp_path):
    fake = FakeRamClient(password_policy=POLICY)
    run(fake, [{"name": "svc-m", "programmatic": True}], tmp_path)
    marker = tmp_path / "keys" / ("%s.accesskey.pending" % upn("svc-m"))
    marker.write_text("# keys of svc-m before CreateAccessKey\n" + "".join(
        key["access_key_id"] + "\n" for key in fake.list_access_keys(upn("svc-m"))))
    os.chmod(str(marker), 0o600)
    summary = run(fake, [{"name": "svc-m", "programmatic": True}], tmp_path)
    assert summary["changed"] is False and fake.write_calls() == []
    assert not marker.exists()
