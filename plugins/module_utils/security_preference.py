# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reconciler for the account's security preference (IMS GetSecurityPreference / SetSecurityPreference).

``desired`` maps the fields of :data:`PREFERENCE_FIELDS` (snake_case) to values; ``None`` or a missing key means
"leave as it is".

No source says whether SetSecurityPreference keeps a field it is not given or returns it to its default (fact
sheet part 2, section 6: "not verified"); SetPasswordPolicy documents a reset. So, as for the password policy, the
plan always sends every field it knows (the current values merged with the desired ones) and reports only the
fields that really change. Alibaba's Terraform resource does the same.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.normalize import SECURITY_PREFERENCE_FIELDS
from ansible_collections.aliyun.ram.plugins.module_utils.plan import (
    Plan, managed_setting_fields, plan_whole_setting, predicted_setting, reconcile, task_result,
)

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient

# Every documented field, in the order they are shown.
PREFERENCE_FIELDS = tuple(snake for snake, _group, _wire in SECURITY_PREFERENCE_FIELDS)

BOOLEAN_FIELDS = (
    "allow_user_to_change_password",
    "allow_user_to_login_with_passkey",
    "enable_save_mfa_ticket",
    "allow_user_to_manage_access_keys",
    "allow_user_to_manage_service_credentials",
    "allow_user_to_manage_mfa_devices",
    "allow_user_to_manage_personal_dingtalk",
)
# LoginSessionDuration: 1-24 hours now (IMS SDK 3.5.0 and the Dec 2025 metadata; 6-24 in 2021).
INTEGER_RANGES = {"login_session_duration": (1, 24)}
# The documented values of the choice fields. MaxIdleDays*: SDK 3.5.0 (the Dec 2025 metadata calls them fixed at 730).
CHOICES = {
    "mfa_operation_for_login": ("mandatory", "independent", "adaptive"),
    "operation_for_risk_login": ("autonomous", "enforceVerify"),
    "max_idle_days_for_users": (90, 180, 365, 730),
    "max_idle_days_for_access_keys": (90, 180, 365, 730),
}
VERIFICATION_TYPES = ("sms", "email")
# LoginNetworkMasks: at most 40 masks (25 in 2021), 512 characters in all, separated by ";".
MAX_NETWORK_MASKS = 40
MAX_NETWORK_MASKS_LENGTH = 512
LIST_FIELDS = ("login_network_masks", "verification_types")


def managed_fields(desired: dict[str, Any] | None) -> list[str]:
    """The desired fields that the task manages (value not None), in display order."""
    return managed_setting_fields(desired, PREFERENCE_FIELDS)


def _check_masks(masks: Any) -> list[str]:
    if not isinstance(masks, list):
        raise ValidationError("login_network_masks", "must be a list of CIDR blocks such as 10.0.0.0/8")
    for mask in masks:
        if not isinstance(mask, str) or not mask or mask != mask.strip() or ";" in mask:
            raise ValidationError("login_network_masks", "%r is not a CIDR block such as 10.0.0.0/8" % (mask,))
        try:
            ipaddress.ip_network(mask, strict=False)
        except ValueError:
            raise ValidationError("login_network_masks", "%r is not a CIDR block such as 10.0.0.0/8" % (mask,))
    if len(set(masks)) != len(masks):
        raise ValidationError("login_network_masks", "lists a mask twice")
    if len(masks) > MAX_NETWORK_MASKS:
        raise ValidationError("login_network_masks", "may hold at most %d masks, got %d" % (MAX_NETWORK_MASKS, len(masks)))
    length = len(";".join(masks))
    if length > MAX_NETWORK_MASKS_LENGTH:
        raise ValidationError("login_network_masks", "may be at most %d characters long joined with ';', got %d"
                              % (MAX_NETWORK_MASKS_LENGTH, length))
    return masks


def validate_security_preference(desired: dict[str, Any] | None) -> dict[str, Any]:
    """Raise :class:`ValidationError` for an unknown field, a wrong type or a value outside the documented range.

    The one validation of a ram_security_preference task; returns ``desired``.
    """
    desired = desired or {}
    unknown = sorted(set(desired) - set(PREFERENCE_FIELDS))
    if unknown:
        raise ValidationError(unknown[0], "is not a security preference field")
    for field in managed_fields(desired):
        value = desired[field]
        if field in BOOLEAN_FIELDS:
            if not isinstance(value, bool):
                raise ValidationError(field, "must be true or false")
        elif field in INTEGER_RANGES:
            low, high = INTEGER_RANGES[field]
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(field, "must be an integer between %d and %d" % (low, high))
            if not low <= value <= high:
                raise ValidationError(field, "must be between %d and %d, got %d" % (low, high, value))
        elif field in CHOICES:
            if isinstance(value, bool) or value not in CHOICES[field]:
                raise ValidationError(field, "must be one of %s, got %r" % (", ".join(str(c) for c in CHOICES[field]), value))
        elif field == "login_network_masks":
            _check_masks(value)
        elif field == "verification_types":
            if not isinstance(value, list) or any(item not in VERIFICATION_TYPES for item in value):
                raise ValidationError(field, "must be a list of %s, got %r" % (" and ".join(VERIFICATION_TYPES), value))
            if len(set(value)) != len(value):
                raise ValidationError(field, "lists a method twice")
    return desired


def _same(field: str, have: Any, want: Any) -> bool:
    """Lists compare as sets (the order of masks and MFA methods means nothing); a missing list reads as []."""
    if field in LIST_FIELDS:
        return sorted(have or []) == sorted(want or [])
    return have == want


def read_security_preference(client: RamClient) -> dict[str, Any]:
    return client.get_security_preference()


def plan_security_preference(current: dict[str, Any] | None, desired: dict[str, Any]) -> Plan:
    """Compare the current preference with the managed fields; one SetSecurityPreference step if any differ.

    The step sends every field whose current value is known, with the desired values on top, so a field the task
    does not manage keeps its value whether or not the service resets omitted fields.
    ``desired`` must have passed :func:`validate_security_preference`.
    """
    return plan_whole_setting(current, desired, PREFERENCE_FIELDS, "set_security_preference", "security preference",
                              same=_same)


def predicted_preference(current: dict[str, Any] | None, desired: dict[str, Any]) -> dict[str, Any]:
    """The preference a real run would leave behind (check mode reports this)."""
    return predicted_setting(current, desired, PREFERENCE_FIELDS)


def ensure_security_preference(client: RamClient, desired: dict[str, Any], check_mode: bool = False,
                               diff: bool = False) -> dict[str, Any]:
    """Read, plan, apply (unless check mode) and re-read; returns the module result.

    ``desired`` must have passed :func:`validate_security_preference` (the module does so before it connects).
    """
    current = read_security_preference(client)
    plan = plan_security_preference(current, desired)
    after = reconcile(client, plan, check_mode, predict=lambda: predicted_preference(current, desired),
                      reread=lambda: read_security_preference(client))
    return task_result(plan, "security_preference", after, diff, header="security preference")
