#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_role_info
short_description: Get Alibaba Cloud RAM roles with their trust policies
version_added: 0.2.0
description:
  - With O(name), gets that role (RAM GetRole). Otherwise it lists every role (RAM ListRoles, following the paging
    marker to the end) whose name starts with O(name_prefix), and reads each one's trust policy (one GetRole per
    role, since ListRoles does not return it).
  - Can add each role's attached policies (ListPoliciesForRole, one call per role).
  - Only reads, so it runs the same in check mode.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  name:
    description:
      - The name of one role to get. No error if it does not exist; RV(roles) is then empty.
    type: str
    aliases: [role_name]
  name_prefix:
    description:
      - Keep only roles whose name starts with this text. Cannot be combined with O(name).
    type: str
  include_policies:
    description:
      - Add each role's attached policies as RV(roles[].policies).
    type: bool
    default: false
seealso:
  - module: aliyun.ram.ram_role
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes.info_module
"""

EXAMPLES = r"""
- name: Read one role with its policies
  aliyun.ram.ram_role_info:
    name: ecs-oss-reader
    include_policies: true
  register: role_info

- name: List the roles whose names start with ci-
  aliyun.ram.ram_role_info:
    name_prefix: ci-
"""

RETURN = r"""
roles:
  description: The roles found, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    role_id:
      description: The role's ID.
      type: str
      sample: "901234567890123456"
    role_name:
      description: The role name.
      type: str
      sample: ecs-oss-reader
    arn:
      description: The role's ARN.
      type: str
      sample: "acs:ram::1234567890123456:role/ecs-oss-reader"
    description:
      description: The description.
      type: str
      sample: Instances that read OSS
    max_session_duration:
      description: The longest session in seconds.
      type: int
      sample: 3600
    create_date:
      description: When the role was created (UTC).
      type: str
      sample: "2024-05-01T08:00:00Z"
    update_date:
      description: When the role was last changed (UTC).
      type: str
      sample: "2024-05-01T08:00:00Z"
    assume_role_policy_document:
      description: The trust policy, parsed.
      type: dict
      sample: {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}]}
    policies:
      description: The attached policies, sorted by type and name.
      returned: with O(include_policies=true)
      type: list
      elements: dict
      sample: [{"policy_name": "AliyunOSSReadOnlyAccess", "policy_type": "System"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.role import find_roles


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", aliases=["role_name"]),
        name_prefix=dict(type="str"),
        include_policies=dict(type="bool", default=False),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_role_info.py) checks
# the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: dict(changed=False, roles=find_roles(
        client, name=params["name"], name_prefix=params["name_prefix"], include_policies=params["include_policies"])))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
