# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The batch engine behind ``ram_user_baseline`` and the ``onboarding`` role.

It brings many users to one baseline in a single task. Each user is one unit
of work (read, plan, and apply unless in check mode), run by a bounded pool of
threads that share one :class:`RamClient` and so one transport and one
:class:`Backoff`: a throttled answer slows the whole pool down instead of
failing users.

The decisions come from the same reconcilers as ``ram_user`` and
``ram_login_profile`` (``user.py`` and ``login_profile.py``); this module only
merges the defaults into each entry, orders the work and collects results.

Account-wide reads that cannot change during the run (a group's or policy's
existence, the password policy) are asked once per run, through
:class:`SharedLookups`.

Generated initial passwords exist only inside a plan step and in a file under
``password_dir`` (mode 0600) written after the login profile was created, or,
with ``return_passwords``, in that user's result (``initial_password``) and
nowhere else. They never appear in diffs, warnings or errors.

Programmatic users (``access_key: true``, or ``programmatic: true``, which
also means no console login unless the entry asks for one) end with exactly
one active AccessKey: the one-active-key mode of ``ram_access_key``, planned
by the same code (``access_key.py``: ``KeyPlanner``, ``plan_one_active_key``,
``KeyDelivery``). A new key's secret goes to an owner-only file in
``secret_dir`` or, with ``return_secrets``, into the result.

Offboarding (``state: absent``) deactivates the user's active keys and, with
``delete_users``, deletes them, under the last-use guard: a key used within
``protect_used_within_days`` days is kept (unless ``force_key_removal``) and
reported; a user whose key is kept is disabled instead of deleted.

