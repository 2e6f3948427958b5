# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AccessKey reconciler (IMS CreateAccessKey / ListAccessKeys / UpdateAccessKey / DeleteAccessKey /
GetAccessKeyLastUsed).

No AnsibleModule here. Two ways to address keys:

* **one active key** (no ``user_access_key_id``): the user ends with one active key, the newest. A key is created when
  the user has no active key, or when the newest is older than ``rotate_after_days``. Older active keys are
  deactivated, inactive keys deleted once they have been inactive for ``delete_inactive_after_days``.
* **a named key** (``user_access_key_id``): its status, or its deletion.

The guard: a key used within ``protect_used_within_days`` days (GetAccessKeyLastUsed) is never deactivated or
deleted unless ``force``; it is kept, listed in ``protected_keys`` and warned about. A rotation therefore leaves
the old key active until its users have moved to the new one, and a later run deactivates it.

A new key's secret exists only in CreateAccessKey's answer. It is delivered once, to an owner-only file in
``secret_dir`` (the INI credentials file of Alibaba's tools), or with ``return_secret`` in the result. A marker
written just before the create and removed after the delivery lets the next run find a key whose secret was
never delivered (an interrupted run, or a create the transport retried): such a key is reported and removed,
unless it has been used, which only its secret could have done.

A no-op costs one ListAccessKeys (plus GetDefaultDomain for a bare name); last use is asked only about a key
the plan would deactivate or delete.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any, Callable

from ansible_collections.aliyun.ram.plugins.module_utils import validation
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.plan import Plan, reconcile, task_result
from ansible_collections.aliyun.ram.plugins.module_utils.secret_files import KeyVault

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient

# Alibaba's limit (error page of LimitExceeded.User.AccessKey: "The maximum number of AKs allowed is 2").
MAX_KEYS_PER_USER = 2
DEFAULT_PROTECT_USED_WITHIN_DAYS = 30
DEFAULT_SECRET_DIR = "~/.ansible/aliyun_ram/access_keys"
ACCESS_KEY_ID_MAX_LENGTH = 128
NEW_KEY = "(new key)"
ACCESS_KEY_ID_CHARS = re.compile(r"[A-Za-z0-9.]+")
KEY_FIELDS = ("access_key_id", "status", "create_date", "update_date")


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def parse_date(text: str | None) -> datetime.datetime | None:
    """``2020-10-12T09:12:00Z`` (with or without fractions or an offset) -> aware datetime; None stays None."""
    if not text:
        return None
    value = text.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def age_in_days(text: str | None, now: datetime.datetime) -> float | None:
    when = parse_date(text)
    return None if when is None else (now - when).total_seconds() / 86400.0


def check_days(option: str, value: Any, minimum: int) -> None:
    """A whole number of days, ``minimum`` or more (None: not set)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(option, "must be a whole number of days, %d or more (got %r)" % (minimum, value))


def validate_access_key_id(option: str, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(option, "must be an AccessKey ID, not an empty value")
    validation.check_length(option, value, ACCESS_KEY_ID_MAX_LENGTH)
    if not ACCESS_KEY_ID_CHARS.fullmatch(value):
        raise ValidationError(option, "may contain only letters, digits and periods (got %r)" % value)


def validate_access_key_params(params: dict[str, Any]) -> dict[str, Any]:
    """Check the options of a ram_access_key task locally (its one validation); returns them."""
    validation.validate_upn("name", params.get("name"))
    if params.get("state") not in (None, "present", "absent"):
        raise ValidationError("state", "must be present or absent (got %r)" % (params["state"],))
    key_id = params.get("user_access_key_id")
    if key_id is not None:
        validate_access_key_id("user_access_key_id", key_id)
        for option in ("rotate_after_days", "delete_inactive_after_days"):
            if params.get(option) is not None:
                raise ValidationError(option, "applies to the user's keys as a whole; it cannot be used with user_access_key_id")
    elif params.get("status") is not None:
        raise ValidationError("status", "needs user_access_key_id: without it the task keeps one Active key")
    if params.get("status") not in (None, "Active", "Inactive"):
        raise ValidationError("status", "must be Active or Inactive (got %r)" % params["status"])
    check_days("rotate_after_days", params.get("rotate_after_days"), 1)
    check_days("delete_inactive_after_days", params.get("delete_inactive_after_days"), 0)
    check_days("protect_used_within_days", params.get("protect_used_within_days"), 0)
    # secret_dir holds the marker of a create with return_secret too; an empty value is an error, not the default
    secret_dir = params.get("secret_dir")
    if secret_dir is not None and (not isinstance(secret_dir, str) or not secret_dir.strip()):
        raise ValidationError("secret_dir", "must be a directory path, not an empty value (got %r)" % (secret_dir,))
    return params


def key_view(key: dict[str, Any], now: datetime.datetime) -> dict[str, Any]:
    """A key as the modules return it: never a secret; ``age_days`` from its creation date."""
    view = dict((field, key.get(field)) for field in KEY_FIELDS)
    age = age_in_days(key.get("create_date"), now)
    view["age_days"] = None if age is None else int(age)
    return view


class KeyPlanner:
    """Plans the writes for one user's keys; asks for last use only about keys it would remove."""

    def __init__(self, client: RamClient, upn: str, params: dict[str, Any], now: datetime.datetime,
                 force_option: str = "force") -> None:
        self.client = client
        self.force_option = force_option
        self.upn = upn
        self.now = now
        self.force = bool(params.get("force"))
        days = params.get("protect_used_within_days")
        self.protect_days = DEFAULT_PROTECT_USED_WITHIN_DAYS if days is None else days
        self.plan = Plan()
        self.protected: list[dict[str, Any]] = []
        self.removed: set[str] = set()
        self.status_after: dict[str, str] = {}

    def in_use(self, key: dict[str, Any], why: str) -> bool:
        """True (and the key is recorded as protected, with a warning) when the guard keeps ``key``."""
        if self.force or self.protect_days == 0:
            return False
        last = self.client.get_access_key_last_used(self.upn, key["access_key_id"])
        age = age_in_days(last.get("last_used_date"), self.now)
        if last.get("last_used_date") is None or (age is not None and age >= self.protect_days):
            return False
        # used within the window, or a last-use date that cannot be read: keep the key (never guess "unused")
        self.protected.append({"access_key_id": key["access_key_id"], "last_used_date": last["last_used_date"],
                               "service_name": last.get("service_name"), "reason": why})
        self.plan.warnings.append(
            "access key %s of %s was used %s (%s), within protect_used_within_days (%d): it was not %s; "
            "it will be once unused for that long, or set %s: true" % (
                key["access_key_id"], self.upn, last["last_used_date"], last.get("service_name") or "unknown service",
                self.protect_days, why, self.force_option))
        return True

    def deactivate(self, key: dict[str, Any]) -> bool:
        if self.in_use(key, "deactivated"):
            return False
        self.plan.add("update_access_key", "deactivate access key %s of %s" % (key["access_key_id"], self.upn),
                      upn=self.upn, access_key_id=key["access_key_id"], status="Inactive")
        self.status_after[key["access_key_id"]] = "Inactive"
        self.plan.note_change("status")
        return True

    def activate(self, key: dict[str, Any]) -> None:
        self.plan.add("update_access_key", "activate access key %s of %s" % (key["access_key_id"], self.upn),
                      upn=self.upn, access_key_id=key["access_key_id"], status="Active")
        self.status_after[key["access_key_id"]] = "Active"
        self.plan.note_change("status")

    def delete(self, key: dict[str, Any], checked: bool = False) -> bool:
        """Deactivate (if active) then delete ``key``; ``checked`` when the guard already let it go."""
        if not checked and self.in_use(key, "deleted"):
            return False
        if key.get("status") == "Active" and self.status_after.get(key["access_key_id"]) != "Inactive":
            self.plan.add("update_access_key", "deactivate access key %s of %s" % (key["access_key_id"], self.upn),
                          upn=self.upn, access_key_id=key["access_key_id"], status="Inactive")
        self.plan.add("delete_access_key", "delete access key %s of %s" % (key["access_key_id"], self.upn),
                      upn=self.upn, access_key_id=key["access_key_id"])
        self.removed.add(key["access_key_id"])
        self.plan.note_change("access_keys")
        return True


def sorted_keys(keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Oldest first, as ListAccessKeys returns them (the order the one-active-key rules rely on)."""
    return sorted(keys, key=lambda key: (key.get("create_date") or "", key.get("access_key_id") or ""))


def _describe(keys, now):
    parts = []
    for key in keys:
        age = age_in_days(key.get("create_date"), now)
        parts.append("%s (%s, created %s days ago)" % (
            key["access_key_id"], key.get("status"), "?" if age is None else int(age)))
    return ", ".join(parts)


def plan_one_active_key(planner: KeyPlanner, keys: list[dict[str, Any]], undelivered: list[dict[str, Any]],
                        params: dict[str, Any]) -> bool:
    """Plan the steps around a create; returns whether a new key is needed. Raises before any write when it cannot fit."""
    now, upn = planner.now, planner.upn
    for key in undelivered:
        planner.delete(key)
    present = [key for key in keys if key["access_key_id"] not in planner.removed]
    active = [key for key in present if key.get("status") == "Active"]
    newest_age = age_in_days(active[-1].get("create_date"), now) if active else None
    rotate_after = params.get("rotate_after_days")
    need_new = not active or (rotate_after is not None and newest_age is not None and newest_age >= rotate_after)

    grace = params.get("delete_inactive_after_days")
    if grace is not None:
        for key in present:
            inactive_for = age_in_days(key.get("update_date") or key.get("create_date"), now)
            if key.get("status") != "Active" and inactive_for is not None and inactive_for >= grace:
                planner.delete(key)
    present = [key for key in present if key["access_key_id"] not in planner.removed]
    if need_new and len(present) >= MAX_KEYS_PER_USER:
        raise ValidationError(
            "rotate_after_days" if active else "name",
            "%s needs a new access key but already has %d (%s), the most a user can have; delete one first "
            "(state: absent with its user_access_key_id), or let inactive keys go with delete_inactive_after_days" % (
                upn, len(present), _describe(present, now)))
    return need_new


def plan_extra_active_keys(planner: KeyPlanner, keys: list[dict[str, Any]], need_new: bool) -> None:
    """Every active key but the newest (the new one, after a create) is deactivated, when the guard allows."""
    active = [key for key in keys if key.get("status") == "Active" and key["access_key_id"] not in planner.removed]
    extra = active if need_new else active[:-1]
    for key in extra:
        planner.deactivate(key)


def plan_named_key(planner: KeyPlanner, keys: list[dict[str, Any]], params: dict[str, Any]) -> None:
    key_id = params["user_access_key_id"]
    key = next((k for k in keys if k["access_key_id"] == key_id), None)
    if params.get("state") == "absent":
        if key is not None:
            planner.delete(key)
        return
    if key is None:
        raise ValidationError("user_access_key_id", "%s has no access key %s (its keys: %s); a key's ID cannot be chosen, "
                              "leave user_access_key_id out to create one" % (
                                  planner.upn, key_id, _describe(keys, planner.now) or "none"))
    status = params.get("status")
    if status is None or status == key.get("status"):
        return
    if status == "Inactive":
        planner.deactivate(key)
    else:
        planner.activate(key)


class KeyDelivery:
    """Where a new secret goes: a file in ``secret_dir`` (default), or the result (``return_secret``)."""

    def __init__(self, upn: str, params: dict[str, Any]) -> None:
        self.upn = upn
        self.return_secret = bool(params.get("return_secret"))
        self.vault = KeyVault(params.get("secret_dir") or DEFAULT_SECRET_DIR)
        self.delivered: dict[str, Any] | None = None
        self.extra_actions: list[str] = []

    def undelivered(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Keys an interrupted create left behind: new since the marker, and with no secret file."""
        before = self.vault.pending_keys_before(self.upn)
        if before is None:
            return []
        return [key for key in keys if key["access_key_id"] not in before
                and not self.vault.has_secret_file(self.upn, key["access_key_id"])]

    def create(self, client: RamClient, existing_ids: list[str], now: datetime.datetime) -> dict[str, Any]:
        """Create the key and deliver its secret at once; then remove any second key a retried create left.

        A secret file is delivered when written; a secret for the result only when the task has succeeded, so the
        marker stays until :meth:`finish`."""
        self.vault.begin_create(self.upn, existing_ids)
        new = client.create_access_key(self.upn)
        key_id = new.key["access_key_id"]
        done = ["create access key %s for %s" % (key_id, self.upn)]
        try:
            delivered = key_view(new.key, now)
            if self.return_secret:
                delivered["access_key_secret"] = new.secret
            else:
                delivered["secret_file"] = self.vault.write_secret(self.upn, key_id, new.secret)
                self.vault.end_create(self.upn)
            self.delivered = delivered
            for stray in client.list_access_keys(self.upn):
                if stray["access_key_id"] not in existing_ids and stray["access_key_id"] != key_id:
                    # a retried CreateAccessKey reached the server twice: that key's secret is lost, and it is unused
                    client.update_access_key(self.upn, stray["access_key_id"], "Inactive")
                    client.delete_access_key(self.upn, stray["access_key_id"])
                    summary = "delete access key %s of %s, created by a retried request whose secret was lost" % (
                        stray["access_key_id"], self.upn)
                    self.extra_actions.append(summary)
                    done.append(summary)
        except Exception as exc:
            # the key exists: the failure must say so (the next run finds it through the marker if undelivered)
            exc.step_completed = done
            raise
        return delivered

    def finish(self) -> None:
        """The task succeeded: a secret in the result is delivered too."""
        self.vault.end_create(self.upn)


class _DeliveringClient:
    """The client as the plan sees it: its create step also delivers the new secret."""

    def __init__(self, client: RamClient, delivery: KeyDelivery, existing_ids: list[str], now: datetime.datetime) -> None:
        self._client = client
        self._delivery = delivery
        self._existing_ids = existing_ids
        self._now = now

    def create_access_key(self, upn: str) -> dict[str, Any]:
        return self._delivery.create(self._client, self._existing_ids, self._now)

    def __getattr__(self, name):
        return getattr(self._client, name)


def predicted_keys(keys: list[dict[str, Any]], planner: KeyPlanner, need_new: bool) -> list[dict[str, Any]]:
    after = []
    for key in keys:
        if key["access_key_id"] in planner.removed:
            continue
        after.append(dict(key, status=planner.status_after.get(key["access_key_id"], key.get("status"))))
    if need_new:
        after.append({"access_key_id": NEW_KEY, "status": "Active", "create_date": None, "update_date": None})
    return after


def keys_diff_view(keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keys as a diff shows them: ID and status."""
    return [{"access_key_id": key["access_key_id"], "status": key.get("status")} for key in keys]


def _diff_view(keys):
    return {"access_keys": keys_diff_view(keys)}


def ensure_access_key(client: RamClient, params: dict[str, Any], check_mode: bool = False, diff: bool = False,
                      now: Callable[[], datetime.datetime] = utc_now) -> dict[str, Any]:
    """What ram_access_key does; ``params`` passed :func:`validate_access_key_params`."""
    upn = client.upn_for(params["name"])
    moment = now()
    try:
        keys = sorted_keys(client.list_access_keys(upn))
    except RamApiError as exc:
        if not (params.get("state") == "absent" and exc.code == "EntityNotExist.User"):
            raise
        keys = []  # no user, so no key: what state absent asks for (offboarding after the user is gone)
    planner = KeyPlanner(client, upn, params, moment)
    if params.get("user_access_key_id"):
        plan_named_key(planner, keys, params)
        return _finish(client, planner, keys, [], None, False, check_mode, diff)
    if params.get("state") == "absent":
        for key in keys:
            planner.delete(key)
        return _finish(client, planner, keys, [], None, False, check_mode, diff)

    # One active key: the only mode that creates, so the only one that needs the secret directory.
    delivery = KeyDelivery(upn, params)
    if check_mode:
        delivery.vault.check()
    else:
        delivery.vault.prepare()
    try:
        undelivered = delivery.undelivered(keys)
        need_new = plan_one_active_key(planner, keys, undelivered, params)
        if need_new:
            planner.plan.add("create_access_key", "create access key for %s" % upn, upn=upn)
            planner.plan.note_change("access_keys")
        plan_extra_active_keys(planner, keys, need_new)
        result = _finish(client, planner, keys, undelivered, delivery, need_new, check_mode, diff)
        if not check_mode and (need_new or all(k["access_key_id"] in planner.removed for k in undelivered)):
            # the new secret is delivered, or nothing is left undelivered: the marker has done its work
            delivery.finish()
        return result
    finally:
        delivery.vault.close()


def _finish(client, planner, keys, undelivered, delivery, need_new, check_mode, diff):
    """Apply or predict the plan, then build the result."""
    plan, upn, moment = planner.plan, planner.upn, planner.now
    plan.before = _diff_view(keys)
    plan.after = _diff_view(predicted_keys(keys, planner, need_new))
    target = client if delivery is None else _DeliveringClient(client, delivery, [k["access_key_id"] for k in keys], moment)
    after = reconcile(target, plan, check_mode, predict=lambda: predicted_keys(keys, planner, need_new),
                      reread=lambda: sorted_keys(client.list_access_keys(upn)))
    if after is not None and plan.changed and not check_mode:
        plan.after = _diff_view(after)  # the real IDs, where check mode can only say "(new key)"
    extra_actions = delivery.extra_actions if delivery else []
    result = task_result(plan, "access_keys", [key_view(key, moment) for key in after or []], diff,
                         header=upn, user_principal_name=upn,
                         created_key=delivery.delivered if delivery else None,
                         protected_keys=planner.protected,
                         undelivered_keys=[key["access_key_id"] for key in undelivered])
    if extra_actions:
        result["actions"].extend(extra_actions)
        result["changed"] = True
    if undelivered:
        result["warnings"].append(
            "%s had %d access key(s) created by an interrupted run whose secret was never delivered (%s); "
            "the ones not protected as recently used %s removed" % (
                upn, len(undelivered), ", ".join(k["access_key_id"] for k in undelivered),
                "would be" if check_mode else "were"))
    return result


def read_access_keys(client: RamClient, name: str, with_last_used: bool = True,
                     now: Callable[[], datetime.datetime] = utc_now) -> dict[str, Any]:
    """What ram_access_key_info returns: the user's keys with age and, by default, last use. Never a secret."""
    validation.validate_upn("name", name)
    upn = client.upn_for(name)
    moment = now()
    views = []
    for key in sorted_keys(client.list_access_keys(upn)):
        view = key_view(key, moment)
        if with_last_used:
            last = client.get_access_key_last_used(upn, key["access_key_id"])
            view["last_used_date"] = last.get("last_used_date")
            view["last_used_service"] = last.get("service_name")
            used_age = age_in_days(last.get("last_used_date"), moment)
            view["days_since_last_use"] = None if used_age is None else int(used_age)
        views.append(view)
    return {"changed": False, "user_principal_name": upn, "access_keys": views}
