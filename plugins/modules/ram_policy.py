#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_policy
short_description: Manage Alibaba Cloud RAM custom policies and their versions
version_added: 0.2.0
description:
  - Creates, updates and deletes RAM custom policies through the RAM 2015-05-01 API (CreatePolicy, GetPolicy,
    CreatePolicyVersion, ListPolicyVersions, DeletePolicyVersion, UpdatePolicyDescription, ListEntitiesForPolicy,
    DeletePolicy).
  - The document is compared by meaning, not as text. Key order and whitespace never cause a change. A single value
    and a one-element list are the same for C(Action), C(NotAction), C(Resource), C(NotResource), principal values
    and condition values, and the order of C(Action) entries does not matter; Alibaba documents both rules. Any
    other difference (the order of statements or of resources, the case of a key or an action) is a change.
  - A changed document becomes a new version, made the default at once. Old versions are deleted, oldest first, so
    that at most O(keep_versions) remain. RAM keeps at most 5 versions of a policy.
  - Attach policies to users with the O(aliyun.ram.ram_user#module:policies) option of M(aliyun.ram.ram_user), and
    to groups with the O(aliyun.ram.ram_group#module:policies) option of M(aliyun.ram.ram_group).
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  name:
    description:
      - The policy name, 1 to 128 letters, digits or hyphens.
    type: str
    required: true
    aliases: [policy_name]
  state:
    description:
      - V(present) creates or updates the policy; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  policy_document:
    description:
      - The policy document, as a dictionary (YAML in the playbook) or as a JSON or YAML string, for example from
        C(lookup('file', 'policy.json')).
      - It must have C(Version) set to the string V("1") and a non-empty C(Statement) list whose entries have an
        C(Effect) of V(Allow) or V(Deny). As JSON it can be at most 6,144 characters long.
      - Required with O(state=present).
    type: raw
    aliases: [policy, document]
  description:
    description:
      - The description, 1 to 1,024 characters. RAM cannot clear a description once set.
    type: str
  keep_versions:
    description:
      - The most versions the policy keeps, from 1 to 5. When a new document would leave more, the oldest versions
        that are not the default are deleted first.
      - Also applies when the document is unchanged and the policy has more versions than this.
    type: int
    default: 5
  force:
    description:
      - With O(state=absent), first detach the policy from every user, group and role that holds it.
      - Without it, deleting an attached policy fails before any change, with a message that names who holds it.
      - Versions that are not the default are always deleted with the policy.
    type: bool
    default: false
notes:
  - "API calls on a run without changes: GetPolicy and ListPolicyVersions. Deleting also calls ListEntitiesForPolicy."
  - Check mode makes the same reads and reports the changes the real run would make, without writing. The ID of a
    new version is RAM's choice, so in check mode RV(policy.default_version) is V(null) when a new version would be
    made.
  - With C(--diff), the diff shows the document (keys sorted), the description and the name.
  - Only custom policies can be managed; system policies are read-only. Read any policy with
    M(aliyun.ram.ram_policy_info).
seealso:
  - module: aliyun.ram.ram_policy_info
  - module: aliyun.ram.ram_user
  - module: aliyun.ram.ram_group
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes
"""

EXAMPLES = r"""
- name: Let developers read ECS
  aliyun.ram.ram_policy:
    name: ecs-read
    description: Read-only ECS access for developers
    policy_document:
      Version: "1"
      Statement:
        - Effect: Allow
          Action: ["ecs:Describe*", "ecs:List*"]
          Resource: "*"

- name: The same policy from a JSON file, keeping only the current and one previous version
  aliyun.ram.ram_policy:
    name: ecs-read
    policy_document: "{{ lookup('ansible.builtin.file', 'policies/ecs-read.json') }}"
    keep_versions: 2

- name: Delete a policy, detaching it from every user, group and role first
  aliyun.ram.ram_policy:
    name: legacy-admin
    state: absent
    force: true
"""

RETURN = r"""
policy:
  description:
    - The policy after the task; in check mode, the prediction. An empty dictionary after O(state=absent).
  returned: always
  type: dict
  contains:
    policy_name:
      description: The policy name.
      type: str
      sample: ecs-read
    policy_type:
      description: Always V(Custom).
      type: str
      sample: Custom
    description:
      description: The description.
      type: str
      sample: Read-only ECS access for developers
    default_version:
      description: The ID of the version in force (V(null) in check mode when a new version would be made).
      type: str
      sample: v2
    attachment_count:
      description: How many users, groups and roles hold the policy.
      type: int
      sample: 1
    create_date:
      description: When the policy was created (UTC).
      type: str
      sample: "2024-05-01T08:00:00Z"
    update_date:
      description: When the policy was last changed (UTC).
      type: str
      sample: "2024-05-02T08:00:00Z"
    policy_document:
      description: The default version's document, parsed.
      type: dict
      sample: {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ecs:Describe*"], "Resource": "*"}]}
diff:
  description: Before and after values of the name, the description and the document.
  returned: when run with C(--diff)
  type: dict
  contains:
    before:
      description: The managed fields before the task; empty when the policy did not exist.
      type: dict
      sample: {"policy_name": "ecs-read", "policy_document": {"Statement": [], "Version": "1"}}
    after:
      description: The managed fields after the task; empty after a deletion.
      type: dict
      sample: {"policy_name": "ecs-read", "policy_document": {"Statement": [], "Version": "1"}}
completed_actions:
  description:
    - When the task failed after some of its writes were applied, those writes, one line each. The task then
      reports C(changed=true).
  returned: when the task failed after a write
  type: list
  elements: str
  sample: ["delete version v2 of policy ecs-read"]
changed_fields:
  description: The fields the task changed or would change (V(policy_document), V(description), V(versions), V(state)).
  returned: always
  type: list
  elements: str
  sample: [policy_document]
actions:
  description: What the task did or, in check mode, would do, one entry per API write.
  returned: always
  type: list
  elements: str
  sample: ["create a new default version of policy ecs-read"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.policy import ensure_policy, validate_policy_params


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", required=True, aliases=["policy_name"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        policy_document=dict(type="raw", aliases=["policy", "document"]),
        description=dict(type="str"),
        keep_versions=dict(type="int", default=5),
        force=dict(type="bool", default=False),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_policy.py) checks
# the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: ensure_policy(client, params, check_mode=module.check_mode, diff=module._diff),
               validate=lambda: validate_policy_params(module.params))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
