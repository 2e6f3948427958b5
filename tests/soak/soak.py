# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make soak`: the onboarding role under faults, interruptions and expiring credentials.

Scenarios (each against its own emulator; all results go to bench-results/soak.json and soak.md):

  faults       N users (default 300) with --throttle-rate 0.2 --error-rate 0.05 --drop-rate 0.02 --latency-ms 5.
               Counts failed users, duplicate creations and retries; the account must equal the desired state;
               a re-run (faults still on) must make zero writes.
  convergence  --convergence-runs (default 20) consecutive runs of --convergence-users (default 60) users at the
               same fault rates, each on a fresh emulator (seed --seed + run index), with the modules' DEFAULT
               connection settings (--max-attempts is not applied). Per run and in total: users converged, failed
               users, duplicates, retries (faulted requests), the longest wait between a faulted request and its
               retry, and the most faulted attempts in a row of one call, read from the emulator's request log.
  sigint       the same role run (no faults, latency 5 ms), interrupted with SIGINT once a third of the users
               exist; then re-run: converged, no duplicate, nothing orphaned; a third run makes zero writes.
  sigkill      the same with SIGKILL to ansible-playbook and every process it started (its workers and the
               module process run in sessions of their own, so killing only its group leaves them running).
  sts-expiry   credentials from AssumeRole (role admin) that the emulator lets live --sts-lifetime seconds
               (default 5), over a run that lasts several lifetimes: the run must converge without a loop of
               signature or expired-token errors.

    python tests/soak/soak.py [--users 300] [--scenarios faults,convergence,sigint,sigkill,sts-expiry] [--max-attempts N]

Exit status 0 only when every check of every scenario passed. tests/soak/test_soak_small.py runs a small
version of the same code in `make test`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import collections
import datetime
import json
import os
import signal
import sys
import tempfile
import time

SOAK_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(SOAK_DIR), "bench"))

import playrun  # noqa: E402  (tests/bench is not a package)

GROUPS = ["soak-dev", "soak-ops", "soak-sec"]
DEFAULT_TAGS = {"team": "soak"}
SCENARIOS = ("faults", "convergence", "sigint", "sigkill", "sts-expiry")

ROLE_PLAYBOOK = """---
- name: Soak
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/aliyun.ram.ram: %s
  tasks:
    - name: Onboard every user
      ansible.builtin.include_role:
        name: aliyun.ram.onboarding
      vars:
        onboarding_groups: "{{ soak_group_dicts }}"
        onboarding_default_tags: "{{ soak_default_tags }}"
        onboarding_users: "{{ soak_users }}"
        onboarding_password_dir: "{{ soak_password_dir }}"

    - name: Write the user task's result
      ansible.builtin.copy:
        content: "{{ onboarding_result | to_json }}"
        dest: "{{ soak_result_file }}"
        mode: "0600"
"""  # %s: the connection options every module gets (JSON is YAML)


def desired_users(count, prefix="soak"):
    """Users with different shapes: one or two groups, a per-user tag, given or generated passwords."""
    users = []
    for index in range(count):
        groups = [GROUPS[index % 2]] + ([GROUPS[2]] if index % 5 == 0 else [])
        user = {"name": "%s%04d" % (prefix, index), "display_name": "Soak %d" % index, "groups": groups,
                "tags": {"cohort": "c%d" % (index % 7)}, "console_login": True}
        if index % 2:
            user["password"] = "Soak-Pw#%04d-xY" % index
        users.append(user)
    return users


