# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad-input matrix: invalid inputs across every module and the onboarding role.

Each case is one task (the role's cases: one include_role in a block/rescue) in one playbook run against the
emulator, after a setup that creates a group, a user with a console login and a password policy. After the
setup the emulator's counters are reset, so the write count read at the end belongs to the cases alone.
Each case must fail, with a message that names the problem (every listed fragment, case-insensitive),
and the cases together must make zero writes (so each one made none).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest
import yaml

from conftest import keep_output, playrun

LONG = "a" * 65
WEAK = "weakpass"  # breaks the policy set up below (length 12, symbols)
STRONG = "Strong#Pass-2024x"
NO_CREDENTIALS = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ""}
# Messages Ansible itself writes, which the collection cannot word: case id -> why it is a known gap.
KNOWN_GAPS = {
    "baseline-users-not-list": "ansible-core's elements=dict conversion error does not name the option",
}

# (case id, module or "role", arguments, fragments the failure message must contain, task environment)
CASES = [
    # ram_user
    ("user-name-too-long", "ram_user", {"name": LONG}, ["name", "64"], None),
    ("user-name-bad-chars", "ram_user", {"name": "bad name!"}, ["name", "letters"], None),
    ("user-bad-upn-domain", "ram_user", {"name": "alice@"}, ["name"], None),
    ("user-display-name-too-long", "ram_user", {"name": "bi1", "display_name": "d" * 129}, ["display_name"], None),
    ("user-comments-too-long", "ram_user", {"name": "bi1", "comments": "c" * 129}, ["comments", "128"], None),
    ("user-bad-email", "ram_user", {"name": "bi1", "email": "not-an-email"}, ["email"], None),
    ("user-bad-phone", "ram_user", {"name": "bi1", "mobile_phone": "12345"}, ["mobile_phone"], None),
    ("user-reserved-tag-key", "ram_user", {"name": "bi1", "tags": {"acs:owner": "x"}}, ["tags", "acs:"], None),
    ("user-too-many-tags", "ram_user", {"name": "bi1", "tags": dict(("k%d" % i, "v") for i in range(21))}, ["tags", "at most"], None),
    ("user-too-many-groups", "ram_user", {"name": "bi1", "groups": ["g1", "g2", "g3", "g4", "g5", "g6"]}, ["groups", "5"], None),
    ("user-unknown-group", "ram_user", {"name": "bi1", "groups": ["no-such-group"]}, ["no-such-group"], None),
    ("user-unknown-policy", "ram_user", {"name": "bi1", "policies": ["NoSuchPolicy"]}, ["NoSuchPolicy"], None),
    ("user-bad-policy-type", "ram_user", {"name": "bi1", "policies": [{"name": "AliyunECSReadOnlyAccess", "type": "Other"}]},
     ["policies", "System or Custom"], None),
    ("user-state-choice", "ram_user", {"name": "bi1", "state": "gone"}, ["state", "present"], None),
    ("user-name-and-user-id", "ram_user", {"name": "bi1", "user_id": "123"}, ["name", "user_id"], None),
    ("user-no-identity", "ram_user", {"display_name": "x"}, ["name"], None),
    ("user-tags-not-dict", "ram_user", {"name": "bi1", "tags": "team"}, ["tags"], None),
    ("user-malformed-endpoint", "ram_user", {"name": "bi1", "ims_endpoint": "ftp://[bad"}, ["ims_endpoint"], None),
    ("user-bad-timeout-type", "ram_user", {"name": "bi1", "timeout": "soon"}, ["timeout"], None),
    ("user-missing-credentials", "ram_user", {"name": "bi1"}, ["credential"], NO_CREDENTIALS),
    ("user-empty-access-key-id", "ram_user", {"name": "bi1", "access_key_id": "", "access_key_secret": "x"}, ["access_key_id"], None),
    ("user-empty-secret", "ram_user", {"name": "bi1", "access_key_id": "testid", "access_key_secret": ""}, ["access_key_secret"], None),
    ("user-wrong-secret", "ram_user", {"name": "bi1", "access_key_id": "testid", "access_key_secret": "wrong-secret"},
     ["SignatureDoesNotMatch"], None),
    ("user-unknown-key-id", "ram_user", {"name": "bi1", "access_key_id": "nosuchkey", "access_key_secret": "x"},
     ["InvalidAccessKeyId"], None),
    ("user-unknown-option", "ram_user", {"name": "bi1", "colour": "blue"}, ["colour"], None),
    # UpdateUser documents no empty value: "clearing" a field that has a value is refused, not sent
    ("user-clear-comments", "ram_user", {"name": "bi-existing", "comments": ""}, ["comments:", "cannot clear"], None),
    ("user-clear-email", "ram_user", {"name": "bi-existing", "email": ""}, ["email:", "cannot clear"], None),
    ("user-tags-over-quota-merged", "ram_user", {"name": "bi-existing", "purge_tags": False,
                                                 "tags": dict(("n%d" % i, "v") for i in range(20))},
     ["tags:", "would have 21 tags"], None),
    # trailing newlines (a YAML block scalar adds one): "$" with re.match() used to let them through
    ("user-name-trailing-newline", "ram_user", {"name": "kate\n"}, ["name:", "may contain only"], None),
    ("user-name-trailing-cr", "ram_user", {"name": "kate\r"}, ["name:", "may contain only"], None),
    ("user-upn-trailing-newline", "ram_user", {"name": "kate@bi.onaliyun.com\n"}, ["name:", "domain"], None),
    ("user-email-trailing-newline", "ram_user", {"name": "bi1", "email": "kate@example.com\n"}, ["email:"], None),
    ("user-phone-trailing-newline", "ram_user", {"name": "bi1", "mobile_phone": "86-18600008888\n"}, ["mobile_phone:"], None),
    ("user-group-trailing-newline", "ram_user", {"name": "bi1", "groups": ["bi-dev\n"]}, ["groups:"], None),
    ("user-policy-trailing-newline", "ram_user", {"name": "bi1", "policies": ["AliyunECSReadOnlyAccess\n"]}, ["policies:"], None),
    ("user-display-name-newline", "ram_user", {"name": "bi1", "display_name": "Kate\n"}, ["display_name:", "control"], None),
    ("user-tag-key-newline", "ram_user", {"name": "bi1", "tags": {"team\n": "x"}}, ["tags:", "control"], None),
    # ram_login_profile
    ("profile-enforce-flags-choice", "ram_login_profile", {"name": "bi-existing", "enforce_login_flags": "sometimes"},
     ["enforce_login_flags"], None),
    ("profile-weak-password", "ram_login_profile", {"name": "bi-existing", "password": WEAK, "update_password": "always"},
     ["password"], None),
    ("profile-weak-password-create", "ram_login_profile", {"name": "bi-nologin", "password": WEAK}, ["password"], None),
    ("profile-password-contains-name", "ram_login_profile",
     {"name": "bi-existing", "password": "bi-existing#Xy12", "update_password": "always"}, ["password"], None),
    ("profile-bad-status", "ram_login_profile", {"name": "bi-existing", "status": "Paused"}, ["status", "Active"], None),
    ("profile-bad-update-password", "ram_login_profile", {"name": "bi-existing", "update_password": "sometimes"},
     ["update_password"], None),
    ("profile-bool-type", "ram_login_profile", {"name": "bi-existing", "mfa_bind_required": "maybe"}, ["mfa_bind_required"], None),
    ("profile-user-missing", "ram_login_profile", {"name": "bi-ghost", "password": STRONG}, ["bi-ghost"], None),
    ("profile-no-name", "ram_login_profile", {"password": STRONG}, ["name"], None),
    ("profile-name-trailing-newline", "ram_login_profile", {"name": "bi-existing\n", "password": STRONG}, ["name:", "may contain only"], None),
    ("profile-password-trailing-newline", "ram_login_profile",
     {"name": "bi-existing", "password": STRONG + "\n", "update_password": "always"}, ["password:", "control"], None),
    # ram_login_profile_info, ram_user_info
    ("profile-info-bad-name", "ram_login_profile_info", {"name": "bad name!"}, ["name"], None),
    ("user-info-bad-regex", "ram_user_info", {"name_regex": "(unclosed"}, ["name_regex"], None),
    ("user-info-bad-include", "ram_user_info", {"include": ["passwords"]}, ["include"], None),
    ("user-info-status-with-name", "ram_user_info", {"name": "bi-existing", "status": "freeze"}, ["status", "listed users only"], None),
    # ram_group
    ("group-name-bad-chars", "ram_group", {"name": "bad group!"}, ["name"], None),
    ("group-name-too-long", "ram_group", {"name": LONG}, ["name", "64"], None),
    ("group-comments-too-long", "ram_group", {"name": "bi-dev", "comments": "c" * 129}, ["comments", "128"], None),
    ("group-name-trailing-newline", "ram_group", {"name": "bi-dev\n"}, ["name:", "may contain only"], None),
    # ram_group policies, ram_group_info (issue 15)
    ("group-unknown-policy", "ram_group", {"name": "bi-dev", "policies": [{"name": "no-such-policy", "type": "Custom"}]},
     ["policies:", "no-such-policy", "does not exist"], None),
    ("group-policy-bad-type", "ram_group", {"name": "bi-dev", "policies": [{"name": "x", "type": "Other"}]},
     ["policies:", "System or Custom"], None),
    ("group-too-many-custom-policies", "ram_group", {"name": "bi-dev", "policies": [{"name": "p%d" % i, "type": "Custom"} for i in range(11)]},
     ["policies:", "at most 10"], None),
    ("group-info-name-and-prefix", "ram_group_info", {"name": "bi-dev", "name_prefix": "bi"}, ["name_prefix:", "cannot be combined"], None),
    ("group-info-bad-name", "ram_group_info", {"name": "bad group!"}, ["name:", "may contain only"], None),
    # ram_policy and ram_policy_info
    ("custom-policy-bad-name", "ram_policy", {"name": "bad name", "policy_document": {"Version": "1", "Statement": [{"Effect": "Allow"}]}},
     ["name:", "letters, digits and hyphens"], None),
    ("custom-policy-no-document", "ram_policy", {"name": "bi-policy"}, ["policy_document:", "required"], None),
    ("custom-policy-not-json", "ram_policy", {"name": "bi-policy", "policy_document": "{not json"}, ["policy_document:", "JSON"], None),
    ("custom-policy-version-number", "ram_policy", {"name": "bi-policy", "policy_document": {"Version": 1, "Statement": [{"Effect": "Allow"}]}},
     ["policy_document:", "Version"], None),
    ("custom-policy-bad-effect", "ram_policy", {"name": "bi-policy", "policy_document": {"Version": "1", "Statement": [{"Effect": "Permit"}]}},
     ["policy_document:", "Effect"], None),
    ("custom-policy-too-long", "ram_policy",
     {"name": "bi-policy", "policy_document": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "a" * 6200}]}},
     ["policy_document:", "6144"], None),
    ("custom-policy-keep-versions", "ram_policy",
     {"name": "bi-policy", "keep_versions": 9, "policy_document": {"Version": "1", "Statement": [{"Effect": "Allow"}]}},
     ["keep_versions:", "1 to 5"], None),
    ("custom-policy-clear-description", "ram_policy",
     {"name": "bi-policy", "description": "", "policy_document": {"Version": "1", "Statement": [{"Effect": "Allow"}]}},
     ["description:", "cannot be cleared"], None),
    ("custom-policy-system-name", "ram_policy",
     {"name": "AliyunECSReadOnlyAccess", "policy_document": {"Version": "1", "Statement": [{"Effect": "Allow"}]}},
     ["name:", "system policy"], None),
    ("custom-policy-info-bad-type", "ram_policy_info", {"policy_type": "Managed"}, ["policy_type"], None),
    ("custom-policy-info-name-and-prefix", "ram_policy_info", {"name": "a", "name_prefix": "b"}, ["name_prefix:", "cannot be combined"], None),
    # ram_role and ram_role_info
    ("role-bad-name", "ram_role", {"name": "bad role!"}, ["name:", "may contain only"], None),
    ("role-name-too-long", "ram_role", {"name": LONG}, ["name:", "64"], None),
    ("role-create-without-trust", "ram_role", {"name": "bi-role"}, ["assume_role_policy_document:", "required"], None),
    ("role-trust-not-json", "ram_role", {"name": "bi-role", "trust_policy": "{oops"}, ["assume_role_policy_document:", "JSON"], None),
    ("role-session-too-short", "ram_role", {"name": "bi-role", "max_session_duration": 900}, ["max_session_duration:", "3600"], None),
    ("role-clear-description", "ram_role", {"name": "bi-role", "description": ""}, ["description:", "cannot be cleared"], None),
    ("role-unknown-policy", "ram_role", {"name": "admin", "policies": [{"name": "no-such-policy", "type": "Custom"}]},
     ["policies:", "does not exist"], None),
    ("role-info-bad-name", "ram_role_info", {"name": "bad role!"}, ["name:", "may contain only"], None),
    # ram_password_policy
    ("policy-length-out-of-range", "ram_password_policy", {"minimum_password_length": 4}, ["minimum_password_length"], None),
    ("policy-length-too-high", "ram_password_policy", {"minimum_password_length": 99}, ["minimum_password_length"], None),
    ("policy-max-age-out-of-range", "ram_password_policy", {"max_password_age": 5000}, ["max_password_age"], None),
    ("policy-int-type", "ram_password_policy", {"password_reuse_prevention": "many"}, ["password_reuse_prevention"], None),
    # ram_security_preference
    ("pref-session-too-long", "ram_security_preference", {"login_session_duration": 25}, ["login_session_duration", "24"], None),
    ("pref-session-zero", "ram_security_preference", {"login_session_duration": 0}, ["login_session_duration", "1"], None),
    ("pref-idle-days-choice", "ram_security_preference", {"max_idle_days_for_users": 30}, ["max_idle_days_for_users"], None),
    ("pref-mfa-choice", "ram_security_preference", {"mfa_operation_for_login": "always"}, ["mfa_operation_for_login"], None),
    ("pref-bad-mask", "ram_security_preference", {"login_network_masks": ["10.0.0.300/8"]},
     ["login_network_masks:", "CIDR"], None),
    ("pref-mask-newline", "ram_security_preference", {"login_network_masks": ["10.0.0.0/8\n"]},
     ["login_network_masks:", "CIDR"], None),
    ("pref-too-many-masks", "ram_security_preference", {"login_network_masks": ["10.%d.0.0/16" % i for i in range(41)]},
     ["login_network_masks:", "40"], None),
    ("pref-verification-choice", "ram_security_preference", {"verification_types": ["pigeon"]}, ["verification_types"], None),
    # ram_credential_report_info
    ("audit-idle-negative", "ram_credential_report_info", {"idle_login_days": -1}, ["idle_login_days", "0"], None),
    ("audit-key-age-type", "ram_credential_report_info", {"key_max_age_days": "old"}, ["key_max_age_days"], None),
    ("audit-page-size-zero", "ram_credential_report_info", {"report_page_size": 0}, ["report_page_size", "3501"], None),
    ("audit-wait-too-long", "ram_credential_report_info", {"wait_timeout": 86400}, ["wait_timeout", "3600"], None),
    ("audit-shared-report-dir", "ram_credential_report_info", {"report_dir": "/tmp"}, ["report_dir", "/tmp"], None),
    ("audit-report-dir-file", "ram_credential_report_info", {"report_dir": "/etc/hostname"},
     ["report_dir", "not a directory"], None),
    # ram_access_key and ram_access_key_info
    ("key-name-bad-chars", "ram_access_key", {"name": "bad name!"}, ["name:", "may contain only"], None),
    ("key-rotate-zero", "ram_access_key", {"name": "bi1", "rotate_after_days": 0}, ["rotate_after_days:", "1 or more"], None),
    ("key-grace-negative", "ram_access_key", {"name": "bi1", "delete_inactive_after_days": -1},
     ["delete_inactive_after_days:", "0 or more"], None),
    ("key-guard-negative", "ram_access_key", {"name": "bi1", "protect_used_within_days": -1},
     ["protect_used_within_days:", "0 or more"], None),
    ("key-status-without-id", "ram_access_key", {"name": "bi1", "status": "Inactive"}, ["status", "user_access_key_id"], None),
    ("key-status-choice", "ram_access_key", {"name": "bi1", "user_access_key_id": "LTAI5tExample", "status": "Off"},
     ["status", "Active"], None),
    ("key-id-bad-chars", "ram_access_key", {"name": "bi1", "user_access_key_id": "LTAI/x"},
     ["user_access_key_id:", "letters, digits and periods"], None),
    ("key-id-with-rotation", "ram_access_key", {"name": "bi1", "user_access_key_id": "LTAI5tExample", "rotate_after_days": 9},
     ["mutually exclusive", "rotate_after_days"], None),
    ("key-unknown-id", "ram_access_key", {"name": "bi-existing", "user_access_key_id": "LTAI5tNoSuchKey", "status": "Active"},
     ["user_access_key_id:", "has no access key LTAI5tNoSuchKey"], None),
    ("key-shared-secret-dir", "ram_access_key", {"name": "bi-existing", "secret_dir": "/tmp"}, ["secret_dir:", "/tmp"], None),
    ("key-empty-secret-dir", "ram_access_key", {"name": "bi-existing", "secret_dir": ""}, ["secret_dir:"], None),
    ("key-unknown-user", "ram_access_key", {"name": "bi-nobody"}, ["EntityNotExist.User"], None),
    ("key-info-bad-name", "ram_access_key_info", {"name": "bad name!"}, ["name:", "may contain only"], None),
    # ram_user_baseline
    ("baseline-programmatic-without-key", "ram_user_baseline", {"users": [{"name": "bi1", "programmatic": True, "access_key": False}]},
     ["programmatic"], None),
    ("baseline-shared-secret-dir", "ram_user_baseline", {"users": [{"name": "bi1", "access_key": True}], "secret_dir": "/tmp"},
     ["secret_dir:", "/tmp"], None),
    ("baseline-rotate-zero", "ram_user_baseline", {"users": [{"name": "bi1", "access_key": True}], "rotate_after_days": 0},
     ["rotate_after_days:", "1 or more"], None),
    ("baseline-duplicate-user", "ram_user_baseline", {"users": [{"name": "bi1"}, {"name": "bi1"}]}, ["bi1"], None),
    ("baseline-weak-password", "ram_user_baseline", {"users": [{"name": "bi1", "password": WEAK}]}, ["password"], None),
    ("baseline-no-password-dir", "ram_user_baseline", {"users": [{"name": "bi1", "console_login": True}]}, ["password_dir"], None),
    ("baseline-bad-name", "ram_user_baseline", {"users": [{"name": "bad name!"}]}, ["name"], None),
    ("baseline-name-trailing-newline", "ram_user_baseline", {"users": [{"name": "bi1\n"}]}, ["name", "may contain only"], None),
    ("baseline-email-trailing-newline", "ram_user_baseline", {"users": [{"name": "bi1", "email": "bi1@example.com\n"}]},
     ["email"], None),
    ("baseline-password-trailing-newline", "ram_user_baseline",
     {"users": [{"name": "bi1", "console_login": True, "password": STRONG + "\n"}]}, ["password", "control"], None),
    ("baseline-unknown-group", "ram_user_baseline", {"users": [{"name": "bi1", "groups": ["no-such-group"]}]}, ["no-such-group"], None),
    ("baseline-unknown-policy", "ram_user_baseline", {"users": [{"name": "bi1"}], "default_policies": ["NoSuchPolicy"]},
     ["NoSuchPolicy"], None),
    ("baseline-empty-password-dir", "ram_user_baseline", {"users": [{"name": "bi1", "console_login": True}], "password_dir": ""},
     ["password_dir", "empty"], None),
    ("baseline-shared-password-dir", "ram_user_baseline", {"users": [{"name": "bi1", "console_login": True}], "password_dir": "/tmp"},
     ["password_dir", "/tmp", "owner only"], None),
    ("baseline-enforce-flags-choice", "ram_user_baseline", {"users": [{"name": "bi1"}], "enforce_login_flags": "sometimes"},
     ["enforce_login_flags"], None),
    ("baseline-user-enforce-flags-choice", "ram_user_baseline",
     {"users": [{"name": "bi1", "enforce_login_flags": "sometimes"}]}, ["enforce_login_flags"], None),
    ("baseline-concurrency-range", "ram_user_baseline", {"users": [{"name": "bi1"}], "max_concurrency": 0}, ["max_concurrency"], None),
    ("baseline-users-not-list", "ram_user_baseline", {"users": "bi1"}, ["users"], None),
    ("baseline-missing-credentials", "ram_user_baseline", {"users": [{"name": "bi1"}]}, ["credential"], NO_CREDENTIALS),
    # the onboarding role (argument specs and the module behind it)
    ("role-user-without-name", "role", {"onboarding_users": [{"display_name": "x"}]}, ["name"], None),
    ("role-users-not-list", "role", {"onboarding_users": "alice"}, ["onboarding_users"], None),
    ("role-bad-state", "role", {"onboarding_users": [{"name": "bi1", "state": "gone"}]}, ["state"], None),
    ("role-weak-password", "role", {"onboarding_users": [{"name": "bi1", "password": WEAK}]}, ["password"], None),
    ("role-unknown-group", "role", {"onboarding_users": [{"name": "bi1"}], "onboarding_default_groups": ["no-such-group"]},
     ["no-such-group"], None),
    ("role-bad-group-name", "role", {"onboarding_groups": [{"name": "bad group!"}]}, ["name"], None),
    ("role-bad-policy-field", "role", {"onboarding_password_policy": {"minimum_password_length": 3}}, ["minimum_password_length"], None),
    ("role-concurrency-type", "role", {"onboarding_users": [{"name": "bi1"}], "onboarding_max_concurrency": "lots"},
     ["onboarding_max_concurrency"], None),
]

