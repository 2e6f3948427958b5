# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""password_policy.py: every field is checked, and the action names what changes; against the mutants
``make mutation`` found alive (docs/mutation.md)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import password_policy as pp
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import FakeRamClient


@pytest.mark.parametrize("desired, message", [
    # a valid boolean field earlier in display order does not end the checks
    ({"require_numbers": True, "max_password_age": 2000}, "max_password_age: must be between 0 and 1095, got 2000"),
    ({"require_lowercase_characters": False, "hard_expire": "yes"}, "hard_expire: must be true or false"),
    ({"minimum_password_length": 7}, "minimum_password_length: must be between 8 and 32, got 7"),
    ({"max_login_attemps": True}, "max_login_attemps: must be an integer between 0 and 32"),
    ({"max_login_atempts": 3}, "max_login_atempts: is not a password policy field"),
])
def test_every_field_is_checked(desired, message):
    with pytest.raises(ValidationError) as info:
        pp.validate_password_policy(desired)
    assert str(info.value) == message


def test_the_action_names_the_changed_fields_and_the_call_sends_the_whole_policy():
    client = FakeRamClient()
    result = pp.ensure_password_policy(client, {"minimum_password_length": 12, "require_symbols": True,
                                                "hard_expire": False}, diff=True)
    assert result["actions"] == ["set password policy fields: minimum_password_length, require_symbols"]
    assert result["changed_fields"] == ["minimum_password_length", "require_symbols"]
    [(method, sent)] = client.write_calls()
    assert method == "set_password_policy" and sent["minimum_password_length"] == 12 and sent["require_symbols"] is True
    assert sent["initial_password_age"] == 14 and sent["max_login_attemps"] == 0
    assert result["diff"]["before_header"] == "password policy"
    assert result["password_policy"]["minimum_password_length"] == 12
