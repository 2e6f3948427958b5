# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One secret scan over every module and the onboarding role.

A playbook drives every module and the role at -vvvv with --diff: given and generated passwords, a password
update, a rejected weak password, an explicit AccessKey secret, and calls through STS credentials from
assume_role_arn. Every result is registered, printed with debug and written to a file. Then the
ansible-playbook output, that file, the emulator's request log and its stderr are searched for every
password, every AccessKey secret and every STS secret and token the emulator issued (read back from the
emulator's own state file, which is the only place that keeps them).

The scan can only see a secret option that lost ``no_log`` if the module arguments are in what it reads.
ansible-core 2.21+ adds ``invocation`` to results only with ANSIBLE_INJECT_INVOCATION (the harness sets it);
2.19 always shows it at -vvvv but drops it from registered variables. So the test also requires, per module
task, ``invocation.module_args`` with every secret option masked in the -vvvv output, and on 2.21+ in every
registered result too; a harness that lost the setting fails there. Run it on both toolchains (make
reliability does). On each it runs twice: on the controller path (the default when the target is localhost)
and forced through the module path (ALIYUN_RAM_CONTROLLER_PATH=false); see docs/controller-path.md.
tests/unit/plugins/modules/test_no_log_options.py is the static counterpart.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import re
import urllib.parse

import pytest

from conftest import keep_output, playrun

SCAN_KEY_ID = "scanid"
SCAN_KEY_SECRET = "ScanSecret-4f9b2c7d1e"
SECRET_VARS = {
    "scan_profile_password": "Lp-7vQ#e2Rk9!mZx",
    "scan_profile_password_2": "Tq8&wN3@pLc5^hJb",
    "scan_weak_password": "weakpass1",
    "scan_baseline_password": "Bx4!zR9#kW2$nM7q",
    "scan_role_password": "Rg6%tY1&uI8*oP3e",
    "scan_access_key_secret": SCAN_KEY_SECRET,
}
STS_TOKEN_SHAPE = re.compile(r"CAIS[A-Za-z0-9+/]{40,}")
NO_LOG_MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"

PLAYBOOK = """---
- name: Every module and the role, with secrets in play
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Password policy
      aliyun.ram.ram_password_policy:
        minimum_password_length: 12
        require_symbols: true
      register: r_policy

    - name: Group
      aliyun.ram.ram_group:
        name: scan-dev
      register: r_group

    - name: User, with an explicit AccessKey secret option
      aliyun.ram.ram_user:
        name: scanuser1
        display_name: Scan User
        groups: [scan-dev]
        access_key_id: {key_id}
        access_key_secret: "{{{{ scan_access_key_secret }}}}"
      register: r_user

    - name: Console login with a given password
      aliyun.ram.ram_login_profile:
        name: scanuser1
        password: "{{{{ scan_profile_password }}}}"
        password_reset_required: true
      register: r_profile_create

    - name: Change the password
      aliyun.ram.ram_login_profile:
        name: scanuser1
        password: "{{{{ scan_profile_password_2 }}}}"
        update_password: always
      register: r_profile_update

    - name: A weak password is refused
      aliyun.ram.ram_login_profile:
        name: scanuser1
        password: "{{{{ scan_weak_password }}}}"
        update_password: always
      register: r_profile_weak
      ignore_errors: true

    - name: Login profile info
      aliyun.ram.ram_login_profile_info:
        name: scanuser1
      register: r_profile_info

    - name: User info with everything
      aliyun.ram.ram_user_info:
        name: scanuser1
        include: [login_profile, groups, policies]
      register: r_user_info

    - name: Read through STS credentials from AssumeRole
      aliyun.ram.ram_user_info:
        name: scanuser1
        assume_role_arn: {role_arn}
      register: r_assumed_read

    - name: Write through STS credentials from AssumeRole
      aliyun.ram.ram_login_profile:
        name: scanuser1
        password: "{{{{ scan_profile_password }}}}"
        update_password: always
        assume_role_arn: {role_arn}
      register: r_assumed_write

    - name: Baseline with a given and a generated password
      aliyun.ram.ram_user_baseline:
        users:
          - name: scanbase1
            console_login: true
            password: "{{{{ scan_baseline_password }}}}"
          - name: scanbase2
            console_login: true
        password_dir: "{{{{ scan_password_dir }}}}"
      register: r_baseline

    - name: Baseline refuses a weak password
      aliyun.ram.ram_user_baseline:
        users:
          - name: scanbase3
            console_login: true
            password: "{{{{ scan_weak_password }}}}"
      register: r_baseline_weak
      ignore_errors: true

    - name: The onboarding role
      ansible.builtin.include_role:
        name: aliyun.ram.onboarding
      vars:
        onboarding_groups: [{{name: scan-ops}}]
        onboarding_default_groups: [scan-ops]
        onboarding_password_dir: "{{{{ scan_password_dir }}}}"
        onboarding_users:
          - name: scanrole1
            console_login: true
            password: "{{{{ scan_role_password }}}}"
          - name: scanrole2
            console_login: true

    - name: Security preference
      aliyun.ram.ram_security_preference:
        login_session_duration: 8
        mfa_operation_for_login: mandatory
      register: r_preference

    - name: Identity audit from the credential report, with key IDs and report files
      aliyun.ram.ram_credential_report_info:
        resolve_access_key_ids: true
        keys_with_console_login: true
        report_dir: "{{{{ scan_password_dir }}}}-audit"
      register: r_audit

    - name: Collect every registered result
      ansible.builtin.set_fact:
        scan_results:
          policy: "{{{{ r_policy }}}}"
          group: "{{{{ r_group }}}}"
          user: "{{{{ r_user }}}}"
          profile_create: "{{{{ r_profile_create }}}}"
          profile_update: "{{{{ r_profile_update }}}}"
          profile_weak: "{{{{ r_profile_weak }}}}"
          profile_info: "{{{{ r_profile_info }}}}"
          user_info: "{{{{ r_user_info }}}}"
          assumed_read: "{{{{ r_assumed_read }}}}"
          assumed_write: "{{{{ r_assumed_write }}}}"
          baseline: "{{{{ r_baseline }}}}"
          baseline_weak: "{{{{ r_baseline_weak }}}}"
          role: "{{{{ onboarding_result }}}}"
          preference: "{{{{ r_preference }}}}"
          audit: "{{{{ r_audit }}}}"

    - name: Dump them
      ansible.builtin.debug:
        var: scan_results

    - name: Write them to a file
      ansible.builtin.copy:
        content: "{{{{ scan_results | to_nice_json }}}}"
        dest: "{{{{ scan_dump_file }}}}"
        mode: "0600"
""".format(key_id=SCAN_KEY_ID, role_arn=playrun.ADMIN_ROLE_ARN)


def forms(value):
    """The value and the encodings under which it could appear in a log or a URL."""
    return {value, urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value), json.dumps(value)[1:-1]}


