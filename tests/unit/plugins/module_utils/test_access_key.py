# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AccessKey reconciler through its public functions (ensure_access_key, read_access_keys,
validate_access_key_params), against the fake RAM client, with a clock the test moves."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import stat

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import secret_files
from ansible_collections.aliyun.ram.plugins.module_utils.access_key import (
    NEW_KEY,
    ensure_access_key,
    read_access_keys,
    validate_access_key_params,
)
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

UPN = "svc-deploy@" + DOMAIN
DAY = 86400
START = 1767225600.0   # 2026-01-01T00:00:00Z
MARKER = UPN + ".accesskey.pending"


class Account:
    """One RAM account (the fake) with the user, a clock both the fake and ``now`` read, and a secret directory."""

    def __init__(self, tmp_path, keys=0):
        self.epoch = START
        self.fake = FakeRamClient(clock=lambda: self.epoch)
        self.fake.add_user(UPN)
        self.secret_dir = str(tmp_path / "keys")
        for _dummy in range(keys):
            self.fake.add_access_key(UPN)

    def now(self):
        return datetime.datetime.fromtimestamp(self.epoch, datetime.timezone.utc)

    def advance(self, days):
        self.epoch += days * DAY

    def params(self, **overrides):
        values = {"name": UPN, "user_access_key_id": None, "state": "present", "status": None,
                  "rotate_after_days": None, "delete_inactive_after_days": None, "protect_used_within_days": 30,
                  "force": False, "secret_dir": self.secret_dir, "return_secret": False}
        values.update(overrides)
        return values

    def run(self, check_mode=False, diff=False, **overrides):
        """What the module does: validate, then reconcile; the fake's call record starts empty."""
        self.fake.reset_calls()
        params = validate_access_key_params(self.params(**overrides))
        return ensure_access_key(self.fake, params, check_mode=check_mode, diff=diff, now=self.now)

    def keys(self):
        """[(access key id, status)] as the account holds them, oldest first."""
        return [(key["access_key_id"], key["status"]) for key in self.fake.list_access_keys(UPN)]

    def ids(self):
        return [key_id for key_id, _status in self.keys()]

    def files(self):
        return sorted(os.listdir(self.secret_dir)) if os.path.isdir(self.secret_dir) else None

    def deactivate(self, key_id):
        """Someone deactivated the key (not part of the call record of a run)."""
        self.fake.update_access_key(UPN, key_id, "Inactive")


@pytest.fixture
def account(tmp_path):
    return Account(tmp_path)


def secrets_of(account):
    return list(account.fake.access_key_secrets.values())


def assert_no_secret(account, *texts):
    """No key's secret in any of ``texts`` (results are dumped to JSON, exceptions shown with str and repr)."""
    shown = "\n".join(t if isinstance(t, str) else json.dumps(t, default=repr, sort_keys=True) for t in texts)
    for secret in secrets_of(account):
        assert secret not in shown


def comparable(result):
    """What check mode must predict of a real run."""
    return {"changed": result["changed"], "actions": result["actions"], "changed_fields": result["changed_fields"],
            "protected_keys": result["protected_keys"], "undelivered_keys": result["undelivered_keys"],
            "access_keys": [(key["access_key_id"], key["status"]) for key in result["access_keys"]]}


