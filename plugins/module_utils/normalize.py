# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the APIs' PascalCase objects into the collection's snake_case dicts.

This is the only place that knows the wire names. Each ``normalize_*``
function returns a fixed key set: a key is always present and is ``None``
when the API did not send that field (so an absent ``Email`` is ``None``,
distinct from an empty string).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

# Wire names whose plain conversion would read badly or differently from the docs.
SPECIAL_NAMES = {
    "IsMFAEnable": "is_mfa_enabled",
    "MFADevice": "mfa_device",
    "MFABindRequired": "mfa_bind_required",
}

_ACRONYM_BOUNDARY = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")

USER_FIELDS = (
    ("user_id", "UserId"),
    ("user_principal_name", "UserPrincipalName"),
    ("user_name", "UserName"),
    ("display_name", "DisplayName"),
    ("email", "Email"),
    ("mobile_phone", "MobilePhone"),
    ("comments", "Comments"),
    ("create_date", "CreateDate"),
    ("update_date", "UpdateDate"),
    ("last_login_date", "LastLoginDate"),
    ("provision_type", "ProvisionType"),
    # only ListUsers reports it: active or freeze
    ("status", "Status"),
)

LOGIN_PROFILE_FIELDS = (
    ("user_principal_name", "UserPrincipalName"),
    ("status", "Status"),
    ("password_reset_required", "PasswordResetRequired"),
    ("mfa_bind_required", "MFABindRequired"),
    ("password_status", "PasswordStatus"),
    ("create_date", "CreateDate"),
    ("update_date", "UpdateDate"),
    ("last_login_time", "LastLoginTime"),
    ("auto_disable_login_status", "AutoDisableLoginStatus"),
)

GROUP_FIELDS = (
    ("group_id", "GroupId"),
    ("group_name", "GroupName"),
    ("display_name", "DisplayName"),
    ("comments", "Comments"),
    ("create_date", "CreateDate"),
    ("update_date", "UpdateDate"),
)

POLICY_FIELDS = (
    ("policy_name", "PolicyName"),
    ("policy_type", "PolicyType"),
    ("description", "Description"),
    ("default_version", "DefaultVersion"),
    ("attach_date", "AttachDate"),
)

# A policy as GetPolicy, CreatePolicy, UpdatePolicyDescription and ListPolicies return it (no attach date).
POLICY_DETAIL_FIELDS = (
    ("policy_name", "PolicyName"),
    ("policy_type", "PolicyType"),
    ("description", "Description"),
    ("default_version", "DefaultVersion"),
    ("attachment_count", "AttachmentCount"),
    ("create_date", "CreateDate"),
    ("update_date", "UpdateDate"),
)

POLICY_VERSION_FIELDS = (
    ("version_id", "VersionId"),
    ("is_default_version", "IsDefaultVersion"),
    ("policy_document", "PolicyDocument"),
    ("create_date", "CreateDate"),
)

ROLE_FIELDS = (
    ("role_id", "RoleId"),
    ("role_name", "RoleName"),
    ("arn", "Arn"),
    ("description", "Description"),
    ("assume_role_policy_document", "AssumeRolePolicyDocument"),
    ("max_session_duration", "MaxSessionDuration"),
    ("create_date", "CreateDate"),
    ("update_date", "UpdateDate"),
)

# Every field GetPasswordPolicy documents; MaxLoginAttemps keeps the API's spelling.
PASSWORD_POLICY_WIRE_NAMES = (
    "HardExpire",
    "InitialPasswordAge",
    "InterceptRiskPasswordOnApi",
    "MaxLoginAttemps",
    "MaxPasswordAge",
    "MinimumPasswordDifferentCharacter",
    "MinimumPasswordLength",
    "PasswordNotContainUserName",
    "PasswordReusePrevention",
    "RequireLowercaseCharacters",
    "RequireNumbers",
    "RequireSymbols",
    "RequireUppercaseCharacters",
)

ACCESS_KEY_FIELDS = (
    ("access_key_id", "AccessKeyId"),
    ("status", "Status"),
    ("create_date", "CreateDate"),
    ("update_date", "UpdateDate"),
)


def snake_name(name: str) -> str:
    """``UserPrincipalName`` -> ``user_principal_name``; acronyms stay one word (``MFABindRequired`` -> ``mfa_bind_required``)."""
    if name in SPECIAL_NAMES:
        return SPECIAL_NAMES[name]
    text = _ACRONYM_BOUNDARY.sub(r"\1_\2", name)
    text = _WORD_BOUNDARY.sub(r"\1_\2", text)
    return text.replace("-", "_").lower()


