# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench`, the controller path (issue 13): both paths of every module next to ping, the batch engine and the peer.

Sections (medians of --runs runs, every run on a fresh emulator at --latency-ms, 0 by default):

  tasks  every module's no-op task next to ansible.builtin.ping, as --reps separate tasks (each task is what a
         playbook pays per task: a forked worker, and on the module path a module process), and as the --reps items
         of one looped task; once on the controller path and once forced through the module path
         (ALIYUN_RAM_CONTROLLER_PATH=false). API calls per task come from the emulator's request log.
  loop   onboarding --users people: ram_group + ram_password_policy, then ram_user and ram_login_profile each looped
         over the people, on both paths, next to the onboarding role (one ram_user_baseline task, the batch engine);
         create on a fresh account, then the same playbook again (no-op).
  peer   Alibaba's ali_ram_user (ansible-alicloud 1.20.0 in .venv-peer, see tests/bench/peer/) next to ram_user on
         both paths, with --peer-seeds users already in the account: --peer-reps separate tasks that create a user,
         then as many no-op tasks. Each side's ping is measured in its own venv.

Targets (issue 13): a no-op ram_user or ram_login_profile task at most 0.25 x a ping task (controller path); the
100-person loop within 3 x the batch engine; at most 0.2 x ali_ram_user's time per task with 300 users in the account.

Writes bench-results/controller-path.json and bench-results/controller-path.md (not committed);
docs/performance.md ("The controller path") publishes a run.

    python tests/bench/controller_path.py [--quick] [--sections tasks,loop,peer] [--runs 3] [--reps 10] [--users 100]
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)

import playrun  # noqa: E402  (tests/bench is not a package)
from run_all import LOOP_PLAYBOOK, ROLE_PLAYBOOK, log, median, parse_log_time, timer_env  # noqa: E402

harness = playrun.harness
REPO_ROOT = playrun.REPO_ROOT
# The two paths and the switch between them (docs/controller-path.md).
CONTROLLER_PATH, MODULE_PATH = "controller", "module"
PATH_SWITCH = "ALIYUN_RAM_CONTROLLER_PATH"
PEER_VENV = os.path.join(REPO_ROOT, ".venv-peer")
PEER_SETUP = os.path.join(BENCH_DIR, "peer", "setup_peer.sh")
OUTPUT_DIR = os.path.join(REPO_ROOT, "bench-results")
PATHS = (CONTROLLER_PATH, MODULE_PATH)
PASSWORD = "Bench#Pass-%04d-Zq"

# module -> its no-op arguments (after the setup tasks below); ram_user and ram_login_profile first: the targets
NOOP_TASKS = collections.OrderedDict([
    ("ram_user", "{name: bench-u, display_name: Bench User, groups: [bench-g]}"),
    ("ram_login_profile", "{name: bench-u, password: \"Bench#Pass-0001-Zq\", mfa_bind_required: true}"),
    ("ram_group", "{name: bench-g}"),
    ("ram_password_policy", "{minimum_password_length: 12, require_symbols: true}"),
    ("ram_user_info", "{name: bench-u}"),
    ("ram_login_profile_info", "{name: bench-u}"),
    ("ram_user_baseline", "{users: [{name: bench-b, groups: [bench-g], password: \"Bench#Pass-0002-Zq\"}]}"),
])
SETUP = ("ram_password_policy", "ram_group", "ram_user", "ram_login_profile", "ram_user_baseline")


def tasks_playbook(reps, modules=tuple(NOOP_TASKS), prefix="aliyun.ram."):
    """Setup, then ``reps`` rounds of (ping, every module's no-op task) as separate tasks, then each as a loop."""
    lines = ["---", "- name: Per-task cost", "  hosts: localhost", "  gather_facts: false", "  tasks:"]
    for name in SETUP:
        lines += ["    - name: setup %s" % name, "      %s%s: %s" % (prefix, name, NOOP_TASKS[name])]
    for _round in range(reps):
        lines += ["    - name: \"task: ansible.builtin.ping\"", "      ansible.builtin.ping:"]
        for name in modules:
            lines += ["    - name: \"task: %s\"" % name, "      %s%s: %s" % (prefix, name, NOOP_TASKS[name])]
    lines += ["    - name: \"loop: ansible.builtin.ping\"", "      ansible.builtin.ping:",
              "      loop: \"{{ range(%d) | list }}\"" % reps]
    for name in modules:
        lines += ["    - name: \"loop: %s\"" % name, "      %s%s: %s" % (prefix, name, NOOP_TASKS[name]),
                  "      loop: \"{{ range(%d) | list }}\"" % reps]
    return "\n".join(lines) + "\n"


