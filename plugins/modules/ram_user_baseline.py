#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_user_baseline
short_description: Bring many Alibaba Cloud RAM users to one baseline in a single task
version_added: 0.1.0
description:
  - Onboards and offboards many RAM users at once. It is the engine of the M(aliyun.ram.onboarding) role.
  - Each user gets the same treatment as M(aliyun.ram.ram_user) and M(aliyun.ram.ram_login_profile) would give it,
    with the same reconcilers, but one task handles the whole list. A loop over those modules pays Ansible's fixed
    cost per task for every user and every step; this module pays it once.
  - Users are handled concurrently by at most O(max_concurrency) workers. They share one connection pool and one
    retry state, so throttling slows the whole pool down instead of failing users.
  - A user with O(users[].console_login=true) and no O(users[].password) gets a random initial password when the login
    profile is created. It satisfies the account password policy and is written to C(<password_dir>/<name>.password)
    (mode 0600, directory 0700 when created) on the host that runs the module. It is never returned or printed.
  - People change what the baseline gave them, and a re-run respects it. The login flags O(mfa_bind_required) and
    O(password_reset_required) are applied when a console login is created; once a person has changed the initial
    password or bound an MFA device, a re-run makes no write and reports no change (see O(enforce_login_flags)).
  - A console login that is disabled (status C(Inactive)), by an administrator or by the platform because it was
    not used for the account's idle limit, stays disabled and is listed in RV(disabled_logins), unless
    O(enable_disabled_logins=true).
  - With O(return_passwords=true) a generated initial password is returned in RV(users[].initial_password) instead
    of being written to a file, for job containers (AWX) whose files are lost when the job ends. Register the result
    with C(no_log=true).
  - "Programmatic users (O(users[].access_key=true), or O(users[].programmatic=true), which also means no console
    login unless O(users[].console_login=true)) end with exactly one active AccessKey, as M(aliyun.ram.ram_access_key)
    without O(aliyun.ram.ram_access_key#module:user_access_key_id) would leave them, planned by the same code: a key
    is created when the user has no active key (or, with O(rotate_after_days), when the newest is that old), and its
    secret is delivered once, to a new owner-only file in O(secret_dir), or in RV(users[].created_key) with
    O(return_secrets=true)."
  - "Offboarding (O(users[].state=absent)): console login is disabled first (login profile status C(Inactive)), then
    the user's active AccessKeys are deactivated. With O(delete_users=true) its keys are deleted (after being
    deactivated) and the user is deleted with everything attached (group memberships, policies, MFA device, login
    profile). Without it only the group memberships are removed."
  - "The last-use guard: a key used within O(protect_used_within_days) days is never deactivated or deleted unless
    O(force_key_removal=true). It is kept, listed in RV(users[].protected_keys) and warned about. A user whose key is
    kept cannot be deleted: it is disabled instead (RV(users[].deletion_blocked)), and a later run deletes it once the
    key is unused for that long."
  - A failure on one user does not stop the others. The task then fails, reports every user's outcome,
    and the other users' changes stand.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  users:
    description:
      - The users to reconcile, one entry per user. A user may appear only once.
      - Every entry is checked before any API call, so bad input changes nothing.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - The user's logon name (UserPrincipalName), such as C(alice@example.onaliyun.com).
          - A bare name such as C(alice) is completed with the account's default domain.
        type: str
        required: true
      state:
        description:
          - V(present) onboards the user; V(absent) offboards it (see O(delete_users)).
        type: str
        choices: [present, absent]
        default: present
      display_name:
        description:
          - The display name, up to 24 characters. A new user without one gets the part of O(users[].name) before C(@).
        type: str
      email:
        description:
          - The e-mail address. Only the China site returns it, so the international site sets it only on creation. It
            cannot be cleared (see M(aliyun.ram.ram_user)).
        type: str
      mobile_phone:
        description: The mobile phone number as C(<country code>-<number>). It cannot be cleared (see M(aliyun.ram.ram_user)).
        type: str
      comments:
        description: The description, 1 to 128 characters. It cannot be cleared (see M(aliyun.ram.ram_user)).
        type: str
      tags:
        description:
          - Tags for this user, merged over O(default_tags).
          - Other tags the user has are kept unless O(purge_tags=true).
        type: dict
      groups:
        description:
          - Groups this user is a member of, in addition to O(default_groups).
          - Other memberships are kept unless O(purge_groups=true). A user can be in at most 5 groups.
        type: list
        elements: str
      policies:
        description:
          - Policies attached to this user, in addition to O(default_policies).
          - Each entry is a policy name (a V(System) policy) or a dictionary with C(name) and C(type) (V(System) or V(Custom)).
          - Other attached policies are kept unless O(purge_policies=true).
        type: list
        elements: raw
      console_login:
        description:
          - V(true) ensures a console login (login profile). A new one is active and gets O(mfa_bind_required) and
            O(password_reset_required); an existing one that is disabled stays so unless O(enable_disabled_logins=true).
          - V(false) removes the console login.
          - When unset, O(default_console_login) decides; O(users[].password) implies V(true).
        type: bool
      mfa_bind_required:
        description: This user's O(mfa_bind_required), overriding the top-level option.
        type: bool
        version_added: 0.2.0
      password_reset_required:
        description: This user's O(password_reset_required), overriding the top-level option.
        type: bool
        version_added: 0.2.0
      enforce_login_flags:
        description:
          - This user's O(enforce_login_flags), overriding the top-level option. For example V(always) together with
            O(users[].password_reset_required=true) makes this one person reset the password at the next login.
        type: str
        choices: [on_create, always]
        version_added: 0.2.0
      password:
        description:
          - The initial console password. It is used only when the login profile is created; an existing password is
            never changed.
          - Checked against the account password policy before it is sent.
          - Leave it out to have one generated into O(password_dir) (or, with O(return_passwords=true), the result).
        type: str
      access_key:
        description:
          - V(true) gives the user exactly one active AccessKey, created when it has none (see O(rotate_after_days)).
            The new secret goes to O(secret_dir), or to RV(users[].created_key) with O(return_secrets=true).
          - V(false) or unset leaves the user's AccessKeys as they are (offboarding handles them whatever this says).
        type: bool
        version_added: 0.2.0
      programmatic:
        description:
          - V(true) marks a program's user (a service account). It implies O(users[].access_key=true), and the user has
            no console login unless O(users[].console_login=true) (or O(users[].password)) asks for one; an existing
            console login is removed. O(default_console_login) does not apply.
        type: bool
        version_added: 0.2.0
  mfa_bind_required:
    description:
      - Whether users must bind an MFA device at their first console login.
      - Applied when the console login is created; see O(enforce_login_flags) for existing ones.
    type: bool
    default: true
  password_reset_required:
    description:
      - Whether users must change their initial password at their first console login.
      - Applied when the console login is created; see O(enforce_login_flags) for existing ones.
    type: bool
    default: true
  enforce_login_flags:
    description:
      - When O(mfa_bind_required) and O(password_reset_required) are applied to a console login that already exists.
      - V(on_create) applies them only when the console login is created. The service clears
        C(PasswordResetRequired) once a person has set a new password, and the emulator assumes the same for
        C(MFABindRequired) once a device is bound; a re-run then leaves both alone and reports no change.
      - V(always) compares and enforces them on every run. Use it on demand (for a run, or per user with
        O(users[].enforce_login_flags)) to make people reset their password or bind MFA again. In a scheduled job it
        asks them again after every time they did.
    type: str
    choices: [on_create, always]
    default: on_create
    version_added: 0.2.0
  enable_disabled_logins:
    description:
      - V(true) turns on again the existing console logins of present users with O(users[].console_login=true) that
        are disabled (status C(Inactive)).
      - V(false) leaves them disabled and lists them in RV(disabled_logins). The platform disables a console login
        that was not used for the account's idle limit (730 days unless the security preference says otherwise),
        and an administrator may have disabled one on purpose; neither is undone without this choice.
    type: bool
    default: false
    version_added: 0.2.0
  default_console_login:
    description:
      - The O(users[].console_login) of entries that do not set it (and give no O(users[].password)).
      - Unset means that such entries do not manage the console login. The M(aliyun.ram.onboarding) role passes
        V(true), so an entry with just a name gets a console login with MFA and a password change at first login.
    type: bool
    version_added: 0.2.0
  default_groups:
    description: Groups every present user is a member of.
    type: list
    elements: str
    default: []
  default_policies:
    description: Policies attached to every present user; entries as in O(users[].policies).
    type: list
    elements: raw
    default: []
  default_tags:
    description: Tags every present user has; O(users[].tags) win over these.
    type: dict
    default: {}
  purge_groups:
    description:
      - Remove present users from groups that neither O(default_groups) nor O(users[].groups) name.
      - With this set, a user without O(users[].groups) and no O(default_groups) leaves every group.
    type: bool
    default: false
  purge_policies:
    description: Detach from present users the policies that neither O(default_policies) nor O(users[].policies) name.
    type: bool
    default: false
  purge_tags:
    description:
      - Remove from present users the tags that neither O(default_tags) nor O(users[].tags) name.
      - V(false) by default, unlike the C(aliyun.ram.tags) modules such as M(aliyun.ram.ram_user). A baseline adds the
        team's tags to people who may also carry tags that other teams or tools set (cost centres, projects); those
        survive unless you decide that the baseline owns every tag. Preview with C(--check --diff) before turning it on.
    type: bool
    default: false
  delete_users:
    description:
      - V(true) deletes users with O(users[].state=absent), with everything attached to them.
      - V(false) only disables their console login and removes their group memberships.
    type: bool
    default: false
  password_dir:
    description:
      - Directory for generated initial passwords, one file per user named C(<user principal name>.password), mode 0600.
        It is on the host that runs the module.
      - Created with mode 0700 when missing. An existing directory must be owned by the user running the module and
        give no permission to group or others (C(chmod 700)); otherwise the task fails before any change. A symbolic
        link is followed only to such a directory.
      - A password file is always a new file (never written through an existing file or link). A file left by an
        interrupted run is used only if it is a regular file owned by that user with mode 0600; otherwise that
        user fails before any change, naming the file.
      - Required when some user asks for a console login without a password.
    type: path
  return_passwords:
    description:
      - Return each generated initial password in RV(users[].initial_password) instead of writing it to O(password_dir)
        (not needed then). For AWX and other job containers whose files are lost when the job ends.
      - Set C(no_log=true) on the task that registers the result, and on every task that uses a password; otherwise
        Ansible prints it. A password the user gave (O(users[].password)) is never returned.
      - Without a file there is no recovery from an interrupted run. A console login created by a run that died
        before it returned its result has a password nobody knows; reset it with M(aliyun.ram.ram_login_profile).
    type: bool
    default: false
    version_added: 0.2.0
  secret_dir:
    description:
      - Directory for the secrets of new AccessKeys, on the host that runs the module, one INI credentials file per key
        named C(<user principal name>.<access key id>.credentials) (mode 0600), usable as C(ALIBABA_CLOUD_CREDENTIALS_FILE).
      - The same rules as O(password_dir) (created 0700, owner-only, never written through a link), and the same
        directory as M(aliyun.ram.ram_access_key)'s O(aliyun.ram.ram_access_key#module:secret_dir) by default.
      - Also holds the marker of a key being created (no secret), with O(return_secrets) too; an interrupted create is
        found through it on the next run and its undelivered key removed.
      - Used only when some present user has O(users[].access_key) or O(users[].programmatic).
    type: path
    default: ~/.ansible/aliyun_ram/access_keys
    version_added: 0.2.0
  return_secrets:
    description:
      - Return a new key's secret in RV(users[].created_key.access_key_secret) instead of writing it to a file.
      - Set C(no_log=true) on the task that registers the result. The secrets count as delivered only when the task
        succeeds; if any user fails, they are left out of the result and the next run replaces those keys.
    type: bool
    default: false
    version_added: 0.2.0
  rotate_after_days:
    description:
      - For users with O(users[].access_key), a new key is created when the newest active key is this many days old;
        the older key is deactivated once the guard (O(protect_used_within_days)) lets it go. Unset never rotates.
    type: int
    version_added: 0.2.0
  delete_inactive_after_days:
    description:
      - For users with O(users[].access_key), inactive keys are deleted once inactive for this many days (under the
        guard). Unset keeps them.
    type: int
    version_added: 0.2.0
  protect_used_within_days:
    description:
      - The last-use guard (GetAccessKeyLastUsed). A key used within this many days is never deactivated or deleted,
        by rotation or by offboarding, unless O(force_key_removal=true). V(0) turns the guard off.
    type: int
    default: 30
    version_added: 0.2.0
  force_key_removal:
    description:
      - Deactivate and delete keys even when they were used recently (the guard is not asked).
    type: bool
    default: false
    version_added: 0.2.0
  max_concurrency:
    description: How many users are handled at the same time (1 to 64).
    type: int
    default: 8
  known_groups:
    description:
      - Groups known to exist, for example because an earlier task ensured them. They are not looked up.
      - The M(aliyun.ram.onboarding) role passes its C(onboarding_groups) here, so that check mode on an account
        where those groups do not exist yet predicts the memberships instead of failing.
    type: list
    elements: str
    default: []
  known_policies:
    description:
      - Names of custom policies known to exist, for example because an earlier task ensured them. They are not
        looked up.
      - The M(aliyun.ram.onboarding) role passes its C(onboarding_policies) here, so that check mode on an account
        where those policies do not exist yet predicts the attachments instead of failing.
    type: list
    elements: str
    default: []
    version_added: 0.2.0
