#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_login_profile_info
short_description: Read the console login (login profile) of an Alibaba Cloud RAM user
version_added: 0.1.0
description:
  - Reads one RAM user's login profile with IMS GetLoginProfile.
  - A user without a login profile is reported as RV(exists=false), not as an error. IMS publishes no error codes
    for GetLoginProfile, so before saying so the module confirms with GetUser that the user exists.
  - A user that does not exist, missing permissions or any other API error fail the task.
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
seealso:
  - module: aliyun.ram.ram_login_profile
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes.info_module
"""

EXAMPLES = r"""
- name: Does alice have a console login?
  aliyun.ram.ram_login_profile_info:
    name: alice
  register: alice_login

- name: Show whether it is enabled
  ansible.builtin.debug:
    msg: "{{ alice_login.login_profile.status if alice_login.exists else 'no console login' }}"
"""

RETURN = r"""
exists:
  description: Whether the user has a login profile.
  returned: always
  type: bool
  sample: true
user_principal_name:
  description: The user's full logon name, after completing a bare name.
  returned: always
  type: str
  sample: alice@example.onaliyun.com
login_profile:
  description: The login profile; V(null) when RV(exists) is false. The password is never returned.
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
      sample: false
    mfa_bind_required:
      description: Whether the user must bind an MFA device at the next login.
      type: bool
      sample: true
    password_status:
      description: Whether the password is an initial one (V(InitialValid), V(InitialExpired)) or not (V(NotInitial)), when the API says.
      type: str
      sample: NotInitial
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
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.login_profile import read_login_profile_info


def argument_spec():
    spec = connection_argument_spec()
    spec.update(name=dict(type="str", required=True, aliases=["user_principal_name"]))
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_login_profile_info.py) checks
# the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: read_login_profile_info(client, params["name"]))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
