# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench-audit`: the identity audit of --users users from the credential report, against the same findings
computed from per-user reads (the peer: what an audit without the report has to do), issue 17.

One emulator, seeded at no latency with --users users: a third with a console login (some idle for 100 days, some
with MFA), a third with an AccessKey (some 120 days old, some used recently), the rest plain. Then at --latency-ms
(20 by default):

  report    credential_report.audit(): GetCredentialReport (none yet), GenerateCredentialReport, GetCredentialReport
            (every page), as ram_credential_report_info runs it;
  task      the same audit as an Ansible task: a playbook with one ram_credential_report_info task (fresh report,
            report files), next to a playbook with one ansible.builtin.ping task (the fixed cost of a playbook);
  per-user  ListUsers (all pages), then per user GetLoginProfile, GetUserMFAInfo (with a login), ListAccessKeys and,
            per key, GetAccessKeyLastUsed; once one call at a time (a loop of tasks), once with --workers threads
            (the batch engine's default concurrency).

Both must give the same findings (checked). Target: the report audit of 1,000 users under 5 s. Medians of --runs.
Writes bench-results/audit.json (not committed).

    python tests/bench/bench_audit.py [--users 1000] [--latency-ms 20] [--runs 3] [--workers 8]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(BENCH_DIR))
sys.path.insert(0, os.path.join(REPO_ROOT, ".build", "collections"))

from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient  # noqa: E402
from ansible_collections.aliyun.ram.plugins.module_utils.credential_report import (  # noqa: E402
    audit,
    days_since,
    findings_for,
    validate_audit_params,
)
from ansible_collections.aliyun.ram.plugins.module_utils.credentials import Credentials  # noqa: E402
from ansible_collections.aliyun.ram.plugins.module_utils.transport import RetryPolicy, Transport  # noqa: E402

TARGET_SECONDS = 5.0
AUDIT_PLAYBOOK = """---
- name: Audit benchmark
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Audit the account
      aliyun.ram.ram_credential_report_info:
        report_dir: "{{ bench_report_dir }}"
      register: bench_audit
"""
PING_PLAYBOOK = """---
- name: Playbook floor
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Ping once
      ansible.builtin.ping:
"""
PASSWORD = "Bench#Audit-2026-Zq"


def load_emulator_client():
    path = os.path.join(REPO_ROOT, "tests", "emulator", "client.py")
    spec = importlib.util.spec_from_file_location("ram_emulator_client", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_client(emulator_client, handle, pool_size=16):
    credentials = Credentials(emulator_client.DEFAULT_ACCESS_KEY_ID, emulator_client.DEFAULT_ACCESS_KEY_SECRET,
                              source="bench")
    transport = Transport(credentials, endpoints={"ims": handle.url, "ram": handle.url, "sts": handle.url}, environ={},
                          timeout=30, retry=RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.1),
                          pool_size=pool_size)
    return RamClient(transport)


def seed(client, handle, users, workers):
    """The account: every user; a third with a console login, a third with an AccessKey; some idle, old or used."""
    domain = client.get_default_domain()

    def one(index):
        upn = "u%04d@%s" % (index, domain)
        client.create_user(upn, "User %d" % index)
        kind = index % 3
        if kind == 0:
            client.create_login_profile(upn, password=PASSWORD)
            handle.people("login", {"user": upn})
            if index % 2:
                handle.people("bind_mfa", {"user": upn})
            if index % 5 == 0:
                handle.people("age", {"user": upn, "days": 100})
        elif kind == 1:
            key = client.create_access_key(upn).key["access_key_id"]
            if index % 4 == 1:
                handle.age_key(key, 120)
            if index % 2:
                handle.use_key(key, days_ago=3)
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(users)))


def per_user_audit(client, options, workers, now):
    """The same findings from per-user reads: ListUsers, then each user's login profile, MFA, keys and last use."""
    users = client.list_users()

    def facts(user):
        upn = user["user_principal_name"]
        profile = client.get_login_profile(upn)
        mfa = client.get_user_mfa_info(upn) if profile is not None else None
        keys = []
        for slot, key in enumerate(sorted(client.list_access_keys(upn), key=lambda k: k["create_date"]), start=1):
            last = client.get_access_key_last_used(upn, key["access_key_id"])["last_used_date"]
            keys.append({"slot": slot, "column": "access_key_%d" % slot, "active": key["status"] == "Active",
                         "last_rotated": key["create_date"], "age_days": days_since(key["create_date"], now),
                         "last_used": last, "last_used_days": days_since(last, now), "access_key_id": None})
        last_login = user.get("last_login_date") or None
        return {"user_principal_name": upn, "user_name": user["user_name"], "created": user["create_date"],
                "created_days": days_since(user["create_date"], now), "console_login": profile is not None,
                "console_login_active": None if profile is None else profile["status"] == "Active",
                "last_login": last_login, "last_login_days": days_since(last_login, now),
                # GetLoginProfile has no password change date: the login's creation stands in for it
                "password_last_changed": None, "password_age_days": None, "password_next_rotation": None,
                "mfa_active": None if profile is None else bool(mfa and mfa["is_mfa_enabled"]),
                "access_keys": keys}
    if workers > 1:
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            all_facts = list(pool.map(facts, users))
    else:
        all_facts = [facts(user) for user in users]
    return [finding for user in all_facts for finding in findings_for(user, options)]


