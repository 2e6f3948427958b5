# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user credential report: IMS GenerateCredentialReport / GetCredentialReport.

The report is built from the account's own users, login profiles, MFA devices and AccessKeys, and so from what
the people paths did to them (logins, password changes, idle disables, key use and age). It has the documented
columns (fact sheet part 2, section 7.3) and travels as Base64-encoded CSV, in pages joined by ``NextToken``.

Generation is asynchronous: GenerateCredentialReport answers ``STARTED`` and the report is ready after the
account's report delay (``report_delay_ms`` of ``/_emulator/faults``, 0 by default: ready at once), until then
``INPROGRESS``, then ``COMPLETED``. A new report is made at most once every 4 hours (documented for the console);
``POST /_emulator/credential_report/age`` makes the last report older.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import csv
import io
import json

from .common import ApiFault, invalid, iso, parse_iso

REPORT_COLUMNS = (
    "user", "user_creation_time", "user_last_logon", "password_exist", "password_active", "password_last_changed",
    "password_next_rotation", "mfa_active",
    "access_key_1_exist", "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used",
    "access_key_2_exist", "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used",
)
NEW_REPORT_INTERVAL = 4 * 3600
MAX_ITEMS = 3501
DAY = 86400
REPORT_ADMIN_ACTIONS = {"age": ("hours",)}


def _flag(value):
    return "TRUE" if value else "FALSE"


def _encode_token(offset):
    return base64.urlsafe_b64encode(json.dumps({"row": offset}).encode("utf-8")).decode("ascii")


def _decode_token(token):
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8"))["row"]
    except (ValueError, KeyError, TypeError, UnicodeError):
        raise invalid("NextToken")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise invalid("NextToken")
    return offset


