# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import os
import stat
import time

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient
from ansible_collections.aliyun.ram.plugins.module_utils.credential_report import (
    CredentialReportNotReady,
    audit,
    findings_csv,
    parse_time,
    validate_audit_params,
)
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.normalize import credential_report_rows
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

NOW = 1800000000.0
DAY = 86400
PASSWORD = "Initial-Pa55word!"


def iso(epoch):
    """A report time, as the report writes it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def upn(name):
    return "%s@%s" % (name, DOMAIN)


class Clock:
    """now() and monotonic() advance only through sleep(), which records what it was asked."""

    def __init__(self, start=NOW):
        self.now = start
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def run(client, clock=None, check_mode=False, **options):
    clock = clock or Clock()
    return audit(client, validate_audit_params(options), check_mode=check_mode, now=clock, monotonic=clock,
                 sleep=clock.sleep)


def account(clock=None):
    clock = clock or Clock()
    return FakeRamClient(clock=clock), clock


def checks(result, user=None):
    return [(f["user_name"], f["check"]) + ((f["access_key_slot"],) if "access_key_slot" in f else ())
            for f in result["findings"] if user is None or f["user_name"] == user]


# ---------------------------------------------------------------- input


@pytest.mark.parametrize("option, value, rule", [
    ("idle_login_days", -1, "must be between 0 and 3650, got -1"),
    ("key_max_age_days", 3651, "must be between 0 and 3650, got 3651"),
    ("key_unused_days", "90", "must be a whole number between 0 and 3650"),
    ("key_unused_days", True, "must be a whole number between 0 and 3650"),
    ("wait_timeout", 3601, "must be between 0 and 3600, got 3601"),
    ("report_page_size", 0, "must be between 1 and 3501, got 0"),
    ("report_page_size", 3502, "must be between 1 and 3501, got 3502"),
    ("max_report_age_hours", -1, "must be between 0 and 8760, got -1"),
    ("console_login_without_mfa", "yes", "must be true or false"),
    ("report_dir", "  ", "must be a directory path, not an empty string"),
    ("colour", 1, "is not an audit option"),
])
def test_bad_options_are_refused_before_any_call(option, value, rule):
    client, clock = account()
    with pytest.raises(ValidationError) as err:
        run(client, clock, **{option: value})
    assert str(err.value) == "%s: %s" % (option, rule)
    assert client.calls == []


def test_the_defaults_are_safe():
    checked = validate_audit_params({})
    assert checked["idle_login_days"] == checked["key_max_age_days"] == checked["key_unused_days"] == 90
    assert checked["console_login_without_mfa"] is True
    assert checked["keys_with_console_login"] is False


# ---------------------------------------------------------------- the CSV


def test_columns_are_read_by_name_whatever_their_order():
    text = "mfa_active,user,password_exist,password_active\nTRUE,<root>,TRUE,N/A\nFALSE,a@x.onaliyun.com,TRUE,TRUE\n"
    header, rows = credential_report_rows(text)
    assert header == ["mfa_active", "user", "password_exist", "password_active"]
    assert rows[1] == {"mfa_active": "FALSE", "user": "a@x.onaliyun.com", "password_exist": "TRUE", "password_active": "TRUE"}


def test_a_page_without_a_header_uses_the_previous_one():
    header, _rows = credential_report_rows("user,mfa_active\n<root>,FALSE\n")
    again, rows = credential_report_rows("b@x.onaliyun.com,TRUE\n", header)
    assert again == header and rows == [{"user": "b@x.onaliyun.com", "mfa_active": "TRUE"}]
    with pytest.raises(ValueError):
        credential_report_rows("b@x.onaliyun.com,TRUE\n")


@pytest.mark.parametrize("text, expected", [
    ("2026-01-02T03:04:05Z", 1767323045.0), ("2026-01-02T03:04:05.123Z", 1767323045.0),
    ("2026-01-02T03:04:05+00:00", 1767323045.0), ("-", None), ("N/A", None), ("", None), ("soon", None),
])
def test_times(text, expected):
    assert parse_time(text) == expected


class PagedTransport:
    """GetCredentialReport in pages, as the service might send them (header repeated or not)."""

    def __init__(self, pages, truncated_as="true"):
        self.pages = pages
        self.truncated_as = truncated_as
        self.calls = []

    def call(self, product, action, params):
        self.calls.append((action, dict(params)))
        index = int(params.get("NextToken") or 0)
        body = {"Content": base64.b64encode(self.pages[index].encode()).decode(), "GeneratedTime": "2026-01-02T03:04:05Z",
                "IsTruncated": "false"}
        if index + 1 < len(self.pages):
            body.update(IsTruncated=self.truncated_as, NextToken=str(index + 1))
        return body


@pytest.mark.parametrize("truncated_as", ["true", True])
def test_pages_are_followed_with_or_without_a_repeated_header(truncated_as):
    transport = PagedTransport(["user,mfa_active\n<root>,FALSE\n", "user,mfa_active\na@x,TRUE\n", "b@x,FALSE\n"],
                               truncated_as)
    report = RamClient(transport).get_credential_report(max_items=1)
    assert [row["user"] for row in report["rows"]] == ["<root>", "a@x", "b@x"]
    assert [params.get("NextToken") for _action, params in transport.calls] == [None, "1", "2"]
    assert all(params["MaxItems"] == 1 for _action, params in transport.calls)


def test_content_that_is_not_base64_is_an_invalid_response():
    class Broken:
        def call(self, product, action, params):
            return {"Content": "not base64!", "IsTruncated": "false"}
    with pytest.raises(RamApiError) as err:
        RamClient(Broken()).get_credential_report()
    assert err.value.code == "InvalidResponse"


def test_a_repeated_token_stops_the_paging():
    class Looping:
        def call(self, product, action, params):
            return {"Content": base64.b64encode(b"user\n<root>\n").decode(), "IsTruncated": "true", "NextToken": "same"}
    with pytest.raises(RamApiError) as err:
        RamClient(Looping()).get_credential_report()
    assert "repeated a paging token" in str(err.value)


# ---------------------------------------------------------------- getting a report


def test_no_report_yet_one_is_generated_and_waited_for():
    client, clock = account()
    client.report_delay = 3.0
    client.add_user("ann")
    result = run(client, clock)
    assert result["report"]["requested_new_report"] is True
    assert result["report"]["states"] == ["STARTED", "INPROGRESS", "COMPLETED"]
    assert clock.slept == [0.25, 0.5, 1.0, 2.0]          # bounded, growing polls
    assert [user["user_name"] for user in result["users"]] == ["ann"]
    assert result["root"]["user_principal_name"] == "<root>"
    assert result["changed"] is False


def test_a_fresh_report_is_used_without_asking_for_a_new_one():
    client, clock = account()
    run(client, clock)
    client.reset_calls()
    clock.now += 3 * 3600
    result = run(client, clock)
    assert client.methods() == ["get_credential_report"]
    assert result["report"]["requested_new_report"] is False
    assert result["report"]["age_hours"] == 3.0


def test_a_stale_report_is_regenerated():
    client, clock = account()
    run(client, clock)
    client.add_user("late")
    clock.now += 5 * 3600
    result = run(client, clock)
    assert result["report"]["requested_new_report"] is True
    assert result["report"]["age_hours"] == 0.0
    assert [user["user_name"] for user in result["users"]] == ["late"]


def test_a_report_the_service_will_not_renew_yet_is_used_with_a_warning():
    client, clock = account()
    run(client, clock)
    clock.now += 2 * 3600
    result = run(client, clock, max_report_age_hours=1)
    assert result["report"]["requested_new_report"] is True
    assert result["report"]["states"] == ["COMPLETED"]
    assert "at most once every 4 hours" in result["warnings"][0]


def test_the_wait_is_bounded():
    client, clock = account()
    client.report_delay = 1000.0
    with pytest.raises(CredentialReportNotReady) as err:
        run(client, clock, wait_timeout=5)
    assert "after 5 seconds (wait_timeout)" in str(err.value)
    assert sum(clock.slept) == 5


def test_no_wait_at_all():
    client, clock = account()
    client.report_delay = 1.0
    with pytest.raises(CredentialReportNotReady):
        run(client, clock, wait_timeout=0)
    assert clock.slept == []


def test_the_audit_never_writes_to_the_account():
    client, clock = account()
    client.add_user("ann")
    client.add_login_profile(upn("ann"), password=PASSWORD)
    client.add_access_key(upn("ann"))
    run(client, clock, resolve_access_key_ids=True, key_max_age_days=0, key_unused_days=0)
    run(client, clock, check_mode=True)
    assert set(client.writes()) == {"generate_credential_report"}


# ---------------------------------------------------------------- facts and findings


def test_facts_of_a_user():
    client, clock = account()
    client.add_user("ann")
    client.add_login_profile(upn("ann"), password=PASSWORD)
    client.person_login(upn("ann"))
    client.age_user(upn("ann"), 30)
    client.person_bind_mfa(upn("ann"))
    key = client.add_access_key(upn("ann"))
    client.use_key(key, days_ago=2)
    client.age_key(key, 10)
    user = run(client, clock)["users"][0]
    assert user["console_login"] is True and user["console_login_active"] is True
    assert user["last_login_days"] == 30 and user["password_age_days"] == 30 and user["created_days"] == 30
    assert user["mfa_active"] is True
    # the report's own times: the key was created 10 days before NOW and last used 2 days before that
    assert user["access_keys"] == [{"slot": 1, "column": "access_key_1", "active": True,
                                    "last_rotated": iso(NOW - 10 * DAY), "age_days": 10,
                                    "last_used": iso(NOW - 12 * DAY), "last_used_days": 12,
                                    "access_key_id": None}]


@pytest.mark.parametrize("days, found", [(89, False), (90, True), (91, True)])
def test_idle_console_login_at_its_edge(days, found):
    client, clock = account()
    client.add_user("ann")
    client.add_login_profile(upn("ann"), password=PASSWORD)
    client.person_bind_mfa(upn("ann"))
    client.person_login(upn("ann"))
    client.age_user(upn("ann"), days)
    result = run(client, clock)
    assert checks(result) == ([("ann", "idle_console_login")] if found else [])
    if found:
        assert result["findings"][0]["days"] == days and result["findings"][0]["threshold_days"] == 90


def test_a_login_never_used_counts_from_the_password_or_the_user():
    client, clock = account()
    client.add_user("ann")
    client.add_login_profile(upn("ann"), password=PASSWORD)
    client.add_user("bea")
    client.add_login_profile(upn("bea"))                          # no password set: counted from the user's creation
    for name in ("ann", "bea"):
        client.person_bind_mfa(upn(name))
        client.age_user(upn(name), 100)
    result = run(client, clock)
    assert checks(result) == [("ann", "idle_console_login"), ("bea", "idle_console_login")]
    assert "password change" in result["findings"][0]["message"]
    assert "user's creation" in result["findings"][1]["message"]


def test_disabled_logins_and_inactive_keys_are_no_findings():
    client, clock = account()
    client.add_user("ann")
    client.add_login_profile(upn("ann"), password=PASSWORD, status="Inactive")
    client.age_user(upn("ann"), 400)
    key = client.add_access_key(upn("ann"))
    client.age_key(key, 400)
    client.update_access_key(upn("ann"), key, "Inactive")
    result = run(client, clock, keys_with_console_login=True)
    assert result["findings"] == []
    assert result["summary"]["console_logins"] == 1 and result["summary"]["active_console_logins"] == 0


def test_console_login_without_mfa_can_be_turned_off():
    client, clock = account()
    client.add_user("ann")
    client.add_login_profile(upn("ann"), password=PASSWORD)
    assert checks(run(client, clock)) == [("ann", "console_login_without_mfa")]
    assert checks(run(client, clock, console_login_without_mfa=False)) == []


@pytest.mark.parametrize("age, found", [(29, []), (30, [("kim", "old_access_key", 1)])])
def test_old_keys_at_the_edge(age, found):
    client, clock = account()
    client.add_user("kim")
    key = client.add_access_key(upn("kim"))
    client.use_key(key)
    client.age_key(key, age)
    client.use_key(key)                                            # used today: not unused
    assert checks(run(client, clock, key_max_age_days=30)) == found


@pytest.mark.parametrize("days, found", [(59, []), (60, [("kim", "unused_access_key", 1)])])
def test_unused_keys_at_the_edge(days, found):
    client, clock = account()
    client.add_user("kim")
    key = client.add_access_key(upn("kim"))
    client.age_key(key, 1)
    client.use_key(key, days_ago=days)
    assert checks(run(client, clock, key_max_age_days=0, key_unused_days=60)) == found


def test_a_key_never_used_counts_from_its_creation():
    client, clock = account()
    client.add_user("kim")
    key = client.add_access_key(upn("kim"))
    client.age_key(key, 91)
    result = run(client, clock, key_max_age_days=0)
    assert checks(result) == [("kim", "unused_access_key", 1)]
    assert "never used, created 91 days ago" in result["findings"][0]["message"]


def test_keys_with_a_console_login_only_when_asked_and_ids_resolved():
    client, clock = account()
    client.add_user("ann")
    client.add_login_profile(upn("ann"), password=PASSWORD)
    client.person_bind_mfa(upn("ann"))
    first = client.add_access_key(upn("ann"))
    client.age_key(first, 100)
    second = client.add_access_key(upn("ann"))
    assert checks(run(client, clock, key_unused_days=0)) == [("ann", "old_access_key", 1)]
    result = run(client, clock, key_unused_days=0, keys_with_console_login=True, resolve_access_key_ids=True)
    assert checks(result) == [("ann", "old_access_key", 1), ("ann", "access_key_with_console_login")]
    assert result["findings"][0]["access_key_id"] == first
    assert [key["access_key_id"] for key in result["users"][0]["access_keys"]] == [first, second]
    assert result["summary"]["by_check"]["access_key_with_console_login"] == 1


def test_summary_counts():
    client, clock = account()
    for name in ("a", "b", "c"):
        client.add_user(name)
    client.add_login_profile(upn("a"), password=PASSWORD)
    client.add_login_profile(upn("b"), password=PASSWORD)
    client.person_bind_mfa(upn("b"))
    client.add_access_key(upn("c"))
    summary = run(client, clock)["summary"]
    assert summary == {"users": 3, "console_logins": 2, "active_console_logins": 2, "users_with_mfa": 1,
                       "access_keys": 1, "active_access_keys": 1, "findings": 1, "users_with_findings": 1,
                       "by_check": {"idle_console_login": 0, "console_login_without_mfa": 1, "old_access_key": 0,
                                    "unused_access_key": 0, "access_key_with_console_login": 0}}


def test_a_missing_documented_column_is_a_warning_not_a_crash():
    class Narrow:
        def call(self, product, action, params):
            if action == "GenerateCredentialReport":
                return {"State": "COMPLETED"}
            text = "user,password_exist,password_active,user_last_logon\n<root>,TRUE,N/A,-\na@x,TRUE,TRUE,-\n"
            return {"Content": base64.b64encode(text.encode()).decode(), "GeneratedTime": "2027-01-15T08:00:00Z",
                    "IsTruncated": "false"}
    clock = Clock()
    result = run(RamClient(Narrow()), clock)
    assert "lacks the documented column(s)" in result["warnings"][0]
    assert result["users"][0]["mfa_active"] is None
    assert checks(result) == []


# ---------------------------------------------------------------- files


def test_report_files_are_owner_only_and_replaced(tmp_path):
    client, clock = account()
    client.add_user("ann")
    client.add_login_profile(upn("ann"), password=PASSWORD)
    folder = tmp_path / "audit"
    result = run(client, clock, report_dir=str(folder))
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for path in result["files"].values():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "ann@%s,console_login_without_mfa" % DOMAIN in open(result["files"]["csv"]).read()
    assert "| ann@%s | console_login_without_mfa |" % DOMAIN in open(result["files"]["markdown"]).read()
    client.person_bind_mfa(upn("ann"))
    clock.now += 5 * 3600
    again = run(client, clock, report_dir=str(folder))
    assert "no findings" in open(again["files"]["markdown"]).read()
    assert sorted(os.listdir(folder)) == ["credential-report.csv", "credential-report.md"]


def test_check_mode_writes_no_file(tmp_path):
    client, clock = account()
    folder = tmp_path / "audit"
    result = run(client, clock, check_mode=True, report_dir=str(folder))
    assert not folder.exists()
    assert result["files"]["csv"] == str(folder / "credential-report.csv")


def test_an_open_directory_is_refused_before_any_call(tmp_path):
    folder = tmp_path / "open"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    client, clock = account()
    with pytest.raises(ValidationError) as err:
        run(client, clock, report_dir=str(folder))
    assert "report_dir" in str(err.value) and "0700" in str(err.value)
    assert client.calls == []


def test_cells_cannot_become_spreadsheet_formulas():
    text = findings_csv([{"user_principal_name": "=cmd|x", "check": "c", "message": "+1"}])
    assert "'=cmd|x" in text and "'+1" in text


def test_a_key_replaced_since_the_report_gets_no_id():
    """The report is hours old: the key it found old was deleted and a new one took its slot. The finding must not
    name the new key (remediation would deactivate it)."""
    client, clock = account()
    client.add_user("bo")
    old = client.add_access_key(upn("bo"))
    client.age_key(old, 400)
    first = run(client, clock, key_unused_days=0)
    assert checks(first) == [("bo", "old_access_key", 1)]
    client.delete_access_key(upn("bo"), old)
    new = client.add_access_key(upn("bo"))
    # the same (now stale) report, read again within its age limit, with the IDs resolved against today's keys
    result = run(client, clock, key_unused_days=0, resolve_access_key_ids=True)
    assert checks(result) == [("bo", "old_access_key", 1)]
    assert result["findings"][0]["access_key_id"] is None
    assert new not in str(result)


def test_a_report_that_changes_between_pages_is_refused():
    pages = iter([("2026-01-01T00:00:00Z", "user\n<root>\n", "true"), ("2026-01-01T05:00:00Z", "a@x\n", "false")])

    class Changing:
        def call(self, product, action, params):
            generated, text, truncated = next(pages)
            return {"Content": base64.b64encode(text.encode()).decode(), "IsTruncated": truncated,
                    "NextToken": "1", "GeneratedTime": generated}
    with pytest.raises(RamApiError) as err:
        RamClient(Changing()).get_credential_report()
    assert err.value.code == "InvalidResponse" and "changed while it was being read" in str(err.value)
