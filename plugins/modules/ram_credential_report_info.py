#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: ram_credential_report_info
short_description: Audit the RAM identities of an Alibaba Cloud account from its credential report
version_added: 0.3.0
description:
  - Reads the account's user credential report (IMS GenerateCredentialReport / GetCredentialReport) and returns, for
    every RAM user, the console login and its last use, the password's age, MFA, and each AccessKey's status, age and
    last use, plus findings against the thresholds you set and summary counts.
  - One report covers the whole account, so an audit of 1,000 users takes a few API calls instead of several per user.
  - The last report is used when it is younger than O(max_report_age_hours). Otherwise a new one is asked for and
    waited for, at most O(wait_timeout) seconds, since the service generates it asynchronously. The service makes a
    new report at most once every 4 hours; a report it will not renew yet is used, with a warning.
  - The report's CSV is read by column name, never by position.
  - Read-only. The task never changes the account and never reports C(changed). Remediation is a separate, explicit
    step; the P(aliyun.ram.onboarding#role) role's C(audit) entry point can do it.
author:
  - aliyun.ram contributors (@aliyun-ram)
options:
  idle_login_days:
    description:
      - Report an active console login not used for this many days or more (whole days), as C(idle_console_login).
        A login never used counts from the password's last change, else from the user's creation. V(0) turns the
        check off.
    type: int
    default: 90
  console_login_without_mfa:
    description: Report an active console login without an MFA device, as C(console_login_without_mfa).
    type: bool
    default: true
  key_max_age_days:
    description: Report an active AccessKey created this many days ago or more, as C(old_access_key). V(0) turns the check off.
    type: int
    default: 90
  key_unused_days:
    description:
      - Report an active AccessKey not used for this many days or more, as C(unused_access_key). A key never used
        counts from its creation. V(0) turns the check off.
    type: int
    default: 90
  keys_with_console_login:
    description: Report active AccessKeys on a user who also has an active console login, as C(access_key_with_console_login).
    type: bool
    default: false
  max_report_age_hours:
    description: Use the last report when it is younger than this; V(0) always asks for a new one.
    type: int
    default: 4
  wait_timeout:
    description: How many seconds to wait at most for a report being generated; the task then fails, saying so.
    type: int
    default: 120
  report_page_size:
    description: How many report rows to ask for per page, 1 to 3501. Not set means the service's default (3501).
    type: int
  resolve_access_key_ids:
    description:
      - The report names no AccessKey IDs. With V(true), the IDs of the keys with findings are looked up (one
        ListAccessKeys per such user), for example to deactivate them afterwards with M(aliyun.ram.ram_access_key).
    type: bool
    default: false
  report_dir:
    description:
      - Also write the findings to C(credential-report.csv) and C(credential-report.md) in this directory on the
        target, for people who would rather read than parse. Each file is replaced as a whole.
      - The directory is created with mode 0700 if missing; an existing one must be owned by you with no access for
        others, and the files are written mode 0600, never through a link (the rules of the initial password files).
      - Nothing is written in check mode; the directory is checked.
    type: path
notes:
  - Days are whole days elapsed, so a login 89 days and 23 hours ago is 89 days old.
  - In check mode too, a new report is asked for when the last one is missing or stale. Generating a report changes
    nothing in the account; report files are not written in check mode.
  - The report reflects the service's data when it was generated. Alibaba says recent key use may be missing for
    about 2 hours and recent password changes for about 24 hours.
seealso:
  - module: aliyun.ram.ram_access_key
  - module: aliyun.ram.ram_login_profile
  - module: aliyun.ram.ram_security_preference
extends_documentation_fragment:
  - aliyun.ram.connection
  - aliyun.ram.attributes.info_module
"""

EXAMPLES = r"""
- name: Audit the account with the default thresholds (90 days) and write a report for people
  aliyun.ram.ram_credential_report_info:
    report_dir: ~/ram-audit
  register: audit

- name: Show the summary
  ansible.builtin.debug:
    var: audit.summary

- name: Stricter - keys older than 30 days, no AccessKeys for console users, and the IDs of the keys to act on
  aliyun.ram.ram_credential_report_info:
    key_max_age_days: 30
    keys_with_console_login: true
    resolve_access_key_ids: true
  register: strict_audit
"""

RETURN = r"""
report:
  description: How the report was obtained.
  returned: always
  type: dict
  contains:
    generated_time:
      description: When the service generated the report (UTC).
      type: str
      sample: "2026-12-02T08:00:00Z"
    age_hours:
      description: The report's age when it was read, in hours.
      type: float
      sample: 0.5
    requested_new_report:
      description: Whether a new report was asked for (there was none, or it was older than O(max_report_age_hours)).
      type: bool
      sample: true
    states:
      description: The states GenerateCredentialReport answered, in order.
      type: list
      elements: str
      sample: [STARTED, INPROGRESS, COMPLETED]
    polls:
      description: How many times the task asked again while the report was generated.
      type: int
      sample: 2
    columns:
      description: The report's columns.
      type: list
      elements: str
root:
  description: The facts of the C(<root>) row (the Alibaba Cloud account itself), in the shape of RV(users) entries.
  returned: always
  type: dict
users:
  description: One entry per RAM user in the report.
  returned: always
  type: list
  elements: dict
  contains:
    user_principal_name:
      description: The user's logon name.
      type: str
      sample: alice@example.onaliyun.com
    user_name:
      description: The name part of the logon name.
      type: str
      sample: alice
    created:
      description: When the user was created.
      type: str
    created_days:
      description: Whole days since then.
      type: int
    console_login:
      description: Whether the user has a console login (login profile).
      type: bool
    console_login_active:
      description: Whether that console login is enabled; null without one.
      type: bool
    last_login:
      description: The last console logon; null if never.
      type: str
    last_login_days:
      description: Whole days since the last console logon; null if never.
      type: int
    password_last_changed:
      description: When the password was last changed; null if unknown.
      type: str
    password_age_days:
      description: Whole days since then.
      type: int
    password_next_rotation:
      description: When the password policy next forces a change; null if never.
      type: str
    mfa_active:
      description: Whether an MFA device is bound; null without a console login.
      type: bool
    access_keys:
      description: The user's AccessKeys in the report's order.
      type: list
      elements: dict
      contains:
        slot:
          description: The key's place in the report (1, 2, then any additional key).
          type: int
        active:
          description: Whether the key is active.
          type: bool
        last_rotated:
          description: When the key was created or last rotated.
          type: str
        age_days:
          description: Whole days since then.
          type: int
        last_used:
          description: The key's last use; null if never used.
          type: str
        last_used_days:
          description: Whole days since the last use; null if never used.
          type: int
        access_key_id:
          description: The key's ID, only with O(resolve_access_key_ids) and a finding on the key; else null.
          type: str
findings:
  description: What the checks found, one entry per finding.
  returned: always
  type: list
  elements: dict
  contains:
    user_principal_name:
      description: The user.
      type: str
    user_name:
      description: The name part of the logon name.
      type: str
    check:
      description: >-
        C(idle_console_login), C(console_login_without_mfa), C(old_access_key), C(unused_access_key) or
        C(access_key_with_console_login).
      type: str
      sample: idle_console_login
    days:
      description: The measured days, where the check measures days.
      type: int
    threshold_days:
      description: The threshold it was compared with.
      type: int
    message:
      description: The finding in words.
      type: str
      sample: console login unused for 120 days (last logon; limit 90)
    access_key_slot:
      description: For a key finding, the key's slot.
      type: int
    access_key_id:
      description: For a key finding with O(resolve_access_key_ids), the key's ID.
      type: str
    access_key_created:
      description: For a key finding, when the key was created.
      type: str
summary:
  description: Counts over the whole report.
  returned: always
  type: dict
  sample:
    users: 120
    console_logins: 80
    active_console_logins: 78
    users_with_mfa: 60
    access_keys: 45
    active_access_keys: 40
    findings: 31
    users_with_findings: 22
    by_check: {idle_console_login: 9, console_login_without_mfa: 18, old_access_key: 3, unused_access_key: 1,
               access_key_with_console_login: 0}
thresholds:
  description: The thresholds the findings were computed with.
  returned: always
  type: dict
files:
  description: The report files (C(csv), C(markdown)) with O(report_dir); the paths they would have in check mode.
  returned: always
  type: dict
  sample: {csv: /home/me/ram-audit/credential-report.csv, markdown: /home/me/ram-audit/credential-report.md}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec, run_module
from ansible_collections.aliyun.ram.plugins.module_utils.credential_report import DEFAULTS, audit, validate_audit_params


def argument_spec():
    spec = connection_argument_spec()
    spec.update(
        idle_login_days=dict(type="int", default=90),
        console_login_without_mfa=dict(type="bool", default=True),
        key_max_age_days=dict(type="int", default=90, no_log=False),
        key_unused_days=dict(type="int", default=90, no_log=False),
        keys_with_console_login=dict(type="bool", default=False, no_log=False),
        max_report_age_hours=dict(type="int", default=4),
        wait_timeout=dict(type="int", default=120),
        report_page_size=dict(type="int"),
        resolve_access_key_ids=dict(type="bool", default=False, no_log=False),
        report_dir=dict(type="path"),
    )
    return spec


# What AnsibleModule checks besides the argument spec. The controller path (plugins/action/ram_credential_report_info.py)
# checks the same, and runs the same run(); see docs/controller-path.md.
MODULE_CHECKS = dict(supports_check_mode=True)


def run(module):
    """The task, for the AnsibleModule of the module path or the controller path's stand-in; never returns."""
    options = dict((name, module.params[name]) for name in DEFAULTS)

    def task(client, checked):
        return audit(client, checked, check_mode=module.check_mode)

    run_module(module, task, validate=lambda: validate_audit_params(options))


def main():
    run(AnsibleModule(argument_spec=argument_spec(), **MODULE_CHECKS))


if __name__ == "__main__":
    main()
