# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller path end to end (docs/controller-path.md): when it is taken, when the module runs instead, and that
module_defaults (the action group too) and the task's ``environment:`` reach it as they reach a module.

The fallback test delegates to a second inventory host whose connection runs commands on this machine but is not
ansible.builtin.local (a connection plugin written next to the playbook, transport ``fake_remote``), so the action
plugin must treat it as a remote host and run the module there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

import harness

SECOND_KEY = ("envid", "EnvSecret-5c1d")

FAKE_CONNECTION = '''
from __future__ import annotations

DOCUMENTATION = """{documentation}"""

from ansible.plugins.connection.local import Connection as LocalConnection


class Connection(LocalConnection):
    """Runs commands on this machine, but is not ansible.builtin.local: to Ansible it is another host."""

    transport = "fake_remote"
'''

PLAYBOOK = """
- name: Where each task of the collection runs
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/aliyun.ram.ram:
      timeout: 17
    aliyun.ram.ram_group:
      comments: from module_defaults
  tasks:
    - name: On the controller
      aliyun.ram.ram_group:
        name: devs
      register: on_controller

    - name: Delegated to another host
      aliyun.ram.ram_group:
        name: devs
      delegate_to: faraway
      register: delegated

    - name: Delegated to localhost
      aliyun.ram.ram_group:
        name: devs
      delegate_to: localhost
      register: delegated_to_localhost

    - name: Async
      aliyun.ram.ram_group:
        name: devs
      async: 60
      poll: 1
      register: as_async

    - name: Switched off for one task
      aliyun.ram.ram_group:
        name: devs
      vars:
        aliyun_ram_controller_path: false
      register: switched_off

    - name: The task environment chooses the credentials on the controller
      aliyun.ram.ram_user:
        name: env-user-1
      environment:
        ALIBABA_CLOUD_ACCESS_KEY_ID: "{{ second_key_id }}"
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: "{{ second_key_secret }}"
      register: env_controller

    - name: The task environment chooses the credentials for the module
      aliyun.ram.ram_user:
        name: env-user-2
      environment:
        ALIBABA_CLOUD_ACCESS_KEY_ID: "{{ second_key_id }}"
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: "{{ second_key_secret }}"
      vars:
        aliyun_ram_controller_path: false
      register: env_module

    - name: An endpoint from the task environment that answers nothing fails the same way on the controller
      aliyun.ram.ram_user:
        name: nobody
        max_attempts: 1
        timeout: 2
      environment:
        ALIBABA_CLOUD_IMS_ENDPOINT: http://127.0.0.1:9
      register: bad_endpoint_controller
      ignore_errors: true

    - name: An endpoint from the task environment that answers nothing fails the same way in the module
      aliyun.ram.ram_user:
        name: nobody
        max_attempts: 1
        timeout: 2
      environment:
        ALIBABA_CLOUD_IMS_ENDPOINT: http://127.0.0.1:9
      vars:
        aliyun_ram_controller_path: false
      register: bad_endpoint_module
      ignore_errors: true

    - name: Save the results
      ansible.builtin.copy:
        content: "{{ {'on_controller': on_controller, 'delegated': delegated, 'delegated_to_localhost': delegated_to_localhost,
                     'as_async': as_async, 'switched_off': switched_off, 'env_controller': env_controller,
                     'env_module': env_module, 'bad_endpoint_controller': bad_endpoint_controller,
                     'bad_endpoint_module': bad_endpoint_module} | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
"""

TASK_HEADER = re.compile(r"^TASK \[(.*)\] \*+$", re.MULTILINE)


def local_connection_documentation():
    from ansible.plugins.connection import local

    return local.DOCUMENTATION.replace("name: local", "name: fake_remote")


