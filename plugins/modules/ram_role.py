#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_role
short_description: Manage Alibaba Cloud RAM roles, their trust policies and attached policies
version_added: 0.2.0
description:
  - Creates, updates and deletes RAM roles through the RAM 2015-05-01 API (CreateRole, GetRole, UpdateRole,
    DeleteRole, AttachPolicyToRole, DetachPolicyFromRole, ListPoliciesForRole).
  - The trust policy is compared by meaning, as M(aliyun.ram.ram_policy) compares documents. Key order and
    whitespace never cause a change; neither do a single value against a one-element list, nor the order of
    C(Action) entries, which Alibaba documents as equivalent.
  - Every update sends the maximum session duration too, because Alibaba does not say whether an update without it
    resets it to 3600.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  name:
    description:
      - The role name, 1 to 64 letters, digits, periods or hyphens.
    type: str
    required: true
    aliases: [role_name]
  state:
    description:
      - V(present) creates or updates the role; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  assume_role_policy_document:
    description:
      - The trust policy, as a dictionary or as a JSON or YAML string. It says who may assume the role.
      - C(Version) must be the string V("1"), and C(Statement) a non-empty list of statements with an C(Effect).
      - Required to create a role. Not managed when not set.
    type: raw
    aliases: [trust_policy]
  description:
    description:
      - The description, 1 to 1,024 characters. RAM cannot clear a description once set.
    type: str
  max_session_duration:
    description:
      - The longest session, in seconds, that assuming the role can give, from 3600 to 43200. RAM's default is 3600.
    type: int
  policies:
    description:
      - Policies the role should have attached. Each entry is a policy name (a V(System) policy) or a dictionary
        with C(name) and C(type) (V(System) or V(Custom)).
      - Policies not listed are kept unless O(purge_policies=true). Not managed when not set.
      - A role can hold at most 20 System and 10 Custom policies; the task fails before any change when the list
        would exceed that, or when a policy to attach does not exist.
    type: list
    elements: raw
  purge_policies:
    description:
      - Detach the policies that O(policies) does not list.
    type: bool
    default: false
  force:
    description:
      - With O(state=absent), first detach every policy, then delete the role.
      - Without it, deleting a role that has policies fails before any change, with a message that lists them.
    type: bool
    default: false
notes:
  - "API calls on a run without changes: GetRole, and ListPoliciesForRole with O(policies)."
  - Check mode makes the same reads and reports the changes the real run would make, without writing. The role ID
    and ARN of a role that check mode would create are V(null).
  - With C(--diff), the diff shows the name, description, maximum session duration, trust policy (keys sorted) and,
    when managed, the attached policies.
seealso:
  - module: aliyun.ram.ram_role_info
  - module: aliyun.ram.ram_policy
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes
"""

EXAMPLES = r"""
- name: A role that ECS instances can assume, with read access to OSS
  aliyun.ram.ram_role:
    name: ecs-oss-reader
    description: Instances that read OSS
    max_session_duration: 7200
    assume_role_policy_document:
      Version: "1"
      Statement:
        - Effect: Allow
          Action: sts:AssumeRole
          Principal:
            Service: [ecs.aliyuncs.com]
    policies:
      - AliyunOSSReadOnlyAccess
    purge_policies: true

- name: Delete the role, detaching its policies first
  aliyun.ram.ram_role:
    name: ecs-oss-reader
    state: absent
    force: true
"""

RETURN = r"""
role:
  description:
    - The role after the task; in check mode, the prediction. An empty dictionary after O(state=absent).
  returned: always
  type: dict
  contains:
    role_id:
      description: The role's ID (V(null) for a role predicted in check mode).
      type: str
      sample: "901234567890123456"
    role_name:
      description: The role name.
      type: str
      sample: ecs-oss-reader
    arn:
      description: The role's ARN (V(null) for a role predicted in check mode).
      type: str
      sample: "acs:ram::1234567890123456:role/ecs-oss-reader"
    description:
      description: The description.
      type: str
      sample: Instances that read OSS
    max_session_duration:
      description: The longest session in seconds.
      type: int
      sample: 7200
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
      returned: when O(policies) is set
      type: list
      elements: dict
      sample: [{"policy_name": "AliyunOSSReadOnlyAccess", "policy_type": "System"}]
diff:
  description: Before and after values of the fields the task manages.
  returned: when run with C(--diff)
  type: dict
  contains:
    before:
      description: The managed fields before the task; empty when the role did not exist.
      type: dict
      sample: {"role_name": "ecs-oss-reader", "max_session_duration": 3600}
    after:
      description: The managed fields after the task; empty after a deletion.
      type: dict
      sample: {"role_name": "ecs-oss-reader", "max_session_duration": 7200}
completed_actions:
  description:
    - When the task failed after some of its writes were applied, those writes, one line each. The task then
      reports C(changed=true).
  returned: when the task failed after a write
  type: list
  elements: str
  sample: ["detach System policy AliyunOSSReadOnlyAccess from role ecs-oss-reader"]
changed_fields:
  description: The fields the task changed or would change.
  returned: always
  type: list
  elements: str
  sample: [max_session_duration]
actions:
  description: What the task did or, in check mode, would do, one entry per API write.
  returned: always
  type: list
  elements: str
  sample: ["update max_session_duration of role ecs-oss-reader"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.role import ensure_role, validate_role_params


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", required=True, aliases=["role_name"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        assume_role_policy_document=dict(type="raw", aliases=["trust_policy"]),
        description=dict(type="str"),
        max_session_duration=dict(type="int"),
        policies=dict(type="list", elements="raw"),
        purge_policies=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_role.py) checks
# the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: ensure_role(client, params, check_mode=module.check_mode, diff=module._diff),
               validate=lambda: validate_role_params(module.params))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
