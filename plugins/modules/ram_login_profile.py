#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_login_profile
short_description: Manage the console login (login profile) of an Alibaba Cloud RAM user
version_added: 0.1.0
description:
  - Creates, updates, disables or deletes the console login of a RAM user (the IMS login profile).
  - Reads the profile first and changes only what differs. An option that is not set is not managed, so leaving out
    a flag never resets it.
  - Only "the user has no login profile" counts as absent. Any other error while reading, such as missing permissions
    or throttling, fails the task, so a profile is never created blindly.
  - Before a password is sent it is checked against the account password policy (length, character classes,
    distinct characters, no user name). The check also runs in check mode, so a dry run fails exactly like a real run.
    The error names the broken rule and never shows the password.
  - The password never appears in the result, the diff, warnings, errors or logs.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  name:
    description:
      - The user's logon name (UserPrincipalName), such as C(alice@example.onaliyun.com).
      - A bare name such as C(alice) is completed with the account's default domain.
    type: str
    required: true
    aliases: [user_principal_name]
  state:
    description:
      - V(present) creates or updates the login profile; V(absent) deletes it.
      - V(absent) for a user that does not exist succeeds without a change, since there is no profile.
    type: str
    choices: [present, absent]
    default: present
  password:
    description:
      - The console password.
      - Required to create a login profile, since a console login without a password cannot be used.
      - On an existing profile it is used only with O(update_password=always).
      - Checked against the account password policy before it is sent.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the profile is created. A password given for an existing profile
        changes nothing and the module says so in a warning.
      - V(always) sends O(password) on every run. The API never returns the password, so it cannot be compared, and
        the task reports a change on every run.
    type: str
    choices: [always, on_create]
    default: on_create
  password_reset_required:
    description:
      - Whether the user must change the password at the next console login.
      - Applied when the profile is created and whenever a password is sent. On an existing profile it is enforced
        only with O(enforce_login_flags=always), because the service clears it once the person has changed the
        password.
      - Not managed when unset. A new profile then gets the API default, V(false).
    type: bool
  mfa_bind_required:
    description:
      - Whether the user must bind an MFA device at the next console login.
      - Applied like O(password_reset_required), that is when the profile is created, whenever a password is sent,
        and on every run only with O(enforce_login_flags=always).
      - Not managed when unset. A new profile then gets the API default, V(false).
    type: bool
  enforce_login_flags:
    description:
      - When O(password_reset_required) and O(mfa_bind_required) are applied to an existing profile.
      - V(on_create) applies them only together with a password, when the profile is created or a new password is
        set (O(update_password=always)). People change these flags themselves by changing their password or binding
        an MFA device, and a scheduled re-run then leaves them alone, reporting no change.
      - V(always) compares and enforces them on every run. Use it on demand, for example to make one person reset
        the password now. In a scheduled job it asks people to reset or bind again after every time they did.
    type: str
    choices: [on_create, always]
    default: on_create
    version_added: 0.2.0
  status:
    description:
      - V(Inactive) disables console login but keeps the profile, its settings and its password;
        V(Active) enables it again.
      - Enforced on every run when set. The platform itself disables a console login that has not been used for the
        account's idle limit; O(status=Active) turns such a login back on, so leave O(status) unset if a scheduled
        job should not do that.
      - Not managed when unset. A new profile then gets the API default, V(Active).
    type: str
    choices: [Active, Inactive]
notes:
  - With O(update_password=always) the task reports C(changed) on every run, in check mode too, because the current
    password cannot be read back.
  - O(status=Inactive) keeps the profile; use O(state=absent) to delete it.
  - The user must already exist; create it with M(aliyun.ram.ram_user).
  - "API calls: GetLoginProfile always; GetUser when the profile is missing (to tell a missing user from a missing
    profile); GetPasswordPolicy when a password will be sent; GetDefaultDomain once for a bare O(name); then
    CreateLoginProfile, UpdateLoginProfile or DeleteLoginProfile and a final GetLoginProfile when something changes."
seealso:
  - module: aliyun.ram.ram_login_profile_info
  - module: aliyun.ram.ram_password_policy
  - module: aliyun.ram.ram_user
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes
"""

EXAMPLES = r"""
- name: Give alice a console login that asks for MFA and a new password at first login
  aliyun.ram.ram_login_profile:
    name: alice
    password: "{{ alice_initial_password }}"
    mfa_bind_required: true
    password_reset_required: true

- name: Make alice reset her password at her next login, once, even though she has a login already
  aliyun.ram.ram_login_profile:
    name: alice
    password_reset_required: true
    enforce_login_flags: always

- name: Disable alice's console login without deleting it
  aliyun.ram.ram_login_profile:
    name: alice@example.onaliyun.com
    status: Inactive

- name: Reset bob's password on every run (always reports changed)
  aliyun.ram.ram_login_profile:
    name: bob
    password: "{{ bob_password }}"
    update_password: always
  no_log: true

- name: Remove carol's console login
  aliyun.ram.ram_login_profile:
    name: carol
    state: absent
"""

RETURN = r"""
user_principal_name:
  description: The user's full logon name, after completing a bare name.
  returned: always
  type: str
  sample: alice@example.onaliyun.com
login_profile:
  description:
    - The login profile after the task; the prediction in check mode.
    - V(null) when the user has no login profile.
    - The password is never returned.
  returned: always
  type: dict
  contains:
    user_principal_name:
      description: The user's logon name.
      type: str
      sample: alice@example.onaliyun.com
    status:
      description: V(Active) when console login is enabled, V(Inactive) when it is disabled.
      type: str
      sample: Active
    password_reset_required:
      description: Whether the user must change the password at the next login.
      type: bool
      sample: true
    mfa_bind_required:
      description: Whether the user must bind an MFA device at the next login.
      type: bool
      sample: true
    password_status:
      description: Whether the password is an initial one (V(InitialValid), V(InitialExpired)) or not (V(NotInitial)), when the API says.
      type: str
      sample: InitialValid
    create_date:
      description: When the profile was created (UTC), when the API says.
      type: str
      sample: "2024-05-01T08:00:00Z"
    update_date:
      description: When the profile was last changed (UTC).
      type: str
      sample: "2024-05-01T08:00:00Z"
    last_login_time:
      description: The user's last console login (UTC), when the API says.
      type: str
      sample: "2024-05-02T09:30:00Z"
    auto_disable_login_status:
      description: Whether console login is disabled automatically after a period without use, when the API says.
      type: str
      sample: Enabled
changed_fields:
  description: The fields the task changed or would change (V(exists), V(password), V(status), ...).
  returned: always
  type: list
  elements: str
  sample: [mfa_bind_required]
actions:
  description: What the task did or, in check mode, would do, one entry per API write. Never contains the password.
  returned: always
  type: list
  elements: str
  sample: ["update the login profile of alice@example.onaliyun.com: status=Inactive"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.login_profile import ensure_login_profile, validate_params


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", required=True, aliases=["user_principal_name"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
        password_reset_required=dict(type="bool", no_log=False),
        mfa_bind_required=dict(type="bool"),
        enforce_login_flags=dict(type="str", default="on_create", choices=["on_create", "always"]),
        status=dict(type="str", choices=["Active", "Inactive"]),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_login_profile.py) checks
# the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: ensure_login_profile(client, params, check_mode=module.check_mode, diff=module._diff),
               validate=lambda: validate_params(module.params))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
