# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The identity audit: the account's credential report, per-user facts, findings against thresholds, report files.

One report (IMS GenerateCredentialReport / GetCredentialReport) describes every RAM user of the account: console
login, last logon, password age, MFA, and each AccessKey's status, age and last use. So an audit of 1,000 users is a
handful of calls instead of several per user.

* The last report is read first. When there is none, or it is older than ``max_report_age_hours``, a new one is
  asked for and waited for (``wait_timeout`` seconds at most; the service generates it asynchronously), then read.
  The service makes a new report at most once every 4 hours; a report it will not renew yet is used with a warning.
* The CSV is read by column name (``normalize.credential_report_rows``), never by position.
* Nothing in the account is changed. A report file is written only outside check mode, as an owner-only file
  (``secret_files.SecretDirectory``'s rules: a 0700 directory, 0600 files, never through a link).

Findings (each check has a safe default; ``0`` days turns a check off):

* ``idle_console_login``: an active console login not used for ``idle_login_days`` days or more (never used: counted
  from the last password change, else from the user's creation);
* ``console_login_without_mfa``: an active console login without an MFA device (``console_login_without_mfa``);
* ``old_access_key``: an active AccessKey created ``key_max_age_days`` days ago or more;
* ``unused_access_key``: an active AccessKey not used for ``key_unused_days`` days or more (never used: counted from
  its creation);
* ``access_key_with_console_login``: active AccessKeys on a user with an active console login (only when
  ``keys_with_console_login`` is true).

Days are whole days elapsed: a login 89 days and 23 hours ago is 89 days old.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
import time
from typing import TYPE_CHECKING, Any, Callable

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.normalize import CREDENTIAL_REPORT_COLUMNS, CREDENTIAL_REPORT_ROOT
from ansible_collections.aliyun.ram.plugins.module_utils.secret_files import SecretDirectory

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient

DAY = 86400
CHECKS = ("idle_console_login", "console_login_without_mfa", "old_access_key", "unused_access_key",
          "access_key_with_console_login")
DAY_OPTIONS = ("idle_login_days", "key_max_age_days", "key_unused_days")
THRESHOLD_OPTIONS = ("idle_login_days", "console_login_without_mfa", "key_max_age_days", "key_unused_days",
                     "keys_with_console_login")
MAX_DAYS = 3650
# GetCredentialReport's MaxItems (fact sheet part 2, section 7.2)
MAX_PAGE_SIZE = 3501
MAX_WAIT = 3600
# The service's rule: a new report at most once every 4 hours.
NEW_REPORT_INTERVAL_HOURS = 4
# Polling while a report is generated: 0.25 s, doubling, at most 10 s (Alibaba's metadata hints at 10 s).
FIRST_POLL = 0.25
MAX_POLL = 10.0
REPORT_BASENAME = "credential-report"
_KEY_COLUMN = re.compile(r"(access_key_[0-9]+|additional_access_key_[0-9]+)_exist")
_TIME_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")

DEFAULTS = {
    "idle_login_days": 90,
    "console_login_without_mfa": True,
    "key_max_age_days": 90,
    "key_unused_days": 90,
    "keys_with_console_login": False,
    "max_report_age_hours": NEW_REPORT_INTERVAL_HOURS,
    "wait_timeout": 120,
    "report_page_size": None,
    "report_dir": None,
    "resolve_access_key_ids": False,
}


class CredentialReportNotReady(RamError):
    """The report was still being generated when the wait ended."""


# ---------------------------------------------------------------- input


def _whole(option, value, low, high):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(option, "must be a whole number between %d and %d" % (low, high))
    if not low <= value <= high:
        raise ValidationError(option, "must be between %d and %d, got %d" % (low, high, value))


def validate_audit_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """The one validation of an audit task; returns the parameters with the defaults filled in."""
    checked = dict(DEFAULTS)
    checked.update((name, value) for name, value in (params or {}).items() if value is not None)
    unknown = sorted(set(checked) - set(DEFAULTS))
    if unknown:
        raise ValidationError(unknown[0], "is not an audit option")
    for option in DAY_OPTIONS:
        _whole(option, checked[option], 0, MAX_DAYS)
    for option in ("console_login_without_mfa", "keys_with_console_login", "resolve_access_key_ids"):
        if not isinstance(checked[option], bool):
            raise ValidationError(option, "must be true or false")
    _whole("max_report_age_hours", checked["max_report_age_hours"], 0, 24 * 365)
    _whole("wait_timeout", checked["wait_timeout"], 0, MAX_WAIT)
    if checked["report_page_size"] is not None:
        _whole("report_page_size", checked["report_page_size"], 1, MAX_PAGE_SIZE)
    if checked["report_dir"] is not None and (not isinstance(checked["report_dir"], str) or not checked["report_dir"].strip()):
        raise ValidationError("report_dir", "must be a directory path, not an empty string")
    return checked


# ---------------------------------------------------------------- values of the report


def parse_time(value: str | None) -> float | None:
    """An ISO 8601 UTC time of the report -> epoch seconds; ``-``, ``N/A``, empty or unreadable -> None."""
    if not value or value in ("-", "N/A"):
        return None
    text = value.strip()
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    for pattern in _TIME_FORMATS:
        try:
            return float(calendar.timegm(time.strptime(text, pattern)))
        except ValueError:
            continue
    return None


def parse_flag(value: str | None) -> bool | None:
    """``TRUE`` / ``FALSE`` (any case) -> bool; ``N/A``, ``-`` or anything else -> None."""
    text = (value or "").strip().upper()
    return True if text == "TRUE" else False if text == "FALSE" else None


def _text(value):
    return None if value in (None, "", "-", "N/A") else value


def days_since(value: str | None, now: float) -> int | None:
    moment = parse_time(value)
    if moment is None:
        return None
    return max(0, int((now - moment) // DAY))


def key_slots(columns: list[str]) -> list[str]:
    """The AccessKey column prefixes of the report, in column order: access_key_1, access_key_2, additional_...."""
    return [match.group(1) for match in (_KEY_COLUMN.fullmatch(column) for column in columns) if match]


def user_facts(row: dict[str, Any], columns: list[str], now: float) -> dict[str, Any]:
    """One report row -> the audit's facts about that user (snake_case, typed, days computed against ``now``)."""
    upn = row.get("user") or ""
    console = parse_flag(row.get("password_exist"))
    keys = []
    for index, prefix in enumerate(key_slots(columns), start=1):
        if parse_flag(row.get(prefix + "_exist")) is not True:
            continue
        last_rotated = _text(row.get(prefix + "_last_rotated"))
        last_used = _text(row.get(prefix + "_last_used"))
        keys.append({"slot": index, "column": prefix, "active": parse_flag(row.get(prefix + "_active")),
                     "last_rotated": last_rotated, "age_days": days_since(last_rotated, now),
                     "last_used": last_used, "last_used_days": days_since(last_used, now),
                     "access_key_id": None})
    last_login = _text(row.get("user_last_logon"))
    password_changed = _text(row.get("password_last_changed"))
    return {
        "user_principal_name": upn,
        "user_name": upn.split("@", 1)[0],
        "created": _text(row.get("user_creation_time")),
        "created_days": days_since(row.get("user_creation_time"), now),
        "console_login": bool(console),
        "console_login_active": parse_flag(row.get("password_active")) if console else None,
        "last_login": last_login,
        "last_login_days": days_since(last_login, now),
        "password_last_changed": password_changed,
        "password_age_days": days_since(password_changed, now),
        "password_next_rotation": _text(row.get("password_next_rotation")),
        "mfa_active": parse_flag(row.get("mfa_active")),
        "access_keys": keys,
    }


# ---------------------------------------------------------------- findings


def _finding(user, check, message, days=None, threshold=None, key=None):
    finding = {"user_principal_name": user["user_principal_name"], "user_name": user["user_name"], "check": check,
               "days": days, "threshold_days": threshold, "message": message}
    if key is not None:
        finding.update(access_key_slot=key["slot"], access_key_id=key["access_key_id"],
                       access_key_created=key["last_rotated"])
    return finding


def idle_days(user: dict[str, Any]) -> int | None:
    """Days since the console login was last used; never used: since the password was set, else the user created."""
    for field in ("last_login_days", "password_age_days", "created_days"):
        if user[field] is not None:
            return user[field]
    return None


def findings_for(user: dict[str, Any], options: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings about one user (see the module docstring), in the order of :data:`CHECKS`."""
    found = []
    active_login = user["console_login_active"] is True
    limit = options["idle_login_days"]
    idle = idle_days(user)
    if active_login and limit and idle is not None and idle >= limit:
        since = "last logon" if user["last_login"] else "never logged on; counted from the %s" % (
            "password change" if user["password_last_changed"] else "user's creation")
        found.append(_finding(user, "idle_console_login", "console login unused for %d days (%s; limit %d)"
                              % (idle, since, limit), idle, limit))
    if active_login and options["console_login_without_mfa"] and user["mfa_active"] is False:
        found.append(_finding(user, "console_login_without_mfa", "console login without an MFA device"))
    active_keys = [key for key in user["access_keys"] if key["active"]]
    limit = options["key_max_age_days"]
    for key in active_keys:
        if limit and key["age_days"] is not None and key["age_days"] >= limit:
            found.append(_finding(user, "old_access_key", "active AccessKey %d is %d days old (limit %d)"
                                  % (key["slot"], key["age_days"], limit), key["age_days"], limit, key))
    limit = options["key_unused_days"]
    for key in active_keys:
        unused = key["last_used_days"] if key["last_used"] else key["age_days"]
        if limit and unused is not None and unused >= limit:
            what = "unused for %d days" % unused if key["last_used"] else "never used, created %d days ago" % unused
            found.append(_finding(user, "unused_access_key", "active AccessKey %d %s (limit %d)"
                                  % (key["slot"], what, limit), unused, limit, key))
    if options["keys_with_console_login"] and active_login and active_keys:
        found.append(_finding(user, "access_key_with_console_login", "%d active AccessKey(s) on a user with a console login"
                              % len(active_keys)))
    return found


def summarize(users: list[dict[str, Any]], findings: list[dict[str, Any]]) -> dict[str, Any]:
    by_check = dict((check, 0) for check in CHECKS)
    for finding in findings:
        by_check[finding["check"]] += 1
    return {
        "users": len(users),
        "console_logins": sum(1 for user in users if user["console_login"]),
        "active_console_logins": sum(1 for user in users if user["console_login_active"]),
        "users_with_mfa": sum(1 for user in users if user["mfa_active"]),
        "access_keys": sum(len(user["access_keys"]) for user in users),
        "active_access_keys": sum(1 for user in users for key in user["access_keys"] if key["active"]),
        "findings": len(findings),
        "users_with_findings": len(set(finding["user_principal_name"] for finding in findings)),
        "by_check": by_check,
    }


# ---------------------------------------------------------------- the report


def obtain_report(client: RamClient, options: dict[str, Any], now: Callable[[], float] = time.time,
                  monotonic: Callable[[], float] = time.monotonic,
                  sleep: Callable[[float], None] = time.sleep) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The report to audit: ``(report, about, warnings)``; ``about`` says how it was obtained.

    The last report is used when it is younger than ``max_report_age_hours``; otherwise a new one is asked for
    and polled for up to ``wait_timeout`` seconds (:class:`CredentialReportNotReady` after that).
    """
    page_size = options["report_page_size"]
    max_age = options["max_report_age_hours"] * 3600
    warnings = []
    report = client.get_credential_report(page_size)
    about = {"requested_new_report": False, "states": [], "polls": 0}
    if report is None or _age(report, now()) is None or _age(report, now()) >= max_age:
        about["requested_new_report"] = True
        state = client.generate_credential_report()
        about["states"].append(state)
        deadline = monotonic() + options["wait_timeout"]
        delay = FIRST_POLL
        while state != "COMPLETED":
            left = deadline - monotonic()
            if left <= 0:
                raise CredentialReportNotReady(
                    "the credential report was still being generated (%s) after %d seconds (wait_timeout); run the "
                    "task again later or raise wait_timeout" % (state, options["wait_timeout"]))
            sleep(min(delay, left))
            delay = min(delay * 2, MAX_POLL)
            state = client.generate_credential_report()
            about["polls"] += 1
            if state not in about["states"]:
                about["states"].append(state)
        report = client.get_credential_report(page_size)
        if report is None:
            raise CredentialReportNotReady("GenerateCredentialReport said COMPLETED, but GetCredentialReport found no report")
        age = _age(report, now())
        if age is not None and age >= max_age:
            warnings.append("the credential report is %.1f hours old, older than max_report_age_hours (%d): the service "
                            "makes a new report at most once every %d hours, so this one was used"
                            % (age / 3600.0, options["max_report_age_hours"], NEW_REPORT_INTERVAL_HOURS))
    return report, about, warnings


def _age(report, now):
    generated = parse_time(report.get("generated_time"))
    return None if generated is None else max(0.0, now - generated)


def resolve_key_ids(client: RamClient, users: list[dict[str, Any]], findings: list[dict[str, Any]]) -> None:
    """Fill ``access_key_id`` of the keys with findings (the report has no IDs): one ListAccessKeys per such user.

    A key is matched by its creation time (the report's last_rotated) only. Its place in creation order is no proof:
    the report can be hours old, and a key deleted and another created since would take the old key's slot, so a
    finding (and a remediation) would name the new key. An unmatched key keeps ``access_key_id`` None."""
    wanted = set(finding["user_principal_name"] for finding in findings if "access_key_slot" in finding)
    for user in users:
        if user["user_principal_name"] not in wanted:
            continue
        listed = sorted(client.list_access_keys(user["user_principal_name"]), key=lambda key: key.get("create_date") or "")
        for key in user["access_keys"]:
            created = parse_time(key["last_rotated"])
            match = [item for item in listed if created is not None and parse_time(item.get("create_date")) == created]
            if len(match) == 1:
                key["access_key_id"] = match[0].get("access_key_id")
    ids = dict(((user["user_principal_name"], key["slot"]), key["access_key_id"]) for user in users
               for key in user["access_keys"])
    for finding in findings:
        if "access_key_slot" in finding:
            finding["access_key_id"] = ids.get((finding["user_principal_name"], finding["access_key_slot"]))


# ---------------------------------------------------------------- report files


def _csv_cell(value):
    """A cell a spreadsheet will not run as a formula (CSV injection): a leading = + - @ tab or CR gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def findings_csv(findings: list[dict[str, Any]]) -> str:
    columns = ("user_principal_name", "check", "days", "threshold_days", "access_key_slot", "access_key_id", "message")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for finding in findings:
        writer.writerow([_csv_cell(finding.get(column)) for column in columns])
    return out.getvalue()


def _md(value):
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def findings_markdown(result: dict[str, Any]) -> str:
    summary = result["summary"]
    lines = ["# RAM identity audit", "",
             "Credential report generated %s; %d users, %d findings on %d users." % (
                 result["report"]["generated_time"], summary["users"], summary["findings"], summary["users_with_findings"]),
             "", "| check | findings |", "| --- | --- |"]
    lines.extend("| %s | %d |" % (check, count) for check, count in summary["by_check"].items())
    lines.extend(["", "| user | check | days | limit | AccessKey | detail |", "| --- | --- | --- | --- | --- | --- |"])
    for finding in result["findings"]:
        key = finding.get("access_key_id") or (finding.get("access_key_slot") and "slot %d" % finding["access_key_slot"])
        lines.append("| %s | %s | %s | %s | %s | %s |" % tuple(_md(value) for value in (
            finding["user_principal_name"], finding["check"], finding["days"], finding["threshold_days"], key or "",
            finding["message"])))
    if not result["findings"]:
        lines.append("| | no findings | | | | |")
    return "\n".join(lines) + "\n"


def write_report_files(directory: str, result: dict[str, Any], check_mode: bool) -> dict[str, str]:
    """``<dir>/credential-report.csv`` and ``.md``: owner-only files, replaced as a whole (a new file renamed over
    the old one). Check mode only checks the directory and writes nothing. Returns the paths."""
    folder = SecretDirectory(directory, "report_dir")
    names = {"csv": REPORT_BASENAME + ".csv", "markdown": REPORT_BASENAME + ".md"}
    paths = dict((kind, folder.path_of(name)) for kind, name in names.items())
    if check_mode:
        folder.check().close()
        return paths
    folder.open()
    try:
        texts = {"csv": findings_csv(result["findings"]), "markdown": findings_markdown(result)}
        for kind, name in names.items():
            pending = ".%s.pending" % name
            folder.remove(pending)
            folder.create(pending, texts[kind])
            folder.rename(pending, name)
    finally:
        folder.close()
    return paths


# ---------------------------------------------------------------- the task


def audit(client: RamClient, options: dict[str, Any], check_mode: bool = False, now: Callable[[], float] = time.time,
          monotonic: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> dict[str, Any]:
    """The audit task's result: ``report``, ``root``, ``users``, ``findings``, ``summary``, ``files``; never changed.

    ``options`` must have passed :func:`validate_audit_params`.
    """
    if options["report_dir"] is not None:
        # a directory that breaks the rules fails before any call
        SecretDirectory(options["report_dir"], "report_dir").check().close()
    report, about, warnings = obtain_report(client, options, now, monotonic, sleep)
    moment = now()
    columns = report["columns"]
    missing = [column for column in CREDENTIAL_REPORT_COLUMNS if column not in columns]
    if missing:
        warnings.append("the credential report lacks the documented column(s) %s; the facts they give are unknown"
                        % ", ".join(missing))
    root, users = None, []
    for row in report["rows"]:
        facts = user_facts(row, columns, moment)
        if facts["user_principal_name"] == CREDENTIAL_REPORT_ROOT:
            root = facts
        else:
            users.append(facts)
    findings = [finding for user in users for finding in findings_for(user, options)]
    if options["resolve_access_key_ids"]:
        resolve_key_ids(client, users, findings)
    generated = parse_time(report["generated_time"])
    result = {
        "changed": False,
        "report": dict(about, generated_time=report["generated_time"], columns=columns,
                       age_hours=None if generated is None else round(max(0.0, moment - generated) / 3600.0, 2)),
        "root": root,
        "users": users,
        "findings": findings,
        "summary": summarize(users, findings),
        "thresholds": dict((name, options[name]) for name in THRESHOLD_OPTIONS),
        "files": {},
        "warnings": warnings,
    }
    if options["report_dir"] is not None:
        result["files"] = write_report_files(options["report_dir"], result, check_mode)
    return result