def to_snake(value: Any) -> Any:
    """Recursively rename dict keys with :func:`snake_name`; lists are mapped, scalars returned as they are."""
    if isinstance(value, dict):
        return dict((snake_name(k), to_snake(v)) for k, v in value.items())
    if isinstance(value, list):
        return [to_snake(item) for item in value]
    return value


def unwrap_list(container: Any, outer: str, inner: str) -> list[Any]:
    """``{"Users": {"User": [...]}}`` -> ``[...]``; a missing wrapper is ``[]`` and a lone object becomes a list."""
    if not isinstance(container, dict):
        return []
    value = container.get(outer)
    if isinstance(value, dict):
        value = value.get(inner)
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    return list(value)


def tags_to_dict(raw_tags: Any) -> dict[str, Any] | None:
    """``{"Tag": [{"TagKey": k, "TagValue": v}]}`` (or the bare list) -> ``{k: v}``; ``None`` stays ``None``."""
    if raw_tags is None:
        return None
    items = unwrap_list({"Tags": raw_tags}, "Tags", "Tag")
    tags = {}
    for item in items:
        key = item.get("TagKey", item.get("Key"))
        if key is None:
            continue
        value = item.get("TagValue", item.get("Value"))
        tags[key] = "" if value is None else value
    return tags


def _pick(raw, fields):
    raw = raw or {}
    return dict((snake, raw.get(wire)) for snake, wire in fields)


def normalize_user(raw: dict[str, Any] | None) -> dict[str, Any]:
    """A user from GetUser, CreateUser, UpdateUser or ListUsers.

    ``user_name`` is the part of the UPN before ``@`` when the API leaves it out
    (CreateUser, UpdateUser and ListUsers do); that is how RAM names the user.
    """
    user = _pick(raw, USER_FIELDS)
    if user["user_name"] is None and user["user_principal_name"]:
        user["user_name"] = user["user_principal_name"].split("@", 1)[0]
    user["tags"] = tags_to_dict((raw or {}).get("Tags"))
    return user


def normalize_group_member(raw: dict[str, Any] | None) -> dict[str, Any]:
    """A user from ListUsersForGroup: the user keys plus ``join_date``."""
    user = normalize_user(raw)
    user["join_date"] = (raw or {}).get("JoinDate")
    return user


def normalize_login_profile(raw: dict[str, Any] | None) -> dict[str, Any]:
    return _pick(raw, LOGIN_PROFILE_FIELDS)


def normalize_group(raw: dict[str, Any] | None, membership: bool = False) -> dict[str, Any]:
    """A group; ``membership=True`` (ListGroupsForUser) adds ``join_date``."""
    group = _pick(raw, GROUP_FIELDS)
    if membership:
        group["join_date"] = (raw or {}).get("JoinDate")
    return group


def normalize_policy(raw: dict[str, Any] | None) -> dict[str, Any]:
    return _pick(raw, POLICY_FIELDS)


def normalize_policy_detail(raw: dict[str, Any] | None, default_version: dict[str, Any] | None = None) -> dict[str, Any]:
    """A policy from GetPolicy (with ``default_version`` its DefaultPolicyVersion), CreatePolicy or ListPolicies.

    ``policy_document`` is the default version's document as RAM returned it (JSON text), or None when the
    answer has none (``Policy.PolicyDocument`` is deprecated and may read ``N/A``; it is never used).
    """
    policy = _pick(raw, POLICY_DETAIL_FIELDS)
    policy["policy_document"] = (default_version or {}).get("PolicyDocument")
    return policy


def normalize_policy_version(raw: dict[str, Any] | None) -> dict[str, Any]:
    return _pick(raw, POLICY_VERSION_FIELDS)


def normalize_role(raw: dict[str, Any] | None) -> dict[str, Any]:
    return _pick(raw, ROLE_FIELDS)


def normalize_password_policy(raw: dict[str, Any] | None) -> dict[str, Any]:
    raw = raw or {}
    return dict((snake_name(wire), raw.get(wire)) for wire in PASSWORD_POLICY_WIRE_NAMES)


def normalize_access_key(raw: dict[str, Any] | None) -> dict[str, Any]:
    """An AccessKey's id, status and dates; the secret is never copied, whatever the input holds."""
    return _pick(raw, ACCESS_KEY_FIELDS)


def normalize_access_key_last_used(raw: dict[str, Any] | None) -> dict[str, Any]:
    """GetAccessKeyLastUsed: ``last_used_date`` and ``service_name``; an empty value (a key never used) is None."""
    raw = raw or {}
    return {"last_used_date": raw.get("LastUsedDate") or None, "service_name": raw.get("ServiceName") or None}


