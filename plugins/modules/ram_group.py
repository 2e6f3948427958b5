#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_group
short_description: Manage Alibaba Cloud RAM user groups
version_added: 0.1.0
description:
  - Creates, updates, renames and deletes RAM user groups through the IMS 2019-08-15 API
    (CreateGroup, GetGroup, UpdateGroup, DeleteGroup).
  - Reads the group first and changes only what differs. An option that is not set is not managed.
  - Manage who is in a group with the O(aliyun.ram.ram_user#module:groups) option of M(aliyun.ram.ram_user).
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  name:
    description:
      - The group name, 1 to 64 letters, digits, periods, underscores or hyphens.
      - With O(rename_from), the name the group should have.
    type: str
    required: true
    aliases: [group_name]
  rename_from:
    description:
      - The current name of a group to rename to O(name).
      - If the group O(rename_from) exists and O(name) does not, it is renamed. If only O(name) exists, the rename
        already happened and nothing is done. If both exist the task fails. If neither exists, O(name) is created.
      - Ignored with O(state=absent).
    type: str
  state:
    description:
      - V(present) creates or updates the group; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  display_name:
    description:
      - The display name, 1 to 24 characters. It cannot be cleared.
    type: str
  comments:
    description:
      - The description, at most 128 characters. An empty string clears it.
    type: str
  policies:
    description:
      - Policies the group should have attached. Each entry is a policy name (a V(System) policy) or a dictionary
        with C(name) and C(type) (V(System) or V(Custom)).
      - Policies not listed are kept unless O(purge_policies=true). V([]) with O(purge_policies=true) detaches
        every policy. Not managed when not set.
      - A group can hold at most 20 System and 10 Custom policies; the task fails before any change when the list
        would exceed that, or when a policy to attach does not exist.
    type: list
    elements: raw
    version_added: 0.2.0
  purge_policies:
    description:
      - Detach the policies that O(policies) does not list.
    type: bool
    default: false
    version_added: 0.2.0
  known_policies:
    description:
      - Names of custom policies known to exist, for example because an earlier task ensured them. They are not
        looked up before they are attached.
      - The M(aliyun.ram.onboarding) role passes its C(onboarding_policies) here, so that check mode on an account
        where those policies do not exist yet predicts the attachments instead of failing.
    type: list
    elements: str
    default: []
    version_added: 0.2.0
  force:
    description:
      - With O(state=absent), first remove every member and detach every policy, then delete the group.
      - Without it, deleting a group that has members or policies fails with a message that lists them.
    type: bool
    default: false
notes:
  - "API calls on a run without changes: GetGroup (twice with O(rename_from)), and ListPoliciesForGroup with
    O(policies). Deleting also lists the group's members (ListUsersForGroup) and policies (ListPoliciesForGroup)."
  - Check mode makes the same reads and reports the changes the real run would make, without writing.
  - With C(--diff), the diff holds the before and after values of exactly the fields the task manages.
seealso:
  - module: aliyun.ram.ram_user
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes
"""

EXAMPLES = r"""
- name: Create the developers group
  aliyun.ram.ram_group:
    name: developers
    display_name: Developers
    comments: Everyone who ships code

- name: Give the developers group exactly these policies, detaching any other
  aliyun.ram.ram_group:
    name: developers
    policies:
      - AliyunECSReadOnlyAccess
      - {name: ecs-read, type: Custom}
    purge_policies: true

- name: Rename the ops group to platform (running it again reports ok)
  aliyun.ram.ram_group:
    name: platform
    rename_from: ops

- name: Delete the interns group, removing its members and policies first
  aliyun.ram.ram_group:
    name: interns
    state: absent
    force: true
"""

RETURN = r"""
group:
  description:
    - The group after the task; in check mode, the prediction. An empty dictionary after O(state=absent).
  returned: always
  type: dict
  contains:
    group_id:
      description: The group's ID (V(null) for a group predicted in check mode).
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
    policies:
      description: The attached policies, sorted by type and name.
      returned: when O(policies) is set
      type: list
      elements: dict
      sample: [{"policy_name": "ecs-read", "policy_type": "Custom"}]
      version_added: 0.2.0
diff:
  description: Before and after values of the fields the task manages.
  returned: when run with C(--diff)
  type: dict
  contains:
    before:
      description: The managed fields before the task; empty when the group did not exist.
      type: dict
      sample: {"group_name": "developers", "comments": ""}
    after:
      description: The managed fields after the task; empty after a deletion.
      type: dict
      sample: {"group_name": "developers", "comments": "Everyone who ships code"}
completed_actions:
  description:
    - When the task failed after some of its writes were applied, those writes, one line each. The task then
      reports C(changed=true).
  returned: when the task failed after a write
  type: list
  elements: str
  sample: ["update comments of alice@example.onaliyun.com"]
  version_added: 0.2.0
changed_fields:
  description: The fields the task changed or would change (V(display_name), V(comments), V(group_name), V(policies), V(state)).
  returned: always
  type: list
  elements: str
  sample: [comments]
  version_added: 0.2.0
actions:
  description: What the task did or, in check mode, would do, one entry per API write.
  returned: always
  type: list
  elements: str
  sample: ["update comments of group dev"]
  version_added: 0.2.0
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.group import ensure_group, validate_group_params


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", required=True, aliases=["group_name"]),
        rename_from=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        display_name=dict(type="str"),
        comments=dict(type="str"),
        force=dict(type="bool", default=False),
        policies=dict(type="list", elements="raw"),
        purge_policies=dict(type="bool", default=False),
        known_policies=dict(type="list", elements="str", default=[]),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_group.py) checks
# the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: ensure_group(client, params, check_mode=module.check_mode, diff=module._diff),
               validate=lambda: validate_group_params(module.params))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