def issued_sts_credentials(state_file):
    with open(state_file, encoding="utf-8") as handle:
        state = json.load(handle)["state"]
    found = {}
    for akid, issued in state.get("sts_credentials", {}).items():
        found["STS secret of %s" % akid] = issued["secret"]
        found["STS token of %s" % akid] = issued["security_token"]
    return found


# Tasks of PLAYBOOK (and of the role) that run a module: the -vvvv output of each must show its arguments.
MODULE_TASKS = ("Password policy", "Group", "User, with an explicit AccessKey secret option",
                "Console login with a given password", "Change the password", "A weak password is refused",
                "Login profile info", "User info with everything", "Read through STS credentials from AssumeRole",
                "Write through STS credentials from AssumeRole", "Baseline with a given and a generated password",
                "Baseline refuses a weak password", "aliyun.ram.onboarding : Bring the users to the onboarding baseline")
# ... and in these, a secret option is given, so its masked form must be there.
MASKED_IN_TASK = {
    "User, with an explicit AccessKey secret option": '"access_key_secret": "%s"',
    "Console login with a given password": '"password": "%s"',
    "Change the password": '"password": "%s"',
    "A weak password is refused": '"password": "%s"',
    "Write through STS credentials from AssumeRole": '"password": "%s"',
    "Baseline with a given and a generated password": '"password": "%s"',
    "Baseline refuses a weak password": '"password": "%s"',
    "aliyun.ram.onboarding : Bring the users to the onboarding baseline": '"password": "%s"',
}
TASK_HEADER = re.compile(r"^TASK \[(.*)\] \*+$", re.MULTILINE)
# From this release on, registered results keep `invocation` (with ANSIBLE_INJECT_INVOCATION); before it, the
# strategy always dropped it from registered variables and only the callback output showed it.
REGISTERED_INVOCATION_SINCE = (2, 21)
NO_INVOCATION_HINT = ("On ansible-core 2.21+ module results carry their arguments only with ANSIBLE_INJECT_INVOCATION=true "
                      "(tests/integration/harness.py sets it); without them this scan cannot see a secret option that "
                      "lost no_log, and would pass for the wrong reason")


def task_sections(output):
    """{task name: its part of the ansible-playbook output}."""
    parts = TASK_HEADER.split(output)
    return dict(zip(parts[1::2], parts[2::2]))


def assert_scan_sees_module_arguments(output, results, core_version):
    """The scan only means something if the module arguments are in what it scans, secret options masked.

    ansible-core 2.21+ adds ``invocation`` to a module's result only with ANSIBLE_INJECT_INVOCATION. A harness
    that lost the setting must fail here, loudly, rather than let a dropped no_log go unseen.
    """
    sections = task_sections(output)
    unseen = [name for name in MODULE_TASKS if '"module_args": {' not in sections.get(name, "")]
    assert not unseen, "no invocation.module_args in the -vvvv output of: %s. %s" % (", ".join(unseen), NO_INVOCATION_HINT)
    unmasked = [name for name, pattern in sorted(MASKED_IN_TASK.items()) if pattern % NO_LOG_MASK not in sections[name]]
    assert not unmasked, "the secret option is not shown masked in the -vvvv output of: %s" % ", ".join(unmasked)

    if core_version < REGISTERED_INVOCATION_SINCE:
        return
    missing = sorted(name for name, result in results.items()
                     if not isinstance((result.get("invocation") or {}).get("module_args"), dict))
    assert not missing, "registered results without invocation.module_args: %s. %s" % (", ".join(missing), NO_INVOCATION_HINT)
    args = dict((name, result["invocation"]["module_args"]) for name, result in results.items())
    for name in ("profile_create", "profile_update", "profile_weak", "assumed_write"):
        assert args[name]["password"] == NO_LOG_MASK, "%s: password is not masked in invocation" % name
    assert args["user"]["access_key_secret"] == NO_LOG_MASK
    for name in ("baseline", "baseline_weak", "role"):
        assert args[name]["users"][0]["password"] == NO_LOG_MASK, "%s: users[0].password is not masked in invocation" % name
    # a plain option comes through as given, so the arguments really are there
    assert args["profile_create"]["name"] == "scanuser1"


