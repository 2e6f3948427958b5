#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_policy_info
short_description: Get Alibaba Cloud RAM policies with their documents
version_added: 0.2.0
description:
  - With O(name), gets that policy (RAM GetPolicy), custom or system. Otherwise it lists every policy (RAM
    ListPolicies, following the paging marker to the end) of O(policy_type) and keeps those whose name starts with
    O(name_prefix).
  - Each policy comes with the document of its default version (one GetPolicy per listed policy), unless
    O(with_document=false).
  - Only reads, so it runs the same in check mode.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  name:
    description:
      - The name of one policy to get. No error if it does not exist; RV(policies) is then empty.
      - Without O(policy_type), a custom and a system policy of that name are both returned.
    type: str
    aliases: [policy_name]
  policy_type:
    description:
      - Keep only policies of this type.
    type: str
    choices: [System, Custom]
  name_prefix:
    description:
      - Keep only policies whose name starts with this text. Cannot be combined with O(name).
    type: str
  with_document:
    description:
      - Read each listed policy's default document (one GetPolicy call per policy).
    type: bool
    default: true
seealso:
  - module: aliyun.ram.ram_policy
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes.info_module
"""

EXAMPLES = r"""
- name: Read the ecs-read policy and its document
  aliyun.ram.ram_policy_info:
    name: ecs-read
    policy_type: Custom
  register: ecs_read

- name: List every custom policy whose name starts with team-, without documents
  aliyun.ram.ram_policy_info:
    policy_type: Custom
    name_prefix: team-
    with_document: false
"""

RETURN = r"""
policies:
  description: The policies found, sorted by type and name.
  returned: always
  type: list
  elements: dict
  contains:
    policy_name:
      description: The policy name.
      type: str
      sample: ecs-read
    policy_type:
      description: V(System) or V(Custom).
      type: str
      sample: Custom
    description:
      description: The description.
      type: str
      sample: Read-only ECS access
    default_version:
      description: The ID of the version in force.
      type: str
      sample: v1
    attachment_count:
      description: How many users, groups and roles hold the policy.
      type: int
      sample: 0
    create_date:
      description: When the policy was created (UTC).
      type: str
      sample: "2024-05-01T08:00:00Z"
    update_date:
      description: When the policy was last changed (UTC).
      type: str
      sample: "2024-05-01T08:00:00Z"
    policy_document:
      description: The default version's document, parsed; V(null) with O(with_document=false).
      type: dict
      sample: {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:Describe*", "Resource": "*"}]}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.policy import find_policies


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", aliases=["policy_name"]),
        policy_type=dict(type="str", choices=["System", "Custom"]),
        name_prefix=dict(type="str"),
        with_document=dict(type="bool", default=True),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_policy_info.py)
# checks the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: dict(changed=False, policies=find_policies(
        client, name=params["name"], policy_type=params["policy_type"], name_prefix=params["name_prefix"],
        with_document=params["with_document"])))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
