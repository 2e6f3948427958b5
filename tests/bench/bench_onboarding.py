# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench-onboarding`: the onboarding role against the emulator with 20 ms latency per API call.

Measures, with medians over --runs runs:
  (a) create N users with the role (fresh emulator state each run)
  (b) the same role again (a no-op)
  (c) the same in --check
  (d) a playbook with one ansible.builtin.ping task per user (looped), the per-task floor
and counts API calls per user in (b) and (c) from the emulator's request log. Prints a Markdown table and the
ratios, and writes the numbers as JSON to bench-results/. Not part of `make test`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import collections
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(BENCH_DIR))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "integration"))

import harness  # noqa: E402  (shared with the integration harness)

# The API calls one user may cost in a no-op; everything else is a per-run call (domain, groups, password policy).
PER_USER_ACTIONS = ("GetUser", "ListGroupsForUser", "ListPoliciesForUser", "GetLoginProfile")

ROLE_PLAYBOOK = """---
- name: Onboarding benchmark
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Onboard every user
      ansible.builtin.include_role:
        name: aliyun.ram.onboarding
      vars:
        onboarding_groups: [{name: dev}, {name: ops}]
        onboarding_password_policy: {minimum_password_length: 14, require_symbols: true}
        onboarding_default_groups: [dev]
        onboarding_default_tags: {team: bench}
        onboarding_users: "{{ bench_users }}"
        onboarding_password_dir: "{{ bench_password_dir }}"
"""

PING_PLAYBOOK = """---
- name: Per-task floor
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Ping once per user
      ansible.builtin.ping:
      loop: "{{ range(bench_count) | list }}"
"""


