# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the integration harness: a fresh emulator per target and a way to run a role against it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shlex
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402  (tests/integration is not a package)

PLAYBOOK_TIMEOUT = 900
OUTPUT_DIR = os.path.join(harness.REPO_ROOT, "tests", "output", "integration")


class PlaybookRun:
    def __init__(self, returncode, output):
        self.returncode = returncode
        self.output = output
        self.records = []
        self.work_dir = None

    def tail(self, lines=150):
        return "\n".join(self.output.splitlines()[-lines:])


def output_name(target, path):
    """tests/output/integration/<target>.log for the controller path (the default), <target>.module-path.log else."""
    return "%s.log" % target if path == harness.CONTROLLER_PATH else "%s.%s-path.log" % (target, path)


def read_records(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def emulator_client():
    return harness.load_emulator_client()


@pytest.fixture
def emulator_for(emulator_client):
    """emulator_for(target) starts a fresh emulator with the target's emulator_args; stopped afterwards."""
    started = []

    def start(target):
        args_file = os.path.join(harness.TARGETS_DIR, target, "emulator_args")
        lines = harness.read_lines(args_file)
        args = shlex.split(lines[0]) if lines else []
        handle = emulator_client.start_emulator(args)
        started.append(handle)
        return handle

    yield start
    for handle in started:
        handle.cleanup()


@pytest.fixture
def run_role(tmp_path):
    """run_role(target, emulator, path) runs the target as a role with ansible-playbook -vvvv, on the controller path
    or the module path (harness.PATHS); returns a PlaybookRun whose ``records`` are the collection's task results."""

    def run(target, emulator, path=harness.CONTROLLER_PATH):
        playbook = tmp_path / "playbook.yml"
        playbook.write_text(
            "- hosts: localhost\n"
            "  connection: local\n"
            "  gather_facts: false\n"
            "  roles:\n"
            "    - %s\n" % json.dumps(target),
            encoding="utf-8",
        )
        extra_vars = {"emulator_url": emulator.url, "emulator_request_log": emulator.request_log,
                      "ansible_python_interpreter": sys.executable}
        local_temp = tmp_path / "ansible-tmp"
        local_temp.mkdir()
        command = [harness.ansible_bin("ansible-playbook"), "-vvvv", "-i", "localhost,",
                   "-e", json.dumps(extra_vars), str(playbook)]
        record_file = tmp_path / "records.jsonl"
        record = harness.record_environment(str(record_file), emulator.request_log)
        env = harness.ansible_environment(emulator.url, str(local_temp), record, path=path)
        try:
            completed = subprocess.run(command, env=env, cwd=str(tmp_path), stdin=subprocess.DEVNULL, check=False,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=PLAYBOOK_TIMEOUT)
            result = PlaybookRun(completed.returncode, completed.stdout.decode("utf-8", "replace"))
        except subprocess.TimeoutExpired as exc:
            output = (exc.output or b"").decode("utf-8", "replace")
            result = PlaybookRun(-1, output + "\n[harness] ansible-playbook timed out after %ss" % PLAYBOOK_TIMEOUT)
        result.records = read_records(str(record_file))
        result.work_dir = str(tmp_path)
        os.makedirs(OUTPUT_DIR, exist_ok=True)
        with open(os.path.join(OUTPUT_DIR, output_name(target, path)), "w", encoding="utf-8") as handle:
            handle.write(result.output)
        return result

    return run