@pytest.fixture
def played(tmp_path, emulator_client):
    plugins = tmp_path / "connection_plugins"
    plugins.mkdir()
    (plugins / "fake_remote.py").write_text(FAKE_CONNECTION.format(documentation=local_connection_documentation()),
                                            encoding="utf-8")
    (tmp_path / "inventory.ini").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n"
        "faraway ansible_connection=fake_remote ansible_python_interpreter=%s\n" % (sys.executable, sys.executable),
        encoding="utf-8")
    (tmp_path / "playbook.yml").write_text(PLAYBOOK, encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    results_file = tmp_path / "results.json"
    extra = {"results_file": str(results_file), "second_key_id": SECOND_KEY[0], "second_key_secret": SECOND_KEY[1]}
    with emulator_client.start_emulator(["--access-key", "testid:testsecret", "--access-key", "%s:%s" % SECOND_KEY]) as emu:
        env = harness.ansible_environment(emu.url, str(tmp_path / "tmp"))
        completed = subprocess.run(
            [harness.ansible_bin("ansible-playbook"), "-vvv", "-i", str(tmp_path / "inventory.ini"),
             "-e", json.dumps(extra), str(tmp_path / "playbook.yml")],
            env=env, cwd=str(tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            timeout=600, check=False)
        output = completed.stdout.decode("utf-8", "replace")
        os.makedirs(os.path.join(harness.REPO_ROOT, "tests", "output", "integration"), exist_ok=True)
        with open(os.path.join(harness.REPO_ROOT, "tests", "output", "integration", "controller_path.log"), "w",
                  encoding="utf-8") as handle:
            handle.write(output)
        assert completed.returncode == 0, output[-5000:]
        with open(results_file, encoding="utf-8") as handle:
            results = json.load(handle)
        yield {"output": output, "results": results, "log": emu.log_entries()}


def sections(output):
    parts = TASK_HEADER.split(output)
    return dict(zip(parts[1::2], parts[2::2]))


def path_of(section):
    taken = [m.group(2) for m in harness.PATH_MARKER.finditer(section)]
    assert len(taken) == 1, taken
    return taken[0]


def comparable(result):
    """A result without what differs between two runs of the same task: dates, IDs and how it was run."""
    text = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "<date>", json.dumps(result, sort_keys=True))
    result = json.loads(re.sub(r"g-[A-Za-z0-9]{16}", "<group id>", text))
    for key in ("ansible_job_id", "finished", "started", "results_file", "stderr", "stderr_lines", "stdout",
                "stdout_lines", "_ansible_delegated_vars", "attempts"):
        result.pop(key, None)
    return result


def test_only_a_task_on_the_controller_takes_the_controller_path(played):
    by_task = sections(played["output"])
    assert path_of(by_task["On the controller"]) == "controller path"
    assert path_of(by_task["Delegated to localhost"]) == "controller path"
    delegated = path_of(by_task["Delegated to another host"])
    assert delegated.startswith("module path (the connection ") and "is not the controller" in delegated
    assert "/ansible_collections/aliyun/ram/plugins/modules/ram_group.py" in by_task["Delegated to another host"]
    assert "Using module file" not in by_task["On the controller"]
    assert path_of(by_task["Async"]) == "module path (async)"
    assert path_of(by_task["Switched off for one task"]) == "module path (aliyun_ram_controller_path is false)"


def test_the_same_task_gives_the_same_result_on_every_path(played):
    results = played["results"]
    created = comparable(results["on_controller"])
    assert created["changed"] is True and created["group"]["comments"] == "from module_defaults"
    for name in ("delegated", "delegated_to_localhost", "as_async", "switched_off"):
        again = comparable(results[name])
        assert again["changed"] is False, name
        assert again["group"] == created["group"], name
        # ansible-core 2.19 and 2.20 drop `invocation` from registered results (2.21 keeps it)
        assert again.get("invocation") == created.get("invocation"), name


def test_module_defaults_and_the_action_group_reach_the_controller_path(played):
    assert played["results"]["on_controller"]["group"]["comments"] == "from module_defaults"  # aliyun.ram.ram_group
    shown = sections(played["output"])["On the controller"]  # the -vvv result shows invocation on every release
    assert '"timeout": 17' in shown  # group/aliyun.ram.ram
    assert '"comments": "from module_defaults"' in shown


def test_the_task_environment_chooses_credentials_on_both_paths(played):
    users = dict((e["params"].get("UserPrincipalName", "").split("@")[0], e["access_key_id"])
                 for e in played["log"] if e["action"] == "CreateUser")
    assert users == {"env-user-1": SECOND_KEY[0], "env-user-2": SECOND_KEY[0]}
    assert all(e["access_key_id"] == "testid" for e in played["log"] if e["action"] == "CreateGroup")


def test_an_endpoint_from_the_task_environment_fails_alike(played):
    controller = comparable(played["results"]["bad_endpoint_controller"])
    module = comparable(played["results"]["bad_endpoint_module"])
    assert controller["failed"] is True and controller == module


def test_the_controller_path_never_prints_the_task_environment(played):
    """At -vvv the module path's EXEC line shows the task's environment, secrets included (Ansible's own output);
    the controller path runs no command, so it has no such line."""
    by_task = sections(played["output"])
    for name in ("The task environment chooses the credentials on the controller",
                 "An endpoint from the task environment that answers nothing fails the same way on the controller"):
        assert SECOND_KEY[1] not in by_task[name] and "EXEC" not in by_task[name], name