notes:
  - "API calls for an existing user with nothing to change: GetUser, ListGroupsForUser, ListPoliciesForUser and, when
    O(users[].console_login) is set, GetLoginProfile. GetDefaultDomain runs once per task. GetPasswordPolicy runs once
    per task, and only when a password must be checked or generated. GetGroup and GetPolicy run only for groups and
    policies about to be added, once per name per task. Writes happen only for what differs."
  - "AccessKeys cost ListAccessKeys for each existing user with O(users[].access_key) and each offboarded user;
    GetAccessKeyLastUsed only for a key the task would deactivate or delete."
  - In check mode nothing is written, not even a password file; the results predict the real run.
  - The diff holds one entry per changed user, named in its headers; it never contains a password.
seealso:
  - module: aliyun.ram.ram_user
  - module: aliyun.ram.ram_login_profile
  - module: aliyun.ram.ram_group
  - module: aliyun.ram.ram_password_policy
  - module: aliyun.ram.ram_access_key
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes
"""

EXAMPLES = r"""
- name: Onboard two developers with a console login and generated initial passwords
  aliyun.ram.ram_user_baseline:
    default_groups: [developers]
    default_tags:
      team: payments
    password_dir: /root/ram-initial-passwords
    users:
      - name: alice
        display_name: Alice Liddell
        email: alice@example.com
        console_login: true
      - name: bob
        console_login: true
        groups: [oncall]
        policies:
          - AliyunECSReadOnlyAccess
          - name: payments-deploy
            type: Custom

