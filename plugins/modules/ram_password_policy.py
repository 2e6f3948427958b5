#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_password_policy
short_description: Manage the password policy of an Alibaba Cloud account
version_added: 0.1.0
description:
  - Sets the account's password policy for RAM users' console passwords (IMS GetPasswordPolicy / SetPasswordPolicy).
  - Only the options that are set are managed; the others keep their current values.
  - Values are checked against the documented ranges before any call.
  - The policy is read first and changed only when a managed field differs. The whole policy is then sent (current
    values plus the managed ones), so a field the task does not manage can never fall back to its default.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  minimum_password_length:
    description: The minimum password length, 8 to 32. The API default is 8.
    type: int
  require_lowercase_characters:
    description: Whether passwords must contain a lowercase letter.
    type: bool
  require_uppercase_characters:
    description: Whether passwords must contain an uppercase letter.
    type: bool
  require_numbers:
    description: Whether passwords must contain a number.
    type: bool
  require_symbols:
    description: Whether passwords must contain a special character.
    type: bool
  minimum_password_different_character:
    description: The minimum number of distinct characters in a password, 0 to 8; V(0) means no restriction.
    type: int
  password_not_contain_user_name:
    description: Whether passwords must not contain the user name.
    type: bool
  max_login_attemps:
    description:
      - The number of failed password attempts, 0 to 32, after which the user is locked out for one hour; V(0) turns
        the lock-out off.
      - The name keeps the API's spelling (C(MaxLoginAttemps)); O(max_login_attempts) is an alias.
    type: int
    aliases: [max_login_attempts]
  max_password_age:
    description: How many days a password is valid, 0 to 1095; V(0) means passwords never expire.
    type: int
  hard_expire:
    description:
      - What happens when a password expires. V(true) blocks console login until an administrator resets the password;
        V(false) lets the user set a new password at login.
    type: bool
  password_reuse_prevention:
    description: How many previous passwords a user cannot reuse, 0 to 24; V(0) turns this off.
    type: int
  initial_password_age:
    description:
      - How many days an initial password (set when a console login is created or re-enabled) is valid, 0 to 90;
        V(0) turns this off. The API default is 14.
    type: int
  intercept_risk_password_on_api:
    description: Whether passwords set through the API are rejected when Alibaba Cloud considers them at risk (for example leaked).
    type: bool
notes:
  - A task with no policy option set only reads the policy and returns it.
seealso:
  - module: aliyun.ram.ram_login_profile
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes
"""

EXAMPLES = r"""
- name: Enforce a strong password policy
  aliyun.ram.ram_password_policy:
    minimum_password_length: 14
    require_lowercase_characters: true
    require_uppercase_characters: true
    require_numbers: true
    require_symbols: true
    password_not_contain_user_name: true
    max_login_attempts: 5
    max_password_age: 90
    password_reuse_prevention: 5

- name: Read the current policy without changing it
  aliyun.ram.ram_password_policy:
  register: policy
"""

RETURN = r"""
password_policy:
  description: The whole password policy after the task; the prediction in check mode.
  returned: always
  type: dict
  contains:
    minimum_password_length:
      description: The minimum password length.
      type: int
      sample: 14
    require_lowercase_characters:
      description: Whether passwords must contain a lowercase letter.
      type: bool
      sample: true
    require_uppercase_characters:
      description: Whether passwords must contain an uppercase letter.
      type: bool
      sample: true
    require_numbers:
      description: Whether passwords must contain a number.
      type: bool
      sample: true
    require_symbols:
      description: Whether passwords must contain a special character.
      type: bool
      sample: true
    minimum_password_different_character:
      description: The minimum number of distinct characters.
      type: int
      sample: 0
    password_not_contain_user_name:
      description: Whether passwords must not contain the user name.
      type: bool
      sample: true
    max_login_attemps:
      description: Failed attempts before a one-hour lock-out (API spelling).
      type: int
      sample: 5
    max_password_age:
      description: Days a password is valid; 0 is forever.
      type: int
      sample: 90
    hard_expire:
      description: Whether an expired password blocks login.
      type: bool
      sample: false
    password_reuse_prevention:
      description: How many previous passwords cannot be reused.
      type: int
      sample: 5
    initial_password_age:
      description: Days an initial password is valid.
      type: int
      sample: 14
    intercept_risk_password_on_api:
      description: Whether at-risk passwords set through the API are rejected.
      type: bool
      sample: false
changed_fields:
  description: The policy fields the task changed or would change.
  returned: always
  type: list
  elements: str
  sample: [minimum_password_length, max_login_attemps]
actions:
  description: What the task did or, in check mode, would do, one entry per API write.
  returned: always
  type: list
  elements: str
  sample: ["set password policy fields: minimum_password_length"]
  version_added: 0.2.0
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.password_policy import (
    POLICY_FIELDS,
    ensure_password_policy,
    validate_password_policy,
)


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        minimum_password_length=dict(type="int", no_log=False),
        require_lowercase_characters=dict(type="bool"),
        require_uppercase_characters=dict(type="bool"),
        require_numbers=dict(type="bool"),
        require_symbols=dict(type="bool"),
        minimum_password_different_character=dict(type="int", no_log=False),
        password_not_contain_user_name=dict(type="bool", no_log=False),
        max_login_attemps=dict(type="int", aliases=["max_login_attempts"]),
        max_password_age=dict(type="int", no_log=False),
        hard_expire=dict(type="bool"),
        password_reuse_prevention=dict(type="int", no_log=False),
        initial_password_age=dict(type="int", no_log=False),
        intercept_risk_password_on_api=dict(type="bool", no_log=False),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_password_policy.py) checks
# the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    desired = dict((field, module.params[field]) for field in POLICY_FIELDS)

    def task(client, checked):
        return ensure_password_policy(client, checked, check_mode=module.check_mode, diff=module._diff)

    run_module(module, task, validate=lambda: validate_password_policy(desired))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