def normalize_mfa_info(raw: dict[str, Any] | None) -> dict[str, Any]:
    """GetUserMFAInfo: ``is_mfa_enabled``, ``serial_number``, ``device_type``."""
    raw = raw or {}
    device = raw.get("MFADevice") or {}
    enabled = raw.get("IsMFAEnable")
    if enabled is None:
        enabled = bool(device.get("SerialNumber")) if device else None
    return {
        "is_mfa_enabled": enabled,
        "serial_number": device.get("SerialNumber"),
        "device_type": device.get("Type"),
    }


# GetSecurityPreference / SetSecurityPreference (IMS): (snake_case name, the answer's group, the wire name).
# The setter takes the wire names flat; the getter nests them in the groups below (fact sheet part 1 section 5.1,
# part 2 section 6). LoginNetworkMasks travels as one ";"-separated string and VerificationTypes as a JSON array;
# both are lists here.
SECURITY_PREFERENCE_FIELDS = (
    ("allow_user_to_change_password", "LoginProfilePreference", "AllowUserToChangePassword"),
    ("allow_user_to_login_with_passkey", "LoginProfilePreference", "AllowUserToLoginWithPasskey"),
    ("enable_save_mfa_ticket", "LoginProfilePreference", "EnableSaveMFATicket"),
    ("login_network_masks", "LoginProfilePreference", "LoginNetworkMasks"),
    ("login_session_duration", "LoginProfilePreference", "LoginSessionDuration"),
    ("mfa_operation_for_login", "LoginProfilePreference", "MFAOperationForLogin"),
    ("operation_for_risk_login", "LoginProfilePreference", "OperationForRiskLogin"),
    ("allow_user_to_manage_access_keys", "AccessKeyPreference", "AllowUserToManageAccessKeys"),
    ("allow_user_to_manage_service_credentials", "AccessKeyPreference", "AllowUserToManageServiceCredentials"),
    ("allow_user_to_manage_mfa_devices", "MFAPreference", "AllowUserToManageMFADevices"),
    ("allow_user_to_manage_personal_dingtalk", "PersonalInfoPreference", "AllowUserToManagePersonalDingTalk"),
    ("verification_types", "VerificationPreference", "VerificationTypes"),
    ("max_idle_days_for_users", "MaxIdleDays", "MaxIdleDaysForUsers"),
    ("max_idle_days_for_access_keys", "MaxIdleDays", "MaxIdleDaysForAccessKeys"),
)


def split_network_masks(value: Any) -> list[str] | None:
    """``"10.0.0.0/8;192.168.0.0/16"`` -> ``["10.0.0.0/8", "192.168.0.0/16"]``; ``""`` is ``[]``; None stays None."""
    if value is None:
        return None
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def normalize_security_preference(raw: dict[str, Any] | None) -> dict[str, Any]:
    """GetSecurityPreference / SetSecurityPreference's ``SecurityPreference``: one flat dict, every field present.

    A field the answer leaves out is None. ``login_network_masks`` and ``verification_types`` are lists
    (``VerificationTypes`` may come as a bare list or wrapped as ``{"VerificationType": [...]}``).
    """
    raw = raw or {}
    result = {}
    for snake, group, wire in SECURITY_PREFERENCE_FIELDS:
        value = (raw.get(group) or {}).get(wire)
        if snake == "login_network_masks":
            value = split_network_masks(value)
        elif snake == "verification_types" and value is not None:
            value = unwrap_list({"v": value}, "v", "VerificationType")
        result[snake] = value
    return result


# The credential report's documented columns (fact sheet part 2, section 7.3), in their documented order. The CSV is
# read by column name, never by position; a column the report lacks is None, and extra columns
# (additional_access_key_<N>_*) are kept as they come.
CREDENTIAL_REPORT_COLUMNS = (
    "user", "user_creation_time", "user_last_logon", "password_exist", "password_active", "password_last_changed",
    "password_next_rotation", "mfa_active",
    "access_key_1_exist", "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used",
    "access_key_2_exist", "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used",
)
CREDENTIAL_REPORT_ROOT = "<root>"
_COLUMN_NAME = re.compile(r"[a-z][a-z0-9_]*")


def credential_report_rows(text: str, header: list[str] | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """One decoded page of the report -> ``(header, rows)``, each row a dict keyed by column name.

    A page that starts with a header line (column names only, ``user`` among them) uses it; a page without one (no source says
    whether later pages repeat the header) uses ``header``, the previous page's. Blank lines are skipped.
    """
    lines = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    first = [cell.strip().lower() for cell in lines[0]] if lines else []
    if "user" in first and all(_COLUMN_NAME.fullmatch(cell) for cell in first):
        header = first
        lines = lines[1:]
    if header is None:
        if lines:
            raise ValueError("the credential report has no header line")
        return [], []
    rows = []
    for line in lines:
        row = dict((column, line[index].strip() if index < len(line) else None) for index, column in enumerate(header))
        rows.append(row)
    return header, rows