def ini(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


# --- one active key: create, re-run, delivery ------------------------------------------------------------------


def test_a_user_without_keys_gets_one_and_its_secret_in_an_owner_only_file(account):
    result = account.run(diff=True)
    [key_id] = account.ids()
    secret = account.fake.access_key_secrets[key_id]
    assert result["changed"] is True
    assert account.fake.writes() == ["create_access_key"]
    assert result["actions"] == ["create access key for %s" % UPN]
    assert result["changed_fields"] == ["access_keys"]
    created = result["created_key"]
    path = os.path.join(account.secret_dir, "%s.%s.credentials" % (UPN, key_id))
    assert created == {"access_key_id": key_id, "status": "Active", "create_date": "2026-01-01T00:00:00Z",
                       "update_date": None, "age_days": 0, "secret_file": path}
    assert [(k["access_key_id"], k["status"], k["age_days"]) for k in result["access_keys"]] == [(key_id, "Active", 0)]
    assert stat.S_IMODE(os.stat(account.secret_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
    assert ini(path) == "[default]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n" % (key_id, secret)
    # the marker of the create is gone: the secret was delivered
    assert account.files() == [os.path.basename(path)]
    assert result["undelivered_keys"] == [] and result["protected_keys"] == [] and result["warnings"] == []
    assert result["diff"]["before"] == {"access_keys": []}
    # a real run's diff shows the new key's ID (check mode: "(new key)")
    assert result["diff"]["after"] == {"access_keys": [{"access_key_id": key_id, "status": "Active"}]}
    assert_no_secret(account, result)


def test_the_marker_names_the_keys_before_and_exists_only_around_the_create(account):
    account.fake.add_access_key(UPN, "LTAI5tOldKey0001")
    account.deactivate("LTAI5tOldKey0001")
    seen = []

    def hook(method, kwargs):
        if method == "create_access_key":
            seen.append(ini(os.path.join(account.secret_dir, MARKER)))
    account.fake.hooks.append(hook)
    account.run()
    assert len(seen) == 1 and "LTAI5tOldKey0001\n" in seen[0]
    assert MARKER not in account.files()


def test_a_rerun_makes_no_write_and_one_read(account):
    account.run()
    result = account.run(diff=True)
    assert result["changed"] is False
    assert account.fake.methods() == ["list_access_keys"]
    assert result["actions"] == [] and result["created_key"] is None
    assert result["diff"]["before"] == result["diff"]["after"]


def test_a_bare_name_is_completed_with_the_default_domain(account):
    account.run()
    result = account.run(name="svc-deploy")
    assert result["user_principal_name"] == UPN
    assert account.fake.methods() == ["get_default_domain", "list_access_keys"]


def test_return_secret_puts_the_secret_in_created_key_only_and_writes_no_file(account):
    result = account.run(return_secret=True, diff=True)
    [key_id] = account.ids()
    secret = account.fake.access_key_secrets[key_id]
    assert result["created_key"]["access_key_secret"] == secret
    assert "secret_file" not in result["created_key"]
    assert account.files() == []          # no credentials file, and the marker is gone after success
    shown = dict(result, created_key=dict(result["created_key"], access_key_secret="-"))
    assert_no_secret(account, shown)


def test_return_secret_keeps_the_marker_until_the_task_succeeds(account):
    account.fake.add_access_key(UPN, "LTAI5tOldKey0001")
    account.advance(100)
    account.fake.fail["update_access_key"] = RamApiError("ServiceUnavailable", "try later", http_status=503)
    with pytest.raises(RamApiError) as err:
        account.run(return_secret=True, rotate_after_days=90)
    assert err.value.completed == ["create access key for %s" % UPN]
    assert MARKER in account.files()
    [new_id] = [key_id for key_id in account.ids() if key_id != "LTAI5tOldKey0001"]
    assert_no_secret(account, str(err.value), repr(err.value))

    # the next run: the secret was never handed over, so the key is reported and removed; then a new one is made
    del account.fake.fail["update_access_key"]
    result = account.run(return_secret=True, rotate_after_days=90)
    assert result["undelivered_keys"] == [new_id]
    assert any(new_id in warning and "never delivered" in warning for warning in result["warnings"])
    assert account.fake.write_calls()[:2] == [
        ("update_access_key", {"upn": UPN, "access_key_id": new_id, "status": "Inactive"}),
        ("delete_access_key", {"upn": UPN, "access_key_id": new_id})]
    assert new_id not in account.ids()
    assert account.files() == []


def test_a_secret_file_counts_as_delivered_even_when_a_later_step_fails(account):
    account.fake.add_access_key(UPN, "LTAI5tOldKey0001")
    account.advance(100)
    account.fake.fail["update_access_key"] = RamApiError("ServiceUnavailable", "try later", http_status=503)
    with pytest.raises(RamApiError):
        account.run(rotate_after_days=90)
    [new_id] = [key_id for key_id in account.ids() if key_id != "LTAI5tOldKey0001"]
    assert account.files() == ["%s.%s.credentials" % (UPN, new_id)]     # the marker went with the delivery
    del account.fake.fail["update_access_key"]
    result = account.run(rotate_after_days=90)
    assert result["undelivered_keys"] == [] and result["warnings"] == []
    assert account.fake.write_calls() == [
        ("update_access_key", {"upn": UPN, "access_key_id": "LTAI5tOldKey0001", "status": "Inactive"})]


# --- interruption ------------------------------------------------------------------------------------------------


def test_a_create_whose_secret_file_was_never_written_is_found_reported_and_removed(account, monkeypatch):
    def broken(self, upn, access_key_id, secret):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(secret_files.KeyVault, "write_secret", broken)
    with pytest.raises(OSError):
        account.run()
    [lost] = account.ids()
    assert account.files() == [MARKER]
    monkeypatch.undo()

    check = account.run(check_mode=True)
    assert check["undelivered_keys"] == [lost]
    assert account.fake.writes() == []
    assert any("would be removed" in warning for warning in check["warnings"])

    result = account.run()
    assert result["undelivered_keys"] == [lost]
    assert any(lost in warning and "interrupted" in warning and "were removed" in warning for warning in result["warnings"])
    assert account.fake.writes() == ["update_access_key", "delete_access_key", "create_access_key"]
    assert result["actions"][:2] == ["deactivate access key %s of %s" % (lost, UPN), "delete access key %s of %s" % (lost, UPN)]
    assert comparable(check)["actions"] == result["actions"]
    [new_id] = account.ids()
    assert new_id != lost
    assert account.files() == ["%s.%s.credentials" % (UPN, new_id)]
    assert_no_secret(account, check, result)

    # and then nothing is left to report
    again = account.run()
    assert again["undelivered_keys"] == [] and again["changed"] is False


def test_an_undelivered_key_that_was_used_is_kept_and_reported(account, monkeypatch):
    monkeypatch.setattr(secret_files.KeyVault, "write_secret", lambda *args: (_ for _ in ()).throw(OSError(5, "EIO")))
    with pytest.raises(OSError):
        account.run()
    monkeypatch.undo()
    [lost] = account.ids()
    account.fake.use_key(lost, days_ago=1)
    result = account.run()
    assert result["undelivered_keys"] == [lost]
    assert [key["access_key_id"] for key in result["protected_keys"]] == [lost]
    assert account.fake.writes() == []
    assert lost in account.ids()


def test_a_retried_create_that_left_a_second_key_removes_it_in_the_same_run(account):
    account.fake.lost_creates = 1
    result = account.run()
    [kept] = account.ids()
    assert result["created_key"]["access_key_id"] == kept
    [stray] = [key_id for key_id in account.fake.access_key_secrets if key_id != kept]
    assert account.fake.write_calls() == [
        ("create_access_key", {"upn": UPN}),
        ("update_access_key", {"upn": UPN, "access_key_id": stray, "status": "Inactive"}),
        ("delete_access_key", {"upn": UPN, "access_key_id": stray})]
    assert result["actions"] == ["create access key for %s" % UPN,
                                 "delete access key %s of %s, created by a retried request whose secret was lost" % (stray, UPN)]
    assert result["changed"] is True
    assert [key["access_key_id"] for key in result["access_keys"]] == [kept]
    assert account.files() == ["%s.%s.credentials" % (UPN, kept)]
    assert_no_secret(account, result)


# --- rotation, the guard, the grace period ----------------------------------------------------------------------


def test_no_rotation_before_the_age_and_none_without_rotate_after_days(account):
    account.run()
    account.advance(89)
    assert account.run(rotate_after_days=90)["changed"] is False
    account.advance(500)
    assert account.run()["changed"] is False
    assert account.fake.writes() == []


def test_rotation_creates_the_new_key_first_then_deactivates_the_unused_old_one(account):
    account.run()
    [old] = account.ids()
    account.advance(90)
    result = account.run(rotate_after_days=90)
    [new] = [key_id for key_id in account.ids() if key_id != old]
    assert account.fake.write_calls() == [
        ("create_access_key", {"upn": UPN}),
        ("update_access_key", {"upn": UPN, "access_key_id": old, "status": "Inactive"})]
    assert account.fake.calls_to("get_access_key_last_used") == [{"upn": UPN, "access_key_id": old}]
    assert dict(account.keys()) == {old: "Inactive", new: "Active"}
    assert result["created_key"]["access_key_id"] == new
    assert result["changed_fields"] == ["access_keys", "status"]
    assert result["protected_keys"] == []
    assert os.path.exists(result["created_key"]["secret_file"])


def test_rotation_keeps_an_old_key_used_recently_and_a_later_run_deactivates_it(account):
    account.run()
    [old] = account.ids()
    account.advance(100)
    account.fake.use_key(old, service="oss", days_ago=2)
    result = account.run(rotate_after_days=90)
    new = result["created_key"]["access_key_id"]
    assert account.fake.writes() == ["create_access_key"]
    assert dict(account.keys()) == {old: "Active", new: "Active"}
    assert result["protected_keys"] == [{"access_key_id": old, "last_used_date": "2026-04-09T00:00:00Z",
                                         "service_name": "oss", "reason": "deactivated"}]
    [warning] = result["warnings"]
    assert old in warning and "protect_used_within_days (30)" in warning and "force" in warning

    # still in use: kept again, nothing created (the new key is young)
    account.advance(20)
    again = account.run(rotate_after_days=90)
    assert account.fake.writes() == [] and again["changed"] is False
    assert [key["access_key_id"] for key in again["protected_keys"]] == [old]

    # unused for 30 days: deactivated
    account.advance(10)
    later = account.run(rotate_after_days=90)
    assert account.fake.write_calls() == [("update_access_key", {"upn": UPN, "access_key_id": old, "status": "Inactive"})]
    assert later["protected_keys"] == [] and later["created_key"] is None
    assert dict(account.keys()) == {old: "Inactive", new: "Active"}


@pytest.mark.parametrize("days_ago, protected", [(4, True), (5, False), (6, False)])
def test_the_guard_window_is_protect_used_within_days(account, days_ago, protected):
    account.run()
    [old] = account.ids()
    account.advance(100)
    account.fake.use_key(old, days_ago=days_ago)
    result = account.run(rotate_after_days=90, protect_used_within_days=5)
    assert bool(result["protected_keys"]) is protected
    assert ("update_access_key" in account.fake.writes()) is not protected


def test_protect_used_within_days_0_and_force_disable_the_guard(account):
    account.run()
    [old] = account.ids()
    account.advance(100)
    account.fake.use_key(old, days_ago=0)
    result = account.run(rotate_after_days=90, protect_used_within_days=0)
    assert account.fake.writes() == ["create_access_key", "update_access_key"]
    assert account.fake.count("get_access_key_last_used") == 0
    assert result["protected_keys"] == [] and result["warnings"] == []


def test_force_deactivates_a_used_key_without_asking(account):
    account.run()
    [old] = account.ids()
    account.advance(100)
    account.fake.use_key(old, days_ago=0)
    account.run(rotate_after_days=90, force=True)
    assert account.fake.writes() == ["create_access_key", "update_access_key"]
    assert account.fake.count("get_access_key_last_used") == 0


def test_inactive_keys_are_deleted_after_the_grace_counted_from_their_deactivation(account):
    account.run()
    [old] = account.ids()
    account.advance(100)
    account.run(rotate_after_days=90)          # old deactivated now, at day 100
    account.advance(13)
    assert account.run(rotate_after_days=90, delete_inactive_after_days=14)["changed"] is False
    assert account.fake.writes() == []
    account.advance(1)
    result = account.run(rotate_after_days=90, delete_inactive_after_days=14)
    assert account.fake.write_calls() == [("delete_access_key", {"upn": UPN, "access_key_id": old})]
    assert result["actions"] == ["delete access key %s of %s" % (old, UPN)]
    assert old not in account.ids()


def test_delete_inactive_after_days_0_deletes_at_once_unless_recently_used(account):
    account.fake.add_access_key(UPN, "LTAI5tUsedKey0001")
    account.fake.use_key("LTAI5tUsedKey0001", days_ago=1)
    account.deactivate("LTAI5tUsedKey0001")
    account.fake.add_access_key(UPN, "LTAI5tActive00001")
    result = account.run(delete_inactive_after_days=0)
    assert account.fake.writes() == []
    assert result["protected_keys"][0]["reason"] == "deleted"
    result = account.run(delete_inactive_after_days=0, force=True)
    assert account.fake.write_calls() == [("delete_access_key", {"upn": UPN, "access_key_id": "LTAI5tUsedKey0001"})]


def test_two_active_keys_end_as_one_the_newest(account):
    account.fake.add_access_key(UPN, "LTAI5tFirst00001")
    account.advance(1)
    account.fake.add_access_key(UPN, "LTAI5tSecond0001")
    result = account.run()
    assert account.fake.write_calls() == [
        ("update_access_key", {"upn": UPN, "access_key_id": "LTAI5tFirst00001", "status": "Inactive"})]
    assert result["created_key"] is None


# --- the limit of 2 -----------------------------------------------------------------------------------------------


def test_a_rotation_that_cannot_fit_fails_before_any_write_naming_the_option_and_the_keys(account):
    account.fake.add_access_key(UPN, "LTAI5tInactive001")
    account.deactivate("LTAI5tInactive001")
    account.fake.add_access_key(UPN, "LTAI5tCurrent0001")
    account.advance(100)
    with pytest.raises(ValidationError) as err:
        account.run(rotate_after_days=90)
    assert err.value.option == "rotate_after_days"
    assert str(err.value).startswith("rotate_after_days: %s needs a new access key but already has 2 (" % UPN)
    assert "LTAI5tInactive001 (Inactive, created 100 days ago)" in str(err.value)
    assert "LTAI5tCurrent0001 (Active, created 100 days ago)" in str(err.value)
    assert "delete_inactive_after_days" in str(err.value)
    assert account.fake.writes() == []
    assert MARKER not in account.files()
    # check mode fails the same way
    with pytest.raises(ValidationError):
        account.run(rotate_after_days=90, check_mode=True)


def test_two_inactive_keys_and_no_active_one_fail_naming_the_user(account):
    for key_id in ("LTAI5tInactive001", "LTAI5tInactive002"):
        account.fake.add_access_key(UPN, key_id)
        account.deactivate(key_id)
    with pytest.raises(ValidationError) as err:
        account.run()
    assert err.value.option == "name"
    assert "LTAI5tInactive001" in str(err.value) and "LTAI5tInactive002" in str(err.value)
    assert account.fake.writes() == []


def test_a_grace_deletion_makes_room_for_the_rotation_in_the_same_run(account):
    account.fake.add_access_key(UPN, "LTAI5tInactive001")
    account.deactivate("LTAI5tInactive001")
    account.fake.add_access_key(UPN, "LTAI5tCurrent0001")
    account.advance(100)
    result = account.run(rotate_after_days=90, delete_inactive_after_days=30)
    assert account.fake.writes() == ["delete_access_key", "create_access_key", "update_access_key"]
    assert result["created_key"]["access_key_id"] in account.ids()


def test_a_recently_used_inactive_key_does_not_make_room(account):
    account.fake.add_access_key(UPN, "LTAI5tInactive001")
    account.fake.use_key("LTAI5tInactive001", days_ago=0)
    account.deactivate("LTAI5tInactive001")
    account.fake.add_access_key(UPN, "LTAI5tCurrent0001")
    account.advance(100)
    with pytest.raises(ValidationError) as err:
        account.run(rotate_after_days=90, delete_inactive_after_days=30, protect_used_within_days=200)
    assert "LTAI5tInactive001" in str(err.value)
    assert account.fake.writes() == []


# --- named keys ---------------------------------------------------------------------------------------------------


def test_a_named_key_is_deactivated_when_unused_and_activated_again(account):
    key_id = account.fake.add_access_key(UPN)
    result = account.run(user_access_key_id=key_id, status="Inactive", diff=True)
    assert account.fake.write_calls() == [("update_access_key", {"upn": UPN, "access_key_id": key_id, "status": "Inactive"})]
    assert result["diff"]["after"] == {"access_keys": [{"access_key_id": key_id, "status": "Inactive"}]}
    assert account.run(user_access_key_id=key_id, status="Inactive")["changed"] is False
    assert account.fake.methods() == ["list_access_keys"]
    account.run(user_access_key_id=key_id, status="Active")
    # activating needs no guard
    assert account.fake.methods() == ["list_access_keys", "update_access_key", "list_access_keys"]
    assert account.keys() == [(key_id, "Active")]
    assert account.files() is None       # a named key never needs the secret directory


def test_a_named_key_in_use_is_not_deactivated_without_force(account):
    key_id = account.fake.add_access_key(UPN)
    account.fake.use_key(key_id)
    result = account.run(user_access_key_id=key_id, status="Inactive")
    assert account.fake.writes() == [] and result["changed"] is False
    assert result["protected_keys"][0]["access_key_id"] == key_id
    assert len(result["warnings"]) == 1
    account.run(user_access_key_id=key_id, status="Inactive", force=True)
    assert account.fake.writes() == ["update_access_key"]


def test_a_named_key_absent_is_deactivated_then_deleted_with_the_guard(account):
    used = account.fake.add_access_key(UPN, "LTAI5tUsedKey0001")
    idle = account.fake.add_access_key(UPN, "LTAI5tIdleKey0001")
    account.fake.use_key(used)
    result = account.run(user_access_key_id=idle, state="absent")
    assert account.fake.write_calls() == [("update_access_key", {"upn": UPN, "access_key_id": idle, "status": "Inactive"}),
                                          ("delete_access_key", {"upn": UPN, "access_key_id": idle})]
    assert result["access_keys"][0]["access_key_id"] == used and len(result["access_keys"]) == 1
    result = account.run(user_access_key_id=used, state="absent")
    assert account.fake.writes() == [] and result["protected_keys"][0]["reason"] == "deleted"
    account.run(user_access_key_id=used, state="absent", force=True)
    assert account.fake.writes() == ["update_access_key", "delete_access_key"]
    assert account.keys() == []
    # a key that is not there is absent already
    assert account.run(user_access_key_id=used, state="absent")["changed"] is False


def test_a_named_key_that_does_not_exist_fails_before_any_write(account):
    account.fake.add_access_key(UPN, "LTAI5tMine000001")
    with pytest.raises(ValidationError) as err:
        account.run(user_access_key_id="LTAI5tNotMine0001", status="Inactive")
    assert str(err.value).startswith("user_access_key_id: %s has no access key LTAI5tNotMine0001 (its keys: LTAI5tMine000001" % UPN)
    assert account.fake.writes() == []


# --- state absent -------------------------------------------------------------------------------------------------


def test_state_absent_removes_every_key_but_the_protected_ones(account):
    account.fake.add_access_key(UPN, "LTAI5tUsedKey0001")
    account.fake.add_access_key(UPN, "LTAI5tIdleKey0001")
    account.fake.use_key("LTAI5tUsedKey0001", days_ago=3)
    result = account.run(state="absent", diff=True)
    assert account.fake.write_calls() == [
        ("update_access_key", {"upn": UPN, "access_key_id": "LTAI5tIdleKey0001", "status": "Inactive"}),
        ("delete_access_key", {"upn": UPN, "access_key_id": "LTAI5tIdleKey0001"})]
    assert [key["access_key_id"] for key in result["protected_keys"]] == ["LTAI5tUsedKey0001"]
    assert result["diff"]["after"] == {"access_keys": [{"access_key_id": "LTAI5tUsedKey0001", "status": "Active"}]}
    assert account.files() is None
    result = account.run(state="absent", force=True)
    assert account.fake.writes() == ["update_access_key", "delete_access_key"]
    assert account.keys() == [] and result["access_keys"] == []
    assert account.run(state="absent")["changed"] is False


def test_state_absent_deletes_an_inactive_key_without_deactivating_it(account):
    account.fake.add_access_key(UPN, "LTAI5tInactive001")
    account.deactivate("LTAI5tInactive001")
    account.run(state="absent")
    assert account.fake.writes() == ["delete_access_key"]


# --- check mode predicts the real run -----------------------------------------------------------------------------


def _fresh(account):
    return {}


def _rotation(account):
    old = account.fake.add_access_key(UPN)
    account.advance(100)
    account.fake.use_key(old, days_ago=40)
    return {"rotate_after_days": 90}


def _rotation_in_use(account):
    old = account.fake.add_access_key(UPN)
    account.advance(100)
    account.fake.use_key(old, days_ago=1)
    return {"rotate_after_days": 90}


def _grace_and_rotation(account):
    account.fake.add_access_key(UPN, "LTAI5tInactive001")
    account.deactivate("LTAI5tInactive001")
    account.fake.add_access_key(UPN, "LTAI5tCurrent0001")
    account.advance(100)
    return {"rotate_after_days": 90, "delete_inactive_after_days": 7}


def _absent(account):
    account.fake.add_access_key(UPN, "LTAI5tUsedKey0001")
    account.fake.add_access_key(UPN, "LTAI5tIdleKey0001")
    account.fake.use_key("LTAI5tUsedKey0001")
    return {"state": "absent"}


def _named(account):
    account.fake.add_access_key(UPN, "LTAI5tNamedKey001")
    return {"user_access_key_id": "LTAI5tNamedKey001", "status": "Inactive"}


def _noop(account):
    account.fake.add_access_key(UPN)
    return {}


@pytest.mark.parametrize("situation", [_fresh, _rotation, _rotation_in_use, _grace_and_rotation, _absent, _named, _noop])
@pytest.mark.parametrize("return_secret", [False, True])
def test_check_mode_makes_no_write_and_predicts_the_real_run(account, situation, return_secret):
    options = situation(account)
    before_keys, before_files = account.keys(), account.files()
    check = account.run(check_mode=True, diff=True, return_secret=return_secret, **options)
    assert account.fake.writes() == []
    assert account.keys() == before_keys and account.files() == before_files
    assert check["created_key"] is None
    real = account.run(diff=True, return_secret=return_secret, **options)
    predicted, done = comparable(check), comparable(real)
    predicted_diff = check["diff"]
    if real["created_key"]:
        new_id = real["created_key"]["access_key_id"]
        predicted["access_keys"] = [(new_id if key_id == NEW_KEY else key_id, status) for key_id, status in predicted["access_keys"]]
        predicted_diff = json.loads(json.dumps(predicted_diff).replace(json.dumps(NEW_KEY), json.dumps(new_id)))
    else:
        assert NEW_KEY not in json.dumps(check)
    assert predicted == done
    assert check["warnings"] == real["warnings"]
    assert predicted_diff == real["diff"]
    assert_no_secret(account, check, dict(real, created_key=None))


# --- secrets are shown nowhere -----------------------------------------------------------------------------------


def test_no_secret_in_any_result_error_or_call_record_text_across_a_lifecycle(account, monkeypatch):
    shown = []
    shown.append(account.run(diff=True))
    account.advance(100)
    shown.append(account.run(diff=True, rotate_after_days=90))
    account.advance(100)
    account.fake.fail["update_access_key"] = RamApiError("Throttling.User", "slow down", http_status=400)
    with pytest.raises(RamApiError) as err:
        account.run(rotate_after_days=90, delete_inactive_after_days=1)
    shown.extend([str(err.value), repr(err.value), err.value.completed])
    del account.fake.fail["update_access_key"]
    shown.append(account.run(diff=True, state="absent", force=True))
    shown.append(read_access_keys(account.fake, UPN, now=account.now))
    assert len(secrets_of(account)) >= 3
    assert_no_secret(account, *shown)


# --- read_access_keys --------------------------------------------------------------------------------------------


def test_read_access_keys_gives_age_and_last_use_and_never_a_secret(account):
    used = account.fake.add_access_key(UPN, "LTAI5tUsedKey0001")
    account.advance(10)
    idle = account.run(return_secret=True)  # creates nothing: one active key already
    assert idle["changed"] is False
    account.fake.use_key(used, service="ecs", days_ago=3)
    account.fake.reset_calls()
    info = read_access_keys(account.fake, "svc-deploy", now=account.now)
    assert info == {"changed": False, "user_principal_name": UPN, "access_keys": [
        {"access_key_id": used, "status": "Active", "create_date": "2026-01-01T00:00:00Z",
         "update_date": "2026-01-01T00:00:00Z", "age_days": 10, "last_used_date": "2026-01-08T00:00:00Z",
         "last_used_service": "ecs", "days_since_last_use": 3}]}
    assert account.fake.writes() == []
    info = read_access_keys(account.fake, UPN, with_last_used=False, now=account.now)
    assert "last_used_date" not in info["access_keys"][0]


def test_read_access_keys_of_a_never_used_key(account):
    account.fake.add_access_key(UPN, "LTAI5tIdleKey0001")
    [view] = read_access_keys(account.fake, UPN, now=account.now)["access_keys"]
    assert view["last_used_date"] is None and view["days_since_last_use"] is None and view["last_used_service"] is None


def test_read_access_keys_checks_the_name_first(account):
    with pytest.raises(ValidationError) as err:
        read_access_keys(account.fake, "bad name", now=account.now)
    assert err.value.option == "name"
    assert account.fake.calls == []


# --- bad input ----------------------------------------------------------------------------------------------------

BAD_INPUTS = [
    ({"name": None}, "name"),
    ({"name": ""}, "name"),
    ({"name": "bad name"}, "name"),
    ({"name": "a@b@" + DOMAIN}, "name"),
    ({"name": "x" * 65}, "name"),
    ({"user_access_key_id": ""}, "user_access_key_id"),
    ({"user_access_key_id": "   "}, "user_access_key_id"),
    ({"user_access_key_id": "LTAI5t/../etc"}, "user_access_key_id"),
    ({"user_access_key_id": "LTAI5t key"}, "user_access_key_id"),
    ({"user_access_key_id": "K" * 129}, "user_access_key_id"),
    ({"user_access_key_id": 12345}, "user_access_key_id"),
    ({"user_access_key_id": "LTAI5tKey", "rotate_after_days": 90}, "rotate_after_days"),
    ({"user_access_key_id": "LTAI5tKey", "delete_inactive_after_days": 7}, "delete_inactive_after_days"),
    ({"status": "Inactive"}, "status"),
    ({"user_access_key_id": "LTAI5tKey", "status": "Disabled"}, "status"),
    ({"user_access_key_id": "LTAI5tKey", "status": "inactive"}, "status"),
    ({"rotate_after_days": 0}, "rotate_after_days"),
    ({"rotate_after_days": -5}, "rotate_after_days"),
    ({"rotate_after_days": True}, "rotate_after_days"),
    ({"rotate_after_days": "90"}, "rotate_after_days"),
    ({"rotate_after_days": 1.5}, "rotate_after_days"),
    ({"delete_inactive_after_days": -1}, "delete_inactive_after_days"),
    ({"delete_inactive_after_days": False}, "delete_inactive_after_days"),
    ({"protect_used_within_days": -1}, "protect_used_within_days"),
    ({"protect_used_within_days": 2.0}, "protect_used_within_days"),
    ({"protect_used_within_days": True}, "protect_used_within_days"),
    ({"secret_dir": 123}, "secret_dir"),
    ({"secret_dir": ""}, "secret_dir"),
    ({"secret_dir": 123, "return_secret": True}, "secret_dir"),
    ({"state": "deleted"}, "state"),
    ({"state": "Absent"}, "state"),
]


@pytest.mark.parametrize("overrides, option", BAD_INPUTS, ids=[repr(case[0])[:60] for case in BAD_INPUTS])
def test_bad_input_fails_as_option_rule_before_any_call(account, overrides, option):
    with pytest.raises(ValidationError) as err:
        account.run(**overrides)
    assert err.value.option == option
    assert str(err.value) == "%s: %s" % (option, err.value.rule)
    assert err.value.rule
    assert account.fake.calls == []
    assert account.files() is None


@pytest.mark.parametrize("mode", [0o770, 0o755, 0o707])
def test_a_secret_dir_open_to_others_fails_before_any_write(account, mode):
    os.mkdir(account.secret_dir)
    os.chmod(account.secret_dir, mode)
    with pytest.raises(ValidationError) as err:
        account.run()
    assert str(err.value).startswith("secret_dir: %s has mode" % account.secret_dir)
    assert account.fake.writes() == []
    assert os.listdir(account.secret_dir) == []


def test_a_secret_dir_that_is_a_file_fails_before_any_write(account):
    with open(account.secret_dir, "w") as handle:
        handle.write("not a directory")
    with pytest.raises(ValidationError) as err:
        account.run(check_mode=True)
    assert err.value.option == "secret_dir"
    with pytest.raises(ValidationError):
        account.run()
    assert account.fake.writes() == []


def test_good_inputs_pass_validation_unchanged(account):
    for overrides in ({}, {"user_access_key_id": "LTAI5tKey", "status": "Active"}, {"rotate_after_days": 1},
                      {"delete_inactive_after_days": 0, "protect_used_within_days": 0}, {"state": "absent"},
                      {"return_secret": True}, {"secret_dir": None}):
        params = account.params(**overrides)
        assert validate_access_key_params(dict(params)) == params


# --- a failure inside the create step, and a marker with nothing left to find ---------------------------------------

def test_a_secret_file_that_cannot_be_written_still_reports_the_created_key(account, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(secret_files.KeyVault, "write_secret", refuse)
    with pytest.raises(OSError) as failure:
        account.run()
    assert failure.value.completed == ["create access key %s for %s" % (account.ids()[0], UPN)]
    monkeypatch.undo()
    # the next run finds the key whose secret never reached its file, and replaces it
    result = account.run()
    assert result["undelivered_keys"] == [failure.value.completed[0].split()[3]]
    assert len(account.ids()) == 1 and account.ids()[0] != result["undelivered_keys"][0]


def test_a_marker_with_nothing_undelivered_is_removed(account):
    account.run()
    path = os.path.join(account.secret_dir, MARKER)
    with open(path, "w") as handle:
        handle.write("".join(key_id + "\n" for key_id in account.ids()))
    os.chmod(path, 0o600)
    result = account.run()
    assert result["changed"] is False and result["undelivered_keys"] == []
    assert not os.path.exists(path)
