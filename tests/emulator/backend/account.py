# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One account's state, and what every handler relies on: the :class:`Account` base class.

``RamBackend`` (ram_backend.py) is this class plus one mixin per entity (users.py, groups.py, ...). The mixins
keep no state of their own: they read and change ``self._state``, use the lookups defined here and, where an
action spans entities (DeleteUser, the people paths), each other's helpers.

The dispatch table is built from the handlers' names: a method ``_ims_<Action>``, ``_ram_<Action>`` or
``_sts_<Action>`` serves the action in that one API version; a method named after the action and declared
with ``@twin`` (twins.py) serves it in both IMS and RAM.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import json
import os
import threading
import time

from . import common
from .common import IMS, NAME_RE, RAM, STS, ApiFault, Params, check_name, fault, invalid_chars, iso, random_digits, \
    too_long
from .twins import twin_arguments

WRITE_PREFIXES = ("Create", "Update", "Delete", "Add", "Remove", "Attach", "Detach", "Set", "Tag", "Untag",
                  "Bind", "Unbind", "Change", "Clear")

# ----------------------------------------------------------------- what a new account holds

# Every account starts with the roles admin and EcsRamRoleDemo (MaxSessionDuration 3600): assumption A13.
SEED_ROLES = ("admin", "EcsRamRoleDemo")
# The instance role the ECS metadata service hands out credentials for.
IMDS_ROLE = "EcsRamRoleDemo"

# Password policy fields: API name -> (kind, default, low, high). Defaults and ranges from SetPasswordPolicy.
PASSWORD_POLICY_FIELDS = (
    ("MinimumPasswordLength", "int", 8, 8, 32),
    ("RequireLowercaseCharacters", "bool", False, None, None),
    ("RequireUppercaseCharacters", "bool", False, None, None),
    ("RequireNumbers", "bool", False, None, None),
    ("RequireSymbols", "bool", False, None, None),
    ("HardExpire", "bool", False, None, None),
    ("MaxLoginAttemps", "int", 0, 0, 32),
    ("PasswordReusePrevention", "int", 0, 0, 24),
    ("MaxPasswordAge", "int", 0, 0, 1095),
    ("MinimumPasswordDifferentCharacter", "int", 0, 0, 8),
    ("PasswordNotContainUserName", "bool", False, None, None),
    ("InitialPasswordAge", "int", 14, 0, 90),
    ("InterceptRiskPasswordOnApi", "bool", False, None, None),
)


def fresh_state(now):
    policy = dict((name, default) for name, kind, default, low, high in PASSWORD_POLICY_FIELDS)
    roles = {}
    for name in SEED_ROLES:
        roles[name.lower()] = {"RoleName": name, "RoleId": random_digits(19), "MaxSessionDuration": 3600,
                               "CreateDate": iso(now)}
    return {"format": 1, "users": {}, "groups": {}, "memberships": {}, "user_policies": {}, "group_policies": {},
            "login_profiles": {}, "access_keys": {}, "mfa_devices": {}, "custom_policies": {},
            "password_policy": policy, "roles": roles, "sts_credentials": {}}


