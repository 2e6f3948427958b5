#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_group_info
short_description: Get Alibaba Cloud RAM user groups with their members and policies
version_added: 0.2.0
description:
  - With O(name), gets that group (IMS GetGroup). Otherwise it lists every group (IMS ListGroups, following the
    paging marker to the end) whose name starts with O(name_prefix).
  - Can add each group's members (ListUsersForGroup) and attached policies (ListPoliciesForGroup), at one extra
    call per group and item.
  - Only reads, so it runs the same in check mode.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  name:
    description:
      - The name of one group to get. No error if it does not exist; RV(groups) is then empty.
    type: str
    aliases: [group_name]
  name_prefix:
    description:
      - Keep only groups whose name starts with this text. Cannot be combined with O(name).
    type: str
  include:
    description:
      - Extra data to read for each group. V(members) adds RV(groups[].members), V(policies) adds
        RV(groups[].policies).
    type: list
    elements: str
    choices: [members, policies]
    default: []
seealso:
  - module: aliyun.ram.ram_group
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes.info_module
"""

EXAMPLES = r"""
- name: Read the developers group with its members and policies
  aliyun.ram.ram_group_info:
    name: developers
    include: [members, policies]
  register: developers

- name: List every group whose name starts with team-
  aliyun.ram.ram_group_info:
    name_prefix: team-
"""

RETURN = r"""
groups:
  description: The groups found, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    group_id:
      description: The group's ID.
      type: str
      sample: "g-0123456789abcdef"
    group_name:
      description: The group name.
      type: str
      sample: developers
    display_name:
      description: The display name.
      type: str
      sample: Developers
    comments:
      description: The description.
      type: str
      sample: Everyone who ships code
    create_date:
      description: When the group was created (UTC).
      type: str
      sample: "2024-05-01T08:00:00Z"
    update_date:
      description: When the group was last changed (UTC).
      type: str
      sample: "2024-05-02T08:00:00Z"
    members:
      description: The logon names of the members, sorted.
      returned: when O(include) has V(members)
      type: list
      elements: str
      sample: ["alice@example.onaliyun.com"]
    policies:
      description: The attached policies, sorted by type and name.
      returned: when O(include) has V(policies)
      type: list
      elements: dict
      sample: [{"policy_name": "ecs-read", "policy_type": "Custom"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.group import GROUP_INCLUDE_CHOICES, find_groups


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", aliases=["group_name"]),
        name_prefix=dict(type="str"),
        include=dict(type="list", elements="str", choices=list(GROUP_INCLUDE_CHOICES), default=[]),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_group_info.py)
# checks the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: dict(changed=False, groups=find_groups(
        client, name=params["name"], name_prefix=params["name_prefix"], include=params["include"])))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