def compare_state(state, users, prefix="soak"):
    """Differences between the emulator's account and the desired users (empty list = converged)."""
    problems = []
    actual = dict((u["UserName"], u) for u in state["users"] if u["UserName"].startswith(prefix))
    names = [u["UserName"] for u in state["users"]]
    for name, count in collections.Counter(names).items():
        if count > 1:
            problems.append("%s exists %d times" % (name, count))
    desired = dict((u["name"], u) for u in users)
    for name in sorted(set(actual) - set(desired)):
        problems.append("%s exists but was not asked for" % name)
    for name, want in sorted(desired.items()):
        have = actual.get(name)
        if have is None:
            problems.append("%s is missing" % name)
            continue
        if sorted(have.get("Groups") or []) != sorted(want["groups"]):
            problems.append("%s groups %s != %s" % (name, have.get("Groups"), want["groups"]))
        tags = have.get("Tags") or {}
        for key, value in dict(DEFAULT_TAGS, **want["tags"]).items():
            if tags.get(key) != value:
                problems.append("%s tag %s=%r != %r" % (name, key, tags.get(key), value))
        if have.get("DisplayName") != want["display_name"]:
            problems.append("%s display name %r" % (name, have.get("DisplayName")))
        profile = have.get("LoginProfile")
        if not profile:
            problems.append("%s has no console login" % name)
        elif profile.get("Status") != "Active" or profile.get("MFABindRequired") is not True \
                or profile.get("PasswordResetRequired") is not True:
            problems.append("%s console login %s" % (name, profile))
    present_groups = set(g["GroupName"] for g in state["groups"])
    problems.extend("group %s is missing" % g for g in GROUPS if g not in present_groups)
    return problems


def converged_users(state, users, prefix="soak"):
    """How many of ``users`` are exactly as desired in the emulator's account (see :func:`compare_state`)."""
    wrong = set(problem.split(" ", 1)[0] for problem in compare_state(state, users, prefix))
    return sum(1 for user in users if user["name"] not in wrong)


