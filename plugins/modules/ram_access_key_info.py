#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_access_key_info
short_description: List a RAM user's AccessKeys with their age and last use
version_added: 0.2.0
description:
  - Lists one RAM user's AccessKeys with IMS ListAccessKeys and, for each key, its last use with
    GetAccessKeyLastUsed.
  - Never returns a secret; Alibaba Cloud returns a secret only when a key is created.
  - A user that does not exist, missing permissions or any other API error fail the task.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  name:
    description:
      - The user's logon name (UserPrincipalName), such as C(svc-deploy@example.onaliyun.com).
      - A bare name such as C(svc-deploy) is completed with the account's default domain.
    type: str
    required: true
    aliases: [user_principal_name, user_name]
  last_used:
    description:
      - Ask for each key's last use (one GetAccessKeyLastUsed call per key). V(false) lists the keys only.
    type: bool
    default: true
seealso:
  - module: aliyun.ram.ram_access_key
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes.info_module
"""

EXAMPLES = r"""
- name: Read the deploy robot's keys
  aliyun.ram.ram_access_key_info:
    name: svc-deploy
  register: deploy_keys

- name: Warn about keys unused for 90 days
  ansible.builtin.debug:
    msg: "{{ item.access_key_id }} was last used {{ item.last_used_date | default('never', true) }}"
  loop: "{{ deploy_keys.access_keys }}"
  when: item.days_since_last_use is none or item.days_since_last_use >= 90
"""

RETURN = r"""
user_principal_name:
  description: The user's full logon name, after completing a bare name.
  returned: always
  type: str
  sample: svc-deploy@example.onaliyun.com
access_keys:
  description: The user's keys, oldest first. Never a secret.
  returned: always
  type: list
  elements: dict
  contains:
    access_key_id:
      description: The key's ID.
      type: str
      sample: LTAI5tExampleKeyId0001
    status:
      description: V(Active) or V(Inactive).
      type: str
      sample: Active
    create_date:
      description: When the key was created (UTC).
      type: str
      sample: "2026-01-05T08:00:00Z"
    update_date:
      description: When the key's status last changed (UTC).
      type: str
      sample: "2026-01-05T08:00:00Z"
    age_days:
      description: Whole days since the key was created.
      type: int
      sample: 120
    last_used_date:
      description: When the key was last used (UTC); V(null) for a key never used. Only with O(last_used=true).
      type: str
      sample: "2026-05-04T23:10:00Z"
    last_used_service:
      description: The service the key last called, when Alibaba Cloud says. Only with O(last_used=true).
      type: str
      sample: ecs
    days_since_last_use:
      description: Whole days since the last use; V(null) for a key never used. Only with O(last_used=true).
      type: int
      sample: 0
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.access_key import read_access_keys
from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", required=True, aliases=["user_principal_name", "user_name"]),
        last_used=dict(type="bool", default=True),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_access_key_info.py)
# checks the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: read_access_keys(client, params["name"], with_last_used=params["last_used"]))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
