#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_security_preference
short_description: Manage the security preference (account guardrails) of an Alibaba Cloud account
version_added: 0.3.0
description:
  - Sets the account-wide security preference for RAM users (IMS GetSecurityPreference / SetSecurityPreference),
    that is what users may manage themselves, MFA at console login, the console session length, the networks console logins
    may come from, and the idle periods after which console logins and AccessKeys are disabled.
  - Only the options that are set are managed; the others keep their current values.
  - Values are checked against the documented ranges before any call.
  - The preference is read first and changed only when a managed field differs. No source says whether
    SetSecurityPreference keeps a field it is not given, so the whole preference is then sent (current values plus the
    managed ones), so a field the task does not manage can never fall back to its default.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  allow_user_to_change_password:
    description: Whether RAM users may change their own console password. The API default is V(true).
    type: bool
  allow_user_to_login_with_passkey:
    description: Whether RAM users may log on to the console with a passkey. The API default is V(true).
    type: bool
  enable_save_mfa_ticket:
    description: Whether a user who passed MFA may skip it for the next 7 days. The API default is V(false).
    type: bool
  login_network_masks:
    description:
      - The networks console logons (password and SSO) may come from, as CIDR blocks; at most 40, 512 characters
        joined with V(;). V([]) removes the restriction. AccessKey API calls are not restricted.
      - The order does not matter.
    type: list
    elements: str
  login_session_duration:
    description: How long a console session lasts, in hours, 1 to 24. The API default is 6.
    type: int
  mfa_operation_for_login:
    description:
      - MFA at console logon. V(mandatory) for every RAM user, V(independent) as each user's own setting (the API
        default), V(adaptive) only for unusual logons.
    type: str
    choices: [mandatory, independent, adaptive]
  operation_for_risk_login:
    description:
      - Deprecated by Alibaba Cloud in favour of O(mfa_operation_for_login). V(autonomous) (the default) lets a
        risky logon skip the MFA prompt, V(enforceVerify) enforces it.
    type: str
    choices: [autonomous, enforceVerify]
  allow_user_to_manage_access_keys:
    description: Whether RAM users may manage their own AccessKeys. The API default is V(false).
    type: bool
  allow_user_to_manage_service_credentials:
    description: Whether RAM users may manage their own API keys (service credentials).
    type: bool
  allow_user_to_manage_mfa_devices:
    description: Whether RAM users may bind and unbind their own MFA devices. The API default is V(true).
    type: bool
  allow_user_to_manage_personal_dingtalk:
    description: Whether RAM users may bind or unbind a personal DingTalk account. The API default is V(true).
    type: bool
  verification_types:
    description: The MFA methods besides an MFA device. The order does not matter.
    type: list
    elements: str
    choices: [sms, email]
  max_idle_days_for_users:
    description:
      - After how many days without a console logon (SSO logons do not count) a RAM user's console logon is
        disabled, the next day. One of 90, 180, 365 or 730 (the API default).
      - The IMS SDK accepts these values; Alibaba's API metadata of December 2025 calls the value fixed at 730.
    type: int
    choices: [90, 180, 365, 730]
  max_idle_days_for_access_keys:
    description:
      - After how many days unused an AccessKey is disabled, the next day. One of 90, 180, 365 or 730 (the API
        default). The same caveat as O(max_idle_days_for_users) applies.
    type: int
    choices: [90, 180, 365, 730]
notes:
  - A task with no preference option set only reads the preference and returns it.
  - O(login_network_masks) restricts console logons, including your own. Try it in check mode first.
seealso:
  - module: aliyun.ram.ram_password_policy
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes
"""

EXAMPLES = r"""
- name: Account guardrails - MFA for everyone, 8-hour sessions, office networks, no self-managed AccessKeys
  aliyun.ram.ram_security_preference:
    mfa_operation_for_login: mandatory
    login_session_duration: 8
    login_network_masks: [203.0.113.0/24, 198.51.100.0/24]
    allow_user_to_manage_access_keys: false
    max_idle_days_for_users: 90

