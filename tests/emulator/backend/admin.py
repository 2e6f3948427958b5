# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the gateway's admin paths ask of the account: the state and the people behind the users.

``GET /_emulator/state`` answers :meth:`Admin.snapshot`, the whole account without passwords, secrets or
tokens. ``POST /_emulator/people/<action>`` answers :meth:`Admin.person`: what a person or the platform does
to a user (log in, change the password, bind an MFA device, go idle, get frozen), or a program does with a
user's AccessKey (use it), which no API action does. ``POST /_emulator/keys/<action>`` answers
:meth:`Admin.access_key_admin`: what time does to an AccessKey (it ages).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from .common import iso, parse_iso
from .login_profiles import password_matches
from .policies import SYSTEM_POLICY_TABLE

# /_emulator/people/<action> -> the body fields it takes.
PERSON_ACTIONS = {"login": ("user",), "change_password": ("user", "password"), "bind_mfa": ("user",),
                  "idle_disable": ("user",), "freeze": ("user",), "unfreeze": ("user",), "age": ("user", "days")}
# /_emulator/people/<action> that name an AccessKey rather than a user -> the body fields they take.
PERSON_KEY_ACTIONS = {"use_key": ("access_key_id", "service", "days_ago")}
# /_emulator/keys/<action> -> the body fields it takes.
KEY_ACTIONS = {"age": ("access_key_id", "days")}
DAY = 86400


