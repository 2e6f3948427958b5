#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_user_info
short_description: Get one Alibaba Cloud RAM user or list users, with optional groups, policies and login profile
version_added: 0.1.0
description:
  - With O(name) or O(user_id), gets that user (IMS GetUser). Otherwise it lists every user (IMS ListUsers, following the
    paging marker to the end) and keeps those that match all given filters.
  - The list includes frozen users. ListUsers alone returns only active users, so the module asks for both states
    (C(Status=active,freeze)) and reports each user's RV(users[].status).
  - Can add each user's groups, attached policies and login profile, at one extra call per user and item.
  - Only reads, so it runs the same in check mode.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  name:
    description:
      - The logon name of one user to get. A bare name is completed with the account's default domain.
      - No error if the user does not exist; RV(users) is then empty.
    type: str
    aliases: [user_principal_name]
  user_id:
    description:
      - The ID of one user to get. With O(name) too, the user is returned only if both match.
    type: str
  name_prefix:
    description:
      - Keep only users whose logon name starts with this text.
    type: str
  name_regex:
    description:
      - Keep only users whose logon name matches this Python regular expression (searched anywhere in the name).
    type: str
  group:
    description:
      - Keep only members of this group. The task fails if the group does not exist.
    type: str
  status:
    description:
      - Keep only listed users in this state. V(freeze) finds frozen users.
      - Only for listing; it cannot be combined with O(name) or O(user_id), because GetUser does not report the state.
    type: str
    choices: [active, freeze]
    version_added: 0.2.0
  include:
    description:
      - Extra data to read for each user.
      - V(groups) adds RV(users[].groups) (ListGroupsForUser), V(policies) adds RV(users[].policies) (ListPoliciesForUser)
        and V(login_profile) adds RV(users[].login_profile) (GetLoginProfile).
    type: list
    elements: str
    choices: [login_profile, groups, policies]
    default: []
notes:
  - On the international site the API does not return e-mail addresses and mobile phones; those fields are then V(null).
seealso:
  - module: aliyun.ram.ram_user
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes.info_module
"""

EXAMPLES = r"""
- name: Get alice with her groups, policies and login profile
  aliyun.ram.ram_user_info:
    name: alice
    include: [groups, policies, login_profile]
  register: alice_info

- name: Show whether alice can log in to the console
  ansible.builtin.debug:
    msg: "{{ alice_info.users[0].login_profile is not none }}"
  when: alice_info.users | length > 0

- name: List every member of the developers group whose name starts with svc-
  aliyun.ram.ram_user_info:
    group: developers
    name_prefix: svc-
  register: service_users

- name: List frozen users
  aliyun.ram.ram_user_info:
    status: freeze
  register: frozen_users

- name: List users whose logon name matches a pattern
  aliyun.ram.ram_user_info:
    name_regex: "^(alice|bob)@"
"""

RETURN = r"""
users:
  description: The matching users, sorted by logon name; empty if none match.
  returned: always
  type: list
  elements: dict
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
      description: The part of the logon name before C(@).
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
      description: The last console login (UTC), if any.
      type: str
      sample: "2024-05-03T08:00:00Z"
    provision_type:
      description: How the user was created (V(Manual), V(SCIM) or V(CloudSSO)), when the API says.
      type: str
      sample: Manual
    status:
      description:
        - V(active) or V(freeze) for listed users; V(null) for a user looked up by O(name) or O(user_id), since
          GetUser does not report it.
      type: str
      sample: active
      version_added: 0.2.0
    tags:
      description: The user's tags.
      type: dict
      sample: {"team": "platform"}
    groups:
      description: Names of the user's groups, sorted.
      returned: when O(include) contains V(groups)
      type: list
      elements: str
      sample: ["developers"]
    policies:
      description: Policies attached to the user.
      returned: when O(include) contains V(policies)
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
    login_profile:
      description: The user's console login settings; V(null) if the user has no login profile. Never a password.
      returned: when O(include) contains V(login_profile)
      type: dict
      contains:
        status:
          description: V(Active) or V(Inactive).
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
        create_date:
          description: When the profile was created (UTC).
          type: str
          sample: "2024-05-01T08:00:00Z"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.user_info import INCLUDE_CHOICES, STATUS_CHOICES, find_users


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", aliases=["user_principal_name"]),
        user_id=dict(type="str"),
        name_prefix=dict(type="str"),
        name_regex=dict(type="str"),
        group=dict(type="str"),
        status=dict(type="str", choices=list(STATUS_CHOICES)),
        include=dict(type="list", elements="str", choices=list(INCLUDE_CHOICES), default=[]),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_user_info.py) checks
# the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: dict(changed=False, users=find_users(
        client, name=params["name"], user_id=params["user_id"], name_prefix=params["name_prefix"],
        name_regex=params["name_regex"], group=params["group"], include=params["include"],
        status=params["status"])))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