- name: Offboard carol and delete dave
  aliyun.ram.ram_user_baseline:
    delete_users: true
    users:
      - name: carol
        state: absent
      - name: dave
        state: absent

- name: Onboard two service accounts, each with one AccessKey, their secrets returned for a secret store
  aliyun.ram.ram_user_baseline:
    return_secrets: true
    users:
      - name: svc-deploy
        programmatic: true
      - name: svc-report
        programmatic: true
        policies: [AliyunOSSReadOnlyAccess]
  register: service_accounts
  no_log: true

- name: Offboard a service account; a key used in the last 30 days is kept and reported
  aliyun.ram.ram_user_baseline:
    delete_users: true
    users:
      - name: svc-legacy
        state: absent

- name: Nightly compliance audit of every user's baseline (run with --check --diff)
  aliyun.ram.ram_user_baseline:
    default_groups: [employees]
    purge_groups: true
    users: "{{ ram_users }}"
    password_dir: /var/lib/ram-onboarding
  check_mode: true
  register: audit
"""

RETURN = r"""
users:
  description:
    - One entry per input user, in input order; the prediction in check mode.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name as given.
      type: str
      sample: alice
    user_principal_name:
      description: The full logon name, or V(null) when it could not be determined.
      type: str
      sample: alice@example.onaliyun.com
    state:
      description: The state asked for.
      type: str
      sample: present
    action:
      description: What happened to the user.
      type: str
      choices: [created, updated, disabled, deleted, unchanged, failed]
      sample: created
    changed:
      description: Whether the user changed. A failed user may have changed before the failure.
      type: bool
      sample: true
    changed_fields:
      description: The fields that changed; login profile fields start with C(login_profile.).
      type: list
      elements: str
      sample: [groups, login_profile.mfa_bind_required]
    changes:
      description:
        - One line per API write made (in check mode, planned). For a failed user, the writes that succeeded.
      type: list
      elements: str
      sample: ["add alice@example.onaliyun.com to group developers"]
    warnings:
      description: Warnings about this user.
      type: list
      elements: str
      sample: []
    console_login_disabled:
      description:
        - V(true) when the user's existing console login is disabled and was left so (see O(enable_disabled_logins)).
      type: bool
      returned: when the console login is disabled and left so
      sample: true
    password_file:
      description:
        - The file holding the user's generated initial password (in check mode, the file a real run would write).
        - Only present when a password was generated.
      type: str
      returned: when a password was generated
      sample: /root/ram-initial-passwords/alice@example.onaliyun.com.password
    initial_password:
      description:
        - The generated initial password, only with O(return_passwords=true), once its console login was created.
        - Register the result with C(no_log=true).
      type: str
      returned: with return_passwords, when a password was generated and the console login created
      sample: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER
      version_added: 0.2.0
    created_key:
      description: The AccessKey created for the user (never in check mode); without its secret unless O(return_secrets=true).
      type: dict
      returned: when a key was created
      version_added: 0.2.0
      contains:
        access_key_id:
          description: The key's ID.
          type: str
          sample: LTAI5tExampleKeyId0002
        status:
          description: V(Active).
          type: str
          sample: Active
        create_date:
          description: When it was created (UTC).
          type: str
          sample: "2026-05-01T08:00:00Z"
        secret_file:
          description: The credentials file holding its secret (without O(return_secrets)).
          type: str
          sample: /root/.ansible/aliyun_ram/access_keys/svc-deploy@example.onaliyun.com.LTAI5tExampleKeyId0002.credentials
        access_key_secret:
          description: The secret, only with O(return_secrets=true) and a task that succeeded. Register with C(no_log).
          type: str
          sample: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER
    protected_keys:
      description:
        - Keys the task would have deactivated or deleted but kept because they were used within
          O(protect_used_within_days) days. Each has C(access_key_id), C(last_used_date), C(service_name) and
          C(reason) (V(deactivated) or V(deleted)).
      type: list
      elements: dict
      returned: for users whose keys were managed (O(users[].access_key) or offboarding)
      sample: [{access_key_id: LTAI5tExampleKeyId0001, last_used_date: "2026-05-01T08:00:00Z", service_name: ecs, reason: deleted}]
      version_added: 0.2.0
    deletion_blocked:
      description:
        - V(true) when O(delete_users=true) asked to delete the user but a recently used key was kept, so the user
          was disabled instead (RV(users[].action) is V(disabled)).
      type: bool
      returned: when a kept key blocked the deletion
      sample: true
      version_added: 0.2.0
    error:
      description: Why the user failed; C(code), C(request_id) and C(http_status) are set for API errors.
      type: dict
      returned: when action is failed
      sample: {msg: "users[0] (alice).groups: group 'ops' does not exist"}