class CredentialReport:
    """The credential report handlers (a mixin of RamBackend)."""

    report_delay_ms = 0.0

    def set_report_delay(self, milliseconds):
        """How long a new report takes to generate (0: ready at once)."""
        with self._lock:
            self.report_delay_ms = float(milliseconds or 0)

    # ----------------------------------------------------------------- building the report

    def _report_row(self, user):
        uid = user["UserId"]
        profile = self._state["login_profiles"].get(uid)
        policy = self._state["password_policy"]
        row = {"user": self._upn(user), "user_creation_time": user["CreateDate"],
               "user_last_logon": user.get("LastLoginDate") or "-"}
        if profile is None:
            row.update(password_exist="FALSE", password_active="N/A", password_last_changed="N/A",
                       password_next_rotation="N/A", mfa_active="N/A")
        else:
            changed = profile.get("password_changed")
            # ASSUMPTION(A96): a console login whose password was never set (CreateLoginProfile without Password)
            # reports password_last_changed "-" and password_next_rotation "-"; password_next_rotation is the last
            # change plus MaxPasswordAge days, "-" when MaxPasswordAge is 0 (passwords never expire).
            rotation = "-"
            if changed and policy["MaxPasswordAge"]:
                rotation = iso(parse_iso(changed) + policy["MaxPasswordAge"] * DAY)
            row.update(password_exist="TRUE", password_active=_flag(profile["Status"] == "Active"),
                       password_last_changed=changed or "-", password_next_rotation=rotation,
                       mfa_active=_flag(self._mfa_of(uid) is not None))
        # ASSUMPTION(A97): a user's keys fill access_key_1 and access_key_2 in creation order; last_rotated is the
        # key's CreateDate (a key cannot be changed in place; activating or deactivating it is no rotation).
        keys = sorted(self._keys_of(uid), key=lambda key: key["CreateDate"])
        for slot in (1, 2):
            prefix = "access_key_%d_" % slot
            key = keys[slot - 1] if len(keys) >= slot else None
            if key is None:
                row.update(((prefix + "exist", "FALSE"), (prefix + "active", "N/A"), (prefix + "last_rotated", "N/A"),
                            (prefix + "last_used", "N/A")))
            else:
                row.update(((prefix + "exist", "TRUE"), (prefix + "active", _flag(key["Status"] == "Active")),
                            (prefix + "last_rotated", key["CreateDate"]),
                            (prefix + "last_used", (key.get("LastUsed") or {}).get("LastUsedDate") or "-")))
        return row

    def _report_rows(self):
        # ASSUMPTION(A98): the <root> row shows the account: created when the emulator's account was (the time of
        # its first role), never logged on ("-"), password TRUE, mfa_active FALSE and no AccessKey of its own (the
        # --access-key keys are not the account's). Frozen users are listed like active ones, by name.
        created = min([role["CreateDate"] for role in self._state["roles"].values()] or [self._now()])
        root = dict((column, "N/A") for column in REPORT_COLUMNS)
        root.update(user="<root>", user_creation_time=created, user_last_logon="-", password_exist="TRUE",
                    password_last_changed="N/A", mfa_active="FALSE", access_key_1_exist="FALSE",
                    access_key_2_exist="FALSE")
        users = sorted(self._visible_users(), key=self._user_sort_key)
        return [root] + [self._report_row(user) for user in users]

    # ----------------------------------------------------------------- state

    def _reports(self):
        return self._state.setdefault("credential_reports", [])

    def _report_ready(self, report):
        return self.clock() >= report["ready_at"]

    def _latest_ready_report(self):
        ready = [report for report in self._reports() if self._report_ready(report)]
        return ready[-1] if ready else None

    # ----------------------------------------------------------------- handlers

    def _ims_GenerateCredentialReport(self, params, caller):
        reports = self._reports()
        latest = reports[-1] if reports else None
        now = self.clock()
        if latest is not None and now - parse_iso(latest["generated"]) < NEW_REPORT_INTERVAL:
            # ASSUMPTION(A94): within 4 hours of the last report the API does what the console is documented to do:
            # no new report; the answer is INPROGRESS while that report is being made, then COMPLETED.
            return {"State": "COMPLETED" if self._report_ready(latest) else "INPROGRESS"}
        rows = self._report_rows()
        reports.append({"generated": iso(now), "ready_at": now + self.report_delay_ms / 1000.0, "rows": rows})
        # the last ready report stays readable while a new one is made; older ones are dropped
        previous = self._latest_ready_report()
        self._state["credential_reports"] = [r for r in reports if r is previous or r is reports[-1]]
        return {"State": "STARTED"}

    def _ims_GetCredentialReport(self, params, caller):
        # ASSUMPTION(A95): MaxItems (a string, 1-3501) counts the CSV's data rows, <root> included; every page is a
        # whole CSV with the header line; NextToken is opaque; IsTruncated is the string "true" or "false". Before
        # any report is ready the answer is 404 EntityNotExist.CredentialReport; while a newer one is being made the
        # last ready one is answered.
        max_items = params.integer("MaxItems", MAX_ITEMS, 1, MAX_ITEMS)
        token = params.text("NextToken")
        report = self._latest_ready_report()
        if report is None:
            raise ApiFault("EntityNotExist.CredentialReport", 404, "The credential report does not exist.")
        offset = _decode_token(token) if token else 0
        rows = report["rows"]
        if offset > len(rows):
            raise invalid("NextToken")
        chunk = rows[offset:offset + max_items]
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=REPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(chunk)
        body = {"Content": base64.b64encode(text.getvalue().encode("utf-8")).decode("ascii"),
                "GeneratedTime": report["generated"], "IsTruncated": "false"}
        if offset + max_items < len(rows):
            body["IsTruncated"] = "true"
            body["NextToken"] = _encode_token(offset + max_items)
        return body

    # ----------------------------------------------------------------- admin: time passes for the report

    def credential_report_admin(self, action, payload):
        """``POST /_emulator/credential_report/age`` {"hours": N}: the last report was made N hours earlier."""
        if action not in REPORT_ADMIN_ACTIONS:
            return 404, {"error": "unknown credential report action %r; known: %s" % (action, ", ".join(REPORT_ADMIN_ACTIONS))}
        if not isinstance(payload, dict) or set(payload) - {"hours"}:
            return 400, {"error": "the body takes only \"hours\""}
        hours = payload.get("hours")
        if isinstance(hours, bool) or not isinstance(hours, int) or hours < 1:
            return 400, {"error": '"hours" must be a whole number of hours, at least 1'}
        with self._lock:
            reports = self._reports()
            if not reports:
                return 409, {"error": "no credential report has been generated"}
            for report in reports:
                report["generated"] = iso(parse_iso(report["generated"]) - hours * 3600)
                report["ready_at"] -= hours * 3600
            self._schedule_save()
            return 200, {"generated_time": reports[-1]["generated"]}
