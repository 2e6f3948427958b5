#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_access_key
short_description: Keep one active AccessKey per RAM user, rotate it, and deliver each new secret once
version_added: 0.2.0
description:
  - Manages the AccessKeys of one RAM user through the IMS 2019-08-15 API (ListAccessKeys, CreateAccessKey,
    UpdateAccessKey, DeleteAccessKey, GetAccessKeyLastUsed).
  - Without O(user_access_key_id), the user ends with one active key, the newest. A key is created when the user has no
    active key, or when the newest active key is older than O(rotate_after_days). Older active keys are deactivated
    and inactive keys are deleted after O(delete_inactive_after_days). O(state=absent) removes every key.
  - With O(user_access_key_id), the task manages that key only; its O(status), or its deletion with O(state=absent).
  - A key used within O(protect_used_within_days) days is never deactivated or deleted unless O(force=true). It is
    kept, listed in RV(protected_keys) and warned about. So a rotation leaves the old key active while programs
    still use it, and a later run deactivates it once they have moved to the new key.
  - A new key's secret is returned by Alibaba Cloud once. It is written to a new owner-only file in O(secret_dir)
    and never appears in the result, the diff or the log, unless O(return_secret=true) puts it in the result.
  - A key whose secret an interrupted run never delivered is found on the next run (through a marker file in
    O(secret_dir) that holds no secret), reported in RV(undelivered_keys) and removed, since nobody can use it.
  - A user can have at most 2 AccessKeys. When a new key is needed and cannot fit, the task fails before any change
    and names the keys in the way.
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
  user_access_key_id:
    description:
      - Manage this key only. It must exist unless O(state=absent); a key's ID cannot be chosen.
      - Cannot be used with O(rotate_after_days) or O(delete_inactive_after_days).
    type: str
  state:
    description:
      - V(present) keeps one active key (or, with O(user_access_key_id), that key with O(status)).
      - V(absent) deletes every key of the user (or, with O(user_access_key_id), that key). Active keys are deactivated
        first. Keys used within O(protect_used_within_days) are kept unless O(force=true). A user that does not
        exist has no keys, so that is no change.
    type: str
    choices: [present, absent]
    default: present
  status:
    description:
      - With O(user_access_key_id), the status the key should have. Not set means not managed.
      - Deactivating is subject to O(protect_used_within_days); activating is not.
    type: str
    choices: [Active, Inactive]
  rotate_after_days:
    description:
      - Create a new key when the newest active key is at least this many days old (1 or more).
      - The older key is deactivated in the same task if it has not been used within O(protect_used_within_days),
        otherwise by a later run once it has not been.
      - Not set means keys are never rotated by age.
    type: int
  delete_inactive_after_days:
    description:
      - Delete an inactive key once it has been inactive for this many days (0 or more), counted from its last
        change (C(update_date)). Not set means inactive keys are kept.
      - A rotation needs a free slot; with 2 keys already, set this so that the inactive one can go.
    type: int
  protect_used_within_days:
    description:
      - A key used within this many days (GetAccessKeyLastUsed) is never deactivated or deleted unless O(force=true).
      - V(0) turns the protection off.
    type: int
    default: 30
  force:
    description:
      - Deactivate and delete keys even when they were used within O(protect_used_within_days).
    type: bool
    default: false
  secret_dir:
    description:
      - Directory, on the host that runs the task, for the secret of each new key, written to a new file
        C(<user principal name>.<access key id>.credentials), mode 0600. The file is in the INI format of Alibaba's
        tools (C(ALIBABA_CLOUD_CREDENTIALS_FILE)), with the key as its C([default]) profile.
      - Created with mode 0700 when missing. An existing directory must be owned by the user running the task and give
        no permission to group or others; otherwise the task fails before any change. A file is never written
        through an existing file or symbolic link.
      - Also holds the marker of a key being created (C(<user principal name>.accesskey.pending)), with O(return_secret)
        too.
    type: path
    default: ~/.ansible/aliyun_ram/access_keys
  return_secret:
    description:
      - Return a new key's secret in RV(created_key.access_key_secret) instead of writing it to a file, for a
        pipeline that stores it elsewhere (HashiCorp Vault, Alibaba Cloud KMS Secrets Manager).
      - Set C(no_log=true) on the task that registers the result, and on every task that uses the secret;
        otherwise Ansible prints it.
      - The secret counts as delivered only when the task succeeds. If the task fails after the key was created,
        the next run finds the key through the marker in O(secret_dir) and removes it.
    type: bool
    default: false
notes:
  - "API calls on a run without changes: ListAccessKeys (and GetDefaultDomain for a bare name). GetAccessKeyLastUsed
    is asked only about a key the task would deactivate or delete."
  - Check mode makes the same reads and reports the changes the real run would make, without writing; a key it
    would create is shown as C((new key)).
  - With C(--diff), the diff lists the user's keys (ID and status) before and after. Never a secret.
  - Alibaba Cloud can also disable unused keys itself after C(MaxIdleDaysForAccessKeys) days (a security
    preference). Such a key is inactive like any other.
seealso:
  - module: aliyun.ram.ram_access_key_info
  - module: aliyun.ram.ram_user
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes
"""

EXAMPLES = r"""
- name: Give the deploy robot one active key; its secret goes to a file on the controller
  aliyun.ram.ram_access_key:
    name: svc-deploy
    secret_dir: /var/lib/ram-keys

