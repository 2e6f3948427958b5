#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wall time of a no-op ram_user task next to ansible.builtin.ping, in one playbook, against the emulator.

Usage: .venv/bin/python tests/bench/ram_user_vs_ping.py [--runs 20]
Prints the median and spread of each task's duration (taken from task start/end timestamps that a tiny
callback records), plus the API calls of one no-op ram_user task from the emulator's counters.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import harness  # noqa: E402  (tests/integration is not a package)

CALLBACK = '''
from __future__ import annotations
import json, os, time
from ansible.plugins.callback import CallbackBase

class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_times"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.started = {}
        self.out = open(os.environ["BENCH_TIMES_FILE"], "a")

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.started[task._uuid] = time.perf_counter()

    def _done(self, result):
        task = result._task
        elapsed = time.perf_counter() - self.started[task._uuid]
        self.out.write(json.dumps({"name": task.get_name(), "seconds": elapsed}) + "\\n")
        self.out.flush()

    v2_runner_on_ok = _done
    v2_runner_on_failed = _done
'''

USER_ARGS = "{name: bench-user, display_name: Bench, comments: bench, groups: [bench], policies: [ReadOnlyAccess]}"


def playbook(runs):
    """Setup, then `runs` pairs of (no-op ram_user, ping) as separate tasks, interleaved so load hits both alike."""
    lines = ["- hosts: localhost", "  connection: local", "  gather_facts: false", "  tasks:",
             "    - name: setup group", "      aliyun.ram.ram_group: {name: bench}",
             "    - name: setup user", "      aliyun.ram.ram_user: %s" % USER_ARGS]
    for _index in range(runs):
        lines += ["    - name: noop ram_user", "      aliyun.ram.ram_user: %s" % USER_ARGS,
                  "    - name: ping", "      ansible.builtin.ping:"]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    client = harness.load_emulator_client()
    work = tempfile.mkdtemp(prefix="ram-bench-")
    os.makedirs(os.path.join(work, "callback_plugins"))
    with open(os.path.join(work, "callback_plugins", "bench_times.py"), "w") as handle:
        handle.write(CALLBACK)
    with open(os.path.join(work, "playbook.yml"), "w") as handle:
        handle.write(playbook(args.runs))
    times_file = os.path.join(work, "times.jsonl")
    emulator = client.start_emulator([])
    try:
        env = harness.ansible_environment(emulator.url, os.path.join(work, "tmp"), {
            "ANSIBLE_CALLBACK_PLUGINS": os.path.join(work, "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_times",
            "BENCH_TIMES_FILE": times_file,
        })
        os.makedirs(os.path.join(work, "tmp"))
        before = emulator.stats()
        command = [harness.ansible_bin("ansible-playbook"), "-i", "localhost,", "-e",
                   json.dumps({"emulator_url": emulator.url, "ansible_python_interpreter": sys.executable}),
                   os.path.join(work, "playbook.yml")]
        completed = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        if completed.returncode != 0:
            sys.stdout.write(completed.stdout.decode("utf-8", "replace")[-4000:])
            return 1
        after = emulator.stats()
    finally:
        emulator.cleanup()
    with open(times_file) as handle:
        rows = [json.loads(line) for line in handle]
    noop = [r["seconds"] for r in rows if r["name"] == "noop ram_user"]
    ping = [r["seconds"] for r in rows if r["name"] == "ping"]
    print("runs: %d each" % len(noop))
    for name, values in (("no-op ram_user", noop), ("ansible.builtin.ping", ping)):
        print("%-22s median %.3fs  min %.3fs  max %.3fs" % (name, statistics.median(values), min(values), max(values)))
    noop_calls = {}
    for action, counts in after["by_action"].items():
        noop_calls[action] = counts["requests"] - before["by_action"].get(action, {}).get("requests", 0)
    print("API requests of the whole playbook by action: %s" % json.dumps(noop_calls, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