People use what the baseline gives them: they change their initial password
(the service then clears ``PasswordResetRequired``), bind MFA, and go idle
until the platform disables their console login. The baseline applies the
login flags only when it creates a console login (``enforce_login_flags:
on_create``), and leaves a disabled console login disabled unless
``enable_disabled_logins`` is set, so a scheduled re-run does not undo what
people and the platform did.
"""

from __future__ import annotations

import calendar
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Iterable

from ansible_collections.aliyun.ram.plugins.module_utils import access_key as key_reconciler
from ansible_collections.aliyun.ram.plugins.module_utils import login_profile as profile_reconciler
from ansible_collections.aliyun.ram.plugins.module_utils import user as user_reconciler
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, RamError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.password import generate_password, password_violations
from ansible_collections.aliyun.ram.plugins.module_utils.plan import Plan
from ansible_collections.aliyun.ram.plugins.module_utils.secret_files import KeyVault, PasswordVault
from ansible_collections.aliyun.ram.plugins.module_utils.validation import user_name_of

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient

ACTIONS = ("created", "updated", "disabled", "deleted", "unchanged", "failed")
STATES = ("present", "absent")
LOGIN_FLAGS = ("mfa_bind_required", "password_reset_required")
USER_FIELDS = ("display_name", "email", "mobile_phone", "comments")
DEFAULT_MAX_CONCURRENCY = 8
MAX_CONCURRENCY_LIMIT = 64
# A pending file is restored as a login's password only when the login was set up within this window around the
# file's time (seconds; it allows for clock skew between the controller and the service) and the password is
# still the initial one.
PENDING_PROOF_WINDOW = (-300, 900)
PROFILE_FIELD_PREFIX = "login_profile."
KEYS_FIELD = "access_keys"
REDACTED = "********"


class BatchOptions:
    """The settings that apply to every user of one run (the module's top-level options)."""

    def __init__(self, mfa_bind_required: bool = True, password_reset_required: bool = True,
                 default_groups: Iterable[str] | None = None, default_policies: Iterable[Any] | None = None,
                 default_tags: dict[str, Any] | None = None, purge_groups: bool = False, purge_policies: bool = False,
                 purge_tags: bool = False, delete_users: bool = False, password_dir: str | None = None,
                 max_concurrency: int | None = DEFAULT_MAX_CONCURRENCY, known_groups: Iterable[str] | None = None,
                 enforce_login_flags: str | None = "on_create", enable_disabled_logins: bool = False,
                 default_console_login: bool | None = None, return_passwords: bool = False,
                 secret_dir: str | None = None, return_secrets: bool = False, rotate_after_days: int | None = None,
                 delete_inactive_after_days: int | None = None,
                 protect_used_within_days: int | None = key_reconciler.DEFAULT_PROTECT_USED_WITHIN_DAYS,
                 force_key_removal: bool = False, known_policies: Iterable[str] | None = None) -> None:
        self.mfa_bind_required = mfa_bind_required
        self.password_reset_required = password_reset_required
        self.enforce_login_flags = enforce_login_flags or "on_create"
        self.enable_disabled_logins = bool(enable_disabled_logins)
        # console_login for entries that do not say (None: not managed)
        self.default_console_login = default_console_login
        self.default_groups = list(default_groups or [])
        self.default_policies = list(default_policies or [])
        self.default_tags = dict(default_tags or {})
        self.purge_groups = bool(purge_groups)
        self.purge_policies = bool(purge_policies)
        self.purge_tags = bool(purge_tags)
        self.delete_users = bool(delete_users)
        self.password_dir = password_dir
        self.max_concurrency = max_concurrency
        self.known_groups = list(known_groups or [])
        # custom policies an earlier task ensured (the onboarding role's onboarding_policies)
        self.known_policies = list(known_policies or [])
        # generated initial passwords go to the result instead of password_dir
        self.return_passwords = bool(return_passwords)
        # AccessKeys: where new secrets go (or the result), rotation, and the last-use guard
        self.secret_dir = secret_dir
        self.return_secrets = bool(return_secrets)
        self.rotate_after_days = rotate_after_days
        self.delete_inactive_after_days = delete_inactive_after_days
        self.protect_used_within_days = (key_reconciler.DEFAULT_PROTECT_USED_WITHIN_DAYS
                                         if protect_used_within_days is None else protect_used_within_days)
        self.force_key_removal = bool(force_key_removal)

    def key_params(self) -> dict[str, Any]:
        """These options in ram_access_key's shape (one-active-key mode), for access_key.py's planner and delivery."""
        return {"rotate_after_days": self.rotate_after_days,
                "delete_inactive_after_days": self.delete_inactive_after_days,
                "protect_used_within_days": self.protect_used_within_days, "force": self.force_key_removal,
                "secret_dir": self.secret_dir or key_reconciler.DEFAULT_SECRET_DIR,
                "return_secret": self.return_secrets}


def check_options(options: BatchOptions) -> None:
    """The run-wide rules; raise :class:`ValidationError` before any API call."""
    if options.enforce_login_flags not in profile_reconciler.ENFORCE_FLAGS_CHOICES:
        raise ValidationError("enforce_login_flags", "must be one of %s" % ", ".join(profile_reconciler.ENFORCE_FLAGS_CHOICES))
    key_reconciler.check_days("rotate_after_days", options.rotate_after_days, 1)
    key_reconciler.check_days("delete_inactive_after_days", options.delete_inactive_after_days, 0)
    key_reconciler.check_days("protect_used_within_days", options.protect_used_within_days, 0)


class UserSpec:
    """One entry of ``users`` with the defaults merged in and every local rule checked."""

    __slots__ = ("index", "name", "state", "console_login", "password", "params", "login_flags", "enforce_login_flags",
                 "access_key")

    def __init__(self, index: int, name: str, state: str, console_login: bool | None, password: str | None,
                 params: dict[str, Any], login_flags: dict[str, bool] | None = None,
                 enforce_login_flags: str = "on_create", access_key: bool = False) -> None:
        self.index = index
        self.name = name
        self.state = state
        self.console_login = console_login
        self.password = password
        # the user options in ram_user's shape (defaults merged in)
        self.params = params
        # mfa_bind_required / password_reset_required for this user (defaults merged in)
        self.login_flags = dict(login_flags or {})
        self.enforce_login_flags = enforce_login_flags
        # the user ends with exactly one active AccessKey (present users only)
        self.access_key = bool(access_key) and state == "present"

    def __repr__(self):
        # never the password
        return "UserSpec(%s, %s)" % (self.name, self.state)

    @property
    def needs_password_file(self) -> bool:
        """True when a console login without a given password is asked for (a password may be generated)."""
        return self.state == "present" and self.console_login is True and not self.password

    def needs_password_vault(self, options: BatchOptions) -> bool:
        """True when a generated password would go to a file in ``password_dir`` (not the result)."""
        return self.needs_password_file and not options.return_passwords


# ---------------------------------------------------------------------------- input


def _merge_names(defaults, own):
    """Defaults first, then the entry's own names; each name once."""
    merged = []
    for name in list(defaults) + list(own or []):
        if name not in merged:
            merged.append(name)
    return merged


def _managed_list(defaults, own, purge):
    """The list to reconcile, or None when neither the defaults nor the entry manage it."""
    if own is None and not defaults and not purge:
        return None
    return _merge_names(defaults, own)


def build_spec(index: int, entry: Any, options: BatchOptions) -> UserSpec:
    """Merge ``options`` into one ``users`` entry and check it locally; raise :class:`ValidationError`."""
    where = "users[%d]" % index
    if not isinstance(entry, dict):
        raise ValidationError(where, "must be a dictionary with at least a name")
    name = entry.get("name")
    if not name:
        raise ValidationError("%s.name" % where, "is required")
    # a name with control characters is shown quoted, so the message cannot be split or forged by it
    where = "users[%d] (%s)" % (index, name if name.isprintable() else repr(name))

    state = entry.get("state") or "present"
    if state not in STATES:
        raise ValidationError("%s.state" % where, "must be present or absent")
    password = entry.get("password")
    console_login = entry.get("console_login")
    if password is not None and password == "":
        raise ValidationError("%s.password" % where, "must not be empty")
    if password and console_login is False:
        raise ValidationError("%s.password" % where, "a password needs a console login, but console_login is false")
    access_key, programmatic = entry.get("access_key"), entry.get("programmatic")
    for flag, value in (("access_key", access_key), ("programmatic", programmatic)):
        if value is not None and not isinstance(value, bool):
            raise ValidationError("%s.%s" % (where, flag), "must be true or false")
    if programmatic and access_key is False:
        raise ValidationError("%s.access_key" % where, "a programmatic user has an access key, but access_key is false")
    if password and console_login is None:
        # a password is only useful for a console login
        console_login = True
    if console_login is None:
        # a program needs no console login unless the entry asks for one
        console_login = False if programmatic else options.default_console_login
    login_flags = {}
    for flag in LOGIN_FLAGS:
        value = entry.get(flag)
        if value is not None and not isinstance(value, bool):
            raise ValidationError("%s.%s" % (where, flag), "must be true or false")
        login_flags[flag] = getattr(options, flag) if value is None else value
    enforce = entry.get("enforce_login_flags") or options.enforce_login_flags
    if enforce not in profile_reconciler.ENFORCE_FLAGS_CHOICES:
        raise ValidationError("%s.enforce_login_flags" % where,
                              "must be one of %s" % ", ".join(profile_reconciler.ENFORCE_FLAGS_CHOICES))

    params: dict[str, Any] = dict((field, entry.get(field)) for field in USER_FIELDS)
    params["name"] = name
    params["groups"] = _managed_list(options.default_groups, entry.get("groups"), options.purge_groups)
    params["policies"] = _managed_list(options.default_policies, entry.get("policies"), options.purge_policies)
    params["tags"] = None
    if entry.get("tags") is not None or options.default_tags or options.purge_tags:
        params["tags"] = dict(options.default_tags)
        params["tags"].update(entry.get("tags") or {})
    try:
        user_reconciler.validate_user_params(params)
    except ValidationError as exc:
        raise ValidationError("%s.%s" % (where, exc.option), exc.rule)
    return UserSpec(index, name, state, console_login, password, params, login_flags, enforce,
                    access_key=bool(access_key or programmatic))


def build_specs(entries: Any, options: BatchOptions) -> list[UserSpec]:
    """Every entry checked before any API call; a user listed twice is refused."""
    if not isinstance(entries, list):
        raise ValidationError("users", "must be a list")
    check_options(options)
    specs = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        spec = build_spec(index, entry, options)
        key = user_name_of(spec.name).lower()
        if key in seen:
            raise ValidationError("users", "%s is listed twice (entries %d and %d)" % (spec.name, seen[key], index))
        seen[key] = index
        specs.append(spec)
    if options.password_dir is None and any(spec.needs_password_vault(options) for spec in specs):
        needing = [spec.name for spec in specs if spec.needs_password_vault(options)]
        raise ValidationError(
            "password_dir", "required because %s %s for a console login without a password "
            "(a generated initial password is written there)" % (_list_names(needing), "asks" if len(needing) == 1 else "ask"))
    return specs


def _list_names(names, limit=5):
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += " and %d more" % (len(names) - limit)
    return shown


# ---------------------------------------------------------------------------- shared reads


class _Once:
    """One value fetched at most once, even when many threads ask at the same time; errors are not kept."""

    def __init__(self):
        self._lock = threading.Lock()
        self._done = False
        self._value = None

    def get(self, fetch):
        with self._lock:
            if not self._done:
                self._value = fetch()
                self._done = True
            return self._value


class SharedLookups:
    """A :class:`RamClient` stand-in whose account-wide reads are asked once per run.

    ``get_group``, ``get_policy`` and ``get_password_policy`` are cached (the
    run neither creates groups or policies nor changes the password policy);
    every other attribute is the wrapped client's. ``known_groups`` are groups
    an earlier task ensured (or, in check mode, would have created): they
    count as existing without a call; so do the custom policies ``known_policies``.
    """

    def __init__(self, client: RamClient, known_groups: Iterable[str] | None = None,
                 known_policies: Iterable[str] | None = None) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, ...], _Once] = {}
        for group_name in known_groups or []:
            once = self._entry(("group", group_name))
            once.get(lambda name=group_name: {"group_name": name})
        for policy_name in known_policies or []:
            once = self._entry(("policy", "Custom", policy_name))
            once.get(lambda name=policy_name: {"policy_name": name, "policy_type": "Custom"})

    def __getattr__(self, name):
        return getattr(self._client, name)

    def _entry(self, key):
        with self._lock:
            once = self._cache.get(key)
            if once is None:
                once = self._cache[key] = _Once()
            return once

    def get_group(self, group_name: str) -> dict[str, Any] | None:
        return self._entry(("group", group_name)).get(lambda: self._client.get_group(group_name))

    def get_policy(self, policy_name: str, policy_type: str) -> dict[str, Any] | None:
        return self._entry(("policy", policy_type, policy_name)).get(
            lambda: self._client.get_policy(policy_name, policy_type))

    def get_password_policy(self) -> dict[str, Any]:
        return self._entry(("password_policy",)).get(self._client.get_password_policy)