def timings(timer_file, entries):
    """{task name: [(seconds per task or item, API calls per task or item, {action: calls})]} from bench_timer."""
    with open(timer_file, encoding="utf-8") as handle:
        tasks = json.load(handle)
    stamped = [(parse_log_time(e["time"]), e) for e in entries]
    found = collections.defaultdict(list)
    for task in tasks:
        name = task["name"]
        if not name.startswith(("task: ", "loop: ")):
            continue
        if task["failed"]:
            raise RuntimeError("task %r failed" % name)
        units = max(task["items"], 1) if name.startswith("loop: ") else 1
        inside = [e for t, e in stamped if task["start"] <= t <= task["end"]]
        found[name].append(((task["end"] - task["start"]) / units, len(inside) / float(units),
                            dict((a, n / float(units)) for a, n in collections.Counter(e["action"] for e in inside).items())))
    return found


def path_env(emulator, workdir, path, extra=None):
    env = playrun.environment(emulator.url, workdir, {PATH_SWITCH: "true" if path == CONTROLLER_PATH else "false"})
    env.update(extra or {})
    return env


def check(run, what):
    if run.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (what, run.tail(40)))


# ------------------------------------------------------------------ sections


def bench_tasks(options, workdir):
    playbook = playrun.write(os.path.join(workdir, "tasks.yml"), tasks_playbook(options.reps))
    client = playrun.emulator_client()
    per_path = dict((path, collections.defaultdict(list)) for path in PATHS)
    calls = {}
    for run_index in range(options.runs):
        for path in PATHS:
            with client.start_emulator(["--latency-ms", str(options.latency_ms)]) as emulator:
                timer_file = os.path.join(workdir, "tasks-timer.json")
                run = playrun.run_playbook(playbook, timer_env(path_env(emulator, workdir, path), timer_file))
                check(run, "per-task playbook (%s path)" % path)
                for name, values in timings(timer_file, emulator.log_entries()).items():
                    per_path[path][name].extend(v[0] for v in values)
                    calls[(path, name)] = values[-1][1:]
            log("  tasks run %d, %s path: %s" % (run_index + 1, path, ", ".join(
                "%s %.3f" % (name, per_path[path][name][-1]) for name in sorted(per_path[path]) if name.startswith("task: "))))
    rows = []
    ping = dict((path, median(per_path[path]["task: ansible.builtin.ping"])) for path in PATHS)
    loop_ping = dict((path, median(per_path[path]["loop: ansible.builtin.ping"])) for path in PATHS)
    for name in ["ansible.builtin.ping"] + list(NOOP_TASKS):
        row = {"task": name}
        for path in PATHS:
            task_s = median(per_path[path]["task: " + name])
            item_s = median(per_path[path]["loop: " + name])
            row[path] = {"task_s": task_s, "task_x_ping": task_s / ping[path], "item_s": item_s,
                         "item_x_ping": item_s / loop_ping[path], "calls": calls[(path, "task: " + name)][0],
                         "actions": calls[(path, "task: " + name)][1], "item_calls": calls[(path, "loop: " + name)][0]}
        rows.append(row)
    return {"reps": options.reps, "latency_ms": options.latency_ms, "ping_s": ping, "rows": rows}


