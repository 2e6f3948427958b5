# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Login profiles (console logon) and their passwords, in IMS and RAM.

Each action is declared once. The versions differ in how they name the user, in their view (IMS adds
Status, PasswordStatus and UpdateDate; RAM adds UserName and CreateDate), in IMS's Status parameter and in
RAM's CreateLoginProfile requiring a Password. Passwords are kept as salted hashes only, with the last 24
for PasswordReusePrevention.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import hashlib
import hmac
import secrets

from .common import fault, invalid, parse_iso
from .twins import by_upn, by_user_name, twin


def hash_password(password, salt=None):
    salt = salt or secrets.token_hex(16)
    return "sha256$%s$%s" % (salt, hashlib.sha256((salt + password).encode("utf-8")).hexdigest())


def password_matches(hashed, password):
    """Whether ``password`` is the one ``hashed`` (from hash_password) was made from."""
    try:
        scheme, salt, digest = hashed.split("$")
    except (AttributeError, ValueError):
        return False
    return scheme == "sha256" and hmac.compare_digest(hash_password(password, salt), hashed)


class LoginProfiles:
    """The login profile handlers (a mixin of RamBackend)."""

    # ----------------------------------------------------------------- passwords

    def _remember_password(self, profile, password):
        """Store the new password's salted hash, and keep the last 24 for PasswordReusePrevention (max 24).

        The time of the change is kept too, for the credential report's password_last_changed."""
        profile["password_changed"] = self._now()
        hashed = hash_password(password)
        profile["password_hash"] = hashed
        profile["password_history"] = ([hashed] + list(profile.get("password_history") or []))[:24]

    def _password_status(self, profile):
        if not profile.get("initial_password_set"):
            return "NotInitial"
        age = self._state["password_policy"]["InitialPasswordAge"]
        if age and self.clock() > parse_iso(profile["initial_password_set"]) + age * 86400:
            return "InitialExpired"
        return "InitialValid"

    # ----------------------------------------------------------------- views

    def _ims_profile_view(self, user, profile, extra=()):
        """IMS's LoginProfile; ``extra`` names the optional fields the action shows (AutoDisableLoginStatus, LastLoginTime)."""
        view = {"UserPrincipalName": self._upn(user), "Status": profile["Status"],
                "PasswordResetRequired": profile["PasswordResetRequired"], "MFABindRequired": profile["MFABindRequired"],
                "PasswordStatus": self._password_status(profile), "UpdateDate": profile["UpdateDate"]}
        if "AutoDisableLoginStatus" in extra:
            view["AutoDisableLoginStatus"] = "true"
        if "LastLoginTime" in extra:
            view["LastLoginTime"] = profile["LastLoginTime"]
        return {"LoginProfile": view}

    def _ram_profile_view(self, user, profile):
        return {"LoginProfile": {"UserName": user["UserName"], "PasswordResetRequired": profile["PasswordResetRequired"],
                                 "MFABindRequired": profile["MFABindRequired"], "CreateDate": profile["CreateDate"]}}

    def _empty_view(self, user, profile):
        """RAM's UpdateLoginProfile answers with an empty body."""
        return {}

    # ----------------------------------------------------------------- steps

    def _profile_of(self, user):
        profile = self._state["login_profiles"].get(user["UserId"])
        if profile is None:
            raise fault("EntityNotExist.User.LoginProfile")
        return profile

    @staticmethod
    def _status_param(params):
        status = params.text("Status")
        if status is not None and status not in ("Active", "Inactive"):
            # ASSUMPTION(A43): undocumented code for a bad Status value.
            raise invalid("Status")
        return status

    # ----------------------------------------------------------------- handlers (IMS and RAM)

    @twin(ims=dict(find_user=by_upn, takes_status=True, password_required=False, view=_ims_profile_view),
          ram=dict(find_user=by_user_name, takes_status=False, password_required=True, view=_ram_profile_view))
    def CreateLoginProfile(self, params, caller, find_user, takes_status, password_required, view):
        user = find_user(self, params, caller)
        status = self._status_param(params) if takes_status else None
        password = params.text("Password", required=password_required)
        reset_required = params.boolean("PasswordResetRequired", False)
        mfa_required = params.boolean("MFABindRequired", False)
        uid = user["UserId"]
        if uid in self._state["login_profiles"]:
            raise fault("EntityAlreadyExists.User.LoginProfile")
        if password is not None:
            self._check_password(password, user)
        now = self._now()
        profile = {"Status": status or "Active", "PasswordResetRequired": reset_required, "MFABindRequired": mfa_required,
                   "CreateDate": now, "UpdateDate": now, "LastLoginTime": "",
                   # ASSUMPTION(A42): only a password set by an administrator (CreateLoginProfile, or UpdateLoginProfile
                   # with Password) is an initial password (InitialValid, then InitialExpired after InitialPasswordAge);
                   # a profile created without a password reports NotInitial.
                   "initial_password_set": now if password is not None else None,
                   "password_hash": None, "password_history": []}
        if password is not None:
            self._remember_password(profile, password)
        self._state["login_profiles"][uid] = profile
        return view(self, user, profile)

    @twin(ims=dict(find_user=by_upn,
                   view=functools.partial(_ims_profile_view, extra=("AutoDisableLoginStatus", "LastLoginTime"))),
          ram=dict(find_user=by_user_name, view=_ram_profile_view))
    def GetLoginProfile(self, params, caller, find_user, view):
        user = find_user(self, params, caller)
        return view(self, user, self._profile_of(user))

    @twin(ims=dict(find_user=by_upn, takes_status=True,
                   view=functools.partial(_ims_profile_view, extra=("AutoDisableLoginStatus",))),
          ram=dict(find_user=by_user_name, takes_status=False, view=_empty_view))
    def UpdateLoginProfile(self, params, caller, find_user, takes_status, view):
        user = find_user(self, params, caller)
        status = self._status_param(params) if takes_status else None
        password = params.text("Password")
        reset_required = params.boolean("PasswordResetRequired")
        mfa_required = params.boolean("MFABindRequired")
        profile = self._profile_of(user)
        if password is not None:
            self._check_password(password, user)
        now = self._now()
        if password is not None:
            self._remember_password(profile, password)
            # A password set by an administrator is an initial password again (A42).
            profile["initial_password_set"] = now
        if reset_required is not None:
            profile["PasswordResetRequired"] = reset_required
        if mfa_required is not None:
            profile["MFABindRequired"] = mfa_required
        if status is not None:
            profile["Status"] = status
        profile["UpdateDate"] = now
        return view(self, user, profile)

    @twin(ims=dict(find_user=by_upn), ram=dict(find_user=by_user_name))
    def DeleteLoginProfile(self, params, caller, find_user):
        user = find_user(self, params, caller)
        self._profile_of(user)
        del self._state["login_profiles"][user["UserId"]]
        return {}