# ---------------------------------------------------------------------------- one user


class UserOutcome:
    """What happened (or, in check mode, would happen) to one user."""

    def __init__(self, spec: UserSpec) -> None:
        self.spec = spec
        self.upn: str | None = None
        self.action: str | None = None
        self.plan: Plan | None = None
        self.done: list[str] = []
        self.error: dict[str, Any] | None = None
        self.generated_password: str | None = None
        # the generated password came from a pending file an earlier run left (the file already holds it)
        self.reuses_pending = False
        self.planned_password_file: str | None = None
        self.password_file: str | None = None
        self.orphan_password = False
        self.recovery_warning: str | None = None
        # an existing console login that is disabled (by an admin or for inactivity) and left so
        self.login_left_disabled = False
        # return_passwords: the generated password once its console login exists (the result's initial_password)
        self.returned_password: str | None = None
        # AccessKeys: the planner (its protected keys), the delivery of a new secret, the keys before the run
        self.key_planner: key_reconciler.KeyPlanner | None = None
        self.key_delivery: key_reconciler.KeyDelivery | None = None
        self.key_ids_before: list[str] = []
        # keys an interrupted create left without a delivered secret (found through the marker)
        self.key_undelivered: list[dict[str, Any]] = []
        # offboarding: the user is kept (disabled) because the guard kept one of its keys
        self.deletion_blocked = False

    @property
    def changed(self) -> bool:
        if self.error is not None:
            return bool(self.done)
        return bool(self.plan is not None and self.plan.changed)

    def result(self, check_mode: bool) -> dict[str, Any]:
        plan = self.plan if self.plan is not None else Plan()
        result: dict[str, Any] = {
            "name": self.spec.name,
            "user_principal_name": self.upn,
            "state": self.spec.state,
            "action": "failed" if self.error is not None else self.action,
            "changed": self.changed,
            "changed_fields": list(plan.changed_fields),
            "changes": plan.summaries() if (check_mode or self.error is None) else list(self.done),
            "warnings": list(plan.warnings) + ([self.recovery_warning] if self.recovery_warning else []),
        }
        # check mode names the file a real run would write; a real run names only a file it wrote
        password_file = self.planned_password_file if check_mode else self.password_file
        if password_file:
            result["password_file"] = password_file
        if self.login_left_disabled:
            result["console_login_disabled"] = True
        if self.returned_password is not None and self.error is None:
            result["initial_password"] = self.returned_password
        if self.key_planner is not None:
            result["protected_keys"] = list(self.key_planner.protected)
        if self.key_delivery is not None and self.key_delivery.delivered is not None:
            result["created_key"] = dict(self.key_delivery.delivered)
        if self.deletion_blocked:
            result["deletion_blocked"] = True
        if self.error is not None:
            result["error"] = self.error
        return result

    def diff(self) -> dict[str, Any]:
        header = "user %s" % (self.upn or self.spec.name)
        plan = self.plan
        return {"before_header": header, "after_header": header, "before": plan.before, "after": plan.after}


