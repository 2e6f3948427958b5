# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The account's password policy: Get/SetPasswordPolicy in IMS and RAM, and the check every new password passes.

The account has one policy. IMS shows all 13 fields (account.PASSWORD_POLICY_FIELDS); RAM 2015-05-01 shows nine
and spells HardExpire as HardExpiry. Both actions are declared once, with the fields each version carries.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import string

from .account import PASSWORD_POLICY_FIELDS
from .common import ApiFault
from .twins import twin

SYMBOLS = set(string.punctuation)

# RAM 2015-05-01 Get/SetPasswordPolicy carry nine fields and spell HardExpire as HardExpiry (RAM SDK 1.3.0,
# models/_set_password_policy_request.py and _get_password_policy_response_body.py). The account has one policy:
# IMS sees the fields RAM lacks (InitialPasswordAge, PasswordNotContainUserName, ...).
RAM_PASSWORD_POLICY_FIELDS = ("MinimumPasswordLength", "RequireLowercaseCharacters", "RequireUppercaseCharacters",
                              "RequireNumbers", "RequireSymbols", "HardExpire", "MaxLoginAttemps",
                              "PasswordReusePrevention", "MaxPasswordAge")
RAM_FIELD_NAMES = {"HardExpire": "HardExpiry"}

# What each version's Get/SetPasswordPolicy carries: the fields, and their names on the wire where they differ.
IMS_POLICY = dict(fields=tuple(field[0] for field in PASSWORD_POLICY_FIELDS), wire_names={})
RAM_POLICY = dict(fields=RAM_PASSWORD_POLICY_FIELDS, wire_names=RAM_FIELD_NAMES)


def password_too_weak(name="Password"):
    return ApiFault("InvalidParameter.%s.TooWeak" % name, 400,
                    'The parameter - "%s" is not compliant with the password policy.' % name)


class PasswordPolicy:
    """The password policy handlers and check (a mixin of RamBackend)."""

    def _password_violation(self, password, user):
        """The name of the first password-policy field the password breaks, or None.

        ASSUMPTION(A40): a symbol is ASCII punctuation; letters and digits are ASCII; PasswordNotContainUserName
        compares the user name (UPN prefix) case-insensitively; MinimumPasswordDifferentCharacter counts distinct
        characters. MaxPasswordAge, HardExpire and MaxLoginAttemps are stored but never enforced.
        """
        policy = self._state["password_policy"]
        checks = (
            ("MinimumPasswordLength", len(password) < policy["MinimumPasswordLength"]),
            ("RequireLowercaseCharacters",
             policy["RequireLowercaseCharacters"] and not any(c in string.ascii_lowercase for c in password)),
            ("RequireUppercaseCharacters",
             policy["RequireUppercaseCharacters"] and not any(c in string.ascii_uppercase for c in password)),
            ("RequireNumbers", policy["RequireNumbers"] and not any(c in string.digits for c in password)),
            ("RequireSymbols", policy["RequireSymbols"] and not any(c in SYMBOLS for c in password)),
            ("PasswordNotContainUserName",
             policy["PasswordNotContainUserName"] and user["UserName"].lower() in password.lower()),
            ("MinimumPasswordDifferentCharacter", len(set(password)) < policy["MinimumPasswordDifferentCharacter"]),
        )
        for name, broken in checks:
            if broken:
                return name
        return None

    def _check_password(self, password, user, field="Password"):
        """Raise InvalidParameter.Password.TooWeak unless the password satisfies the policy."""
        if self._password_violation(password, user) is not None:
            raise password_too_weak(field)

    def _password_policy_view(self, fields, wire_names):
        policy = self._state["password_policy"]
        return {"PasswordPolicy": dict((wire_names.get(name, name), policy[name]) for name in fields)}

    @twin(ims=IMS_POLICY, ram=RAM_POLICY)
    def GetPasswordPolicy(self, params, caller, fields, wire_names):
        return self._password_policy_view(fields, wire_names)

    @twin(ims=IMS_POLICY, ram=RAM_POLICY)
    def SetPasswordPolicy(self, params, caller, fields, wire_names):
        # ASSUMPTION(A41): a field left out of SetPasswordPolicy returns to its documented default,
        # as each parameter's "Default value" reads; fields the API version lacks keep their value.
        updated = dict(self._state["password_policy"])
        for name, kind, default, low, high in PASSWORD_POLICY_FIELDS:
            if name not in fields:
                continue
            wire = wire_names.get(name, name)
            if kind == "bool":
                updated[name] = params.boolean(wire, default)
            else:
                updated[name] = params.integer(wire, default, low, high, range_code=True)
        self._state["password_policy"] = updated
        return self._password_policy_view(fields, wire_names)
