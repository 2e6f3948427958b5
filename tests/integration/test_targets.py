# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run every integration target as a role against its own emulator, then look for leaked secrets.

See tests/integration/README.md for the conventions a target can use.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest
import yaml

import harness

SECRET_NAME = re.compile(r"password|secret", re.IGNORECASE)
TASK_HEADER = re.compile(r"^TASK \[(.*)\] \*+$", re.MULTILINE)
# -vvvv names the module file of every module it runs; these are the collection's own.
COLLECTION_MODULE_RUN = re.compile(r"^Using module file \S*/ansible_collections/aliyun/ram/plugins/modules/\S+\.py$", re.MULTILINE)
# Values such as `always` or `on_create` (for update_password) are settings, not secrets.
SETTING_WORD = re.compile(r"^[a-z_]+$")


def secret_values_in(data, path):
    """(name, value) for every string held under a key that names a password or a secret, at any depth."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            child = "%s.%s" % (path, key) if path else str(key)
            if SECRET_NAME.search(str(key)):
                found.extend((name, secret) for name, secret in strings_in(value, child))
            else:
                found.extend(secret_values_in(value, child))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found.extend(secret_values_in(item, "%s[%d]" % (path, index)))
    return found


def strings_in(data, path):
    if isinstance(data, str):
        if data and "{{" not in data and not SETTING_WORD.match(data):
            yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings_in(value, "%s.%s" % (path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings_in(value, "%s[%d]" % (path, index))


def target_secrets(target):
    """{description: value} of every secret the target's run must never print or send."""
    secrets = {"ALIBABA_CLOUD_ACCESS_KEY_SECRET": harness.ACCESS_KEY_SECRET}
    root = os.path.join(harness.TARGETS_DIR, target)
    for rel in ("defaults/main.yml", "vars/main.yml"):
        path = os.path.join(root, rel)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                data = yaml.safe_load(handle) or {}
            for name, value in secret_values_in(data, ""):
                secrets["%s: %s" % (rel, name)] = value
    for number, value in enumerate(harness.read_lines(os.path.join(root, "secrets")), start=1):
        secrets["secrets file, line %d" % number] = value
    return secrets


def tasks_without_invocation(output):
    """Tasks that ran one of the collection's modules but whose -vvvv result shows no module arguments.

    ansible-core 2.21+ puts `invocation` into a result only with ANSIBLE_INJECT_INVOCATION (harness.py sets it);
    without it an option that lost no_log=True would print nothing the leak scan could find. Tasks with a
    task-level no_log (their results are censored) are left out.
    """
    parts = TASK_HEADER.split(output)
    return [name for name, body in zip(parts[1::2], parts[2::2])
            if COLLECTION_MODULE_RUN.search(body) and '"censored"' not in body and '"module_args": {' not in body]


def leaks(secrets, texts):
    """Descriptions (never values) of the secrets found in any of the named texts."""
    found = []
    for description, value in sorted(secrets.items()):
        for where, text in texts.items():
            if value in text:
                found.append("%s appears in %s" % (description, where))
    return found


def read_text(path):
    if not path or not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


@pytest.mark.parametrize("target", harness.target_names())
def test_target(target, emulator_for, run_role):
    emulator = emulator_for(target)
    run = run_role(target, emulator)
    assert run.returncode == 0, "ansible-playbook failed for target %s (rc=%s); full log in %s\n%s" % (
        target, run.returncode, os.path.join("tests", "output", "integration", target + ".log"), run.tail())

    found = leaks(target_secrets(target), {
        "the ansible-playbook -vvvv output": run.output,
        "the emulator request log": read_text(emulator.request_log),
        "the emulator's stderr": emulator.stderr(),
    })
    assert not found, "secrets leaked in target %s:\n  %s" % (target, "\n  ".join(found))
    unseen = tasks_without_invocation(run.output)
    assert not unseen, ("target %s: no invocation.module_args in the -vvvv result of %s, so the leak scan cannot see a "
                        "secret option that lost no_log; ansible-core 2.21+ needs ANSIBLE_INJECT_INVOCATION=true "
                        "(tests/integration/harness.py)" % (target, ", ".join(unseen)))


def test_secret_scan_finds_nested_values_and_skips_settings():
    data = {"demo_users": [{"name": "alice", "password": "S3cret-Pass!"}],
            "demo_update_password": "on_create",
            "demo_password_template": "{{ lookup('env', 'X') }}",
            "demo_password_reset_required": True,
            "demo_access_key_secret": {"value": "abcDEF123"}}
    found = dict(secret_values_in(data, ""))
    assert found == {"demo_users[0].password": "S3cret-Pass!", "demo_access_key_secret.value": "abcDEF123"}
    assert leaks({"x": "S3cret-Pass!"}, {"out": "... S3cret-Pass! ..."}) == ["x appears in out"]
    assert leaks({"x": "S3cret-Pass!"}, {"out": "********"}) == []


def test_invocation_check_finds_module_tasks_without_arguments():
    module_line = "Using module file /x/ansible_collections/aliyun/ram/plugins/modules/ram_user.py\n"
    output = ("TASK [with arguments] ****\n" + module_line + 'ok: [localhost] => {"invocation": {"module_args": {"name": "a"}}}\n'
              "TASK [without] ****\n" + module_line + 'ok: [localhost] => {"changed": false}\n'
              "TASK [censored] ****\n" + module_line + 'ok: [localhost] => {"censored": "hidden"}\n'
              "TASK [builtin module] ****\nUsing module file /x/ansible/modules/uri.py\nok: [localhost] => {}\n")
    assert tasks_without_invocation(output) == ["without"]
