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
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import re
import urllib.parse

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


def test_no_secret_in_output_results_or_logs(emulators, workdir):
    state_file = os.path.join(workdir, "scan-state.json")
    emulator = emulators(["--state", state_file, "--access-key", "testid:testsecret",
                          "--access-key", "%s:%s" % (SCAN_KEY_ID, SCAN_KEY_SECRET)])
    password_dir = os.path.join(workdir, "passwords")
    dump_file = os.path.join(workdir, "results.json")
    extra = dict(SECRET_VARS, scan_password_dir=password_dir, scan_dump_file=dump_file)
    extra_file = playrun.write_json(os.path.join(workdir, "scan-vars.json"), extra)
    playbook = playrun.write(os.path.join(workdir, "scan.yml"), PLAYBOOK)

    run = playrun.run_playbook(playbook, playrun.environment(emulator.url, workdir), extra_file, diff=True, verbosity=4)
    log_name = keep_output("secret_scan", run)
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
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.output or "********" in run.output