disabled_logins:
  description:
    - The logon names of present users whose existing console login is disabled and was left disabled.
    - The platform disables console logins that were not used for the account's idle limit; this list shows them.
  returned: always
  type: list
  elements: str
  sample: [carol@example.onaliyun.com]
  version_added: 0.2.0
counts:
  description: How many users ended with each action.
  returned: always
  type: dict
  sample: {created: 2, updated: 1, disabled: 0, deleted: 0, unchanged: 17, failed: 0}
diff:
  description: With C(--diff), one entry per changed user with C(before_header) and C(after_header) naming the user.
  returned: when diff mode is on
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.access_key import DEFAULT_PROTECT_USED_WITHIN_DAYS, DEFAULT_SECRET_DIR
from ansible_collections.aliyun.ram.plugins.module_utils.batch import (
    DEFAULT_MAX_CONCURRENCY,
    BatchOptions,
    failure_message,
    run_batch,
)
from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module

USER_ENTRY_OPTIONS = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    display_name=dict(type="str"),
    email=dict(type="str"),
    mobile_phone=dict(type="str"),
    comments=dict(type="str"),
    tags=dict(type="dict"),
    groups=dict(type="list", elements="str"),
    policies=dict(type="list", elements="raw"),
    console_login=dict(type="bool"),
    password=dict(type="str", no_log=True),
    mfa_bind_required=dict(type="bool"),
    password_reset_required=dict(type="bool", no_log=False),
    enforce_login_flags=dict(type="str", choices=["on_create", "always"]),
    access_key=dict(type="bool", no_log=False),
    programmatic=dict(type="bool"),
)