class Admin:
    """The admin paths' side of the account (a mixin of RamBackend)."""

    def snapshot(self):
        """The whole account as plain data, without passwords, secrets or tokens."""
        with self._lock:
            state = self._state
            users = []
            for user in sorted(state["users"].values(), key=lambda u: u["UserName"].lower()):
                uid = user["UserId"]
                entry = copy.deepcopy(user)
                entry["UserPrincipalName"] = self._upn(user)
                entry["Status"] = self._user_status(user)
                profile = state["login_profiles"].get(uid)
                entry["LoginProfile"] = None if profile is None else dict(
                    (k, v) for k, v in profile.items() if not k.startswith("password_"))
                entry["Groups"] = [state["groups"][gid]["GroupName"] for gid in self._group_ids_of(uid)]
                entry["Policies"] = copy.deepcopy(state["user_policies"].get(uid, []))
                entry["AccessKeys"] = [self._key_admin_view(key) for key in self._keys_of(uid)]
                device = self._mfa_of(uid)
                entry["MFADevice"] = None if device is None else device["SerialNumber"]
                users.append(entry)
            groups = []
            for group in sorted(state["groups"].values(), key=lambda g: g["GroupName"].lower()):
                entry = copy.deepcopy(group)
                entry["Users"] = [state["users"][uid]["UserName"] for uid in state["memberships"].get(group["GroupId"], {})]
                entry["Policies"] = copy.deepcopy(state["group_policies"].get(group["GroupId"], []))
                groups.append(entry)
            sessions = [{"AccessKeyId": akid, "RoleName": cred["role"], "RoleSessionName": cred["session"],
                         "Expiration": iso(cred["expiration"])}
                        for akid, cred in sorted(state["sts_credentials"].items())]
            return {"account": {"AccountId": self.account_id, "AccountAlias": self.account_alias,
                                "DefaultDomain": self.default_domain, "Site": self.site},
                    "users": users, "groups": groups,
                    "custom_policies": [dict((k, v) for k, v in p.items()) for p in
                                        sorted(state["custom_policies"].values(), key=lambda p: p["PolicyName"])],
                    "system_policies": sorted(SYSTEM_POLICY_TABLE),
                    "password_policy": dict(state["password_policy"]),
                    "virtual_mfa_devices": copy.deepcopy(sorted(state["mfa_devices"].values(),
                                                                key=lambda d: d["SerialNumber"])),
                    "roles": [copy.deepcopy(role) for name, role in sorted(state["roles"].items())],
                    "sts_sessions": sessions}

    # ----------------------------------------------------------------- people

    def person(self, action, payload):
        """What a person or the platform does to a user, for ``POST /_emulator/people/<action>``.

        Returns (HTTP status, JSON body). The body never holds a password, hash or secret. The user is
        named by ``payload["user"]``, a bare name or a full UserPrincipalName.
        """
        if action in PERSON_KEY_ACTIONS:
            return self._on_access_key(action, payload, PERSON_KEY_ACTIONS)
        handler = getattr(self, "_person_" + action, None) if action in PERSON_ACTIONS else None
        if handler is None:
            return 404, {"error": "unknown people action %r; known: %s" % (
                action, ", ".join(sorted(set(PERSON_ACTIONS) | set(PERSON_KEY_ACTIONS))))}
        if not isinstance(payload, dict):
            return 400, {"error": "body must be a JSON object"}
        allowed = PERSON_ACTIONS[action]
        unknown = sorted(set(payload) - set(allowed))
        if unknown:
            return 400, {"error": "unknown field(s) %s; %s takes %s" % (", ".join(unknown), action, ", ".join(allowed))}
        name = payload.get("user")
        if not isinstance(name, str) or not name:
            return 400, {"error": 'the body needs "user": a user name or UserPrincipalName'}
        with self._lock:
            user = self._person_user(name)
            if user is None:
                return 404, {"error": "the user %s does not exist" % name}
            refusal = handler(user, payload)
            if refusal is not None:
                return refusal
            self._schedule_save()
            return 200, self._person_view(user)

    def _person_user(self, name):
        """The user named by a bare name or a UPN of the default domain (also while a create is not yet visible)."""
        bare, at, domain = name.rpartition("@")
        if at and domain.lower() != self.default_domain.lower():
            return None
        return self._user_by_name(bare if at else name, include_pending=True)

    def _person_view(self, user):
        view = self._ims_user_view(user, detailed=True)
        view["Status"] = self._user_status(user)
        profile = self._state["login_profiles"].get(user["UserId"])
        return {"user_principal_name": self._upn(user), "user": view,
                "login_profile": None if profile is None else
                self._ims_profile_view(user, profile, ("AutoDisableLoginStatus", "LastLoginTime"))["LoginProfile"]}

    def _console_refusal(self, user):
        """(409, body) when the person cannot sign in to the console, else None."""
        profile = self._state["login_profiles"].get(user["UserId"])
        if profile is None:
            return 409, {"error": "the user %s has no login profile (console logon is not enabled)" % self._upn(user)}
        if profile["Status"] != "Active":
            return 409, {"error": "console logon of %s is disabled (login profile Status %s)" % (
                self._upn(user), profile["Status"])}
        if self._user_status(user) == "freeze":
            # ASSUMPTION(A20): a frozen user cannot sign in to the console.
            return 409, {"error": "the user %s is frozen" % self._upn(user)}
        if self._password_status(profile) == "InitialExpired":
            # The initial password's validity (InitialPasswordAge) is over: an administrator must set a new one.
            return 409, {"error": "the initial password of %s has expired (InitialPasswordAge)" % self._upn(user)}
        return None

    def _record_login(self, user, profile):
        now = self._now()
        user["LastLoginDate"] = now
        profile["LastLoginTime"] = now

    def _person_login(self, user, payload):
        # A console login sets GetUser's LastLoginDate and GetLoginProfile's LastLoginTime (both documented as the
        # last console logon); it does not clear PasswordResetRequired or MFABindRequired by itself.
        refusal = self._console_refusal(user)
        if refusal is not None:
            return refusal
        self._record_login(user, self._state["login_profiles"][user["UserId"]])

    def _person_change_password(self, user, payload):
        password = payload.get("password")
        if not isinstance(password, str) or not password:
            return 400, {"error": 'the body needs "password": the new password, a non-empty string'}
        refusal = self._console_refusal(user)
        if refusal is not None:
            return refusal
        rule = self._password_violation(password, user)
        if rule is not None:
            return 400, {"error": "the new password does not satisfy the password policy rule %s" % rule}
        profile = self._state["login_profiles"][user["UserId"]]
        # As ChangePassword's InvalidParameter.NewPassword.ReusePrevention: none of the last N passwords.
        recent = (profile.get("password_history") or [])[:self._state["password_policy"]["PasswordReusePrevention"]]
        if any(password_matches(hashed, password) for hashed in recent):
            return 400, {"error": "the new password does not satisfy the password policy rule PasswordReusePrevention"}
        self._remember_password(profile, password)
        # A password the person chose is not an initial password; the reset demand is met.
        profile["initial_password_set"] = None
        profile["PasswordResetRequired"] = False
        # ASSUMPTION(A21): a change the person or the platform makes to the login profile (password change, idle
        # disable, MFABindRequired cleared by binding a device) sets its UpdateDate; a plain login does not.
        profile["UpdateDate"] = self._now()
        # Changing the password happens in a console session: it counts as a login.
        self._record_login(user, profile)

    def _person_bind_mfa(self, user, payload):
        # The console's "bind MFA device": CreateVirtualMFADevice named after the user, then BindMFADevice.
        uid = user["UserId"]
        if self._mfa_of(uid) is not None:
            return 409, {"error": "the user %s already has an MFA device (EntityAlreadyExists.User.MFADevice)"
                         % self._upn(user)}
        serial = self._mfa_serial(user["UserName"])
        device = self._state["mfa_devices"].get(serial)
        if device is not None and device["UserId"] is not None:
            return 409, {"error": "the virtual MFA device %s is bound to another user" % serial}
        now = self._now()
        if device is None:
            device = self._new_mfa_device(serial, now)
        device["UserId"] = uid
        device["ActivateDate"] = now
        profile = self._state["login_profiles"].get(uid)
        if profile is not None and profile["MFABindRequired"]:
            # ASSUMPTION(A22): once the person binds a device, GetLoginProfile reports MFABindRequired=false (the
            # demand is met, like PasswordResetRequired after a password change); no source says either way.
            profile["MFABindRequired"] = False
            profile["UpdateDate"] = now

    def _person_idle_disable(self, user, payload):
        # The platform's MaxIdleDaysForUsers rule disables console logon of an idle user (IMS SDK
        # GetSecurityPreference MaxIdleDays doc-comment).
        profile = self._state["login_profiles"].get(user["UserId"])
        if profile is None:
            return 409, {"error": "the user %s has no login profile to disable" % self._upn(user)}
        # ASSUMPTION(A23): afterwards GetLoginProfile shows Status=Inactive (as UpdateLoginProfile Status=Inactive
        # would), AutoDisableLoginStatus stays "true" and LastLoginTime keeps its value.
        if profile["Status"] != "Inactive":
            profile["Status"] = "Inactive"
            profile["UpdateDate"] = self._now()

    def _person_freeze(self, user, payload):
        # ASSUMPTION(A24): freezing changes the user's Status only: GetUser still answers, AccessKeys still sign,
        # UpdateDate is kept; ListUsers hides the user by default (documented) and the person cannot log in.
        user["Status"] = "freeze"

    def _person_unfreeze(self, user, payload):
        user["Status"] = "active"

    def _person_age(self, user, payload):
        # Simulated time for a user, as /_emulator/keys/age for a key: the user was created, last logged on, last
        # changed the password and got the console login and the MFA device ``days`` days earlier than recorded (the
        # credential report's user_creation_time, user_last_logon and password_last_changed move with them).
        days, refusal = self._whole_number(payload, "days", None, 1)
        if refusal is not None:
            return refusal
        profile = self._state["login_profiles"].get(user["UserId"]) or {}
        device = self._mfa_of(user["UserId"]) or {}
        for holder, field in ((user, "CreateDate"), (user, "LastLoginDate"), (profile, "CreateDate"),
                              (profile, "LastLoginTime"), (profile, "password_changed"), (profile, "initial_password_set"),
                              (device, "ActivateDate")):
            if holder.get(field):
                holder[field] = iso(parse_iso(holder[field]) - days * DAY)

    # ----------------------------------------------------------------- AccessKeys: a program uses one; time passes

    def access_key_admin(self, action, payload):
        """What time does to an AccessKey, for ``POST /_emulator/keys/<action>``: (HTTP status, JSON body)."""
        return self._on_access_key(action, payload, KEY_ACTIONS)

    def _on_access_key(self, action, payload, actions):
        """Check the body of an AccessKey admin action, find the key and run ``_key_<action>`` on it.

        Returns (HTTP status, JSON body); the body is the key's view (never its secret) or ``{"error"}``.
        """
        if action not in actions:
            return 404, {"error": "unknown AccessKey action %r; known: %s" % (action, ", ".join(sorted(actions)))}
        if not isinstance(payload, dict):
            return 400, {"error": "body must be a JSON object"}
        allowed = actions[action]
        unknown = sorted(set(payload) - set(allowed))
        if unknown:
            return 400, {"error": "unknown field(s) %s; %s takes %s" % (", ".join(unknown), action, ", ".join(allowed))}
        akid = payload.get("access_key_id")
        if not isinstance(akid, str) or not akid:
            return 400, {"error": 'the body needs "access_key_id": the AccessKey ID of a RAM user\'s key'}
        with self._lock:
            key = self._state["access_keys"].get(akid)
            if key is None:
                return 404, {"error": "the AccessKey %s does not exist" % akid}
            refusal = getattr(self, "_key_" + action)(key, payload)
            if refusal is not None:
                return refusal
            self._schedule_save()
            return 200, self._key_admin_view(key)

    def _key_admin_view(self, key):
        """The key as the admin paths and the snapshot show it: every field but the secret, and its owner."""
        view = dict((k, copy.deepcopy(v)) for k, v in key.items() if k != "secret")
        view.setdefault("LastUsed", None)
        view["UserPrincipalName"] = self._upn(self._state["users"][key["UserId"]])
        return view

    @staticmethod
    def _whole_number(payload, field, default, low):
        """(value, None) for an int field >= low (``default`` when absent), else (None, (400, body))."""
        value = payload.get(field, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            return None, (400, {"error": '"%s" must be a whole number of days, at least %d' % (field, low)})
        return value, None

    def _key_use_key(self, key, payload):
        # A program signs a request to another product (ECS by default) with the key: GetAccessKeyLastUsed then
        # reports it. days_ago puts that use in the past; it replaces the recorded last use.
        service = payload.get("service", "ecs")
        if not isinstance(service, str) or not service:
            return 400, {"error": '"service" must be a product code such as "ecs"'}
        days_ago, refusal = self._whole_number(payload, "days_ago", 0, 0)
        if refusal is not None:
            return refusal
        if key["Status"] != "Active":
            # The gateway refuses a disabled key (Forbidden.AccessKeyDisabled): nothing can use it.
            return 409, {"error": "the AccessKey %s is %s: a disabled key cannot be used (Forbidden.AccessKeyDisabled)"
                         % (key["AccessKeyId"], key["Status"])}
        self.record_access_key_use(key["AccessKeyId"], service, when=self.clock() - days_ago * DAY)

    def _key_age(self, key, payload):
        # Simulated age: the key was created, last changed and last used ``days`` days earlier than recorded.
        days, refusal = self._whole_number(payload, "days", None, 1)
        if refusal is not None:
            return refusal
        for holder, field in ((key, "CreateDate"), (key, "UpdateDate"), (key.get("LastUsed") or {}, "LastUsedDate")):
            if holder.get(field):
                holder[field] = iso(parse_iso(holder[field]) - days * DAY)
