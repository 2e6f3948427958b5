# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import string

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.password import (
    check_password,
    generate_password,
    password_violations,
)
from ansible_collections.aliyun.ram.plugins.module_utils.validation import same_logon_name, user_name_of

STRICT = {
    "minimum_password_length": 12,
    "require_lowercase_characters": True,
    "require_uppercase_characters": True,
    "require_numbers": True,
    "require_symbols": True,
    "minimum_password_different_character": 8,
    "password_not_contain_user_name": True,
}


def test_good_password_passes_strict_policy():
    check_password("Blue-Harbor-42x", STRICT, user_name="alice@example.onaliyun.com")


def test_no_policy_accepts_any_non_empty_password():
    check_password("a", {})
    check_password("a", None)


def test_empty_password_is_refused_even_without_policy():
    with pytest.raises(ValidationError) as err:
        check_password("", {})
    assert str(err.value) == "password: must not be empty"


@pytest.mark.parametrize("password, expected", [
    ("Sh0rt-pw", "must be at least 12 characters long (account password policy minimum_password_length)"),
    ("BLUE-HARBOR-42X", "must contain at least one lowercase letter (account password policy require_lowercase_characters)"),
    ("blue-harbor-42x", "must contain at least one uppercase letter (account password policy require_uppercase_characters)"),
    ("Blue-Harbor-xyz", "must contain at least one number (account password policy require_numbers)"),
    ("BlueHarbor42xy", "must contain at least one symbol (account password policy require_symbols)"),
    ("Aa1!Aa1!Aa1!Aa1!", "must contain at least 8 different characters (account password policy minimum_password_different_character)"),
    ("My-ALICE-pass-42", "must not contain the user name (account password policy password_not_contain_user_name)"),
])
def test_each_rule_is_named_and_the_password_never_shown(password, expected):
    with pytest.raises(ValidationError) as err:
        check_password(password, STRICT, user_name="alice@example.onaliyun.com")
    assert str(err.value) == "password: " + expected
    assert err.value.option == "password"
    assert password not in str(err.value)
    assert password not in repr(err.value)


def test_all_broken_rules_are_reported_together():
    violations = password_violations("abc", STRICT)
    assert len(violations) == 5  # length, upper, number, symbol, different characters
    assert any("minimum_password_length" in text for text in violations)
    assert not any("lowercase" in text for text in violations)


def test_rules_switched_off_are_not_enforced():
    relaxed = dict(STRICT, require_symbols=False, password_not_contain_user_name=False)
    check_password("alice1ALICEbobx", relaxed, user_name="alice")


def test_user_name_check_uses_upn_prefix_only():
    policy = {"password_not_contain_user_name": True}
    # the domain part is not the user name
    check_password("Example-onaliyun-1", policy, user_name="bob@example.onaliyun.com")
    with pytest.raises(ValidationError) as err:
        check_password("xxBoBxx", policy, user_name="bob@example.onaliyun.com")
    assert (err.value.option, err.value.rule) == (
        "password", "must not contain the user name (account password policy password_not_contain_user_name)")
    # without a user name the rule cannot apply
    check_password("xxBoBxx", policy)


def test_user_name_of():
    assert user_name_of("alice@corp.onaliyun.com") == "alice"
    assert user_name_of("alice") == "alice"
    assert user_name_of("") == ""
    assert user_name_of(None) is None


def test_same_logon_name_ignores_the_domain_only():
    assert same_logon_name("alice@corp.onaliyun.com", "alice@corp.example.com")
    assert not same_logon_name("alice@corp.onaliyun.com", "alicia@corp.onaliyun.com")
    assert not same_logon_name(None, "alice") and not same_logon_name("", "")


def test_option_name_can_be_chosen():
    with pytest.raises(ValidationError) as err:
        check_password("x", {"minimum_password_length": 8}, option="users[0].password")
    assert str(err.value).startswith("users[0].password: must be at least 8")


def test_generated_password_default_length_and_uniqueness():
    first = generate_password(STRICT, user_name="alice")
    second = generate_password(STRICT, user_name="alice")
    assert len(first) == 20
    assert first != second


def test_generated_password_honours_requested_and_policy_length():
    assert len(generate_password({"minimum_password_length": 32})) == 32
    assert len(generate_password({}, length=9)) == 9


def test_generator_refuses_length_below_policy_minimum():
    with pytest.raises(ValidationError) as err:
        generate_password({"minimum_password_length": 16}, length=12)
    assert str(err.value) == "length: must be at least 16 (the account password policy minimum, and never below 8)"
    with pytest.raises(ValidationError) as err:
        generate_password({}, length=7)
    assert str(err.value) == "length: must be at least 8 (the account password policy minimum, and never below 8)"


def _random_policy(rng):
    return {
        "minimum_password_length": rng.randint(8, 32),
        "require_lowercase_characters": rng.random() < 0.5,
        "require_uppercase_characters": rng.random() < 0.5,
        "require_numbers": rng.random() < 0.5,
        "require_symbols": rng.random() < 0.5,
        "minimum_password_different_character": rng.randint(0, 8),
        "password_not_contain_user_name": rng.random() < 0.5,
    }


def test_generated_passwords_satisfy_many_random_policies():
    rng = random.Random(20240501)
    for dummy in range(3000):
        policy = _random_policy(rng)
        # short user names are the hardest case for the "no user name" rule
        user_name = "".join(rng.choice(string.ascii_letters + string.digits) for dummy_char in range(rng.randint(1, 3)))
        length = rng.choice([None, policy["minimum_password_length"], policy["minimum_password_length"] + rng.randint(0, 10)])
        password = generate_password(policy, user_name=user_name, length=length)
        assert password_violations(password, policy, user_name) == []
        assert len(password) == (length or max(20, policy["minimum_password_length"]))
        # and, independently of the checker, the classes really are present
        if policy["require_symbols"]:
            assert set(password) & set(string.punctuation)
        if policy["require_numbers"]:
            assert set(password) & set(string.digits)
        if policy["password_not_contain_user_name"]:
            assert user_name.lower() not in password.lower()
        assert len(set(password)) >= policy["minimum_password_different_character"]


@pytest.mark.parametrize("password", ["Blue-Harbor-42x\n", "Blue-Harbor-42x\r", "Blue-Harbor-42x\r\n", "Blue\tHarbor-42x",
                                      "Blue-Harbor-42x\x00", "Blue-Harbor-42x\x7f"])
def test_control_characters_are_refused_under_any_policy(password):
    for policy in ({}, STRICT):
        with pytest.raises(ValidationError) as err:
            check_password(password, policy, user_name="alice")
        assert "control characters" in str(err.value)
        assert password.strip() not in str(err.value) and password.strip() not in repr(err.value)


def test_spaces_and_non_ascii_are_not_control_characters():
    check_password("Blue Harbor 42x!", STRICT)
    check_password("Blue-Harbor-42x-Grüße", STRICT)