class BatchRun:
    """One run over every user; see :func:`run_batch`."""

    def __init__(self, client: RamClient, specs: list[UserSpec], options: BatchOptions, check_mode: bool = False) -> None:
        self.client = SharedLookups(client, options.known_groups, getattr(options, "known_policies", None))
        self.specs = specs
        self.options = options
        self.check_mode = check_mode
        self.vault = None
        if options.password_dir is not None and not options.return_passwords:
            self.vault = PasswordVault(options.password_dir)
        # one directory for every new AccessKey secret (and the marker of a create), opened once per run
        self.key_params = options.key_params()
        self.key_vault = None
        if any(spec.access_key for spec in specs):
            self.key_vault = KeyVault(self.key_params["secret_dir"], option="secret_dir")
        self.now = key_reconciler.utc_now()

    # -- planning ---------------------------------------------------------------

    def plan_present(self, outcome: UserOutcome) -> Plan:
        spec = outcome.spec
        desired = user_reconciler.desired_from_params(spec.params, outcome.upn)
        current = user_reconciler.read_user(self.client, upn=outcome.upn)
        user_reconciler.check_references(self.client, current, desired)
        user_plan = user_reconciler.plan_user(current, desired, purge_tags=self.options.purge_tags,
                                              purge_groups=self.options.purge_groups,
                                              purge_policies=self.options.purge_policies)
        profile_plan = None
        if spec.console_login is not None:
            profile_current = None
            if current is not None:
                profile_current = profile_reconciler.read_login_profile(self.client, outcome.upn, user_exists=True)
            profile_plan = self._plan_console_login(outcome, profile_current)
        key_plan = self._plan_one_active_key(outcome, current) if spec.access_key else None
        outcome.action = "created" if current is None else "updated"
        return self._combine(user_plan, profile_plan, key_plan)

    # -- access keys ------------------------------------------------------------

    def _list_keys(self, upn):
        return key_reconciler.sorted_keys(self.client.list_access_keys(upn))

    def _key_planner(self, outcome):
        outcome.key_planner = key_reconciler.KeyPlanner(self.client, outcome.upn, self.key_params, self.now,
                                                        force_option="force_key_removal")
        return outcome.key_planner

    def _key_plan(self, planner, keys, need_new=False):
        """The planner's steps with the before/after view of the keys (IDs and status; never a secret)."""
        plan = planner.plan
        plan.before = {KEYS_FIELD: key_reconciler.keys_diff_view(keys)}
        plan.after = {KEYS_FIELD: key_reconciler.keys_diff_view(key_reconciler.predicted_keys(keys, planner, need_new))}
        plan.changed_fields = [KEYS_FIELD] if plan.changed_fields else []
        return plan

    def _plan_one_active_key(self, outcome, current):
        """ram_access_key's one-active-key mode for this user; a new user has no key to list yet."""
        upn = outcome.upn
        keys = self._list_keys(upn) if current is not None else []
        planner = self._key_planner(outcome)
        delivery = key_reconciler.KeyDelivery(upn, self.key_params)
        # the run's vault, opened (or checked) once before the workers start
        delivery.vault = self.key_vault
        outcome.key_delivery = delivery
        outcome.key_ids_before = [key["access_key_id"] for key in keys]
        undelivered = outcome.key_undelivered = delivery.undelivered(keys)
        if undelivered:
            planner.plan.warnings.append(
                "%d access key(s) created by an interrupted run whose secret was never delivered (%s); the ones not "
                "protected as recently used %s removed" % (len(undelivered), ", ".join(k["access_key_id"] for k in undelivered),
                                                           "would be" if self.check_mode else "are"))
        need_new = key_reconciler.plan_one_active_key(planner, keys, undelivered, self.key_params)
        if need_new:
            planner.plan.add("create_access_key", "create access key for %s" % upn, upn=upn)
            planner.plan.note_change(KEYS_FIELD)
        key_reconciler.plan_extra_active_keys(planner, keys, need_new)
        return self._key_plan(planner, keys, need_new)

    def _plan_key_offboarding(self, outcome, delete):
        """Deactivate (and, with ``delete``, delete) every key of an offboarded user, under the last-use guard."""
        keys = self._list_keys(outcome.upn)
        planner = self._key_planner(outcome)
        for key in keys:
            if delete:
                planner.delete(key)
            elif key.get("status") == "Active":
                planner.deactivate(key)
        return self._key_plan(planner, keys)

    def _plan_console_login(self, outcome, profile_current):
        spec = outcome.spec
        if not spec.console_login:
            return profile_reconciler.plan_login_profile(profile_current, {"state": "absent"}, user_name=outcome.upn)
        desired = dict(spec.login_flags, state="present", status="Active")
        if profile_current is not None and profile_current.get("status") == "Inactive" \
                and not self.options.enable_disabled_logins:
            # disabled by an admin or by the platform for inactivity: turning it on again is an explicit choice
            desired["status"] = None
            outcome.login_left_disabled = True
        policy = None
        if profile_current is None:
            # a password only goes out when the profile is created; check it (or make one) against the policy
            policy = self.client.get_password_policy()
            if spec.password:
                desired["password"] = spec.password
            else:
                if self.vault is None:
                    # return_passwords: the result carries it, no file is written
                    outcome.generated_password = generate_password(policy, user_name=outcome.upn)
                else:
                    outcome.generated_password = self._reusable_pending(outcome, policy) or \
                        generate_password(policy, user_name=outcome.upn)
                    outcome.planned_password_file = self.vault.path_for(outcome.upn)
                desired["password"] = outcome.generated_password
        elif self.vault is not None and not spec.password and not self.vault.has_password_file(outcome.upn):
            pending = self.vault.read_pending(outcome.upn)
            if pending is not None:
                # the profile may have been created with the pending password, then the run died before renaming it
                self._judge_orphan(outcome, profile_current)
        return profile_reconciler.plan_login_profile(profile_current, desired, update_password="on_create",
                                                     policy=policy, user_name=outcome.upn,
                                                     enforce_login_flags=spec.enforce_login_flags)

    def _reusable_pending(self, outcome, policy):
        """The password an interrupted run left in a pending file, when it can still be used; else None.

        No console login exists, so the pending password is nobody's yet: one the (possibly tightened) password
        policy refuses is replaced by a new one instead of blocking the user.
        """
        pending = self.vault.read_pending(outcome.upn)
        if pending is None:
            return None
        if password_violations(pending, policy, user_name=outcome.upn):
            outcome.recovery_warning = ("%s: the password left in %s by an interrupted run no longer satisfies the "
                                        "password policy; a new one replaces it"
                                        % (outcome.upn, self.vault.pending_path_for(outcome.upn)))
            return None
        outcome.reuses_pending = True
        return pending

    def _judge_orphan(self, outcome, profile):
        """Restore the pending file only when it provably holds the login's current password; else say why not."""
        set_at = _epoch(profile.get("update_date"))
        written_at = self.vault.pending_written_at(outcome.upn)
        proven = (profile.get("password_status") != "NotInitial" and set_at is not None and written_at is not None
                  and PENDING_PROOF_WINDOW[0] <= set_at - written_at <= PENDING_PROOF_WINDOW[1])
        if proven:
            outcome.orphan_password = True
            return
        outcome.recovery_warning = (
            "%s: %s was left by an interrupted run, but it cannot be proven to hold the current password of the "
            "console login (the login was changed at %s or its password is no longer the initial one); the file is "
            "left as it is: remove it once you know it is stale" % (
                outcome.upn, self.vault.pending_path_for(outcome.upn), profile.get("update_date") or "an unknown time"))

    def plan_absent(self, outcome: UserOutcome) -> Plan:
        current = user_reconciler.read_user(self.client, upn=outcome.upn)
        if current is None:
            outcome.action = "unchanged"
            return Plan(before={"exists": False}, after={"exists": False})
        profile_current = profile_reconciler.read_login_profile(self.client, outcome.upn, user_exists=True)
        # console login goes first, so a later failure still leaves the user locked out
        profile_plan = None
        if profile_current is not None:
            profile_plan = profile_reconciler.plan_login_profile(
                profile_current, {"state": "present", "status": "Inactive"}, user_name=outcome.upn)
        # programmatic access ends too: keys are deactivated (and deleted with delete_users), a recently used key is kept
        key_plan = self._plan_key_offboarding(outcome, delete=self.options.delete_users)
        if self.options.delete_users and not outcome.key_planner.protected:
            attachments = user_reconciler.read_attachments(self.client, outcome.upn, current)
            # the key plan above removes the keys, deactivated first
            attachments["access_keys"] = []
            removal_plan = user_reconciler.plan_user_deletion(current, attachments, force=True)
            outcome.action = "deleted"
        else:
            if self.options.delete_users:
                # DeleteUser would fail with DeleteConflict.User.AccessKey: the user is disabled instead, and says why
                outcome.deletion_blocked = True
                key_plan.warnings.append(
                    "%s was not deleted because its access key(s) %s %s used within protect_used_within_days (%d); "
                    "it is kept, offboarded as without delete_users: run again once the key is unused for that long, "
                    "or set force_key_removal: true" % (
                        outcome.upn, ", ".join(k["access_key_id"] for k in outcome.key_planner.protected),
                        "was" if len(outcome.key_planner.protected) == 1 else "were", self.options.protect_used_within_days))
            removal_plan = user_reconciler.plan_user(current, {"user_principal_name": outcome.upn, "groups": []},
                                                     purge_groups=True)
            outcome.action = "disabled"
        plan = self._combine(removal_plan, profile_plan, key_plan, profile_first=True)
        if not plan.changed:
            outcome.action = "unchanged"
        return plan

    @staticmethod
    def _combine(user_plan, profile_plan, key_plan=None, profile_first=False):
        """One plan per user: the steps in order, and a before/after view with the login profile nested.

        Present users: the user, its console login, its keys (a key needs the user). Offboarding
        (``profile_first``): the console login, the keys, then the removal, so a later failure leaves the user
        locked out.
        """
        plan = Plan(before=dict(user_plan.before), after=dict(user_plan.after))
        parts = [user_plan]
        if profile_plan is not None:
            plan.before["login_profile"] = profile_plan.before
            plan.after["login_profile"] = profile_plan.after
            prefixed = Plan()
            prefixed.steps = profile_plan.steps
            prefixed.warnings = profile_plan.warnings
            prefixed.changed_fields = [PROFILE_FIELD_PREFIX + field for field in profile_plan.changed_fields]
            parts = [prefixed, user_plan] if profile_first else [user_plan, prefixed]
        if key_plan is not None:
            if key_plan.changed or key_plan.before.get(KEYS_FIELD):
                # the keys show in the diff when they are managed and there are (or will be) some
                plan.before[KEYS_FIELD] = key_plan.before[KEYS_FIELD]
                plan.after[KEYS_FIELD] = key_plan.after[KEYS_FIELD]
            parts.insert(len(parts) - 1 if profile_first else len(parts), key_plan)
        for part in parts:
            plan.extend(part)
        return plan

    # -- one unit of work -------------------------------------------------------

    def process(self, spec: UserSpec) -> UserOutcome:
        outcome = UserOutcome(spec)
        try:
            outcome.upn = self.client.upn_for(spec.name)
            plan = self.plan_present(outcome) if spec.state == "present" else self.plan_absent(outcome)
            outcome.plan = plan
            if not plan.changed:
                outcome.action = "unchanged"
            elif not self.check_mode:
                self._apply(outcome)
            if outcome.orphan_password:
                self._recover_password_file(outcome)
        except RamError as exc:
            outcome.error = _error_dict(exc, outcome)
        except Exception as exc:  # pylint: disable=broad-except
            # one user's bug must not hide the other users' outcomes; the text may carry request data
            outcome.error = {"msg": "unexpected %s while handling %s" % (type(exc).__name__, spec.name)}
        return outcome

    def _apply(self, outcome):
        for step in outcome.plan.steps:
            creates_login = step.method == "create_login_profile" and outcome.generated_password
            into_file = creates_login and self.vault is not None
            if into_file:
                self._save_pending_password(outcome)
            try:
                if step.method == "create_access_key":
                    self._create_access_key(outcome)
                else:
                    getattr(self.client, step.method)(**step.kwargs)
            except RamApiError as exc:
                if into_file and _definitely_refused(exc):
                    # the password never became anyone's: a later run must not restore it
                    self.vault.discard_pending(outcome.upn)
                raise
            outcome.done.append(step.summary)
            if step.method == "create_access_key":
                outcome.done.extend(outcome.key_delivery.extra_actions)
            if into_file:
                outcome.password_file = self.vault.promote(outcome.upn)
            elif creates_login:
                outcome.returned_password = outcome.generated_password

    def _create_access_key(self, outcome):
        """CreateAccessKey, and the new secret delivered (file or result) as soon as it answers."""
        try:
            outcome.key_delivery.create(self.client, outcome.key_ids_before, self.now)
        except Exception as exc:
            # the key may exist although the delivery failed: the user's changes say so
            outcome.done.extend(getattr(exc, "step_completed", None) or [])
            raise

    def _save_pending_password(self, outcome):
        if outcome.reuses_pending:
            return
        try:
            # a stale pending file (refused by the policy) goes; a new file never reuses an existing one
            self.vault.discard_pending(outcome.upn)
            self.vault.write_pending(outcome.upn, outcome.generated_password)
        except OSError as exc:
            raise RamError("the initial password of %s could not be written to %s (%s); its console login was not created"
                           % (outcome.upn, self.vault.directory, exc.strerror))

    def _recover_password_file(self, outcome):
        message = "%s: an interrupted run created its console login; its initial password file" % outcome.upn
        if self.check_mode:
            outcome.planned_password_file = self.vault.path_for(outcome.upn)
            outcome.recovery_warning = message + " would be restored from %s" % self.vault.pending_path_for(outcome.upn)
        else:
            outcome.password_file = self.vault.promote(outcome.upn)
            outcome.recovery_warning = message + " was restored"

    # -- the whole run ------------------------------------------------------------

    def run(self) -> list[UserOutcome]:
        if self.vault is not None:
            # before any API write: a directory that breaks a rule stops the whole run
            if self.check_mode or not any(spec.needs_password_file for spec in self.specs):
                self.vault.check()
            else:
                self.vault.prepare()
        try:
            if self.key_vault is not None:
                # the same rule for the AccessKey secrets (and markers): checked, or created, before any write
                if self.check_mode:
                    self.key_vault.check()
                else:
                    self.key_vault.prepare()
            workers = max(1, min(self.options.max_concurrency or DEFAULT_MAX_CONCURRENCY, len(self.specs) or 1))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                outcomes = list(pool.map(self.process, self.specs))
            self._settle_returned_secrets(outcomes)
        finally:
            if self.vault is not None:
                self.vault.close()
            if self.key_vault is not None:
                self.key_vault.close()
        for outcome in outcomes:
            # the password is written (or not) by now; drop it
            outcome.generated_password = None
        return outcomes

    def _settle_returned_secrets(self, outcomes):
        """With return_secrets, a new secret is delivered only when the whole task succeeds (as ram_access_key's).

        Otherwise the secrets are left out of the result and the markers stay, so the next run removes those
        keys (nobody can have used them) and creates new ones.
        """
        if self.check_mode:
            return
        task_failed = any(outcome.error is not None for outcome in outcomes)
        for outcome in outcomes:
            delivery = outcome.key_delivery
            if delivery is None or outcome.error is not None:
                continue
            if delivery.delivered is not None and self.options.return_secrets:
                if task_failed:
                    delivery.delivered.pop("access_key_secret", None)
                    outcome.plan.warnings.append(
                        "the secret of the new access key %s of %s is not returned because the task failed; the next "
                        "run removes that key and creates another" % (delivery.delivered["access_key_id"], outcome.upn))
                    continue
                delivery.finish()
            elif delivery.delivered is None and all(key["access_key_id"] in outcome.key_planner.removed
                                                    for key in outcome.key_undelivered):
                # nothing is left undelivered: a marker (say, of a create that failed before the key existed) goes
                delivery.finish()