- name: Rotate keys older than 90 days; delete a deactivated key after 14 days
  aliyun.ram.ram_access_key:
    name: svc-deploy
    rotate_after_days: 90
    delete_inactive_after_days: 14
    secret_dir: /var/lib/ram-keys

- name: Create the key and keep its secret for the next task only (AWX, a secret store)
  aliyun.ram.ram_access_key:
    name: svc-reporting
    return_secret: true
  register: reporting_key
  no_log: true

- name: Store the new secret in HashiCorp Vault
  community.hashi_vault.vault_write:
    path: secret/data/ram/svc-reporting
    data:
      data:
        access_key_id: "{{ reporting_key.created_key.access_key_id }}"
        access_key_secret: "{{ reporting_key.created_key.access_key_secret }}"
  when: reporting_key.created_key
  no_log: true

- name: Deactivate one key by its ID (kept if used in the last 30 days)
  aliyun.ram.ram_access_key:
    name: svc-deploy
    user_access_key_id: LTAI5tExampleKeyId0001
    status: Inactive

- name: Offboarding - remove every key of a departed robot, used or not
  aliyun.ram.ram_access_key:
    name: svc-legacy
    state: absent
    force: true
"""

RETURN = r"""
user_principal_name:
  description: The user's full logon name, after completing a bare name.
  returned: always
  type: str
  sample: svc-deploy@example.onaliyun.com
access_keys:
  description:
    - The user's keys after the task, oldest first; in check mode, the prediction. Never a secret.
  returned: always
  type: list
  elements: dict
  contains:
    access_key_id:
      description: The key's ID; V((new key)) for a key predicted in check mode.
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
      sample: 12
created_key:
  description:
    - The key the task created, or V(null). In check mode always V(null).
  returned: always
  type: dict
  contains:
    access_key_id:
      description: The new key's ID.
      type: str
      sample: LTAI5tExampleKeyId0002
    status:
      description: V(Active).
      type: str
      sample: Active
    create_date:
      description: When it was created (UTC).
      type: str
      sample: "2026-04-05T08:00:00Z"
    age_days:
      description: V(0).
      type: int
      sample: 0
    secret_file:
      description: The file holding its secret (without O(return_secret)).
      type: str
      sample: /var/lib/ram-keys/svc-deploy@example.onaliyun.com.LTAI5tExampleKeyId0002.credentials
    access_key_secret:
      description: The secret, only with O(return_secret=true). Register the result with C(no_log).
      type: str
      sample: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER
protected_keys:
  description: Keys the task would have deactivated or deleted but kept, because they were used recently.
  returned: always
  type: list
  elements: dict
  contains:
    access_key_id:
      description: The key's ID.
      type: str
      sample: LTAI5tExampleKeyId0001
    last_used_date:
      description: When it was last used (UTC).
      type: str
      sample: "2026-04-04T23:10:00Z"
    service_name:
      description: The service it last called, when Alibaba Cloud says.
      type: str
      sample: ecs
    reason:
      description: What was not done, V(deactivated) or V(deleted).
      type: str
      sample: deactivated
undelivered_keys:
  description: IDs of keys an interrupted run created without delivering their secret, found by this run.
  returned: always
  type: list
  elements: str
  sample: []
diff:
  description: The user's keys (ID and status) before and after.
  returned: when run with C(--diff)
  type: dict
  contains:
    before:
      description: The keys before the task.
      type: dict
      sample: {"access_keys": [{"access_key_id": "LTAI5tExampleKeyId0001", "status": "Active"}]}
    after:
      description: The keys after the task.
      type: dict
      sample: {"access_keys": [{"access_key_id": "LTAI5tExampleKeyId0001", "status": "Inactive"}]}
completed_actions:
  description:
    - When the task failed after some of its writes were applied, those writes, one line each. The task then
      reports C(changed=true).
  returned: when the task failed after a write
  type: list
  elements: str
  sample: ["create access key for svc-deploy@example.onaliyun.com"]
changed_fields:
  description: What the task changed or would change (V(access_keys) for a create or delete, V(status)).
  returned: always
  type: list
  elements: str
  sample: [access_keys]
actions:
  description: What the task did or, in check mode, would do, one entry per API write.
  returned: always
  type: list
  elements: str
  sample: ["create access key for svc-deploy@example.onaliyun.com"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.access_key import (
    DEFAULT_PROTECT_USED_WITHIN_DAYS,
    DEFAULT_SECRET_DIR,
    ensure_access_key,
    validate_access_key_params,
)
from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", required=True, aliases=["user_principal_name", "user_name"]),
        user_access_key_id=dict(type="str", no_log=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        status=dict(type="str", choices=["Active", "Inactive"]),
        rotate_after_days=dict(type="int"),
        delete_inactive_after_days=dict(type="int"),
        protect_used_within_days=dict(type="int", default=DEFAULT_PROTECT_USED_WITHIN_DAYS),
        force=dict(type="bool", default=False),
        secret_dir=dict(type="path", default=DEFAULT_SECRET_DIR, no_log=False),
        return_secret=dict(type="bool", default=False, no_log=False),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_access_key.py) checks
# the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(
    supports_check_mode=True,
    mutually_exclusive=[("user_access_key_id", "rotate_after_days"), ("user_access_key_id", "delete_inactive_after_days")],
    required_by={"status": "user_access_key_id"},
)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    run_module(module, lambda client, params: ensure_access_key(client, params, check_mode=module.check_mode,
                                                                diff=module._diff),
               validate=lambda: validate_access_key_params(module.params))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
