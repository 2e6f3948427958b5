# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Publish benchmark and soak results: the tables of docs/performance.md and docs/reliability.md from docs/data/.

`make bench` and `make soak` write their raw results to bench-results/ (not committed). To publish a run, copy
its JSON into docs/data/ (see docs/data/README.md), then:

    .venv/bin/python tests/bench/publish.py            # rewrite every generated table (and docs/performance.png)
    .venv/bin/python tests/bench/publish.py --check    # exit 1 when a table or a figure in the text differs

A generated table sits between two comments that name its data:

    <!-- table soak.faults from docs/data/soak.json -->
    | ... |
    <!-- end table -->

The text around the tables quotes figures too; FIGURES below recomputes each of them from the same data, and
--check (which tests/docs/test_published_figures.py runs in `make test`) fails when the page says otherwise.
Standard library only (matplotlib for the plot, when installed).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import ast
import datetime
import json
import os
import re
import statistics
import sys

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(BENCH_DIR))
sys.path.insert(0, BENCH_DIR)

import controller_path  # noqa: E402  (tests/bench is not a package)
import run_all  # noqa: E402

PAGES = (os.path.join("docs", "performance.md"), os.path.join("docs", "reliability.md"))
PLOT = os.path.join("docs", "performance.png")
PLOT_DATA = os.path.join("docs", "data", "bench.json")
TABLE = re.compile(r"^<!-- table (?P<kind>[\w.-]+) from (?P<source>[\w./-]+\.json) -->$")
END = "<!-- end table -->"
BAD_INPUT_TEST = os.path.join("tests", "security", "test_bad_input.py")


def thousands(value):
    return "{:,}".format(value)


def load(source):
    with open(os.path.join(REPO_ROOT, source), encoding="utf-8") as handle:
        return json.load(handle)


# ------------------------------------------------------------------ soak tables (docs/reliability.md)


def soak_faults_table(data):
    faults = data["scenarios"]["faults"]
    first, rerun = faults["first_run"], faults["rerun"]

    def injected(run):
        return " / ".join(str(run["faults"].get(kind, 0)) for kind in ("throttle", "error", "drop"))

    def users(run):
        counts = run.get("counts") or {}
        return " / ".join(str(counts.get(kind, "?")) for kind in ("created", "unchanged", "failed"))

    rerun_writes = "0" if rerun["writes"] == 0 else "%s attempted" % thousands(rerun["writes"])
    return "\n".join([
        "| | first run | re-run (faults still on) |",
        "| --- | ---: | ---: |",
        "| wall time | %.1f s | %.1f s |" % (first["seconds"], rerun["seconds"]),
        "| API requests | %s | %s |" % (thousands(first["requests"]), thousands(rerun["requests"])),
        "| faults injected (throttled / 5xx / dropped) | %s | %s |" % (injected(first), injected(rerun)),
        "| retries (one per faulted request) | %s | %s |" % (
            thousands(first["retries"]), thousands(sum(rerun["faults"].values()))),
        "| successful writes | %s | %s |" % (thousands(first["writes"]), rerun_writes),
        "| users created / unchanged / failed | %s | %s |" % (users(first), users(rerun)),
        "| duplicate creations (CreateUser or CreateLoginProfile succeeding twice for a user) | %d | – |"
        % len(faults["duplicates"]),
    ])