def core_version():
    """(major, minor) of the ansible-core that ran the playbook (the one next to this Python)."""
    from ansible.release import __version__

    return tuple(int(part) for part in __version__.split(".")[:2])


# Both ways a task can run on localhost (docs/controller-path.md): in the controller's worker process, and forced
# through the module path.
@pytest.mark.parametrize("path", [playrun.harness.CONTROLLER_PATH, playrun.harness.MODULE_PATH])
def test_no_secret_in_output_results_or_logs(emulators, workdir, path):
    workdir = os.path.join(workdir, path)
    os.makedirs(workdir)
    state_file = os.path.join(workdir, "scan-state.json")
    emulator = emulators(["--state", state_file, "--access-key", "testid:testsecret",
                          "--access-key", "%s:%s" % (SCAN_KEY_ID, SCAN_KEY_SECRET)])
    password_dir = os.path.join(workdir, "passwords")
    dump_file = os.path.join(workdir, "results.json")
    extra = dict(SECRET_VARS, scan_password_dir=password_dir, scan_dump_file=dump_file)
    extra_file = playrun.write_json(os.path.join(workdir, "scan-vars.json"), extra)
    playbook = playrun.write(os.path.join(workdir, "scan.yml"), PLAYBOOK)

    env = playrun.environment(emulator.url, workdir, playrun.harness.path_environment(path))
    run = playrun.run_playbook(playbook, env, extra_file, diff=True, verbosity=4)
    log_name = keep_output("secret_scan" if path == playrun.harness.CONTROLLER_PATH else "secret_scan.module-path", run)
    taken = set(match.group(2) for match in playrun.harness.PATH_MARKER.finditer(run.output))
    assert taken == {"controller path" if path == playrun.harness.CONTROLLER_PATH else
                     "module path (%s is false)" % playrun.harness.PATH_SWITCH}, taken
    assert run.returncode == 0, "scan playbook failed; see %s\n%s" % (log_name, run.tail())
    emulator.stop()  # writes the state file, which holds the STS credentials it issued

    with open(dump_file, encoding="utf-8") as handle:
        dumped = handle.read()
    results = json.loads(dumped)
    # The scan only means something if every path really ran.
    assert results["profile_weak"]["failed"] and results["baseline_weak"]["failed"]
    assert results["profile_update"]["changed"] and results["assumed_write"]["changed"]
    assert results["role"]["counts"]["created"] == 2
    entries = emulator.log_entries()
    assert any(e["action"] == "AssumeRole" for e in entries)
    assert any(str(e.get("access_key_id", "")).startswith("STS.") and e.get("write") for e in entries)
    assert any(e.get("access_key_id") == SCAN_KEY_ID for e in entries)

    secrets = {"var %s" % name: value for name, value in SECRET_VARS.items()}
    secrets["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = playrun.ACCESS_KEY_SECRET
    generated = sorted(glob.glob(os.path.join(password_dir, "*.password")))
    assert len(generated) == 2, generated  # scanbase2 and scanrole2
    for path in generated:
        with open(path, encoding="utf-8") as handle:
            secrets["generated password in %s" % os.path.basename(path)] = handle.read().strip()
    sts = issued_sts_credentials(state_file)
    assert len(sts) >= 2
    secrets.update(sts)

    with open(emulator.request_log, encoding="utf-8") as handle:
        request_log = handle.read()
    texts = {"ansible-playbook -vvvv --diff output": run.output, "registered results file": dumped,
             "emulator request log": request_log, "emulator stderr": emulator.stderr()}
    leaks = ["%s appears in the %s" % (name, where)
             for name, value in sorted(secrets.items()) for where, text in texts.items()
             if any(form in text for form in forms(value))]
    assert not leaks, "secrets leaked (see %s):\n  %s" % (log_name, "\n  ".join(leaks))
    shaped = [where for where, text in texts.items() if STS_TOKEN_SHAPE.search(text)]
    assert not shaped, "something shaped like an STS token appears in: %s" % ", ".join(shaped)
    # The masked forms are what a reader should see instead.
    assert NO_LOG_MASK in run.output or "********" in run.output
    # And the scan saw the module arguments at all (so a dropped no_log would have leaked into what it scanned).
    assert_scan_sees_module_arguments(run.output, results, core_version())
