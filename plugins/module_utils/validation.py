# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local input rules for users, groups, tags and policy references.

Every function raises :class:`ValidationError` (``"<option>: <rule>"``) before
any API call, so a bad value never costs a write. The limits are the ones the
IMS 2019-08-15 and RAM 2015-05-01 references document; password rules live in
``password.py``.
"""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError

UPN_MAX_LENGTH = 128
USER_NAME_MAX_LENGTH = 64
DISPLAY_NAME_MAX_LENGTH = 24
COMMENTS_MAX_LENGTH = 128
GROUP_NAME_MAX_LENGTH = 64
GROUP_DISPLAY_NAME_MAX_LENGTH = 24
POLICY_NAME_MAX_LENGTH = 128
EMAIL_MAX_LENGTH = 128
TAG_MAX_COUNT = 20
TAG_KEY_MAX_LENGTH = 128
TAG_VALUE_MAX_LENGTH = 128
MAX_GROUPS_PER_USER = 5
# Policies attached to one user, by policy type (fact sheet part 1, section 8.3).
MAX_POLICIES_PER_USER = {"System": 20, "Custom": 10}
POLICY_TYPES = ("System", "Custom")

# Every pattern is used with fullmatch(): with match() and a trailing "$", "kate\n" would pass, because "$"
# also matches just before a final newline. Hence no "^" or "$" here.
_NAME_CHARS = re.compile(r"[A-Za-z0-9._-]+")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
_MOBILE_PHONE = re.compile(r"[0-9]{1,4}-[0-9]{4,15}")
# RAM documents policy names as letters, digits and hyphens (fact sheet part 2, section 3.1)
_POLICY_NAME = re.compile(r"[A-Za-z0-9-]+")
# ASCII control characters (newline, carriage return, tab, NUL, DEL...): never part of a name, label or tag,
# and the usual way one gets in is a YAML block scalar (`|`), which ends in a newline.
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_FORBIDDEN_IN_TAGS = ("http://", "https://")


def _require_text(option, value):
    if not isinstance(value, str):
        raise ValidationError(option, "must be a string, got %s" % type(value).__name__)


def check_no_control_characters(option: str, value: str, what: str = "the value") -> None:
    """Refuse a newline, carriage return, tab or other ASCII control character anywhere in ``value``."""
    if _CONTROL_CHARS.search(value):
        raise ValidationError(option, "%s must not contain control characters (a newline, a carriage return, a tab...): %r"
                              % (what, value))


def check_length(option: str, value: Any, maximum: int, minimum: int = 1) -> None:
    _require_text(option, value)
    if not minimum <= len(value) <= maximum:
        if minimum == 0:
            raise ValidationError(option, "must be at most %d characters long (got %d)" % (maximum, len(value)))
        raise ValidationError(option, "must be %d to %d characters long (got %d)" % (minimum, maximum, len(value)))


def validate_user_name_part(option: str, name: Any) -> None:
    """The part before ``@``: 1-64 letters, digits, periods, underscores or hyphens."""
    check_length(option, name, USER_NAME_MAX_LENGTH)
    if not _NAME_CHARS.fullmatch(name):
        raise ValidationError(option, "the user name %r may contain only letters, digits, periods (.), underscores (_) and hyphens (-)" % name)


def user_name_of(upn: str | None) -> str | None:
    """The part of a UPN before ``@``: the ``UserName`` of the RAM 2015-05-01 API. ``None`` stays ``None``."""
    if upn is None:
        return None
    return upn.split("@", 1)[0]


def same_logon_name(first: str | None, second: str | None) -> bool:
    """True when two UPNs name the same user: the same name part, whatever the domain.

    An account can have a domain alias besides ``<alias>.onaliyun.com``, and IMS
    accepts ``name@<domain alias>`` but reports the user under one domain.
    Comparing whole UPNs would then plan a rename on every run.
    """
    return bool(first) and bool(second) and user_name_of(first) == user_name_of(second)


def validate_upn(option: str, value: Any) -> None:
    """A full UPN (``name@domain``) or a bare name that the default domain completes."""
    check_length(option, value, UPN_MAX_LENGTH)
    if value.count("@") > 1:
        raise ValidationError(option, "%r must be <name>@<domain> or a bare <name>" % value)
    name, _sep, domain = value.partition("@")
    validate_user_name_part(option, name)
    if _sep and not _DOMAIN.fullmatch(domain):
        raise ValidationError(option, "%r does not end with a valid domain name (for example alice@corp.onaliyun.com)" % value)


def validate_user_id(option: str, value: Any) -> None:
    check_length(option, value, 64)
    if not value.strip() or value != value.strip():
        raise ValidationError(option, "must not be blank or have surrounding spaces")


def validate_display_name(option: str, value: Any, maximum: int = DISPLAY_NAME_MAX_LENGTH) -> None:
    _require_text(option, value)
    if value == "":
        raise ValidationError(option, "cannot be cleared: the API requires a display name of 1 to %d characters" % maximum)
    check_length(option, value, maximum)
    check_no_control_characters(option, value, "the display name")


def validate_comments(option: str, value: Any) -> None:
    """At most 128 characters; ``""`` clears the comments."""
    check_length(option, value, COMMENTS_MAX_LENGTH, minimum=0)


def validate_email(option: str, value: Any) -> None:
    """An e-mail address; ``""`` clears it."""
    _require_text(option, value)
    if value == "":
        return
    check_length(option, value, EMAIL_MAX_LENGTH)
    if not _EMAIL.fullmatch(value):
        raise ValidationError(option, "%r is not an e-mail address (expected local@domain.tld)" % value)


def validate_mobile_phone(option: str, value: Any) -> None:
    """``<country code>-<number>`` in digits, for example ``86-18600008888``; ``""`` clears it."""
    _require_text(option, value)
    if value == "":
        return
    if not _MOBILE_PHONE.fullmatch(value):
        raise ValidationError(option, "%r must be <country code>-<number> in digits, for example 86-18600008888" % value)


def validate_tags(option: str, tags: Any) -> None:
    """Up to 20 tags; keys 1-128 chars, no ``acs:``/``aliyun`` prefix; values up to 128 chars, no ``acs:`` prefix; no URLs."""
    if not isinstance(tags, dict):
        raise ValidationError(option, "must be a dictionary of key: value")
    if len(tags) > TAG_MAX_COUNT:
        raise ValidationError(option, "at most %d tags are allowed (got %d)" % (TAG_MAX_COUNT, len(tags)))
    for key, value in tags.items():
        if not isinstance(key, str) or key == "":
            raise ValidationError(option, "tag keys must be non-empty strings")
        check_length("%s key %r" % (option, key[:20]), key, TAG_KEY_MAX_LENGTH)
        check_no_control_characters(option, key, "tag key")
        lowered = key.lower()
        if lowered.startswith("acs:") or lowered.startswith("aliyun"):
            raise ValidationError(option, "tag key %r must not start with 'acs:' or 'aliyun'" % key)
        if any(marker in lowered for marker in _FORBIDDEN_IN_TAGS):
            raise ValidationError(option, "tag key %r must not contain http:// or https://" % key)
        if not isinstance(value, str):
            raise ValidationError(option, "the value of tag %r must be a string (quote it)" % key)
        if len(value) > TAG_VALUE_MAX_LENGTH:
            raise ValidationError(option, "the value of tag %r must be at most %d characters long" % (key, TAG_VALUE_MAX_LENGTH))
        check_no_control_characters(option, value, "the value of tag %r" % key)
        if value.lower().startswith("acs:"):
            raise ValidationError(option, "the value of tag %r must not start with 'acs:'" % key)
        if any(marker in value.lower() for marker in _FORBIDDEN_IN_TAGS):
            raise ValidationError(option, "the value of tag %r must not contain http:// or https://" % key)


def validate_group_name(option: str, name: Any) -> None:
    check_length(option, name, GROUP_NAME_MAX_LENGTH)
    if not _NAME_CHARS.fullmatch(name):
        raise ValidationError(option, "group name %r may contain only letters, digits, periods (.), underscores (_) and hyphens (-)" % name)


def validate_group_list(option: str, groups: Any) -> None:
    """Group names for a user: each valid, no more than the 5 groups a user can join."""
    if not isinstance(groups, list):
        raise ValidationError(option, "must be a list of group names")
    for name in groups:
        validate_group_name(option, name)
    unique = set(groups)
    if len(unique) > MAX_GROUPS_PER_USER:
        raise ValidationError(option, "a user can be a member of at most %d groups (got %d)" % (MAX_GROUPS_PER_USER, len(unique)))


def normalize_policy_ref(option: str, entry: Any) -> dict[str, str]:
    """``"Name"`` or ``{name, type}`` -> ``{"policy_name": ..., "policy_type": ...}``; a plain name means System."""
    if isinstance(entry, str):
        name, policy_type = entry, "System"
    elif isinstance(entry, dict):
        unknown = sorted(set(entry) - set(("name", "type")))
        if unknown:
            raise ValidationError(option, "unknown key(s) %s in a policy entry; use name and type" % ", ".join(unknown))
        name, policy_type = entry.get("name"), entry.get("type") or "System"
    else:
        raise ValidationError(option, "each entry must be a policy name or a dictionary with name and type")
    if name is None:
        raise ValidationError(option, "a policy entry has no name")
    check_length(option, name, POLICY_NAME_MAX_LENGTH)
    if not _POLICY_NAME.fullmatch(name):
        raise ValidationError(option, "policy name %r may contain only letters, digits and hyphens (-)" % name)
    if policy_type not in POLICY_TYPES:
        raise ValidationError(option, "policy %r has type %r; the type must be System or Custom" % (name, policy_type))
    return {"policy_name": name, "policy_type": policy_type}


def normalize_policy_list(option: str, entries: Any) -> list[dict[str, str]]:
    """Validated, de-duplicated policy references in a stable order."""
    if not isinstance(entries, list):
        raise ValidationError(option, "must be a list")
    refs = {}
    for entry in entries:
        ref = normalize_policy_ref(option, entry)
        refs[(ref["policy_type"], ref["policy_name"])] = ref
    return [refs[key] for key in sorted(refs)]


def policy_key(ref: dict[str, Any]) -> tuple[str, str]:
    return (ref["policy_type"], ref["policy_name"])