def _definitely_refused(exc):
    """True when the service answered a write with a client error and no earlier attempt may have applied it."""
    return not exc.retried and exc.http_status is not None and 400 <= exc.http_status < 500


def _epoch(value):
    """``2024-05-01T08:00:00Z`` -> seconds since the epoch; None when missing or unreadable."""
    if not value:
        return None
    try:
        return calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ"))
    except (TypeError, ValueError):
        return None


def _redact(text, outcome):
    """Belt and braces: no message of ours holds a password, but a server message might echo one."""
    text = "" if text is None else str(text)
    for secret in (outcome.spec.password, outcome.generated_password):
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def _error_dict(exc, outcome):
    text = _redact(str(exc), outcome)
    error = {"msg": text}
    if isinstance(exc, RamApiError):
        error.update(exc.to_dict())
        error["message"] = _redact(exc.message, outcome)
    if isinstance(exc, ValidationError):
        error["option"] = exc.option
    return error


def summarize(outcomes: list[UserOutcome], check_mode: bool = False, diff: bool = False) -> dict[str, Any]:
    """The module result (without ``failed``/``msg``): changed, users, counts and the diff list."""
    counts = dict((action, 0) for action in ACTIONS)
    users = []
    diffs: list[dict[str, Any]] = []
    for outcome in outcomes:
        result = outcome.result(check_mode)
        counts[result["action"]] += 1
        users.append(result)
        if diff and outcome.plan is not None and outcome.plan.changed and outcome.error is None:
            diffs.append(outcome.diff())
    summary = {"changed": any(outcome.changed for outcome in outcomes), "users": users, "counts": counts,
               "disabled_logins": [user["user_principal_name"] for user in users if user.get("console_login_disabled")]}
    if diff:
        summary["diff"] = diffs
    return summary