def write(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def run_playbook(playbook, env, extra_vars_file, log_path, check=False):
    command = [harness.ansible_bin("ansible-playbook"), "-i", "localhost,", "-e", "@" + extra_vars_file, playbook]
    if check:
        command.append("--check")
    started = time.monotonic()
    with open(log_path, "ab") as log:
        returncode = subprocess.call(command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    elapsed = time.monotonic() - started
    if returncode != 0:
        raise RuntimeError("%s failed (rc=%d); see %s" % (os.path.basename(playbook), returncode, log_path))
    return elapsed


def log_length(emulator):
    return len(emulator.log_entries())


def calls_since(emulator, start):
    entries = emulator.log_entries()[start:]
    return {
        "reads": sum(1 for e in entries if not e.get("write")),
        "writes": sum(1 for e in entries if e.get("write")),
        "by_action": dict(collections.Counter(e.get("action") for e in entries)),
    }


def per_user(calls, count):
    per_user_reads = sum(n for action, n in calls["by_action"].items() if action in PER_USER_ACTIONS)
    return {"reads_per_user": calls["reads"] / float(count), "per_user_action_reads_per_user": per_user_reads / float(count),
            "per_run_reads": calls["reads"] - per_user_reads, "writes_per_user": calls["writes"] / float(count)}


def measure(options, workdir):
    client = harness.load_emulator_client()
    users = [{"name": "bench%04d" % index, "console_login": True} for index in range(options.users)]
    timings = collections.defaultdict(list)
    calls = {}
    log_path = os.path.join(workdir, "ansible.log")
    role_playbook = write(os.path.join(workdir, "role.yml"), ROLE_PLAYBOOK)
    ping_playbook = write(os.path.join(workdir, "ping.yml"), PING_PLAYBOOK)

    for run in range(options.runs):
        password_dir = os.path.join(workdir, "passwords-%d" % run)
        extra = write(os.path.join(workdir, "vars-%d.json" % run), json.dumps(
            {"bench_users": users, "bench_password_dir": password_dir, "bench_count": options.users}))
        emulator = client.start_emulator(["--latency-ms", str(options.latency_ms)])
        try:
            env = harness.ansible_environment(emulator.url, os.path.join(workdir, "ansible-tmp"))
            for label, check in (("a", False), ("b", False), ("c", True)):
                start = log_length(emulator)
                timings[label].append(run_playbook(role_playbook, env, extra, log_path, check=check))
                calls.setdefault(label, []).append(calls_since(emulator, start))
                print("run %d (%s): %.1f s" % (run + 1, label, timings[label][-1]), file=sys.stderr, flush=True)
        finally:
            emulator.cleanup()
        env = harness.ansible_environment("http://127.0.0.1:9", os.path.join(workdir, "ansible-tmp"))
        timings["d"].append(run_playbook(ping_playbook, env, extra, log_path))
        print("run %d (d): %.1f s" % (run + 1, timings["d"][-1]), file=sys.stderr, flush=True)
    return timings, calls


def report(options, timings, calls):
    medians = dict((label, statistics.median(values)) for label, values in timings.items())
    labels = {"a": "(a) create %d users with the role" % options.users, "b": "(b) run the role again (no-op)",
              "c": "(c) the same in --check", "d": "(d) %d looped ansible.builtin.ping tasks" % options.users}
    api = dict((label, per_user(calls[label][-1], options.users)) for label in ("a", "b", "c"))
    lines = ["| step | median wall time (s) | runs (s) | API reads / user | API writes / user |",
             "| --- | ---: | --- | ---: | ---: |"]
    for label in ("a", "b", "c", "d"):
        runs = ", ".join("%.1f" % value for value in timings[label])
        reads = "%.3f" % api[label]["reads_per_user"] if label in api else "-"
        writes = "%.3f" % api[label]["writes_per_user"] if label in api else "-"
        lines.append("| %s | %.1f | %s | %s | %s |" % (labels[label], medians[label], runs, reads, writes))
    ratio_b = medians["b"] / medians["d"]
    ratio_c = medians["c"] / medians["d"]
    checks = [
        ("(b) / (d) <= 0.10", ratio_b <= 0.10, "%.3f" % ratio_b),
        ("(c) / (d)", True, "%.3f" % ratio_c),
        ("(b) <= 20 s", medians["b"] <= 20.0, "%.1f s" % medians["b"]),
    ]
    for label in ("b", "c"):
        numbers = api[label]
        per_run = ", ".join("%s %d" % (action, count) for action, count in sorted(calls[label][-1]["by_action"].items())
                            if action not in PER_USER_ACTIONS)
        checks.append(("(%s) reads of %s per user <= 4" % (label, "/".join(PER_USER_ACTIONS)),
                       numbers["per_user_action_reads_per_user"] <= 4.0,
                       "%.3f (+ %d per-run reads: %s)" % (numbers["per_user_action_reads_per_user"], numbers["per_run_reads"], per_run)))
        checks.append(("(%s) writes == 0" % label, numbers["writes_per_user"] == 0, "%d" % calls[label][-1]["writes"]))
    lines.append("")
    lines.append("| check | result | value |")
    lines.append("| --- | --- | --- |")
    for name, passed, value in checks:
        lines.append("| %s | %s | %s |" % (name, "pass" if passed else "FAIL", value))
    table = "\n".join(lines)
    return table, medians, api, checks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=20)
    parser.add_argument("--output-dir", default=os.path.join(REPO_ROOT, "bench-results"))
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-onboarding-")
    print("Benchmarking the onboarding role: %d users, %d runs, %g ms latency per API call (work dir %s)"
          % (options.users, options.runs, options.latency_ms, workdir), file=sys.stderr, flush=True)
    timings, calls = measure(options, workdir)
    table, medians, api, checks = report(options, timings, calls)
    print(table)

    os.makedirs(options.output_dir, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(options.output_dir, "onboarding-%s.json" % stamp)
    write(path, json.dumps({"users": options.users, "runs": options.runs, "latency_ms": options.latency_ms,
                            "timings_s": timings, "medians_s": medians, "api_per_user": api,
                            "calls": calls, "checks": [{"check": n, "passed": p, "value": v} for n, p, v in checks]},
                           indent=2, sort_keys=True))
    print("\nResults written to %s" % os.path.relpath(path, REPO_ROOT))
    return 0 if all(passed for _name, passed, _value in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
