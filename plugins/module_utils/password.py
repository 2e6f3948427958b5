# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Console passwords against the account password policy: local checks and a generator.

``policy`` is the normalised password policy (snake_case keys, as returned by
``RamClient.get_password_policy``); a missing key means the rule is off.

Only the rules a client can check are enforced here (length, character classes,
distinct characters, user name), plus one that holds whatever the policy says: no
control characters, so a trailing newline is refused. Password reuse and Alibaba's risky-password
screening (``intercept_risk_password_on_api``) can only be judged by the service.

Nothing in this module ever puts the password into a message.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.validation import user_name_of

LOWERCASE = string.ascii_lowercase
UPPERCASE = string.ascii_uppercase
DIGITS = string.digits
# "Special characters" in Alibaba's wording; printable ASCII punctuation.
SYMBOLS = string.punctuation

DEFAULT_GENERATED_LENGTH = 20
# The service rejects MinimumPasswordLength above 32, so no policy asks for more.
MAX_POLICY_LENGTH = 32

# (policy key, characters of the class, what the rule says)
CHARACTER_CLASS_RULES = (
    ("require_lowercase_characters", LOWERCASE, "must contain at least one lowercase letter"),
    ("require_uppercase_characters", UPPERCASE, "must contain at least one uppercase letter"),
    ("require_numbers", DIGITS, "must contain at least one number"),
    ("require_symbols", SYMBOLS, "must contain at least one symbol"),
)


def _rule(text, policy_key):
    return "%s (account password policy %s)" % (text, policy_key)


def password_violations(password: str, policy: dict[str, Any] | None, user_name: str | None = None) -> list[str]:
    """Every policy rule the password breaks, as safe texts (empty list: the password is fine).

    ``user_name`` may be a bare name or a full UPN; only the part before ``@`` is compared.
    """
    policy = policy or {}
    violations = []
    if not password:
        return ["must not be empty"]
    if any(ord(char) < 32 or ord(char) == 127 for char in password):
        # Nobody can type these at the console login; a YAML block scalar (|) or an unstripped file adds the newline.
        violations.append("must not contain control characters (a newline, a carriage return, a tab...)")

    minimum_length = policy.get("minimum_password_length") or 0
    if len(password) < minimum_length:
        violations.append(_rule("must be at least %d characters long" % minimum_length, "minimum_password_length"))

    for key, characters, text in CHARACTER_CLASS_RULES:
        if policy.get(key) and not any(char in characters for char in password):
            violations.append(_rule(text, key))

    different = policy.get("minimum_password_different_character") or 0
    if len(set(password)) < different:
        text = "must contain at least %d different characters" % different
        violations.append(_rule(text, "minimum_password_different_character"))

    name = user_name_of(user_name)
    if policy.get("password_not_contain_user_name") and name and name.lower() in password.lower():
        violations.append(_rule("must not contain the user name", "password_not_contain_user_name"))

    return violations


def check_password(password: str, policy: dict[str, Any] | None, user_name: str | None = None,
                   option: str = "password") -> None:
    """Raise :class:`ValidationError` naming every broken rule; the password itself is never shown."""
    violations = password_violations(password, policy, user_name)
    if violations:
        raise ValidationError(option, "; ".join(violations))


def generate_password(policy: dict[str, Any] | None = None, user_name: str | None = None, length: int | None = None) -> str:
    """A random password (``secrets``) that satisfies ``policy``.

    ``length`` defaults to the larger of 20 and the policy minimum; a length below the
    policy minimum (or below 8) is refused.
    """
    policy = policy or {}
    minimum_length = policy.get("minimum_password_length") or 0
    if length is None:
        length = max(DEFAULT_GENERATED_LENGTH, minimum_length)
    shortest = max(minimum_length, 8)
    if length < shortest:
        raise ValidationError("length", "must be at least %d (the account password policy minimum, and never below 8)" % shortest)

    required_classes = [characters for key, characters, text in CHARACTER_CLASS_RULES if policy.get(key)]
    alphabet = LOWERCASE + UPPERCASE + DIGITS + SYMBOLS
    # A candidate can still contain the user name by chance; draw again until it does not.
    for dummy_attempt in range(1000):
        chars = [secrets.choice(characters) for characters in required_classes]
        chars.extend(secrets.choice(alphabet) for dummy in range(length - len(chars)))
        _shuffle(chars)
        candidate = "".join(chars)
        if not password_violations(candidate, policy, user_name):
            return candidate
    raise RamError("could not generate a password that satisfies the account password policy")


def _shuffle(items):
    """Fisher-Yates with ``secrets`` (``random.shuffle`` is not meant for secrets)."""
    for index in range(len(items) - 1, 0, -1):
        other = secrets.randbelow(index + 1)
        items[index], items[other] = items[other], items[index]