def failure_message(summary: dict[str, Any]) -> str | None:
    failed = [user["name"] for user in summary["users"] if user["action"] == "failed"]
    if not failed:
        return None
    return "%d of %d users failed: %s (see users[].error); the other users' changes stand" % (
        len(failed), len(summary["users"]), _list_names(failed, limit=10))


def run_batch(client: RamClient, entries: Any, options: BatchOptions, check_mode: bool = False,
              diff: bool = False) -> dict[str, Any]:
    """Validate every entry, then reconcile the users on a pool of ``options.max_concurrency`` threads.

    Raises :class:`ValidationError` (before any API call) for bad input. Per-user
    errors do not raise: they are in that user's result (``action: failed``);
    :func:`failure_message` tells the caller whether to fail the task.
    """
    if not 1 <= (options.max_concurrency or 0) <= MAX_CONCURRENCY_LIMIT:
        raise ValidationError("max_concurrency", "must be between 1 and %d" % MAX_CONCURRENCY_LIMIT)
    specs = build_specs(entries, options)
    batch = BatchRun(client, specs, options, check_mode=check_mode)
    outcomes = batch.run()
    summary = summarize(outcomes, check_mode=check_mode, diff=diff)
    summary["warnings"] = _collect_warnings(summary["users"])
    return summary


def _collect_warnings(users, limit=10):
    warnings = []
    kept = ["%s (%s)" % (user["name"], ", ".join(key["access_key_id"] for key in user["protected_keys"]))
            for user in users if user.get("protected_keys")]
    if kept:
        warnings.append("access keys used within protect_used_within_days were kept for %d user(s): %s (see "
                        "users[].protected_keys; force_key_removal: true removes them anyway)" % (len(kept), _list_names(kept)))
    disabled = [user["name"] for user in users if user.get("console_login_disabled")]
    if disabled:
        warnings.append("%d console login(s) are disabled and were left disabled: %s (see disabled_logins; "
                        "enable_disabled_logins: true turns them on again)" % (len(disabled), _list_names(disabled)))
    per_user = ["%s: %s" % (user["name"], text) for user in users for text in user["warnings"]]
    warnings.extend(per_user[:limit])
    if len(per_user) > limit:
        warnings.append("%d more warnings in users[].warnings" % (len(per_user) - limit))
    return warnings