def bench_loop(options, workdir):
    client = playrun.emulator_client()
    people = [{"name": "bench%04d" % i, "password": PASSWORD % i, "console_login": True} for i in range(options.users)]
    extra = playrun.write_json(os.path.join(workdir, "people.json"), {"bench_users": people})
    engines = [("batch", ROLE_PLAYBOOK, CONTROLLER_PATH)] + [
        ("loop, %s path" % path, LOOP_PLAYBOOK, path) for path in PATHS if path in options.loop_paths]
    seconds = collections.defaultdict(list)
    requests = {}
    for run_index in range(options.runs):
        for engine, text, path in engines:
            playbook = playrun.write(os.path.join(workdir, "onboarding-%s.yml" % engine.split(",", maxsplit=1)[0]), text)
            with client.start_emulator(["--latency-ms", str(options.latency_ms)]) as emulator:
                env = path_env(emulator, workdir, path)
                for mode in ("create", "noop"):
                    start = len(emulator.log_entries())
                    run = playrun.run_playbook(playbook, env, extra)
                    check(run, "%s %s" % (engine, mode))
                    seconds[(engine, mode)].append(run.elapsed)
                    requests[(engine, mode)] = playrun.summarise_log(emulator.log_entries()[start:])
            log("  loop run %d, %s: create %.1fs, no-op %.1fs" % (
                run_index + 1, engine, seconds[(engine, "create")][-1], seconds[(engine, "noop")][-1]))
    rows = []
    for engine, _text, _path in engines:
        row = {"engine": engine}
        for mode in ("create", "noop"):
            summary = requests[(engine, mode)]
            row[mode] = {"median_s": median(seconds[(engine, mode)]), "runs_s": [round(v, 2) for v in seconds[(engine, mode)]],
                         "reads_per_user": summary["reads"] / float(options.users),
                         "writes_per_user": summary["writes"] / float(options.users)}
        rows.append(row)
    batch = rows[0]
    for row in rows:
        row["x_batch"] = dict((mode, row[mode]["median_s"] / batch[mode]["median_s"]) for mode in ("create", "noop"))
        # each run times every engine back to back: its own ratio is the steadier figure on a machine under load
        row["x_batch_per_run"] = dict((mode, [ours / theirs for ours, theirs in zip(row[mode]["runs_s"], batch[mode]["runs_s"])])
                                      for mode in ("create", "noop"))
        row["x_batch_median_of_runs"] = dict((mode, median(row["x_batch_per_run"][mode])) for mode in ("create", "noop"))
    return {"users": options.users, "latency_ms": options.latency_ms, "rows": rows}


def peer_playbook(reps, peer):
    """ping, then ``reps`` separate tasks creating users, then ``reps`` no-op tasks on them."""
    lines = ["---", "- name: Side by side", "  hosts: localhost", "  gather_facts: false", "  tasks:"]
    for index in range(reps):
        lines += ["    - name: \"task: ping\"", "      ansible.builtin.ping:"]
    for label in ("create user", "user no-op"):
        for index in range(reps):
            lines += ["    - name: \"task: %s\"" % label]
            if peer:
                lines += ["      ali_ram_user: {user_name: cmp%d, display_name: Cmp %d}" % (index, index)]
            else:
                lines += ["      aliyun.ram.ram_user: {name: cmp%d, display_name: Cmp %d}" % (index, index)]
    return "\n".join(lines) + "\n"


def seed_users(emulator, count):
    """``count`` users in the account before the run, created with the collection's own client (fast)."""
    collections_root = harness.ensure_collection_link()
    if collections_root not in sys.path:
        sys.path.insert(0, collections_root)
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient
    from ansible_collections.aliyun.ram.plugins.module_utils.credentials import Credentials
    from ansible_collections.aliyun.ram.plugins.module_utils.transport import Transport
    endpoints = dict((product, emulator.url) for product in ("ims", "ram", "sts"))
    transport = Transport(Credentials(playrun.ACCESS_KEY_ID, playrun.ACCESS_KEY_SECRET), endpoints=endpoints, pool_size=8)
    client = RamClient(transport)
    domain = client.get_default_domain()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: client.create_user("seed%04d@%s" % (i, domain), "Seed %d" % i), range(count)))
    transport.close()