SETUP = [
    {"name": "Password policy the weak passwords break",
     "aliyun.ram.ram_password_policy": {"minimum_password_length": 12, "require_symbols": True,
                                        "password_not_contain_user_name": True}},
    {"name": "A group", "aliyun.ram.ram_group": {"name": "bi-dev"}},
    {"name": "A user with a console login", "aliyun.ram.ram_user": {"name": "bi-existing", "comments": "keep",
                                                                    "email": "keep@example.com", "tags": {"t": "1"}}},
    {"name": "Its console login", "aliyun.ram.ram_login_profile": {"name": "bi-existing", "password": STRONG}},
    {"name": "A user without one", "aliyun.ram.ram_user": {"name": "bi-nologin"}},
    {"name": "Reset the emulator's counters", "ansible.builtin.uri": {
        "url": "{{ emulator_url }}/_emulator/stats/reset", "method": "POST"}},
]


def case_tasks(case_id, module, args, environment):
    if module == "role":
        return [{"name": case_id, "block": [{"name": "Run the role", "ansible.builtin.include_role": {"name": "aliyun.ram.onboarding"},
                                             "vars": dict(args, onboarding_password_dir="{{ bi_password_dir }}")}],
                 "rescue": [{"name": "Record the failure", "ansible.builtin.set_fact": {
                     "bi_role_failures": "{{ bi_role_failures | combine({'%s': ansible_failed_result}) }}" % case_id}}]}]
    task = {"name": case_id, "aliyun.ram.%s" % module: args, "register": "bi_" + case_id.replace("-", "_"),
            "ignore_errors": True}
    if environment:
        task["environment"] = environment
    return [task]


