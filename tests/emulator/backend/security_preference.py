# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The account's security preference: IMS GetSecurityPreference / SetSecurityPreference.

The setter takes every field flat (fact sheet part 2, section 6); the getter and the setter answer the nested
``SecurityPreference`` object of part 1, section 5.1. ``LoginNetworkMasks`` is one ";"-separated string and
``VerificationTypes`` a JSON array on the wire. The idle rules (MaxIdleDays*) are stored, not enforced: the
people path ``idle_disable`` does what the platform would.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import ipaddress
import json

from .common import invalid

# (group in the answer, wire name, kind, default, allowed values or (low, high)).
# ASSUMPTION(A91): AllowUserToManageServiceCredentials (no documented default) starts false, VerificationTypes
# starts empty, and a new account has every other documented default.
SECURITY_PREFERENCE_FIELDS = (
    ("LoginProfilePreference", "AllowUserToChangePassword", "bool", True, None),
    ("LoginProfilePreference", "AllowUserToLoginWithPasskey", "bool", True, None),
    ("LoginProfilePreference", "EnableSaveMFATicket", "bool", False, None),
    ("LoginProfilePreference", "LoginNetworkMasks", "masks", "", None),
    ("LoginProfilePreference", "LoginSessionDuration", "int", 6, (1, 24)),
    ("LoginProfilePreference", "MFAOperationForLogin", "choice", "independent", ("mandatory", "independent", "adaptive")),
    ("LoginProfilePreference", "OperationForRiskLogin", "choice", "autonomous", ("autonomous", "enforceVerify")),
    ("AccessKeyPreference", "AllowUserToManageAccessKeys", "bool", False, None),
    ("AccessKeyPreference", "AllowUserToManageServiceCredentials", "bool", False, None),
    ("MFAPreference", "AllowUserToManageMFADevices", "bool", True, None),
    ("PersonalInfoPreference", "AllowUserToManagePersonalDingTalk", "bool", True, None),
    ("VerificationPreference", "VerificationTypes", "types", [], ("sms", "email")),
    ("MaxIdleDays", "MaxIdleDaysForUsers", "days", 730, (90, 180, 365, 730)),
    ("MaxIdleDays", "MaxIdleDaysForAccessKeys", "days", 730, (90, 180, 365, 730)),
)
MAX_MASKS = 40
MAX_MASKS_LENGTH = 512


def default_security_preference():
    return dict((wire, copy.deepcopy(default)) for _group, wire, _kind, default, _allowed in SECURITY_PREFERENCE_FIELDS)


def _masks(value, wire):
    masks = [part for part in value.split(";") if part.strip()] if value else []
    if len(masks) > MAX_MASKS or len(value) > MAX_MASKS_LENGTH:
        raise invalid(wire)
    for mask in masks:
        try:
            ipaddress.ip_network(mask.strip(), strict=False)
        except ValueError:
            raise invalid(wire)
    return ";".join(mask.strip() for mask in masks)


def _types(value, wire, allowed):
    try:
        types = json.loads(value) if value else []
    except ValueError:
        raise invalid(wire)
    if not isinstance(types, list) or any(item not in allowed for item in types):
        raise invalid(wire)
    return types


class SecurityPreference:
    """The security preference handlers (a mixin of RamBackend)."""

    def _security_preference(self):
        # An account saved by an older emulator has none yet: the defaults.
        return self._state.setdefault("security_preference", default_security_preference())

    def _security_preference_view(self):
        stored = self._security_preference()
        view = {}
        for group, wire, _kind, default, _allowed in SECURITY_PREFERENCE_FIELDS:
            # ASSUMPTION(A93): VerificationTypes is answered as a bare JSON array of strings (the SDK model's
            # List[str]); LoginNetworkMasks as the ";"-separated string that was set ("" when unrestricted).
            view.setdefault(group, {})[wire] = copy.deepcopy(stored.get(wire, default))
        return {"SecurityPreference": view}

    def _ims_GetSecurityPreference(self, params, caller):
        return self._security_preference_view()

    def _ims_SetSecurityPreference(self, params, caller):
        # ASSUMPTION(A90): a field left out of SetSecurityPreference returns to its default, as SetPasswordPolicy's
        # fields do (A41); no source says either way (fact sheet part 2, section 6), and this is the harder case.
        updated = {}
        for _group, wire, kind, default, allowed in SECURITY_PREFERENCE_FIELDS:
            # ASSUMPTION(A92): a value outside the documented values or ranges (a bad boolean, LoginSessionDuration
            # outside 1-24, an unknown MFAOperationForLogin, MaxIdleDays* not in 90/180/365/730, more than 40 masks
            # or 512 characters, a mask that is no CIDR block, an unknown VerificationTypes entry) is refused with
            # 400 InvalidParameter.<Name>; no error is documented for SetSecurityPreference.
            if kind == "bool":
                updated[wire] = params.boolean(wire, default)
            elif kind == "int":
                updated[wire] = params.integer(wire, default, allowed[0], allowed[1])
            elif kind == "masks":
                value = params.text(wire)
                updated[wire] = default if value is None else _masks(value, wire)
            elif kind == "types":
                value = params.text(wire)
                updated[wire] = copy.deepcopy(default) if value is None else _types(value, wire, allowed)
            else:
                value = params.text(wire)
                if value is None or value == "":
                    updated[wire] = default
                    continue
                choice = int(value) if kind == "days" and value.isdigit() else value
                if choice not in allowed:
                    raise invalid(wire)
                updated[wire] = choice
        self._state["security_preference"] = updated
        return self._security_preference_view()