def key_of(finding):
    return (finding["user_principal_name"], finding["check"], finding.get("access_key_slot"))


def stats_delta(handle, before):
    after = handle.stats()
    return after["requests"] - before["requests"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--skip-sequential", action="store_true", help="leave out the one-call-at-a-time peer")
    options = parser.parse_args(argv)

    emulator_client = load_emulator_client()
    audit_options = validate_audit_params({})
    results = {"users": options.users, "latency_ms": options.latency_ms, "runs": options.runs,
               "workers": options.workers, "target_seconds": TARGET_SECONDS}
    with emulator_client.start_emulator(["--host", "127.0.0.1"]) as handle:
        client = make_client(emulator_client, handle)
        started = time.monotonic()
        seed(client, handle, options.users, 16)
        results["seed_seconds"] = round(time.monotonic() - started, 2)
        handle.set_faults(latency_ms=options.latency_ms)

        timings = {"report": [], "per_user_parallel": [], "per_user_sequential": []}
        calls = {}
        reference = None
        for run in range(options.runs):
            if run:
                # a fresh report every run: the last one is made older than the service's 4 hours
                handle.admin("POST", "/_emulator/credential_report/age", {"hours": 5})
            before = handle.stats()
            started = time.monotonic()
            result = audit(make_client(emulator_client, handle), audit_options)
            timings["report"].append(time.monotonic() - started)
            calls["report"] = stats_delta(handle, before)
            found = sorted(key_of(finding) for finding in result["findings"])
            reference = reference or found
            assert found == reference

            for name, workers in (("per_user_parallel", options.workers), ("per_user_sequential", 1)):
                if name == "per_user_sequential" and (options.skip_sequential or run):
                    continue
                before = handle.stats()
                started = time.monotonic()
                peer = per_user_audit(make_client(emulator_client, handle), audit_options, workers, time.time())
                timings[name].append(time.monotonic() - started)
                calls[name] = stats_delta(handle, before)
                # the password's last change is not in GetLoginProfile: compare the checks both can make
                assert sorted(key_of(f) for f in peer) == found, "the per-user reads found something else"
        sys.path.insert(0, BENCH_DIR)
        import playrun  # noqa: E402  (tests/bench is not a package)
        workdir = tempfile.mkdtemp(prefix="bench-audit-")
        env = playrun.environment(handle.url, workdir)
        audit_playbook = os.path.join(workdir, "audit.yml")
        ping_playbook = os.path.join(workdir, "ping.yml")
        extra = os.path.join(workdir, "vars.json")
        playrun.write(audit_playbook, AUDIT_PLAYBOOK)
        playrun.write(ping_playbook, PING_PLAYBOOK)
        playrun.write_json(extra, {"bench_report_dir": os.path.join(workdir, "report")})
        timings["task_playbook"], timings["ping_playbook"] = [], []
        for _run in range(options.runs):
            handle.admin("POST", "/_emulator/credential_report/age", {"hours": 5})
            run = playrun.run_playbook(audit_playbook, env, extra)
            assert run.returncode == 0, run.tail()
            timings["task_playbook"].append(run.elapsed)
            run = playrun.run_playbook(ping_playbook, env)
            assert run.returncode == 0, run.tail()
            timings["ping_playbook"].append(run.elapsed)
        results["findings"] = len(reference)
        results["by_check"] = dict((check, sum(1 for item in reference if item[1] == check))
                                   for check in sorted(set(item[1] for item in reference)))
    results["seconds"] = dict((name, round(statistics.median(values), 3)) for name, values in timings.items() if values)
    results["calls"] = calls
    results["target_met"] = results["seconds"]["report"] < TARGET_SECONDS
    out_dir = os.path.join(REPO_ROOT, "bench-results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "audit.json"), "w", encoding="utf-8") as handle_out:
        json.dump(results, handle_out, indent=2, sort_keys=True)
    print(json.dumps(results, indent=2, sort_keys=True))
    return 0 if results["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