def playbook(results_file):
    tasks = list(SETUP)
    tasks.append({"name": "No role failure yet", "ansible.builtin.set_fact": {"bi_role_failures": {}}})
    for case_id, module, args, _expect, environment in CASES:
        tasks.extend(case_tasks(case_id, module, args, environment))
    collected = dict((case_id, "{{ bi_role_failures[%r] | default({'failed': false}) }}" % case_id if module == "role"
                      else "{{ bi_%s }}" % case_id.replace("-", "_"))
                     for case_id, module, _args, _expect, _env in CASES)
    tasks.append({"name": "Read the emulator's counters", "ansible.builtin.uri": {"url": "{{ emulator_url }}/_emulator/stats"},
                  "register": "bi_stats"})
    tasks.append({"name": "Write the results", "ansible.builtin.copy": {
        "content": "{{ {'cases': bi_cases, 'stats': bi_stats.json} | to_nice_json }}", "dest": results_file, "mode": "0600"},
        "vars": {"bi_cases": collected}})
    return [{"name": "Bad-input matrix", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]


@pytest.fixture(scope="module")
def matrix(emulators, workdir):
    emulator = emulators()
    results_file = os.path.join(workdir, "bad-input-results.json")
    path = playrun.write(os.path.join(workdir, "bad_input.yml"), yaml.safe_dump(playbook(results_file), sort_keys=False))
    extra = playrun.write_json(os.path.join(workdir, "bad-input-vars.json"), {
        "emulator_url": emulator.url, "bi_password_dir": os.path.join(workdir, "bi-passwords")})
    # HOME without an aliyun CLI profile, so "missing credentials" really has none
    env = playrun.environment(emulator.url, workdir, {"HOME": workdir})
    run = playrun.run_playbook(path, env, extra)
    log_name = keep_output("bad_input", run)
    assert run.returncode == 0, "bad-input playbook failed; see %s\n%s" % (log_name, run.tail())
    with open(results_file, encoding="utf-8") as handle:
        return json.load(handle)


def test_matrix_is_big_enough():
    assert len(CASES) >= 40
    assert len(set(case[0] for case in CASES)) == len(CASES)
    covered = set(case[1] for case in CASES)
    assert covered >= {"ram_user", "ram_user_info", "ram_group", "ram_login_profile", "ram_login_profile_info",
                       "ram_password_policy", "ram_user_baseline", "role", "ram_access_key", "ram_access_key_info"}


def test_bad_input_makes_zero_writes(matrix):
    stats = matrix["stats"]
    writes = dict((action, counts["writes"]) for action, counts in stats["by_action"].items() if counts["writes"])
    assert stats["writes"] == 0, "bad input led to writes: %s" % writes


def failure_message(result):
    """What the user reads for a failed task: msg, plus each failed loop item's and each failed user's message."""
    parts = [str(result.get("msg", ""))]
    parts.extend(str(item.get("msg", "")) for item in result.get("results", []) if item.get("failed"))
    parts.extend(str(user["error"].get("msg", "")) for user in result.get("users", []) if user.get("error"))
    return " | ".join(part for part in parts if part)


def case_params():
    for case_id, _module, _args, expected, _env in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[case_id])] if case_id in KNOWN_GAPS else []
        yield pytest.param(case_id, expected, id=case_id, marks=marks)


@pytest.mark.parametrize("case_id,expected", list(case_params()))
def test_bad_input_fails_naming_the_problem(matrix, case_id, expected):
    result = matrix["cases"][case_id]
    assert result.get("failed") is True, "%s did not fail: %s" % (case_id, json.dumps(result)[:600])
    message = failure_message(result)
    missing = [fragment for fragment in expected if fragment.lower() not in message.lower()]
    assert not missing, "%s: message %r does not name %s" % (case_id, message, missing)
