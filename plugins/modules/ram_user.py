#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_user
short_description: Manage Alibaba Cloud RAM users, their tags, group memberships and policies
version_added: 0.1.0
description:
  - Creates, updates, renames and deletes RAM users through the IMS 2019-08-15 API; attaches and detaches policies
    through the RAM 2015-05-01 API.
  - Reads the user first and changes only what differs. An option that is not set is not managed.
  - Every option value is checked locally against the API's documented limits before any call, so a bad value
    fails the task without a write.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  name:
    description:
      - The user's logon name (UserPrincipalName), such as C(alice@corp.onaliyun.com).
      - A bare name such as C(alice) is completed with the account's default domain (looked up once per task).
      - The part before C(@) is 1 to 64 letters, digits, periods, underscores or hyphens; the whole name is at most
        128 characters.
      - With O(user_id) or O(rename_from), the name the user should have; the user is renamed when it differs.
      - One of O(name) and O(user_id) is required.
    type: str
    aliases: [user_principal_name]
  user_id:
    description:
      - The ID of an existing user, to address it whatever its current name.
      - With O(name), renames that user to O(name). If O(name) already belongs to another user the task fails,
        since the two options contradict each other.
      - Cannot create a user; with O(state=present) a user ID that does not exist fails the task.
    type: str
  rename_from:
    description:
      - The current logon name (or bare name) of a user to rename to O(name).
      - If the user called O(rename_from) exists and O(name) does not, it is renamed. If only O(name) exists, the
        rename already happened and nothing is done. If both exist the task fails. If neither exists, O(name) is created;
        the old user is never re-created.
      - Ignored with O(state=absent).
    type: str
  state:
    description:
      - V(present) creates or updates the user; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  display_name:
    description:
      - The display name, 1 to 24 characters.
      - Defaults to the part of O(name) before C(@) when a user is created. It cannot be cleared.
    type: str
  email:
    description:
      - The e-mail address. It cannot be cleared. V("") is accepted only while the field is empty, and fails before any
        write otherwise, because UpdateUser documents no empty value and no Alibaba source says one clears the field.
      - Only the China site (aliyun.com) stores and returns it; see the notes for the international site.
    type: str
  mobile_phone:
    description:
      - The mobile phone number as C(<country code>-<number>), for example C(86-18600008888). It cannot be cleared.
        V("") is accepted only while the field is empty, and fails before any write otherwise, because UpdateUser
        documents no empty value and no Alibaba source says one clears the field.
      - Only the China site (aliyun.com) stores and returns it; see the notes for the international site.
    type: str
  comments:
    description:
      - The description, 1 to 128 characters. It cannot be cleared. V("") is accepted only while the field is empty, and
        fails before any write otherwise, because UpdateUser documents no empty value and no Alibaba source says one
        clears the field.
    type: str
  groups:
    description:
      - Names of the groups the user must belong to; a user can be in at most 5 groups.
      - Each group must exist; an unknown group fails the task before any change.
      - Not managed when unset.
    type: list
    elements: str
  purge_groups:
    description:
      - With O(groups), remove the user from groups that O(groups) does not list.
    type: bool
    default: false
  policies:
    description:
      - Policies that must be attached to the user.
      - Each entry is a policy name (a V(System) policy) or a dictionary with C(name) and C(type) (V(System) or V(Custom)).
      - Each policy must exist; an unknown policy fails the task before any change.
      - Not managed when unset.
    type: list
    elements: raw
  purge_policies:
    description:
      - With O(policies), detach policies that O(policies) does not list.
    type: bool
    default: false
  force:
    description:
      - With O(state=absent), first remove, in this order, the user's login profile, access keys, MFA device,
        group memberships and attached policies, then delete the user.
      - Without it, deleting a user that still has any of these fails with a message that lists them.
    type: bool
    default: false
notes:
  - "International site: C(GetUser) does not return the e-mail address or the mobile phone there. The module then cannot
    compare O(email) or O(mobile_phone) on an existing user; it leaves them unchanged, says so in a warning and reports
    no change. They are still sent when the user is created."
  - "Renames converge: after a rename with O(rename_from) or O(user_id), running the same task again reports no change
    and never re-creates the old user."
  - "API calls on a run without changes: GetDefaultDomain (once, only for a bare name), GetUser (twice with O(rename_from)),
    ListGroupsForUser and ListPoliciesForUser. GetGroup and GetPolicy are called only for groups and policies about to be
    added. After a change the user is read again for the return value."
  - Check mode makes the same reads and reports the changes the real run would make, without writing.
  - With C(--diff), the diff holds the before and after values of exactly the fields the task manages.
seealso:
  - module: aliyun.ram.ram_user_info
  - module: aliyun.ram.ram_group
  - module: aliyun.ram.ram_login_profile
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes
  - aliyun.ram.tags