def soak_convergence_table(data):
    convergence = data["scenarios"]["convergence"]
    lines = ["| run | users converged | failed users | duplicates | retries | longest retry wait (s) "
             "| most faults in a row | seconds |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for run in convergence["runs"]:
        lines.append("| %d | %d / %d | %s | %d | %d | %.3f | %d | %.1f |" % (
            run["run"], run["converged_users"], run["users"],
            "no result" if run["failed_users"] is None else len(run["failed_users"]), len(run["duplicates"]),
            run["retries"], run["longest_retry_wait_s"], run["longest_fault_streak"], run["seconds"]))
    totals = convergence["totals"]
    lines.append("| total | %s / %s | %d | %d | %s (of %s requests) | %.3f (max) | %d (max) | %.1f |" % (
        thousands(totals["converged_users"]), thousands(totals["users"]), totals["failed_users"], totals["duplicates"],
        thousands(totals["retries"]), thousands(totals["requests"]), totals["longest_retry_wait_s"],
        totals["longest_fault_streak"], sum(run["seconds"] for run in convergence["runs"])))
    return "\n".join(lines)


def soak_interrupted_table(data):
    runs = [data["scenarios"][name] for name in ("sigint", "sigkill")]

    def row(label, value):
        return "| %s | %s |" % (label, " | ".join(value(run) for run in runs))

    def rerun_counts(run):
        counts = run["rerun"].get("counts") or {}
        return " / ".join(str(counts.get(kind, "?")) for kind in ("created", "updated", "unchanged"))

    return "\n".join([
        "| | %s |" % " | ".join(run["signal"] for run in runs),
        "| --- | ---: | ---: |",
        row("users created when the signal was sent", lambda r: str(r["interruption"]["users_created_before_signal"])),
        row("users present right after the interruption", lambda r: str(r["after_interruption"]["users_present"])),
        row("differences from the desired state right after the interruption",
            lambda r: str(r["after_interruption"]["differences_from_desired"])),
        row("re-run: users created / updated / unchanged", rerun_counts),
        row("re-run: successful writes", lambda r: thousands(r["rerun"]["writes"])),
        row("duplicate creations", lambda r: str(len(r["duplicates"]))),
        row("final state: differences from the desired state", lambda r: str(len(r["state_problems"]))),
        row("third run: writes", lambda r: str(r["third_run"]["writes"])),
    ])


def soak_sts_table(data):
    sts = data["scenarios"]["sts-expiry"]
    counts = sts.get("counts") or {}
    codes = sts["error_codes"]
    return "\n".join([
        "| | |",
        "| --- | ---: |",
        "| lifetime of the STS credentials | %s s |" % sts["sts_lifetime_s"],
        "| wall time of the run | %.1f s (%.1f lifetimes) |" % (sts["seconds"], sts["lifetimes_spanned"]),
        "| users created / failed | %s / %s |" % (counts.get("created", "?"), counts.get("failed", "?")),
        "| differences from the desired state | %d |" % len(sts["state_problems"]),
        "| AssumeRole calls | %s |" % thousands(sts["assume_role_calls"]),
        "| API calls made with STS credentials | %s |" % thousands(sts["requests_with_sts_credentials"]),
        "| `SignatureDoesNotMatch` / `InvalidSecurityToken.Expired` errors | %d / %d |" % (
            codes.get("SignatureDoesNotMatch", 0), codes.get("InvalidSecurityToken.Expired", 0)),
    ])


RENDERERS = {
    "bench.tasks": run_all.tasks_table,
    "bench.scale": run_all.scale_table,
    "bench.peer": run_all.peer_table,
    "bench.peer-calls": run_all.peer_calls_table,
    "soak.faults": soak_faults_table,
    "soak.convergence": soak_convergence_table,
    "soak.interrupted": soak_interrupted_table,
    "soak.sts": soak_sts_table,
}

# The controller-path benchmark (tests/bench/controller_path.py, docs/data/controller-path.json) measures the same
# three things as run_all.py (per-task cost, the onboarding loop against the batch engine, the peer side by side),
# on both paths. Its tables keep those kinds and take the layout of the benchmark that wrote the data.
SOURCE_RENDERERS = {
    "docs/data/controller-path.json": {
        "bench.tasks": controller_path.tasks_table,
        "bench.scale": controller_path.loop_table,
        "bench.peer": controller_path.peer_table,
    },
}


# ------------------------------------------------------------------ figures quoted in the text


def fault_share(options):
    """Chance that one request is faulted: the emulator rolls throttling, then a 5xx, then a drop."""
    kept = 1.0
    for name in ("throttle_rate", "error_rate", "drop_rate"):
        kept *= 1.0 - float(options[name])
    return 1.0 - kept


def bad_input_counts():
    """(cases, known gaps) of the bad-input matrix, read from the test's source (not imported: it needs fixtures)."""
    with open(os.path.join(REPO_ROOT, BAD_INPUT_TEST), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    sizes = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if isinstance(node.value, (ast.List, ast.Dict)):
                sizes[node.targets[0].id] = len(node.value.elts if isinstance(node.value, ast.List) else node.value.keys)
    return sizes["CASES"], sizes.get("KNOWN_GAPS", 0)


def reliability_figures():
    """(description, regular expression, {group: expected text}) for every data figure in docs/reliability.md's text."""
    soak = load("docs/data/soak.json")
    later = load("docs/data/soak-convergence.json")
    convergence = later["scenarios"]["convergence"]
    totals = convergence["totals"]
    share = fault_share(later["options"])
    calls = totals["requests"] - totals["retries"]
    streak_run = max(convergence["runs"], key=lambda run: run["longest_fault_streak"])
    earlier = soak["scenarios"]["convergence"]["totals"]
    cases, gaps = bad_input_counts()
    ten = share ** 10
    return [
        ("share of faulted attempts and how often five come in a row",
         r"about (?P<share>[\d.]+) % of attempts are throttled, fail or lose their answer, so\s+a call failed five "
         r"times in a row about once in (?P<once>[\d,]+) calls",
         {"share": "%.1f" % (100 * share), "once": thousands(int(round(1 / share ** 5, -1)))}),
        ("measured share of faulted requests in the convergence runs",
         r"(?P<retries>[\d,]+) of the (?P<requests>[\d,]+) requests \((?P<share>[\d.]+) %\) were faulted",
         {"retries": thousands(totals["retries"]), "requests": thousands(totals["requests"]),
          "share": "%.1f" % (100.0 * totals["retries"] / totals["requests"])}),
        ("every faulted request was retried",
         r"All (?P<retries>[\d,]+) faulted requests were retried",
         {"retries": thousands(totals["retries_seen"]) if totals["retries_seen"] == totals["retries"] else "not all"}),
        ("the run with the longest streak of faults",
         r"In run (?P<run>\d+) one call was faulted (?P<streak>\d+) times in a row.*?Its last wait, (?P<wait>[\d.]+) s",
         {"run": str(streak_run["run"]), "streak": str(streak_run["longest_fault_streak"]),
          "wait": "%.1f" % streak_run["longest_retry_wait_s"]}),
        ("the earlier 20-run measurement",
         r"gave the same result \((?P<converged>[\d,]+) of (?P<users>[\d,]+) users, (?P<duplicates>\d+) duplicates, "
         r"(?P<retries>[\d,]+) retries, longest wait (?P<wait>[\d.]+) s\)",
         {"converged": thousands(earlier["converged_users"]), "users": thousands(earlier["users"]),
          "duplicates": str(earlier["duplicates"]), "retries": thousands(earlier["retries"]),
          "wait": "%.1f" % earlier["longest_retry_wait_s"]}),
        ("the estimate for ten faults in a row",
         r"at (?P<share>[\d.]+) % per attempt\s+is about (?P<million>[\d.]+) in a million calls: roughly a "
         r"(?P<chance>[\d.]+) % chance per 20-run soak \(about (?P<calls>[\d,]+) calls\)",
         {"share": "%.1f" % (100 * share), "million": "%.1f" % (ten * 1e6),
          "chance": "%.1f" % (100 * (1 - (1 - ten) ** calls)), "calls": thousands(int(round(calls, -2)))}),
        ("wall time of the convergence runs",
         r"--scenarios convergence`, 2 CPUs, (?P<minutes>[\d.]+) minutes,",
         {"minutes": "%.1f" % (convergence["wall_seconds"] / 60.0)}),
        ("wall time of make soak",
         r"interruptions, STS expiry: about (?P<minutes>\d+) minutes",
         {"minutes": "%d" % round(sum(s["wall_seconds"] for s in soak["scenarios"].values()) / 60.0)}),
        ("the fault soak's final state and password files",
         r"There were \*\*(?P<differences>\d+) differences\*\*, and (?P<files>every) generated\s+password had its file",
         {"differences": str(soak["scenarios"]["faults"]["state_problem_count"]),
          "files": "every" if not soak["scenarios"]["faults"]["missing_password_files"] else "not every"}),
        ("size of the bad-input matrix",
         r"has \*\*(?P<cases>\d+) invalid inputs\*\*", {"cases": str(cases)}),
        ("bad-input results",
         r"\*\*Result:\*\* all (?P<cases>\d+) fail and none writes\. (?P<named>\d+) messages name the problem",
         {"cases": str(cases), "named": str(cases - gaps)}),
    ]


def performance_figures():
    """(description, regular expression, {group: expected text}) for every data figure in docs/performance.md's text."""
    full = load("docs/data/bench.json")
    rerun = load("docs/data/bench-peer.json")
    tasks, peer, scale = full["tasks"], rerun["peer"], full["scale"]
    index = run_all.scale_index(full)

    def median(engine, users, latency, mode="create"):
        return index[(engine, users, latency, mode)]["median_s"]

    def ratios(users, latency):
        return run_all.scale_ratios(full, users, latency)

    modules = [row for name, row in tasks["tasks"].items() if not name.startswith("ansible.builtin.ping")]
    pings = [value for name, row in tasks["tasks"].items() if name.startswith("ansible.builtin.ping")
             for value in row["runs_s"]]
    pings += [row["aliyun.ram"]["median_s"] for row in peer["results"] if row["task"] == "ping"]
    loads = [value[0] for section in (full["tasks"], full["peer"], full["scale"], peer)
             for value in (section["measured"]["load_average_start"], section["measured"]["load_average_end"])]
    by_task = dict(((row["seeded_users"], row["task"]), row) for row in peer["results"])
    seeds = sorted(set(row["seeded_users"] for row in peer["results"]))
    gaps = [by_task[(n, "ping")]["aliyun.ram"]["median_s"] - by_task[(n, "ping")]["ansible-alicloud"]["median_s"]
            for n in seeds]
    users_big = [by_task[(seeds[-1], task)]["ratio_peer_to_ours"] for task in ("create user", "user no-op")]
    logins = [by_task[(n, task)]["ratio_peer_to_ours"] for n in seeds
              for task in ("create login profile", "login profile no-op")]
    loop_slope = (median("loop", 100, 0) - median("loop", 10, 0)) / 90.0
    users = sorted(set(r["users"] for r in scale["results"]))
    batch_slopes = [(median("batch", users[-1], latency) - median("batch", users[0], latency))
                    / float(users[-1] - users[0]) * 1000 for latency in (0, 20)]
    loop_seconds = sum(sum(r["runs_s"]) for r in scale["results"] if r["engine"] == "loop")
    n100 = index[("loop", 100, 0, "create")], index[("loop", 100, 0, "noop")]

    def one(value):
        return "%.1f" % value

    def two(value):
        return "%.2f" % value

    return [
        ("runs per figure", r"Figures are medians of (?P<runs>\d+) runs",
         {"runs": str(full["runs"])}),
        ("runs of the side-by-side section", r"with (?P<runs>\d+)\s+runs instead of (?P<full>\d+)",
         {"runs": str(peer["measured"]["runs"]), "full": str(full["runs"])}),
        ("load average while measuring",
         r"1-minute load average, read at the start and end of each section, was between (?P<low>[\d.]+) and "
         r"(?P<high>[\d.]+)",
         {"low": one(min(loads)), "high": one(max(loads))}),
        ("spread of the same ping task",
         r"`ansible.builtin.ping` task took (?P<low>[\d.]+) to (?P<high>[\d.]+) s",
         {"low": two(min(pings)), "high": two(max(pings))}),
        ("repetitions per task", r"Every module runs a no-op task \(nothing to change\) (?P<reps>\d+) times",
         {"reps": str(tasks["reps_per_task"])}),
        ("module task against ping", r"A module task costs (?P<low>[\d.]+) to (?P<high>[\d.]+) times a ping",
         {"low": one(min(r["ratio_to_ping"] for r in modules)), "high": one(max(r["ratio_to_ping"] for r in modules))}),
        ("loop against batch at N = 10, latency 0",
         r"at N = 10 the loop is \*\*(?P<create>[\d.]+)×\*\* slower to create and \*\*(?P<noop>[\d.]+)×\*\*\s+slower "
         r"for a no-op",
         {"create": one(ratios(10, 0)[0]), "noop": one(ratios(10, 0)[1])}),
        ("loop against batch at N = 100, latency 0",
         r"At N = 100 it is \*\*(?P<create>[\d.]+)×\*\* slower to create \((?P<loop>[\d.]+) s against "
         r"(?P<batch>[\d.]+) s\), \*\*(?P<noop>[\d.]+)×\*\* slower for a no-op and \*\*(?P<check>[\d.]+)×\*\* slower "
         r"in check mode",
         {"create": one(ratios(100, 0)[0]), "loop": one(median("loop", 100, 0)), "batch": one(median("batch", 100, 0)),
          "noop": one(ratios(100, 0)[1]), "check": one(ratios(100, 0)[2])}),
        ("growth per user",
         r"so it grows by about (?P<loop>[\d.]+) s per user\. The batch task grows\s+by about (?P<batch0>\d+) ms per "
         r"user at latency 0 and about (?P<batch20>\d+) ms per user at 20 ms",
         {"loop": one(loop_slope), "batch0": "%d" % round(batch_slopes[0]), "batch20": "%d" % round(batch_slopes[1])}),
        ("loop against batch at 20 ms",
         r"(?P<n10>[\d.]+)× slower at N = 10\. At N = 100 the loop is \*\*(?P<create>[\d.]+)×\*\* slower to\s+create "
         r"\((?P<loop>[\d.]+) s against (?P<batch>[\d.]+) s\), \*\*(?P<noop>[\d.]+)×\*\* slower for a no-op and "
         r"\*\*(?P<check>[\d.]+)×\*\* slower in check mode",
         {"n10": one(ratios(10, 20)[0]), "create": one(ratios(100, 20)[0]), "loop": one(median("loop", 100, 20)),
          "batch": one(median("batch", 100, 20)), "noop": one(ratios(100, 20)[1]), "check": one(ratios(100, 20)[2])}),
        ("a loop run at N = 500",
         r"At about (?P<slope>[\d.]+) s per user, a single loop run at\s+N = 500 would take about (?P<minutes>\d+) minutes",
         {"slope": one(loop_slope), "minutes": "%d" % round(loop_slope * 500 / 60.0)}),
        ("the loop's reads per user",
         r"The per-user loop makes more reads per user\s+\((?P<create>[\d.]+) to create, (?P<noop>[\d.]+) for a no-op "
         r"at N = 100\)",
         {"create": run_all.per_user(n100[0]["reads_per_user"]), "noop": run_all.per_user(n100[1]["reads_per_user"])}),
        ("the peer's calls per user task",
         r"1 call per task with (?P<few>\d+) users, (?P<many_calls>\d+) with (?P<many>\d+)",
         {"few": str(seeds[0]), "many": str(seeds[-1]),
          "many_calls": run_all.count(by_task[(seeds[-1], "user no-op")]["ansible-alicloud"]["calls"])}),
        ("the peer at the largest account", r"At (?P<many>\d+) users the peer is (?:already )?(?P<low>[\d.]+) to "
         r"(?P<high>[\d.]+) times slower",
         {"many": str(seeds[-1]), "low": one(min(users_big)), "high": one(max(users_big))}),
        ("our calls per user task", r"so the cost stays at (?P<calls>\d+) calls",
         {"calls": run_all.count(by_task[(seeds[-1], "user no-op")]["aliyun.ram"]["calls"])}),
        ("our calls per task whatever the account size",
         r"Our calls per task are the (?P<same>same) whatever the account size",
         {"same": "same" if "varies" not in run_all.peer_calls_table(rerun) else "not the same"}),
        ("calls per login-profile task", r"The peer makes fewer calls \((?P<peer_noop>\d+) or (?P<peer_create>\d+) "
         r"against our (?P<noop>\d+) or (?P<create>\d+)\)",
         dict((key, run_all.count(by_task[(seeds[-1], task)][side]["calls"])) for key, task, side in (
             ("peer_noop", "login profile no-op", "ansible-alicloud"), ("peer_create", "create login profile", "ansible-alicloud"),
             ("noop", "login profile no-op", "aliyun.ram"), ("create", "create login profile", "aliyun.ram")))),
        ("login-profile ratios", r"\(ratios (?P<low>[\d.]+) to (?P<high>[\d.]+), in both directions\)",
         {"low": one(min(logins)), "high": one(max(logins))}),
        ("ping in the two venvs",
         r"ping costs less in the peer's venv \(ansible-core 2.17\) than in ours\s+\(2.21\), by (?P<low>[\d.]+) to "
         r"(?P<high>[\d.]+) s",
         {"low": two(min(gaps)) if min(gaps) > 0 else "not always less", "high": two(max(gaps))}),
        ("side-by-side repetitions and account sizes",
         r"create (?P<reps>\d+) users, re-run \(no-op\), create their console logins, and\s+re-run\. Before each run, "
         r"the account already holds (?P<seeds>\d+(?:, \d+)* or \d+) users",
         {"reps": str(peer["reps_per_task"]), "seeds": "%s or %s" % (", ".join(str(n) for n in seeds[:-1]), seeds[-1])}),
        ("duration of make bench",
         r"took (?P<minutes>\d+) minutes on the shared 2-CPU machine\. The per-user loop accounts for (?P<loop>\d+) "
         r"of them",
         {"minutes": "%d" % round(full["wall_seconds"] / 60.0), "loop": "%d" % round(loop_seconds / 60.0)}),
    ]


def controller_path_figures():
    """(description, regular expression, {group: expected text}) for the figures in "The controller path"."""

    report = load("docs/data/controller-path.json")
    sections = [report[name] for name in ("tasks", "loop", "peer")]
    measured = [section["measured"] for section in sections]
    loads = [value[0] for m in measured for value in (m["load_average_start"], m["load_average_end"])]

    def stamp(text):
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")

    start, end = min(stamp(m["started"]) for m in measured), max(stamp(m["finished"]) for m in measured)
    rows = dict((row["task"], row) for row in report["tasks"]["rows"])
    modules = [row for name, row in rows.items() if name != "ansible.builtin.ping"]
    loop = dict((row["engine"], row) for row in report["loop"]["rows"])
    control, module, batch = loop["loop, controller path"], loop["loop, module path"], loop["batch"]
    faster = [module[mode]["median_s"] / control[mode]["median_s"] for mode in ("create", "noop")]
    found = dict((target["target"], target) for target in controller_path.targets(report))
    earlier = load("docs/data/bench.json")["tasks"]["tasks"]
    earlier_ping = statistics.median([row["median_s"] for name, row in earlier.items()
                                      if name.startswith("ansible.builtin.ping")])
    modified = sorted(set(name for m in measured[:2] for name in m["source"]["modified"]))

    def two(value):
        return "%.2f" % value

    def verdict(target):
        return "met" if target["met"] else "missed"

    def target(name):
        return [t for key, t in found.items() if key.startswith(name)][0]

    user, login = target("a no-op ram_user task"), target("a no-op ram_login_profile task")
    noop, create = target("the %d-person loop" % report["loop"]["users"] + " within 3 × the batch engine: no-op"), \
        target("the %d-person loop" % report["loop"]["users"] + " within 3 × the batch engine: create")
    peer_create, peer_noop = target("create user"), target("user no-op")
    return [
        ("when and with what the controller path was measured",
         r"Measured on (?P<day>\d+ \w+ \d{4}) from (?P<start>[\d:]+) to (?P<end>[\d:]+) UTC with ansible-core "
         r"(?P<core>[\d.]+) and Python (?P<python>[\d.]+) on (?P<cpus>\d+) CPUs, latency (?P<latency>\d+), medians of "
         r"(?P<runs>\d+) runs",
         {"day": "%d %s" % (start.day, start.strftime("%B %Y")), "start": start.strftime("%H:%M"),
          "end": end.strftime("%H:%M"), "core": measured[0]["ansible_core"], "python": measured[0]["python"],
          "cpus": str(measured[0]["cpus"]), "latency": str(report["latency_ms"]), "runs": str(report["runs"])}),
        ("the commits measured",
         r"The per-task and loop sections\s+measured commit `(?P<first>\w+)` \(its work tree differed only in "
         r"`(?P<modified>[\w/.]+)`\), the side-by-side section\s+commit `(?P<peer>\w+)`",
         {"first": measured[0]["source"]["commit"][:7] if measured[0]["source"] == measured[1]["source"] else "differs",
          "modified": ", ".join(modified), "peer": measured[2]["source"]["commit"][:7]}),
        ("load average while measuring the controller path",
         r"was\s+between (?P<low>[\d.]+) and (?P<high>[\d.]+)\. Absolute times are therefore high and noisy \(a ping "
         r"task took (?P<ping>[\d.]+) s here against\s+(?P<earlier>[\d.]+) s in the per-task section above\)",
         {"low": "%.1f" % min(loads), "high": "%.1f" % max(loads),
          "ping": two(rows["ansible.builtin.ping"]["controller"]["task_s"]), "earlier": two(earlier_ping)}),
        ("repetitions of the per-task section",
         r"runs as (?P<reps>\d+) separate tasks and as one (?P<items>\d+)-item loop",
         {"reps": str(report["tasks"]["reps"]), "items": str(report["tasks"]["reps"])}),
        ("no-op task against ping on both paths",
         r"A no-op task costs (?P<clow>[\d.]+) to (?P<chigh>[\d.]+) times a ping on the controller path, and "
         r"(?P<mlow>[\d.]+) to (?P<mhigh>[\d.]+) times a ping on the\s+module path",
         {"clow": two(min(r["controller"]["task_x_ping"] for r in modules)),
          "chigh": two(max(r["controller"]["task_x_ping"] for r in modules)),
          "mlow": "%.1f" % min(r["module"]["task_x_ping"] for r in modules),
          "mhigh": "%.1f" % max(r["module"]["task_x_ping"] for r in modules)}),
        ("calls of a looped no-op ram_user item",
         r"a no-op `ram_user` item makes (?P<controller>[\d.]+) calls on average, against (?P<module>[\d.]+) on the\s+"
         r"module path",
         {"controller": "%g" % round(rows["ram_user"]["controller"]["item_calls"], 2),
          "module": "%g" % round(rows["ram_user"]["module"]["item_calls"], 2)}),
        ("people in the loop", r"\*\*(?P<heading>\d+) people, one at a time.*?each looped over (?P<users>\d+) people\) on",
         {"heading": str(report["loop"]["users"]), "users": str(report["loop"]["users"])}),
        ("the controller path against the module path in the loop",
         r"makes the loop (?P<low>\d+) to (?P<high>\d+) times faster than the module path\. A no-op person costs "
         r"(?P<control>[\d.]+)\s+reads on the controller path against (?P<module>[\d.]+) on the module path",
         {"low": "%d" % min(faster), "high": "%d" % max(faster), "control": two(control["noop"]["reads_per_user"]),
          "module": two(module["noop"]["reads_per_user"])}),
        ("the side-by-side account and tasks",
         r"\*\*Side by side with `ali_ram_user`, (?P<seeds>\d+) users in the account\.\*\* (?P<reps>\w+) separate tasks "
         r"create a user each, then\s+(?P<again>\w+) no-op tasks",
         {"seeds": str(report["peer"]["seeded_users"]),
          "reps": {5: "Five"}.get(report["peer"]["reps"], str(report["peer"]["reps"])),
          "again": {5: "five"}.get(report["peer"]["reps"], str(report["peer"]["reps"]))}),
        ("target: no-op ram_user against ping",
         r"A no-op `ram_user` task at most 0\.25 × a ping task: \*\*(?P<met>\w+)\*\*, (?P<controller>[\d.]+) × "
         r"\(module path (?P<module>[\d.]+) ×\)",
         {"met": verdict(user), "controller": two(user["controller"]), "module": two(user["module"])}),
        ("target: no-op ram_login_profile against ping",
         r"A no-op `ram_login_profile` task at most 0\.25 × a ping task: \*\*(?P<met>\w+)\*\*, (?P<controller>[\d.]+) × "
         r"\(module path (?P<module>[\d.]+) ×\)",
         {"met": verdict(login), "controller": two(login["controller"]), "module": two(login["module"])}),
        ("target: the no-op loop against the batch engine",
         r"The (?P<users>\d+)-person loop within 3 × the batch engine, no-op: \*\*(?P<met>\w+)\*\*, (?P<controller>[\d.]+) × "
         r"\(the runs' own ratios (?P<runs>[\d.,\s]+); module path (?P<module>[\d.]+) ×\)",
         {"users": str(report["loop"]["users"]), "met": verdict(noop), "controller": two(noop["controller"]),
          "runs": ", ".join(two(r) for r in noop["controller_runs"]), "module": two(noop["module"])}),
        ("target: creating the loop's people against the batch engine",
         r"The (?P<users>\d+)-person loop within 3 × the batch engine, create: \*\*(?P<met>\w+)\*\*, (?P<controller>[\d.]+) × "
         r"\(the runs' own ratios (?P<runs>[\d.,\s]+), so (?P<within>\d+) runs of (?P<all>\d+) met it; module path "
         r"(?P<module>[\d.]+) ×\)",
         {"users": str(report["loop"]["users"]), "met": verdict(create), "controller": two(create["controller"]),
          "runs": ", ".join(two(r) for r in create["controller_runs"]),
          "within": str(sum(1 for r in create["controller_runs"] if r <= controller_path.LOOP_TARGET)),
          "all": str(len(create["controller_runs"])), "module": two(create["module"])}),
        ("target: ali_ram_user's time per task",
         r"At most 0\.2 × `ali_ram_user`'s time per task with (?P<seeds>\d+) users: \*\*(?P<met>\w+)\*\*, (?P<create>[\d.]+) × "
         r"to create a user and (?P<noop>[\d.]+) × for\s+a no-op \(module path (?P<mcreate>[\d.]+) × and "
         r"(?P<mnoop>[\d.]+) ×\)",
         {"seeds": str(report["peer"]["seeded_users"]),
          "met": "met" if peer_create["met"] and peer_noop["met"] else "missed",
          "create": two(peer_create["controller"]), "noop": two(peer_noop["controller"]),
          "mcreate": two(peer_create["module"]), "mnoop": two(peer_noop["module"])}),
        ("API calls per person, loop against batch",
         r"the per-user modules make\s+(?P<reads>[\d.]+) reads and (?P<writes>[\d.]+) writes per person, one after "
         r"another .*? while the batch engine makes (?P<breads>[\d.]+) reads and (?P<bwrites>[\d.]+) writes per\s+person",
         {"reads": two(control["create"]["reads_per_user"]), "writes": two(control["create"]["writes_per_user"]),
          "breads": two(batch["create"]["reads_per_user"]), "bwrites": two(batch["create"]["writes_per_user"])}),
        ("duration of the controller-path run",
         r"The run took (?P<minutes>\d+) minutes; the per-user loop on the module path accounts for (?P<most>most) of it",
         {"minutes": "%d" % round(sum(section["wall_seconds"] for section in sections) / 60.0),
          "most": "most" if sum(module[mode]["runs_s"][i] for mode in ("create", "noop")
                                for i in range(len(module["create"]["runs_s"])))
          > sum(section["wall_seconds"] for section in sections) / 2.0 else "not most"}),
    ]


FIGURES = {
    os.path.join("docs", "performance.md"): lambda: performance_figures() + controller_path_figures(),
    os.path.join("docs", "reliability.md"): reliability_figures,
}


# ------------------------------------------------------------------ pages


def generated_tables(lines):
    """[(kind, source, first line index of the table, index of the end marker)] of a page."""
    found = []
    index = 0
    while index < len(lines):
        match = TABLE.match(lines[index])
        if match:
            end = index + 1
            while end < len(lines) and lines[end] != END:
                end += 1
            found.append((match.group("kind"), match.group("source"), index + 1, end))
            index = end
        index += 1
    return found


def render(kind, source):
    renderers = SOURCE_RENDERERS.get(source, RENDERERS)
    if kind not in renderers:
        raise ValueError("unknown table %r from %s (known: %s)" % (kind, source, ", ".join(sorted(renderers))))
    return renderers[kind](load(source))


def check_page(page):
    """Differences between a page and its data: [(line number, what differs)]."""
    with open(os.path.join(REPO_ROOT, page), encoding="utf-8") as handle:
        text = handle.read()
    lines = text.splitlines()
    problems = []
    for kind, source, start, end in generated_tables(lines):
        if end >= len(lines):
            problems.append((start, "table %s has no %s" % (kind, END)))
            continue
        if not os.path.exists(os.path.join(REPO_ROOT, source)):
            problems.append((start, "table %s: its data %s does not exist" % (kind, source)))
            continue
        expected = render(kind, source).splitlines()
        actual = lines[start:end]
        if actual != expected:
            for offset, (have, want) in enumerate(zip(actual + [""] * len(expected), expected + [""] * len(actual))):
                if have != want:
                    problems.append((start + offset + 1, "table %s from %s:\n  page: %s\n  data: %s"
                                     % (kind, source, have, want)))
                    break
    for description, pattern, expected in FIGURES.get(page, lambda: [])():
        match = re.search(pattern.replace(" ", r"\s+"), text, re.S)    # a figure's sentence may wrap anywhere
        if not match:
            problems.append((0, "figure not found (%s): the text no longer matches /%s/" % (description, pattern)))
            continue
        line = text.count("\n", 0, match.start()) + 1
        for group, want in expected.items():
            have = re.sub(r"\s+", " ", match.group(group))
            if have != want:
                problems.append((line, "%s: the page says %s, the data gives %s" % (description, have, want)))
    return problems


def write_page(page):
    path = os.path.join(REPO_ROOT, page)
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    for kind, source, start, end in reversed(generated_tables(lines)):
        lines[start:end] = render(kind, source).splitlines()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a page differs from its data")
    parser.add_argument("--no-plot", action="store_true", help="do not redraw docs/performance.png")
    options = parser.parse_args(argv)
    if options.check:
        failed = False
        for page in PAGES:
            for line, problem in check_page(page):
                failed = True
                print("%s:%d: %s" % (page, line, problem))
        return 1 if failed else 0
    for page in PAGES:
        write_page(page)
        print("tables rewritten: %s" % page)
    if not options.no_plot:
        plotted = run_all.plot(load(PLOT_DATA)["scale"], os.path.join(REPO_ROOT, PLOT))
        if plotted:
            print("plot redrawn: %s" % PLOT)
    for page in PAGES:
        for line, problem in check_page(page):
            print("%s:%d: still differs from the data (edit the text): %s" % (page, line, problem))
    return 0


if __name__ == "__main__":
    sys.exit(main())