def peer_env(emulator, workdir):
    site = subprocess.check_output([os.path.join(PEER_VENV, "bin", "python"), "-c",
                                    "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).decode().strip()
    return playrun.environment(emulator.url, workdir, {
        "ANSIBLE_PYTHON_INTERPRETER": os.path.join(PEER_VENV, "bin", "python"),
        "ANSIBLE_LIBRARY": os.path.join(site, "ansible", "modules", "cloud", "alicloud"),
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
        "ALICLOUD_ACCESS_KEY": playrun.ACCESS_KEY_ID, "ALICLOUD_SECRET_KEY": playrun.ACCESS_KEY_SECRET,
        "ALICLOUD_REGION": "cn-hangzhou", "RAM_PEER_ENDPOINT": emulator.url})


def bench_peer(options, workdir):
    subprocess.check_call([PEER_SETUP, PEER_VENV])
    client = playrun.emulator_client()
    sides = (("ansible-alicloud", True, None), ("aliyun.ram, controller path", False, CONTROLLER_PATH),
             ("aliyun.ram, module path", False, MODULE_PATH))
    values = collections.defaultdict(list)
    calls = {}
    for run_index in range(options.runs):
        for side, peer, path in sides:
            playbook = playrun.write(os.path.join(workdir, "peer-%s.yml" % ("peer" if peer else "ours")),
                                     peer_playbook(options.peer_reps, peer))
            with client.start_emulator(["--latency-ms", str(options.latency_ms)]) as emulator:
                seed_users(emulator, options.peer_seeds)
                timer_file = os.path.join(workdir, "peer-timer.json")
                env = peer_env(emulator, workdir) if peer else path_env(emulator, workdir, path)
                run = playrun.run_playbook(playbook, timer_env(env, timer_file),
                                           ansible_playbook=os.path.join(PEER_VENV, "bin", "ansible-playbook") if peer else None)
                check(run, "%s side by side" % side)
                for name, found in timings(timer_file, emulator.log_entries()).items():
                    values[(side, name)].extend(v[0] for v in found)
                    calls[(side, name)] = found[-1][1:]
            log("  peer run %d, %s: %s" % (run_index + 1, side, ", ".join(
                "%s %.3f" % (label, values[(side, "task: " + label)][-1]) for label in ("ping", "create user", "user no-op"))))
    rows = []
    for label in ("ping", "create user", "user no-op"):
        row = {"task": label}
        for side, _peer, _path in sides:
            row[side] = {"median_s": median(values[(side, "task: " + label)]), "calls": calls[(side, "task: " + label)][0],
                         "actions": calls[(side, "task: " + label)][1]}
        peer_s = row["ansible-alicloud"]["median_s"]
        for side, _peer, _path in sides[1:]:
            row[side]["x_peer"] = row[side]["median_s"] / peer_s if peer_s else None
        rows.append(row)
    return {"seeded_users": options.peer_seeds, "reps": options.peer_reps, "latency_ms": options.latency_ms, "rows": rows}


# ------------------------------------------------------------------ tables
# Each takes the whole report (the JSON this script writes); tests/bench/publish.py renders docs/performance.md's
# controller-path tables with them from docs/data/controller-path.json, and markdown() below uses the same ones.

PEER, OURS_CONTROLLER, OURS_MODULE = "ansible-alicloud", "aliyun.ram, controller path", "aliyun.ram, module path"
LOOP_ENGINES = (("batch", "role (batch engine)", "controller"), ("loop, controller path", "per-user loop", "controller"),
                ("loop, module path", "per-user loop", "module"))
# issue 13's targets: (ratio limit, what the ratio is measured against)
TASK_TARGET, LOOP_TARGET, PEER_TARGET = 0.25, 3.0, 0.2
TARGET_TASKS = ("ram_user", "ram_login_profile")
PEER_TASKS = ("create user", "user no-op")


def calls_text(actions):
    if not actions:
        return "0"
    return "%g (%s)" % (round(sum(actions.values()), 2), ", ".join(
        action if abs(n - 1) < 1e-9 else "%s ×%g" % (action, round(n, 2)) for action, n in sorted(actions.items())))


def calls_both_paths(controller_actions, module_actions):
    """One text when both paths send the same requests (they should), else both."""
    if controller_actions == module_actions:
        return calls_text(controller_actions)
    return "controller path %s; module path %s" % (calls_text(controller_actions), calls_text(module_actions))


def tasks_table(report):
    """Per-task cost: every module's no-op task and loop item on both paths, each next to ping on its own path."""
    lines = ["| task | controller path s | × ping | module path s | × ping | loop item, controller path s | × ping "
             "| loop item, module path s | × ping | API calls per task (both paths) | API calls per loop item, "
             "controller path; module path |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for row in report["tasks"]["rows"]:
        c, m = row[CONTROLLER_PATH], row[MODULE_PATH]
        lines.append("| %s | %.3f | %.2f | %.3f | %.2f | %.3f | %.2f | %.3f | %.2f | %s | %g; %g |" % (
            row["task"], c["task_s"], c["task_x_ping"], m["task_s"], m["task_x_ping"], c["item_s"], c["item_x_ping"],
            m["item_s"], m["item_x_ping"], calls_both_paths(c["actions"], m["actions"]), round(c["item_calls"], 2),
            round(m["item_calls"], 2)))
    return "\n".join(lines)


def loop_row(report, engine):
    return [row for row in report["loop"]["rows"] if row["engine"] == engine][0]


def loop_table(report):
    """The per-user loop on both paths against the batch engine: medians, ratios, every run, API calls per person."""
    lines = ["| engine | path | create s | no-op s | × batch (create, no-op) | × batch, median of the runs' own ratios "
             "(create, no-op) | every run, create s | every run, no-op s | API reads / person (create, no-op) "
             "| API writes / person (create) |",
             "| --- | --- | ---: | ---: | --- | --- | --- | --- | --- | ---: |"]
    for engine, label, path in LOOP_ENGINES:
        if not [row for row in report["loop"]["rows"] if row["engine"] == engine]:
            continue
        row = loop_row(report, engine)
        per_run = row.get("x_batch_median_of_runs") or row["x_batch"]
        lines.append("| %s | %s | %.1f | %.1f | %.2f×, %.2f× | %.2f×, %.2f× | %s | %s | %.2f, %.2f | %.2f |" % (
            label, path, row["create"]["median_s"], row["noop"]["median_s"], row["x_batch"]["create"],
            row["x_batch"]["noop"], per_run["create"], per_run["noop"],
            ", ".join("%.1f" % v for v in row["create"]["runs_s"]), ", ".join("%.1f" % v for v in row["noop"]["runs_s"]),
            row["create"]["reads_per_user"], row["noop"]["reads_per_user"], row["create"]["writes_per_user"]))
    return "\n".join(lines)


def ratio_text(value):
    return "%.2f" % value if value else "–"


def peer_table(report):
    """ali_ram_user next to ram_user on both paths, seconds per task and ours over the peer's."""
    lines = ["| task | ansible-alicloud s | controller path s | ÷ peer | module path s | ÷ peer "
             "| API calls per task, peer | API calls per task, ours (both paths) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for row in report["peer"]["rows"]:
        peer, ours, module = row[PEER], row[OURS_CONTROLLER], row[OURS_MODULE]
        lines.append("| %s | %.3f | %.3f | %s | %.3f | %s | %s | %s |" % (
            "ping (own venv)" if row["task"] == "ping" else row["task"], peer["median_s"], ours["median_s"],
            ratio_text(ours.get("x_peer")), module["median_s"], ratio_text(module.get("x_peer")),
            calls_text(peer["actions"]), calls_both_paths(ours["actions"], module["actions"])))
    return "\n".join(lines)


def targets(report):
    """Issue 13's targets: [{target, controller, module, met}], ratios on each path; met is judged on the controller
    path (the targets are the controller path's), and for the loop both on the ratio of the medians and on the median
    of the runs' own ratios."""
    found = []
    if "tasks" in report:
        for row in report["tasks"]["rows"]:
            if row["task"] in TARGET_TASKS:
                ratio = row[CONTROLLER_PATH]["task_x_ping"]
                found.append({"target": "a no-op %s task at most %g × a ping task" % (row["task"], TASK_TARGET),
                              "controller": ratio, "module": row[MODULE_PATH]["task_x_ping"], "met": ratio <= TASK_TARGET})
    if "loop" in report:
        for mode in ("create", "noop"):
            row = loop_row(report, "loop, controller path")
            per_run = (row.get("x_batch_median_of_runs") or row["x_batch"])[mode]
            module = [r for r in report["loop"]["rows"] if r["engine"] == "loop, module path"]
            found.append({"target": "the %d-person loop within %g × the batch engine: %s" % (
                report["loop"]["users"], LOOP_TARGET, "no-op" if mode == "noop" else mode),
                "controller": row["x_batch"][mode], "controller_runs": (row.get("x_batch_per_run") or {}).get(mode),
                "controller_median_of_runs": per_run, "module": module[0]["x_batch"][mode] if module else None,
                "met": row["x_batch"][mode] <= LOOP_TARGET and per_run <= LOOP_TARGET})
    if "peer" in report:
        for row in report["peer"]["rows"]:
            if row["task"] in PEER_TASKS:
                ratio = row[OURS_CONTROLLER]["x_peer"]
                found.append({"target": "%s at most %g × ali_ram_user's time per task, %d users" % (
                    row["task"], PEER_TARGET, report["peer"]["seeded_users"]),
                    "controller": ratio, "module": row[OURS_MODULE]["x_peer"], "met": ratio <= PEER_TARGET})
    return found


def targets_table(report):
    lines = ["| target | controller path | module path | met (controller path) |", "| --- | --- | --- | --- |"]
    for target in targets(report):
        runs = target.get("controller_runs")
        lines.append("| %s | %.2f ×%s | %s | %s |" % (
            target["target"], target["controller"],
            " (the runs' own ratios: %s)" % ", ".join("%.2f" % r for r in runs) if runs else "",
            "%.2f ×" % target["module"] if target["module"] is not None else "not measured",
            "yes" if target["met"] else "**no**"))
    return "\n".join(lines)


def markdown(report):
    lines = ["# The controller path: benchmark", "", "Generated %s on %s; medians of %d runs at latency %s ms." % (
        report["generated"], report["machine"], report["runs"], report["latency_ms"]), ""]
    if "tasks" in report:
        lines += ["## Per-task cost (no-op, %d separate tasks and a %d-item loop per module per run)" % (
            report["tasks"]["reps"], report["tasks"]["reps"]), "", tasks_table(report), ""]
    if "loop" in report:
        lines += ["## %d people: per-user loop on both paths against the batch engine" % report["loop"]["users"], "",
                  loop_table(report), ""]
    if "peer" in report:
        lines += ["## Side by side with ali_ram_user, %d users in the account (%d tasks each)" % (
            report["peer"]["seeded_users"], report["peer"]["reps"]), "", peer_table(report), ""]
    lines += ["## Targets", "", targets_table(report)]
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 run, 3 reps, 10 people, 2 peer tasks")
    parser.add_argument("--sections", default="tasks,loop,peer", type=lambda v: [s for s in v.split(",") if s])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--peer-seeds", type=int, default=300)
    parser.add_argument("--peer-reps", type=int, default=5)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--loop-paths", default="controller,module", type=lambda v: [s for s in v.split(",") if s],
                        help="the paths the per-user loop runs on (the module path takes minutes per run)")
    parser.add_argument("--output-dir", default=OUTPUT_DIR)
    parser.add_argument("--from-json", metavar="JSON", help="measure nothing: redo the tables from this file")
    options = parser.parse_args(argv)
    if options.quick:
        options.runs, options.reps, options.users, options.peer_reps = 1, 3, 10, 2
    return options


def main(argv=None):
    options = parse_args(argv)
    if options.from_json:
        with open(options.from_json, encoding="utf-8") as handle:
            report = json.load(handle)
    else:
        workdir = tempfile.mkdtemp(prefix="ram-bench-cp-")
        report = {"generated": playrun.utc_stamp(), "machine": "%d CPUs, Python %s" % (os.cpu_count() or 0, sys.version.split()[0]),
                  "runs": options.runs, "latency_ms": options.latency_ms, "options": vars(options),
                  "source": playrun.source_revision()}
        os.makedirs(options.output_dir, exist_ok=True)
        for section, function in (("tasks", bench_tasks), ("loop", bench_loop), ("peer", bench_peer)):
            if section not in options.sections:
                continue
            log("==> %s" % section)
            started = time.monotonic()
            conditions = playrun.conditions()
            report[section] = function(options, workdir)
            report[section]["wall_seconds"] = round(time.monotonic() - started, 1)
            report[section]["measured"] = dict(conditions, load_average_end=playrun.load_average(), finished=playrun.utc_stamp())
            playrun.write_json(os.path.join(options.output_dir, "controller-path.json"), report)
    text = markdown(report)
    os.makedirs(options.output_dir, exist_ok=True)
    playrun.write(os.path.join(options.output_dir, "controller-path.md"), text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