"""

EXAMPLES = r"""
- name: Create alice with a display name, e-mail, tags, a group and two policies
  aliyun.ram.ram_user:
    name: alice@corp.onaliyun.com
    display_name: Alice
    email: alice@example.com
    mobile_phone: 86-18600008888
    comments: Platform team
    tags:
      team: platform
      cost-center: "1234"
    groups:
      - developers
    policies:
      - AliyunOSSReadOnlyAccess
      - name: deploy-app
        type: Custom

- name: Use a bare name (completed with the default domain) and set connection options once
  module_defaults:
    group/aliyun.ram.ram:
      profile: production
  block:
    - name: Make sure bob exists
      aliyun.ram.ram_user:
        name: bob
        display_name: Bob

    - name: Change bob's comments and keep only the listed groups
      aliyun.ram.ram_user:
        name: bob
        comments: On call this week
        groups: [ops]
        purge_groups: true

- name: Rename carol to caroline (running it again reports ok)
  aliyun.ram.ram_user:
    name: caroline
    rename_from: carol

- name: Rename a user addressed by its ID
  aliyun.ram.ram_user:
    user_id: "216754908726411234"
    name: dave2@corp.onaliyun.com

- name: Delete erin, removing her login profile, access keys, MFA device, groups and policies first
  aliyun.ram.ram_user:
    name: erin
    state: absent
    force: true
"""

RETURN = r"""
user:
  description:
    - The user after the task; in check mode, the predicted user (fields the service fills in, such as O(user_id)
      of a new user, are then V(null)).
    - An empty dictionary after O(state=absent).
  returned: always
  type: dict
  contains:
    user_id:
      description: The user's ID.
      type: str
      sample: "216754908726411234"
    user_principal_name:
      description: The logon name.
      type: str
      sample: alice@corp.onaliyun.com
    user_name:
      description: The part of the logon name before C(@); the name RAM 2015-05-01 calls use.
      type: str
      sample: alice
    display_name:
      description: The display name.
      type: str
      sample: Alice
    email:
      description: The e-mail address; V(null) where the API does not return it (international site).
      type: str
      sample: alice@example.com
    mobile_phone:
      description: The mobile phone number; V(null) where the API does not return it (international site).
      type: str
      sample: 86-18600008888
    comments:
      description: The description.
      type: str
      sample: Platform team
    create_date:
      description: When the user was created (UTC).
      type: str
      sample: "2024-05-01T08:00:00Z"
    update_date:
      description: When the user was last changed (UTC).
      type: str
      sample: "2024-05-02T08:00:00Z"
    last_login_date:
      description: The last console login (UTC); V(null) if the user never logged in.
      type: str
      sample: "2024-05-03T08:00:00Z"
    provision_type:
      description: How the user was created (V(Manual), V(SCIM) or V(CloudSSO)), when the API says.
      type: str
      sample: Manual
    tags:
      description: The user's tags.
      type: dict
      sample: {"team": "platform"}
    groups:
      description: Names of the groups the user belongs to, sorted.
      type: list
      elements: str
      sample: ["developers"]
    policies:
      description: Policies attached to the user, sorted by type and name.
      type: list
      elements: dict
      contains:
        policy_name:
          description: The policy name.
          type: str
          sample: AliyunOSSReadOnlyAccess
        policy_type:
          description: V(System) or V(Custom).
          type: str
          sample: System
diff:
  description: Before and after values of the fields the task manages.
  returned: when run with C(--diff)
  type: dict
  contains:
    before:
      description: The managed fields before the task; empty when the user did not exist.
      type: dict
      sample: {"user_principal_name": "alice@corp.onaliyun.com", "comments": ""}
    after:
      description: The managed fields after the task; empty after a deletion.
      type: dict
      sample: {"user_principal_name": "alice@corp.onaliyun.com", "comments": "Platform team"}
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
  description: The fields the task changed or would change (V(display_name), V(tags), V(groups), V(state), ...).
  returned: always
  type: list
  elements: str
  sample: [comments, groups]
  version_added: 0.2.0
actions:
  description: What the task did or, in check mode, would do, one entry per API write.
  returned: always
  type: list
  elements: str
  sample: ["update comments of alice@example.onaliyun.com", "add alice@example.onaliyun.com to group dev"]
  version_added: 0.2.0
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.user import ensure_user, validate_user_params


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", aliases=["user_principal_name"]),
        user_id=dict(type="str"),
        rename_from=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        display_name=dict(type="str"),
        email=dict(type="str"),
        mobile_phone=dict(type="str"),
        comments=dict(type="str"),
        tags=dict(type="dict"),
        purge_tags=dict(type="bool", default=True),
        groups=dict(type="list", elements="str"),
        purge_groups=dict(type="bool", default=False),
        policies=dict(type="list", elements="raw"),
        purge_policies=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_user.py) checks
# the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(
    supports_check_mode=True,
    required_one_of=[("name", "user_id")],
    mutually_exclusive=[("rename_from", "user_id")],
    required_by={"rename_from": "name"},
)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: ensure_user(client, params, check_mode=module.check_mode, diff=module._diff),
               validate=lambda: validate_user_params(module.params))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