def log_time(entry):
    """Seconds since the epoch at which the emulator finished handling a logged request."""
    moment = datetime.datetime.strptime(entry["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.replace(tzinfo=datetime.timezone.utc).timestamp()


def call_key(entry):
    """What identifies one API call across its attempts in the request log: action, parameters and AccessKey."""
    return entry.get("action"), json.dumps(entry.get("params"), sort_keys=True), entry.get("access_key_id")


def fault_streaks(entries):
    """For every call with a faulted attempt, its most faulted attempts in a row.

    A call keeps being retried until an attempt is not faulted, so a streak of 5 is a call that the former default
    (max_attempts 5) would have failed.
    """
    current = collections.Counter()
    longest = collections.Counter()
    for entry in entries:
        key = call_key(entry)
        current[key] = current[key] + 1 if entry.get("fault") else 0
        longest[key] = max(longest[key], current[key])
    return [streak for streak in longest.values() if streak]


def retry_waits(entries):
    """Seconds from each faulted request's answer to the arrival of its retry.

    The retry is the next logged request of the same call (:func:`call_key`); its arrival is its log time less its
    handling time (the emulator's latency included). A faulted request never retried has no entry.
    """
    pending = {}
    waits = []
    for entry in entries:
        key = call_key(entry)
        finished = log_time(entry)
        if key in pending:
            waits.append(max(0.0, finished - entry.get("duration_ms", 0) / 1000.0 - pending.pop(key)))
        if entry.get("fault"):
            pending[key] = finished
    return waits


def missing_password_files(users, state, password_dir):
    """Users with a console login and a generated password whose password file is missing (nobody knows it)."""
    upns = dict((u["UserName"], u.get("UserPrincipalName")) for u in state["users"])
    missing = []
    for user in users:
        if "password" in user or user["name"] not in upns:
            continue
        path = os.path.join(password_dir, "%s.password" % upns[user["name"]])
        if not os.path.exists(path):
            missing.append(user["name"])
    return missing


class Scenario:
    """One emulator, one work directory, and the role run against them as often as needed."""

    def __init__(self, name, users, workdir, emulator_args, connection=None):
        self.name = name
        self.users = users
        self.workdir = os.path.join(workdir, name)
        os.makedirs(self.workdir)
        self.emulator = playrun.emulator_client().start_emulator(emulator_args)
        self.password_dir = os.path.join(self.workdir, "passwords")
        self.result_file = os.path.join(self.workdir, "result.json")
        self.playbook = playrun.write(os.path.join(self.workdir, "soak.yml"),
                                      ROLE_PLAYBOOK % json.dumps(connection or {}, sort_keys=True))
        self.extra = playrun.write_json(os.path.join(self.workdir, "vars.json"), {
            "soak_users": users, "soak_group_dicts": [{"name": g} for g in GROUPS],
            "soak_default_tags": DEFAULT_TAGS, "soak_password_dir": self.password_dir,
            "soak_result_file": self.result_file})
        self.env = playrun.environment(self.emulator.url, self.workdir)
        self.runs = 0

    def close(self):
        self.emulator.cleanup()

    def log_offset(self):
        return len(self.emulator.log_entries())

    def run(self):
        """Run the role to the end; returns (summary of this run's requests, module result or None, Run)."""
        start = self.log_offset()
        if os.path.exists(self.result_file):
            os.remove(self.result_file)
        self.runs += 1
        run = playrun.run_playbook(self.playbook, self.env, self.extra)
        playrun.write(os.path.join(self.workdir, "run-%d.log" % self.runs), run.output)
        result = None
        if os.path.exists(self.result_file):
            with open(self.result_file, encoding="utf-8") as handle:
                result = json.load(handle)
        return playrun.summarise_log(self.emulator.log_entries()[start:]), result, run

    def run_interrupted(self, signum, after_users):
        """Start the role, send signum to its process group once after_users users exist, wait for the end."""
        self.runs += 1
        process = playrun.start_playbook(self.playbook, self.env, self.extra,
                                         os.path.join(self.workdir, "run-%d-interrupted.log" % self.runs))
        deadline = time.monotonic() + 600
        created = 0
        while process.poll() is None and time.monotonic() < deadline:
            created = sum(1 for e in self.emulator.log_entries() if e.get("action") == "CreateUser" and e.get("status") == 200)
            if created >= after_users:
                break
            time.sleep(0.05)
        interrupted_while_running = process.poll() is None
        returncode = playrun.interrupt(process, signum)
        time.sleep(0.5)  # let any request already in flight land before the state is read
        return {"interrupted_while_running": interrupted_while_running, "users_created_before_signal": created,
                "returncode": returncode}


def duplicates(entries):
    """Users created (or given a console login) more than once according to the request log."""
    found = {}
    for action in ("CreateUser", "CreateLoginProfile"):
        for name, count in playrun.successful_creates(entries, action).items():
            if count > 1:
                found["%s %s" % (action, name)] = count
    return found


def failed_users(result):
    if not result:
        return None
    return [u["name"] for u in result.get("users", []) if u.get("action") == "failed"]


def scenario_faults(options, workdir):
    users = desired_users(options.users)
    args = ["--throttle-rate", options.throttle_rate, "--error-rate", options.error_rate, "--drop-rate", options.drop_rate,
            "--latency-ms", options.latency_ms, "--seed", options.seed]
    connection = {"max_attempts": options.max_attempts} if options.max_attempts else {}
    scenario = Scenario("faults", users, workdir, args, connection)
    try:
        first, result, run = scenario.run()
        state = scenario.emulator.state()
        second, second_result, second_run = scenario.run()
        entries = scenario.emulator.log_entries()
        problems = compare_state(state, users)
        report = {
            "users": len(users), "emulator_args": " ".join(str(a) for a in args),
            "max_attempts": options.max_attempts or "default",
            "first_run": {"seconds": round(run.elapsed, 1), "returncode": run.returncode, "requests": first["requests"],
                          "writes": first["successful_writes"], "faults": first["faults"],
                          "retries": sum(first["faults"].values()), "failed_users": failed_users(result),
                          "counts": (result or {}).get("counts")},
            "rerun": {"seconds": round(second_run.elapsed, 1), "returncode": second_run.returncode,
                      "requests": second["requests"], "writes": second["writes"], "faults": second["faults"],
                      "counts": (second_result or {}).get("counts")},
            "duplicates": duplicates(entries),
            "state_problems": problems[:20], "state_problem_count": len(problems),
            "missing_password_files": missing_password_files(users, state, scenario.password_dir),
        }
        report["checks"] = {
            "faults were injected": sum(first["faults"].values()) > 0,
            "first run succeeded": run.returncode == 0,
            "no failed user": failed_users(result) == [],
            "no duplicate": not report["duplicates"],
            "state equals desired": not problems,
            "every generated password has its file": not report["missing_password_files"],
            "re-run succeeded": second_run.returncode == 0,
            "re-run makes zero writes": second["writes"] == 0,
        }
        return report
    finally:
        scenario.close()


def convergence_run(options, workdir, index, users):
    """One run of the convergence scenario: a fresh emulator, the role once with default connection settings."""
    seed = int(options.seed) + index
    args = ["--throttle-rate", options.throttle_rate, "--error-rate", options.error_rate, "--drop-rate", options.drop_rate,
            "--latency-ms", options.latency_ms, "--seed", seed]
    scenario = Scenario("convergence-%02d" % (index + 1), users, workdir, args)
    try:
        summary, result, run = scenario.run()
        state = scenario.emulator.state()
        entries = scenario.emulator.log_entries()
        waits = retry_waits(entries)
        streaks = fault_streaks(entries)
        return {
            "run": index + 1, "seed": seed, "seconds": round(run.elapsed, 1), "returncode": run.returncode,
            "users": len(users), "converged_users": converged_users(state, users), "failed_users": failed_users(result),
            "duplicates": duplicates(entries), "requests": summary["requests"], "faults": summary["faults"],
            "retries": sum(summary["faults"].values()), "retries_seen": len(waits),
            "longest_fault_streak": max(streaks or [0]), "calls_faulted_5_times_in_a_row": sum(1 for n in streaks if n >= 5),
            "longest_retry_wait_s": round(max(waits), 3) if waits else 0.0,
            "missing_password_files": missing_password_files(users, state, scenario.password_dir),
            "state_problems": compare_state(state, users)[:10],
        }
    finally:
        scenario.close()


def scenario_convergence(options, workdir):
    users = desired_users(options.convergence_users)
    runs = []
    for index in range(options.convergence_runs):
        report = convergence_run(options, workdir, index, users)
        runs.append(report)
        print("    run %2d: %d/%d users converged, %d failed, %d duplicates, %d retries, longest retry wait %.3f s, "
              "most faults in a row %d, %.1f s"
              % (report["run"], report["converged_users"], report["users"], len(report["failed_users"] or []),
                 len(report["duplicates"]), report["retries"], report["longest_retry_wait_s"],
                 report["longest_fault_streak"], report["seconds"]), file=sys.stderr, flush=True)
    totals = {
        "runs": len(runs), "users": sum(r["users"] for r in runs),
        "converged_users": sum(r["converged_users"] for r in runs),
        "failed_users": sum(len(r["failed_users"] or []) for r in runs),
        "runs_without_a_result": sum(1 for r in runs if r["failed_users"] is None),
        "duplicates": sum(len(r["duplicates"]) for r in runs),
        "requests": sum(r["requests"] for r in runs), "retries": sum(r["retries"] for r in runs),
        "retries_seen": sum(r["retries_seen"] for r in runs),
        "longest_fault_streak": max([r["longest_fault_streak"] for r in runs] or [0]),
        "calls_faulted_5_times_in_a_row": sum(r["calls_faulted_5_times_in_a_row"] for r in runs),
        "longest_retry_wait_s": max([r["longest_retry_wait_s"] for r in runs] or [0.0]),
        "runs_fully_converged": sum(1 for r in runs if r["converged_users"] == r["users"] and r["failed_users"] == []),
    }
    report = {
        "connection": "module defaults (retry_timeout 60 s, no max_attempts)",
        "emulator_args": "--throttle-rate %s --error-rate %s --drop-rate %s --latency-ms %s --seed %s+run" % (
            options.throttle_rate, options.error_rate, options.drop_rate, options.latency_ms, options.seed),
        "runs": runs, "totals": totals,
    }
    report["checks"] = {
        "faults were injected in every run": all(r["retries"] > 0 for r in runs),
        "every run succeeded": all(r["returncode"] == 0 for r in runs),
        "every user converged in every run": totals["converged_users"] == totals["users"],
        "no failed user": totals["failed_users"] == 0 and totals["runs_without_a_result"] == 0,
        "no duplicate": totals["duplicates"] == 0,
        "every generated password has its file": not any(r["missing_password_files"] for r in runs),
    }
    return report


def scenario_interrupted(options, workdir, name, signum):
    users = desired_users(options.interrupt_users, prefix="soak")
    scenario = Scenario(name, users, workdir, ["--latency-ms", options.latency_ms])
    try:
        interruption = scenario.run_interrupted(signum, max(1, len(users) // 3))
        state_after_kill = scenario.emulator.state()
        half = compare_state(state_after_kill, users)
        converge, result, run = scenario.run()
        state = scenario.emulator.state()
        again, _again_result, again_run = scenario.run()
        problems = compare_state(state, users)
        report = {
            "users": len(users), "signal": signal.Signals(signum).name, "interruption": interruption,
            "after_interruption": {"users_present": sum(1 for u in state_after_kill["users"] if u["UserName"].startswith("soak")),
                                   "differences_from_desired": len(half),
                                   "examples": half[:5]},
            "rerun": {"seconds": round(run.elapsed, 1), "returncode": run.returncode, "writes": converge["successful_writes"],
                      "counts": (result or {}).get("counts")},
            "third_run": {"returncode": again_run.returncode, "writes": again["writes"]},
            "duplicates": duplicates(scenario.emulator.log_entries()),
            "state_problems": problems[:20],
            "missing_password_files": missing_password_files(users, state, scenario.password_dir),
        }
        report["checks"] = {
            "interrupted mid-run": interruption["interrupted_while_running"] and 0 < len(half),
            "re-run succeeded": run.returncode == 0,
            "no duplicate": not report["duplicates"],
            "state equals desired": not problems,
            "every generated password has its file": not report["missing_password_files"],
            "third run makes zero writes": again_run.returncode == 0 and again["writes"] == 0,
        }
        return report
    finally:
        scenario.close()


def scenario_sts_expiry(options, workdir):
    users = desired_users(options.sts_users, prefix="soak")
    args = ["--sts-lifetime", options.sts_lifetime, "--latency-ms", options.sts_latency_ms]
    scenario = Scenario("sts-expiry", users, workdir, args, {"assume_role_arn": playrun.ADMIN_ROLE_ARN})
    try:
        summary, result, run = scenario.run()
        entries = scenario.emulator.log_entries()
        state = scenario.emulator.state()
        problems = compare_state(state, users)
        sts_requests = sum(1 for e in entries if str(e.get("access_key_id", "")).startswith("STS."))
        report = {
            "users": len(users), "sts_lifetime_s": options.sts_lifetime, "seconds": round(run.elapsed, 1),
            "lifetimes_spanned": round(run.elapsed / float(options.sts_lifetime), 1),
            "returncode": run.returncode, "assume_role_calls": summary["by_action"].get("AssumeRole", 0),
            "requests_with_sts_credentials": sts_requests, "error_codes": summary["codes"],
            "signature_errors": summary["signature_errors"], "counts": (result or {}).get("counts"),
            "state_problems": problems[:20],
        }
        expired = summary["codes"].get("InvalidSecurityToken.Expired", 0)
        report["checks"] = {
            "run outlived the credentials": run.elapsed > float(options.sts_lifetime),
            "calls were made with STS credentials": sts_requests > 0,
            "credentials were refreshed": report["assume_role_calls"] > 1,
            "run succeeded": run.returncode == 0,
            "state equals desired": not problems,
            "no wrong-signature loop (SignatureDoesNotMatch == 0)": summary["codes"].get("SignatureDoesNotMatch", 0) == 0,
            "expired-token errors stay rare (<= 1 per refresh)": expired <= report["assume_role_calls"],
        }
        return report
    finally:
        scenario.close()


def run_scenarios(options):
    workdir = tempfile.mkdtemp(prefix="ram-soak-")
    reports = collections.OrderedDict()
    for name in options.scenarios:
        started = time.monotonic()
        print("==> soak scenario %s" % name, file=sys.stderr, flush=True)
        if name == "faults":
            reports[name] = scenario_faults(options, workdir)
        elif name == "convergence":
            reports[name] = scenario_convergence(options, workdir)
        elif name == "sigint":
            reports[name] = scenario_interrupted(options, workdir, name, signal.SIGINT)
        elif name == "sigkill":
            reports[name] = scenario_interrupted(options, workdir, name, signal.SIGKILL)
        elif name == "sts-expiry":
            reports[name] = scenario_sts_expiry(options, workdir)
        reports[name]["wall_seconds"] = round(time.monotonic() - started, 1)
        for check, passed in reports[name]["checks"].items():
            print("    %s %s" % ("pass" if passed else "FAIL", check), file=sys.stderr, flush=True)
    return reports, workdir


def markdown(reports):
    lines = ["| scenario | check | result |", "| --- | --- | --- |"]
    for name, report in reports.items():
        for check, passed in report["checks"].items():
            lines.append("| %s | %s | %s |" % (name, check, "pass" if passed else "**FAIL**"))
    if "convergence" in reports:
        lines.extend(["", "Convergence runs (%s):" % reports["convergence"]["connection"], "",
                      "| run | users converged | failed users | duplicates | retries | longest retry wait (s) "
                      "| most faults in a row | seconds |",
                      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"])
        for run in reports["convergence"]["runs"]:
            lines.append("| %d | %d / %d | %s | %d | %d | %.3f | %d | %.1f |" % (
                run["run"], run["converged_users"], run["users"],
                "no result" if run["failed_users"] is None else len(run["failed_users"]), len(run["duplicates"]),
                run["retries"], run["longest_retry_wait_s"], run["longest_fault_streak"], run["seconds"]))
        totals = reports["convergence"]["totals"]
        lines.append("| total | %d / %d | %d | %d | %d | %.3f (max) | %d (max) | |" % (
            totals["converged_users"], totals["users"], totals["failed_users"], totals["duplicates"], totals["retries"],
            totals["longest_retry_wait_s"], totals["longest_fault_streak"]))
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300, help="users in the fault soak")
    parser.add_argument("--throttle-rate", default="0.2")
    parser.add_argument("--error-rate", default="0.05")
    parser.add_argument("--drop-rate", default="0.02")
    parser.add_argument("--latency-ms", default="5")
    parser.add_argument("--seed", default="7")
    parser.add_argument("--max-attempts", type=int, default=None,
                        help="module max_attempts in the faults scenario (default: the module's, no cap)")
    parser.add_argument("--convergence-runs", type=int, default=20, help="runs in the convergence scenario")
    parser.add_argument("--convergence-users", type=int, default=60, help="users per convergence run")
    parser.add_argument("--interrupt-users", type=int, default=150, help="users in the SIGINT/SIGKILL scenarios")
    parser.add_argument("--sts-users", type=int, default=200, help="users in the STS expiry scenario")
    parser.add_argument("--sts-lifetime", default="5", help="seconds an STS credential lives in the emulator")
    parser.add_argument("--sts-latency-ms", default="20")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        type=lambda value: [s for s in value.split(",") if s])
    parser.add_argument("--output-dir", default=os.path.join(playrun.REPO_ROOT, "bench-results"))
    options = parser.parse_args(argv)
    unknown = [s for s in options.scenarios if s not in SCENARIOS]
    if unknown:
        parser.error("unknown scenario(s): %s" % ", ".join(unknown))
    return options


def main(argv=None):
    options = parse_args(argv)
    reports, workdir = run_scenarios(options)
    os.makedirs(options.output_dir, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    playrun.write_json(os.path.join(options.output_dir, "soak.json"),
                       {"generated": stamp, "options": vars(options), "scenarios": reports})
    table = markdown(reports)
    playrun.write(os.path.join(options.output_dir, "soak.md"), "# Soak results (%s)\n\n%s\n" % (stamp, table))
    print(table)
    print("\nDetails: %s (work dir %s)" % (os.path.join(options.output_dir, "soak.json"), workdir))
    return 0 if all(all(r["checks"].values()) for r in reports.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