OPTION_NAMES = ("mfa_bind_required", "password_reset_required", "default_groups", "default_policies", "default_tags",
                "purge_groups", "purge_policies", "purge_tags", "delete_users", "password_dir", "max_concurrency",
                "known_groups", "enforce_login_flags", "enable_disabled_logins", "default_console_login",
                "return_passwords", "secret_dir", "return_secrets", "rotate_after_days", "delete_inactive_after_days",
                "protect_used_within_days", "force_key_removal", "known_policies")


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        users=dict(type="list", elements="dict", required=True, options=USER_ENTRY_OPTIONS),
        mfa_bind_required=dict(type="bool", default=True),
        password_reset_required=dict(type="bool", default=True, no_log=False),
        default_groups=dict(type="list", elements="str", default=[]),
        default_policies=dict(type="list", elements="raw", default=[]),
        default_tags=dict(type="dict", default={}),
        purge_groups=dict(type="bool", default=False),
        purge_policies=dict(type="bool", default=False),
        purge_tags=dict(type="bool", default=False),
        delete_users=dict(type="bool", default=False),
        password_dir=dict(type="path", no_log=False),
        max_concurrency=dict(type="int", default=DEFAULT_MAX_CONCURRENCY),
        known_groups=dict(type="list", elements="str", default=[]),
        known_policies=dict(type="list", elements="str", default=[]),
        enforce_login_flags=dict(type="str", default="on_create", choices=["on_create", "always"]),
        enable_disabled_logins=dict(type="bool", default=False),
        default_console_login=dict(type="bool"),
        return_passwords=dict(type="bool", default=False, no_log=False),
        secret_dir=dict(type="path", default=DEFAULT_SECRET_DIR, no_log=False),
        return_secrets=dict(type="bool", default=False, no_log=False),
        rotate_after_days=dict(type="int"),
        delete_inactive_after_days=dict(type="int"),
        protect_used_within_days=dict(type="int", default=DEFAULT_PROTECT_USED_WITHIN_DAYS),
        force_key_removal=dict(type="bool", default=False),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_user_baseline.py)
# checks the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    options = BatchOptions(**dict((name, module.params[name]) for name in OPTION_NAMES))

    def task(client, params):
        return run_batch(client, params["users"], options, check_mode=module.check_mode, diff=module._diff)

    run_module(module, task, finish=lambda summary: exit_with_summary(module, summary))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


def exit_with_summary(module, summary):
    """Fail the task when any user failed (the summary still reports every user), else exit with it."""
    message = failure_message(summary)
    if message:
        module.fail_json(msg=message, **summary)
    module.exit_json(**summary)


if __name__ == "__main__":
    main()
