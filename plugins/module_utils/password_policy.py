# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reconciler for the account password policy (IMS GetPasswordPolicy / SetPasswordPolicy).

``desired`` maps policy fields (snake_case, ``max_login_attemps`` in the API's
spelling) to values; ``None`` or a missing key means "leave as it is".

SetPasswordPolicy documents a default for every field, so a field left out of
the call may be reset to that default. The plan therefore always sends the
full policy (current values merged with the desired ones) and reports only
the fields that really change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.plan import (
    Plan, managed_setting_fields, plan_whole_setting, predicted_setting, reconcile, task_result,
)

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient

# Documented ranges of the integer fields (alibaba-ram-api.md, SetPasswordPolicy).
INTEGER_RANGES = {
    "minimum_password_length": (8, 32),
    "minimum_password_different_character": (0, 8),
    "max_login_attemps": (0, 32),
    "max_password_age": (0, 1095),
    "password_reuse_prevention": (0, 24),
    "initial_password_age": (0, 90),
}

BOOLEAN_FIELDS = (
    "require_lowercase_characters",
    "require_uppercase_characters",
    "require_numbers",
    "require_symbols",
    "hard_expire",
    "password_not_contain_user_name",
    "intercept_risk_password_on_api",
)

# Every documented field, in the order they are shown.
POLICY_FIELDS = (
    "minimum_password_length",
    "require_lowercase_characters",
    "require_uppercase_characters",
    "require_numbers",
    "require_symbols",
    "minimum_password_different_character",
    "password_not_contain_user_name",
    "max_login_attemps",
    "max_password_age",
    "hard_expire",
    "password_reuse_prevention",
    "initial_password_age",
    "intercept_risk_password_on_api",
)


def managed_fields(desired: dict[str, Any] | None) -> list[str]:
    """The desired fields that the task manages (value not None), in display order."""
    return managed_setting_fields(desired, POLICY_FIELDS)


def validate_password_policy(desired: dict[str, Any] | None) -> dict[str, Any]:
    """Raise :class:`ValidationError` for an unknown field, a wrong type or a value out of the documented range.

    The one validation of a ram_password_policy task; returns ``desired``.
    """
    desired = desired or {}
    unknown = sorted(set(desired) - set(POLICY_FIELDS))
    if unknown:
        raise ValidationError(unknown[0], "is not a password policy field")
    for field in managed_fields(desired):
        value = desired[field]
        if field in BOOLEAN_FIELDS:
            if not isinstance(value, bool):
                raise ValidationError(field, "must be true or false")
            continue
        low, high = INTEGER_RANGES[field]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(field, "must be an integer between %d and %d" % (low, high))
        if not low <= value <= high:
            raise ValidationError(field, "must be between %d and %d, got %d" % (low, high, value))
    return desired


def read_password_policy(client: RamClient) -> dict[str, Any]:
    return client.get_password_policy()


def plan_password_policy(current: dict[str, Any] | None, desired: dict[str, Any]) -> Plan:
    """Compare the current policy with the managed fields; one SetPasswordPolicy step if any differ.

    ``desired`` must have passed :func:`validate_password_policy`.
    """
    return plan_whole_setting(current, desired, POLICY_FIELDS, "set_password_policy", "password policy")


def predicted_policy(current: dict[str, Any] | None, desired: dict[str, Any]) -> dict[str, Any]:
    """The policy a real run would leave behind (check mode reports this)."""
    return predicted_setting(current, desired, POLICY_FIELDS)


def ensure_password_policy(client: RamClient, desired: dict[str, Any], check_mode: bool = False,
                           diff: bool = False) -> dict[str, Any]:
    """Read, plan, apply (unless check mode) and re-read; returns the module result.

    ``desired`` must have passed :func:`validate_password_policy` (the module does so before it connects).
    """
    current = read_password_policy(client)
    plan = plan_password_policy(current, desired)
    after = reconcile(client, plan, check_mode, predict=lambda: predicted_policy(current, desired),
                      reread=lambda: read_password_policy(client))
    return task_result(plan, "password_policy", after, diff, header="password policy")