class Account:
    """The account behind the emulated endpoints: state, the gateway contract, persistence and lookups."""

    # Where the quotas (MAX_*) and SAVE_INTERVAL are read when they are used. RamBackend points this at
    # ram_backend.py, so that a test can lower one there: monkeypatch.setattr(ram_backend, "MAX_USERS", 3).
    settings = common

    def __init__(self, account_alias="example", account_id="1234567890123456", site="cn", state_file=None,
                 static_keys=None, sts_lifetime=None, clock=time.time, monotonic=time.monotonic,
                 visibility_delay_ms=0, domain_aliases=()):
        self.account_alias = account_alias
        self.account_id = str(account_id)
        self.site = site
        self.default_domain = "%s.onaliyun.com" % account_alias
        # Verified domain aliases (fact sheet part 1, section 5: a user is named by its UPN "or by a verified
        # domain alias"). ASSUMPTION(A51): a UPN in an alias names the same user, and answers report the UPN in
        # the default domain.
        self.domain_aliases = tuple(alias.lower() for alias in domain_aliases)
        self.state_file = state_file
        self.sts_lifetime = sts_lifetime
        self.clock = clock
        self._static_keys = dict(static_keys or {})
        self._lock = threading.RLock()
        # Eventual consistency: ("user"|"group", id) -> monotonic time from which other requests see it.
        # Kept in memory only: after a restart every entity is visible.
        self._monotonic = monotonic
        self._pending = {}
        self.visibility_delay_ms = 0
        self.set_visibility_delay(visibility_delay_ms)
        self._last_save = 0.0
        self._save_timer = None
        self._state = fresh_state(self.clock())
        if state_file and os.path.exists(state_file):
            with open(state_file) as handle:
                loaded = json.load(handle)
            self._state.update(loaded.get("state", {}))
        self._handlers = self._build_handlers()

    # ----------------------------------------------------------------- contract with the gateway

    def known_versions(self):
        return {IMS, RAM, STS}

    def has_action(self, version, action):
        return (version, action) in self._handlers

    def is_write(self, action):
        return action.startswith(WRITE_PREFIXES)

    def set_visibility_delay(self, milliseconds):
        """How long a user or group created by Create* stays invisible to every other request (0: off).

        ASSUMPTION(A19): a model of RAM's documented eventual consistency (fact sheet part 2 section 10); no delay
        is published. During the delay Get*, List* and every write naming the entity answer as if it did not
        exist (EntityNotExist.User / EntityNotExist.Group), while a second Create of the same name still gets
        EntityAlreadyExists. The Create response itself carries the entity.
        """
        with self._lock:
            self.visibility_delay_ms = float(milliseconds or 0)

    def handle(self, version, action, params, caller):
        with self._lock:
            handler = self._handlers.get((version, action))
            if handler is None:
                raise fault("InvalidAction.NotFound")
            result = handler(Params(dict(params or {})), dict(caller or {}))
            if self.is_write(action) or action in ("AssumeRole", "AssumeRoleWithOIDC"):
                self._schedule_save()
            return result

    def lookup_access_key(self, access_key_id):
        with self._lock:
            if access_key_id in self._static_keys:
                value = self._static_keys[access_key_id]
                if isinstance(value, (tuple, list)):
                    return {"secret": value[0], "security_token": value[1], "expiration": None}
                return {"secret": value, "security_token": None, "expiration": None}
            issued = self._state["sts_credentials"].get(access_key_id)
            if issued:
                return {"secret": issued["secret"], "security_token": issued["security_token"],
                        "expiration": issued["expiration"]}
            key = self._state["access_keys"].get(access_key_id)
            if key:
                # The gateway refuses a disabled key with Forbidden.AccessKeyDisabled, not as an unknown one.
                return {"secret": key["secret"], "security_token": None, "expiration": None,
                        "disabled": key["Status"] != "Active"}
            return None

    def save(self):
        with self._lock:
            if self._save_timer is not None:
                self._save_timer.cancel()
                self._save_timer = None
            self._write_state_file()

    # ----------------------------------------------------------------- dispatch table

    def _build_handlers(self):
        """(version, action) -> handler(params, caller), from the methods' names and @twin declarations."""
        handlers = {}

        def add(key, handler):
            if key in handlers:
                raise TypeError("two handlers for %s %s" % key)
            handlers[key] = handler

        for attribute in dir(self):
            for version, prefix in ((IMS, "_ims_"), (RAM, "_ram_"), (STS, "_sts_")):
                # Handlers are named after the action (_ims_CreateUser); lower-case names are helpers.
                if attribute.startswith(prefix) and attribute[len(prefix):][:1].isupper():
                    add((version, attribute[len(prefix):]), getattr(self, attribute))
            for version, arguments in (twin_arguments(getattr(type(self), attribute, None)) or {}).items():
                add((version, attribute), functools.partial(getattr(self, attribute), **arguments))
        return handlers

    # ----------------------------------------------------------------- persistence

    def _write_state_file(self):
        if not self.state_file:
            return
        directory = os.path.dirname(os.path.abspath(self.state_file))
        temporary = os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(self.state_file), os.getpid()))
        # Owner-only: the file holds AccessKey secrets and STS tokens.
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
            json.dump({"format": 1, "state": self._state}, handle, sort_keys=True)
        os.replace(temporary, self.state_file)
        self._last_save = time.monotonic()

    def _schedule_save(self):
        """Save now, or at most SAVE_INTERVAL seconds after the previous save (debounced)."""
        if not self.state_file or self._save_timer is not None:
            return
        wait = self._last_save + self.settings.SAVE_INTERVAL - time.monotonic()
        if wait <= 0:
            self._write_state_file()
            return
        self._save_timer = threading.Timer(wait, self._timed_save)
        self._save_timer.daemon = True
        self._save_timer.start()

    def _timed_save(self):
        with self._lock:
            self._save_timer = None
            self._write_state_file()

    # ----------------------------------------------------------------- eventual consistency

    def _hide_new(self, kind, entity_id):
        if self.visibility_delay_ms > 0:
            self._pending[(kind, entity_id)] = self._monotonic() + self.visibility_delay_ms / 1000.0

    def _visible(self, kind, entity_id):
        deadline = self._pending.get((kind, entity_id))
        if deadline is None:
            return True
        if self._monotonic() >= deadline:
            del self._pending[(kind, entity_id)]
            return True
        return False

    def _visible_users(self):
        return [user for user in self._state["users"].values() if self._visible("user", user["UserId"])]

    # ----------------------------------------------------------------- lookups

    def _now(self):
        return iso(self.clock())

    def _upn(self, user):
        return "%s@%s" % (user["UserName"], self.default_domain)

    @staticmethod
    def _user_status(user):
        # Users saved by an older emulator have no Status: they are active.
        return user.get("Status", "active")

    @staticmethod
    def _user_sort_key(user):
        return (user["UserName"].lower(), user["UserId"])

    def _user_by_id(self, uid):
        user = self._state["users"].get(uid)
        return user if user is not None and self._visible("user", uid) else None

    def _user_by_name(self, name, include_pending=False):
        """The user of that name; a user whose create is not yet visible only with ``include_pending``.

        ASSUMPTION(A25): user and group names are unique regardless of case, and found regardless of case.
        """
        lowered = name.lower()
        for user in self._state["users"].values():
            if user["UserName"].lower() == lowered:
                return user if include_pending or self._visible("user", user["UserId"]) else None
        return None

    def _split_upn(self, value, field, lookup):
        """Validate a UPN and return its name part.

        ASSUMPTION(A26): IMS's own codes for UPN validation are undocumented; this emulator uses
        InvalidParameter.<Field>.Length / .InvalidChars / .Domain. On lookups a UPN in another
        domain names no user of this account (EntityNotExist.User).
        """
        if len(value) > 128:
            raise too_long(field)
        name, at, domain = value.rpartition("@")
        if not at:
            name, domain = value, ""
        if not 1 <= len(name) <= 64:
            raise too_long(field)
        if not NAME_RE.fullmatch(name):
            raise invalid_chars(field)
        if domain.lower() != self.default_domain.lower() and domain.lower() not in self.domain_aliases:
            if lookup:
                raise fault("EntityNotExist.User")
            raise ApiFault("InvalidParameter.%s.Domain" % field, 400,
                           'The parameter - "%s" must end with the default domain "@%s".' % (field, self.default_domain))
        return name

    def _user_by_upn(self, value, field="UserPrincipalName"):
        name = self._split_upn(value, field, lookup=True)
        user = self._user_by_name(name)
        if user is None:
            raise fault("EntityNotExist.User")
        return user

    def _group_by_name(self, name, include_pending=False):
        lowered = name.lower()
        for group in self._state["groups"].values():
            if group["GroupName"].lower() == lowered:
                return group if include_pending or self._visible("group", group["GroupId"]) else None
        return None

    def _group_param(self, params, field="GroupName"):
        name = params.text(field, required=True)
        check_name(name, field)
        group = self._group_by_name(name)
        if group is None:
            raise fault("EntityNotExist.Group")
        return group

    def _group_ids_of(self, uid):
        return [gid for gid, members in self._state["memberships"].items() if uid in members]

    def _keys_of(self, uid):
        return [key for key in self._state["access_keys"].values() if key["UserId"] == uid]

    def _mfa_of(self, uid):
        for device in self._state["mfa_devices"].values():
            if device.get("UserId") == uid:
                return device
        return None