- name: Remove the network restriction again
  aliyun.ram.ram_security_preference:
    login_network_masks: []

- name: Read the current preference without changing it
  aliyun.ram.ram_security_preference:
  register: preference
"""

RETURN = r"""
security_preference:
  description: The whole security preference after the task; the prediction in check mode.
  returned: always
  type: dict
  contains:
    allow_user_to_change_password:
      description: Whether users may change their own password.
      type: bool
      sample: true
    allow_user_to_login_with_passkey:
      description: Whether users may log on with a passkey.
      type: bool
      sample: true
    enable_save_mfa_ticket:
      description: Whether a passed MFA check is remembered for 7 days.
      type: bool
      sample: false
    login_network_masks:
      description: The CIDR blocks console logons may come from; empty when unrestricted.
      type: list
      elements: str
      sample: [203.0.113.0/24]
    login_session_duration:
      description: The console session length in hours.
      type: int
      sample: 8
    mfa_operation_for_login:
      description: V(mandatory), V(independent) or V(adaptive).
      type: str
      sample: mandatory
    operation_for_risk_login:
      description: V(autonomous) or V(enforceVerify) (deprecated).
      type: str
      sample: autonomous
    allow_user_to_manage_access_keys:
      description: Whether users may manage their own AccessKeys.
      type: bool
      sample: false
    allow_user_to_manage_service_credentials:
      description: Whether users may manage their own API keys.
      type: bool
      sample: false
    allow_user_to_manage_mfa_devices:
      description: Whether users may manage their own MFA devices.
      type: bool
      sample: true
    allow_user_to_manage_personal_dingtalk:
      description: Whether users may bind a personal DingTalk account.
      type: bool
      sample: true
    verification_types:
      description: The MFA methods besides an MFA device.
      type: list
      elements: str
      sample: [email]
    max_idle_days_for_users:
      description: Days without a console logon before it is disabled.
      type: int
      sample: 90
    max_idle_days_for_access_keys:
      description: Days unused before an AccessKey is disabled.
      type: int
      sample: 730
changed_fields:
  description: The preference fields the task changed or would change.
  returned: always
  type: list
  elements: str
  sample: [mfa_operation_for_login, login_session_duration]
actions:
  description: What the task did or, in check mode, would do, one entry per API write.
  returned: always
  type: list
  elements: str
  sample: ["set security preference fields: mfa_operation_for_login"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.security_preference import (
    PREFERENCE_FIELDS,
    ensure_security_preference,
    validate_security_preference,
)


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        allow_user_to_change_password=dict(type="bool", no_log=False),
        allow_user_to_login_with_passkey=dict(type="bool"),
        enable_save_mfa_ticket=dict(type="bool"),
        login_network_masks=dict(type="list", elements="str"),
        login_session_duration=dict(type="int"),
        mfa_operation_for_login=dict(type="str", choices=["mandatory", "independent", "adaptive"]),
        operation_for_risk_login=dict(type="str", choices=["autonomous", "enforceVerify"]),
        allow_user_to_manage_access_keys=dict(type="bool", no_log=False),
        allow_user_to_manage_service_credentials=dict(type="bool", no_log=False),
        allow_user_to_manage_mfa_devices=dict(type="bool"),
        allow_user_to_manage_personal_dingtalk=dict(type="bool"),
        verification_types=dict(type="list", elements="str", choices=["sms", "email"]),
        max_idle_days_for_users=dict(type="int", choices=[90, 180, 365, 730]),
        max_idle_days_for_access_keys=dict(type="int", choices=[90, 180, 365, 730], no_log=False),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_security_preference.py)
# checks the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    desired = dict((field, module.params[field]) for field in PREFERENCE_FIELDS)

    def task(client, checked):
        return ensure_security_preference(client, checked, check_mode=module.check_mode, diff=module._diff)

    run_module(module, task, validate=lambda: validate_security_preference(desired))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
