# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench`: every benchmark of the collection against the local RAM emulator, in one command.

Sections (each median of --runs runs, every run on a fresh emulator):

  tasks    per-task cost: each module's no-op task next to ansible.builtin.ping in the same playbook,
           at latency 0; the ratio to ping and the API calls of one no-op task.
  scale    onboarding scale: the role (batch engine, ram_user_baseline) against a per-user loop of ram_user +
           ram_login_profile doing the same baseline, for N users, create / no-op / check (on the converged
           account), at each --latencies value. The loop is skipped above --loop-max-users (it grows ~1 s per user).
           API reads and writes per user and per run come from the emulator's request log.
  peer     Alibaba's ali_ram_user / ali_ram_login_profile (ansible-alicloud 1.20.0, footmark 1.26.0, in .venv-peer,
           RAM 2015-05-01 with classic signatures, only endpoint and protocol redirected) next to ram_user /
           ram_login_profile, with --peer-seeds users already in the account. Each side's ansible.builtin.ping in its
           own venv is measured too, since the two sides run different ansible-core versions.

Writes bench-results/bench.json (every run's value), bench-results/bench.md (the tables) and
bench-results/performance.png (time against N); none of it is committed. To publish a run, copy bench.json to
docs/data/ and run tests/bench/publish.py, which rewrites docs/performance.md's tables and docs/performance.png
(see docs/data/README.md).

    python tests/bench/run_all.py [--quick] [--sections tasks,scale,peer] [--runs 3] [--users 10,100,500,1000]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import collections
import concurrent.futures
import datetime
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)

import playrun  # noqa: E402  (tests/bench is not a package)

REPO_ROOT = playrun.REPO_ROOT
PEER_VENV = os.path.join(REPO_ROOT, ".venv-peer")
PEER_SETUP = os.path.join(BENCH_DIR, "peer", "setup_peer.sh")
CALLBACKS = os.path.join(BENCH_DIR, "callback_plugins")
OUTPUT_DIR = os.path.join(REPO_ROOT, "bench-results")
STRONG_PASSWORD = "Bench#Pass-%04d-Zq"
MODES = ("create", "noop", "check")

# ------------------------------------------------------------------ playbooks

TASKS_PLAYBOOK = """---
- name: Per-task cost
  hosts: localhost
  gather_facts: false
  tasks:
    - name: setup policy
      aliyun.ram.ram_password_policy: {minimum_password_length: 12, require_symbols: true}
    - name: setup group
      aliyun.ram.ram_group: {name: bench-g}
    - name: setup user
      aliyun.ram.ram_user: {name: bench-u, display_name: Bench User, groups: [bench-g]}
    - name: setup login
      aliyun.ram.ram_login_profile: {name: bench-u, password: "Bench#Pass-0001-Zq", mfa_bind_required: true}
    - name: setup baseline user
      aliyun.ram.ram_user_baseline: {users: [{name: bench-b, groups: [bench-g], password: "Bench#Pass-0002-Zq"}]}

    - name: "timed: ansible.builtin.ping"
      ansible.builtin.ping:
      loop: "{{ range(reps) | list }}"
    - name: "timed: ram_user"
      aliyun.ram.ram_user: {name: bench-u, display_name: Bench User, groups: [bench-g]}
      loop: "{{ range(reps) | list }}"
    - name: "timed: ram_user_info"
      aliyun.ram.ram_user_info: {name: bench-u}
      loop: "{{ range(reps) | list }}"
    - name: "timed: ram_group"
      aliyun.ram.ram_group: {name: bench-g}
      loop: "{{ range(reps) | list }}"
    - name: "timed: ram_login_profile"
      aliyun.ram.ram_login_profile: {name: bench-u, password: "Bench#Pass-0001-Zq", mfa_bind_required: true}
      loop: "{{ range(reps) | list }}"
    - name: "timed: ram_login_profile_info"
      aliyun.ram.ram_login_profile_info: {name: bench-u}
      loop: "{{ range(reps) | list }}"
    - name: "timed: ram_password_policy"
      aliyun.ram.ram_password_policy: {minimum_password_length: 12, require_symbols: true}
      loop: "{{ range(reps) | list }}"
    - name: "timed: ram_user_baseline"
      aliyun.ram.ram_user_baseline: {users: [{name: bench-b, groups: [bench-g], password: "Bench#Pass-0002-Zq"}]}
      loop: "{{ range(reps) | list }}"
    - name: "timed: ansible.builtin.ping (again)"
      ansible.builtin.ping:
      loop: "{{ range(reps) | list }}"
"""

ROLE_PLAYBOOK = """---
- name: Onboarding, batch engine
  hosts: localhost
  gather_facts: false
  tasks:
    - name: The onboarding role
      ansible.builtin.include_role:
        name: aliyun.ram.onboarding
      vars:
        onboarding_groups: [{name: bench-dev}, {name: bench-ops}]
        onboarding_password_policy: {minimum_password_length: 14, require_symbols: true}
        onboarding_default_groups: [bench-dev]
        onboarding_default_tags: {team: bench}
        onboarding_users: "{{ bench_users }}"
"""

LOOP_PLAYBOOK = """---
- name: Onboarding, per-user loop of the single-user modules
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Groups
      aliyun.ram.ram_group:
        name: "{{ item }}"
      loop: [bench-dev, bench-ops]
    - name: Password policy
      aliyun.ram.ram_password_policy: {minimum_password_length: 14, require_symbols: true}
    - name: Users
      aliyun.ram.ram_user:
        name: "{{ item.name }}"
        groups: [bench-dev]
        tags: {team: bench}
        purge_tags: false
      loop: "{{ bench_users }}"
      loop_control: {label: "{{ item.name }}"}
    - name: Console logins
      aliyun.ram.ram_login_profile:
        name: "{{ item.name }}"
        password: "{{ item.password }}"
        password_reset_required: true
        mfa_bind_required: true
      loop: "{{ bench_users }}"
      loop_control: {label: "{{ item.name }}"}
"""

OURS_PEER_PLAYBOOK = """---
- name: Side by side, aliyun.ram
  hosts: localhost
  gather_facts: false
  tasks:
    - name: "timed: ping"
      ansible.builtin.ping:
      loop: "{{ range(reps) | list }}"
    - name: "timed: create user"
      aliyun.ram.ram_user: {name: "cmp{{ item }}", display_name: "Cmp {{ item }}"}
      loop: "{{ range(reps) | list }}"
    - name: "timed: user no-op"
      aliyun.ram.ram_user: {name: "cmp{{ item }}", display_name: "Cmp {{ item }}"}
      loop: "{{ range(reps) | list }}"
    - name: "timed: create login profile"
      aliyun.ram.ram_login_profile:
        name: "cmp{{ item }}"
        password: "Cmp#Pass-{{ item }}-xYz9"
        password_reset_required: true
        mfa_bind_required: false
      loop: "{{ range(reps) | list }}"
    - name: "timed: login profile no-op"
      aliyun.ram.ram_login_profile:
        name: "cmp{{ item }}"
        password: "Cmp#Pass-{{ item }}-xYz9"
        password_reset_required: true
        mfa_bind_required: false
      loop: "{{ range(reps) | list }}"
"""

PEER_PLAYBOOK = """---
- name: Side by side, Alibaba's ansible-alicloud
  hosts: localhost
  gather_facts: false
  tasks:
    - name: "timed: ping"
      ansible.builtin.ping:
      loop: "{{ range(reps) | list }}"
    - name: "timed: create user"
      ali_ram_user: {user_name: "cmp{{ item }}", display_name: "Cmp {{ item }}"}
      loop: "{{ range(reps) | list }}"
    - name: "timed: user no-op"
      ali_ram_user: {user_name: "cmp{{ item }}", display_name: "Cmp {{ item }}"}
      loop: "{{ range(reps) | list }}"
    - name: "timed: create login profile"
      ali_ram_login_profile:
        user_name: "cmp{{ item }}"
        password: "Cmp#Pass-{{ item }}-xYz9"
        password_reset_required: true
        mfa_bind_required: false
      loop: "{{ range(reps) | list }}"
    - name: "timed: login profile no-op"
      ali_ram_login_profile:
        user_name: "cmp{{ item }}"
        password: "Cmp#Pass-{{ item }}-xYz9"
        password_reset_required: true
        mfa_bind_required: false
      loop: "{{ range(reps) | list }}"
"""

PEER_TASKS = ("ping", "create user", "user no-op", "create login profile", "login profile no-op")

# ------------------------------------------------------------------ helpers


def log(message):
    print(message, file=sys.stderr, flush=True)


def median(values):
    return statistics.median(values) if values else None


def parse_log_time(value):
    return datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()


def timer_env(env, path):
    env = dict(env)
    env.update({"ANSIBLE_CALLBACK_PLUGINS": CALLBACKS, "ANSIBLE_CALLBACKS_ENABLED": "bench_timer", "BENCH_TIMER_FILE": path})
    return env


def timed_tasks(timer_file, entries):
    """{task name without "timed: ": {seconds per item, API calls per item, reads, writes}} for the timed tasks."""
    with open(timer_file, encoding="utf-8") as handle:
        tasks = json.load(handle)
    stamped = [(parse_log_time(e["time"]), e) for e in entries]
    found = collections.OrderedDict()
    for task in tasks:
        if not task["name"].startswith("timed: "):
            continue
        items = max(task["items"], 1)
        inside = [e for t, e in stamped if task["start"] <= t <= task["end"]]
        found[task["name"][len("timed: "):]] = {
            "seconds_per_item": (task["end"] - task["start"]) / items, "items": task["items"], "failed": task["failed"],
            "calls_per_item": len(inside) / float(items),
            "reads_per_item": sum(1 for e in inside if not e.get("write")) / float(items),
            "writes_per_item": sum(1 for e in inside if e.get("write")) / float(items),
            "actions": dict((action, count / float(items)) for action, count in
                            collections.Counter(e["action"] for e in inside).items())}
    return found


class RunFailed(RuntimeError):
    pass


def check_run(run, emulator, what):
    if run.returncode != 0:
        state = "running" if emulator.process.poll() is None else "exited with %s" % emulator.process.poll()
        raise RunFailed("%s failed (emulator %s; emulator stderr: %s):\n%s" % (
            what, state, emulator.stderr()[-500:].strip(), run.tail(30)))


def attempts(what, function, tries=3):
    """Run one measurement; a run that fails (the machine may be shared) is repeated on a fresh emulator."""
    for attempt in range(1, tries + 1):
        try:
            return function()
        except RunFailed as exc:
            if attempt == tries:
                raise
            log("  %s failed (attempt %d of %d), repeating it: %s" % (what, attempt, tries, str(exc).splitlines()[0]))
    return None


def ram_client(emulator_url):
    """The collection's own RamClient, pointed at the emulator (used only to seed accounts fast)."""
    collections_root = playrun.harness.ensure_collection_link()
    if collections_root not in sys.path:
        sys.path.insert(0, collections_root)
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient
    from ansible_collections.aliyun.ram.plugins.module_utils.credentials import Credentials
    from ansible_collections.aliyun.ram.plugins.module_utils.transport import Transport
    endpoints = dict((product, emulator_url) for product in ("ims", "ram", "sts"))
    transport = Transport(Credentials(playrun.ACCESS_KEY_ID, playrun.ACCESS_KEY_SECRET), endpoints=endpoints, pool_size=8)
    return RamClient(transport)


def seed_users(emulator, count, prefix="seed"):
    client = ram_client(emulator.url)
    domain = client.get_default_domain()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: client.create_user("%s%04d@%s" % (prefix, i, domain), "Seed %d" % i), range(count)))


# ------------------------------------------------------------------ sections


def bench_tasks(options, workdir):
    playbook = playrun.write(os.path.join(workdir, "tasks.yml"), TASKS_PLAYBOOK)
    extra = playrun.write_json(os.path.join(workdir, "tasks-vars.json"), {"reps": options.reps})
    per_run = []
    client = playrun.emulator_client()

    def one_run(run_index):
        with client.start_emulator(["--latency-ms", "0"]) as emulator:
            timer_file = os.path.join(workdir, "tasks-timer-%d.json" % run_index)
            run = playrun.run_playbook(playbook, timer_env(playrun.environment(emulator.url, workdir), timer_file), extra)
            check_run(run, emulator, "per-task playbook")
            return timed_tasks(timer_file, emulator.log_entries())

    for run_index in range(options.runs):
        per_run.append(attempts("per-task run %d" % (run_index + 1), functools.partial(one_run, run_index)))
        log("  tasks run %d: %s" % (run_index + 1, ", ".join("%s %.3f" % (k, v["seconds_per_item"]) for k, v in per_run[-1].items())))
    names = list(per_run[0])
    rows = collections.OrderedDict()
    for name in names:
        seconds = [r[name]["seconds_per_item"] for r in per_run]
        rows[name] = {"median_s": median(seconds), "runs_s": seconds, "calls": per_run[-1][name]["calls_per_item"],
                      "writes": per_run[-1][name]["writes_per_item"], "actions_last_run": per_run[-1][name]["actions"]}
    ping = median([rows["ansible.builtin.ping"]["median_s"], rows["ansible.builtin.ping (again)"]["median_s"]])
    for row in rows.values():
        row["ratio_to_ping"] = row["median_s"] / ping
    return {"reps_per_task": options.reps, "ping_s": ping, "tasks": rows}


def users_for(count):
    return [{"name": "bench%04d" % i, "password": STRONG_PASSWORD % i, "console_login": True} for i in range(count)]


def bench_scale(options, workdir):
    role = playrun.write(os.path.join(workdir, "role.yml"), ROLE_PLAYBOOK)
    loop = playrun.write(os.path.join(workdir, "loop.yml"), LOOP_PLAYBOOK)
    client = playrun.emulator_client()
    results = []
    # batch first, then the slow loop: a partial run still has every batch figure
    for engine, playbook in (("batch", role), ("loop", loop)):
        for latency in options.latencies:
            for count in options.users:
                extra = playrun.write_json(os.path.join(workdir, "users-%d.json" % count), {"bench_users": users_for(count)})
                if engine == "loop" and count > options.loop_max_users:
                    continue
                timings = collections.defaultdict(list)
                calls = {}

                def one_run(engine=engine, playbook=playbook, count=count, latency=latency, extra=extra):
                    seconds, summaries = {}, {}
                    with client.start_emulator(["--latency-ms", str(latency)]) as emulator:
                        env = playrun.environment(emulator.url, workdir)
                        for mode in MODES:
                            start = len(emulator.log_entries())
                            run = playrun.run_playbook(playbook, env, extra, check=(mode == "check"))
                            check_run(run, emulator, "%s %s N=%d" % (engine, mode, count))
                            seconds[mode] = run.elapsed
                            summaries[mode] = playrun.summarise_log(emulator.log_entries()[start:])
                    return seconds, summaries

                for run_index in range(options.runs):
                    seconds, calls = attempts("scale %s N=%d run %d" % (engine, count, run_index + 1), one_run)
                    for mode in MODES:
                        timings[mode].append(seconds[mode])
                    log("  scale %s N=%d latency=%sms run %d: %s" % (engine, count, latency, run_index + 1, ", ".join(
                        "%s %.1fs" % (mode, timings[mode][-1]) for mode in MODES)))
                for mode in MODES:
                    summary = calls[mode]
                    results.append({
                        "engine": engine, "users": count, "latency_ms": latency, "mode": mode,
                        "median_s": median(timings[mode]), "runs_s": [round(v, 2) for v in timings[mode]],
                        "reads": summary["reads"], "writes": summary["writes"],
                        "reads_per_user": summary["reads"] / float(count), "writes_per_user": summary["writes"] / float(count),
                        "by_action": summary["by_action"]})
                playrun.write_json(os.path.join(options.output_dir, "bench-scale-partial.json"), results)
    return {"loop_max_users": options.loop_max_users, "results": results}


def peer_environment(emulator_url, workdir):
    site = subprocess.check_output([os.path.join(PEER_VENV, "bin", "python"), "-c",
                                    "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).decode().strip()
    env = playrun.environment(emulator_url, workdir, {
        "ANSIBLE_PYTHON_INTERPRETER": os.path.join(PEER_VENV, "bin", "python"),
        "ANSIBLE_LIBRARY": os.path.join(site, "ansible", "modules", "cloud", "alicloud"),
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
        "ALICLOUD_ACCESS_KEY": playrun.ACCESS_KEY_ID, "ALICLOUD_SECRET_KEY": playrun.ACCESS_KEY_SECRET,
        "ALICLOUD_REGION": "cn-hangzhou", "RAM_PEER_ENDPOINT": emulator_url})
    return env


def bench_peer(options, workdir):
    subprocess.check_call([PEER_SETUP, PEER_VENV])
    sides = {
        "aliyun.ram": (playrun.write(os.path.join(workdir, "ours-peer.yml"), OURS_PEER_PLAYBOOK), None, None),
        "ansible-alicloud": (playrun.write(os.path.join(workdir, "peer.yml"), PEER_PLAYBOOK), peer_environment,
                             os.path.join(PEER_VENV, "bin", "ansible-playbook")),
    }
    extra = playrun.write_json(os.path.join(workdir, "peer-vars.json"), {"reps": options.peer_reps})
    client = playrun.emulator_client()
    results = []
    for seeds in options.peer_seeds:
        per_side = dict((side, []) for side in sides)
        for run_index in range(options.runs):
            for side, (playbook, make_env, ansible_playbook) in sides.items():
                def one_run(side=side, playbook=playbook, make_env=make_env, ansible_playbook=ansible_playbook):
                    with client.start_emulator(["--latency-ms", "0"]) as emulator:
                        seed_users(emulator, seeds)
                        timer_file = os.path.join(workdir, "peer-timer.json")
                        env = make_env(emulator.url, workdir) if make_env else playrun.environment(emulator.url, workdir)
                        run = playrun.run_playbook(playbook, timer_env(env, timer_file), extra, ansible_playbook=ansible_playbook)
                        check_run(run, emulator, "%s side-by-side playbook" % side)
                        return timed_tasks(timer_file, emulator.log_entries())
                per_side[side].append(attempts("peer %s seeds=%d run %d" % (side, seeds, run_index + 1), one_run))
            log("  peer seeds=%d run %d: %s" % (seeds, run_index + 1, "; ".join("%s %s" % (side, ", ".join(
                "%s %.3f" % (k, v["seconds_per_item"]) for k, v in runs[-1].items())) for side, runs in per_side.items())))
        for task in PEER_TASKS:
            row = {"seeded_users": seeds, "task": task}
            for side, runs in per_side.items():
                row[side] = {"median_s": median([r[task]["seconds_per_item"] for r in runs]),
                             "calls": runs[-1][task]["calls_per_item"], "reads": runs[-1][task]["reads_per_item"],
                             "writes": runs[-1][task]["writes_per_item"], "actions": runs[-1][task]["actions"]}
            row["ratio_peer_to_ours"] = row["ansible-alicloud"]["median_s"] / row["aliyun.ram"]["median_s"]
            results.append(row)
    return {"reps_per_task": options.peer_reps, "results": results}


# ------------------------------------------------------------------ output


def plot(scale, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import NullFormatter, ScalarFormatter
    except ImportError:
        log("matplotlib is not installed (pip install -r tests/bench/requirements.txt): no plot")
        return None
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=False)
    for axis, mode in zip(axes, ("create", "noop")):
        for engine, style in (("batch", "-"), ("loop", "--")):
            for latency, marker in zip(sorted(set(r["latency_ms"] for r in scale["results"])), ("o", "s", "^")):
                points = sorted((r["users"], r["median_s"]) for r in scale["results"]
                                if r["engine"] == engine and r["mode"] == mode and r["latency_ms"] == latency)
                if points:
                    label = "%s, %s ms" % ("ram_user_baseline (role)" if engine == "batch" else "per-user loop", latency)
                    axis.plot([p[0] for p in points], [p[1] for p in points], style, marker=marker, label=label)
        axis.set_xscale("log")
        axis.set_yscale("log")
        for scale_axis in (axis.xaxis, axis.yaxis):
            scale_axis.set_major_formatter(ScalarFormatter())
            scale_axis.set_minor_formatter(NullFormatter())
        axis.set_xlabel("users (N)")
        axis.set_ylabel("wall time of the playbook (s, median)")
        axis.set_title({"create": "create N users", "noop": "re-run (no-op)"}[mode])
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.tight_layout()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    figure.savefig(path, dpi=110)
    return path


def fmt(value, digits=2):
    return "-" if value is None else ("%.*f" % (digits, value))


# The tables below are the ones docs/performance.md publishes (tests/bench/publish.py copies them into the page,
# tests/docs checks that the page still equals them); bench.md holds the same tables.

TASK_LABELS = {"ram_user_baseline": "ram_user_baseline (one user)"}
ENGINE_LABELS = {"batch": "role (batch)", "loop": "per-user loop"}


def count(value):
    """A per-task or per-user figure: an integer as is, else at most two decimals (0.5, 1.08)."""
    return ("%.2f" % value).rstrip("0").rstrip(".") if value else "0"


def per_user(value):
    """API calls per user: two decimals (the per-run calls are spread over the users), 0 when there are none."""
    return "%.2f" % value if value else "0"


def thousands(value):
    return "{:,}".format(value)


def call_list(actions):
    """{action: calls per task} as "GetUser ×2, ListGroupsForUser", alphabetical."""
    return ", ".join(action if abs(calls - 1) < 1e-9 else "%s ×%s" % (action, count(calls))
                     for action, calls in sorted(actions.items()))


def tasks_table(report):
    """Per-task cost: ping (both ping tasks), then every module's no-op task, cheapest first."""
    tasks = report["tasks"]
    rows = [(name, row) for name, row in tasks["tasks"].items() if not name.startswith("ansible.builtin.ping")]
    writes = any(row["writes"] for _name, row in rows)
    lines = ["| task | median s / task | × ping | API calls per task%s |" % ("" if writes else " (all reads)"),
             "| --- | ---: | ---: | --- |",
             "| ansible.builtin.ping | %.3f | 1.00 | 0 |" % tasks["ping_s"]]
    for name, row in sorted(rows, key=lambda item: item[1]["median_s"]):
        calls = "%s (%s)" % (count(row["calls"]), call_list(row["actions_last_run"])) if row["calls"] else "0"
        if row["writes"]:
            calls += "; %s writes" % count(row["writes"])
        lines.append("| %s | %.3f | %.2f | %s |" % (TASK_LABELS.get(name, name), row["median_s"], row["ratio_to_ping"], calls))
    return "\n".join(lines)


def scale_index(report):
    return dict(((r["engine"], r["users"], r["latency_ms"], r["mode"]), r) for r in report["scale"]["results"])


def scale_ratios(report, count_, latency):
    """(create, no-op, check) time of the per-user loop over the batch role, or None when the loop did not run."""
    index = scale_index(report)
    if (("loop", count_, latency, "create") not in index) or (("batch", count_, latency, "create") not in index):
        return None
    return tuple(index[("loop", count_, latency, mode)]["median_s"] / index[("batch", count_, latency, mode)]["median_s"]
                 for mode in MODES)


def scale_table(report):
    """Onboarding scale: every (latency, N, engine) that ran, with the loop / batch ratios and the API calls per user."""
    index = scale_index(report)
    lines = ["| latency | N | engine | create s | no-op s | check s | loop ÷ role (create, no-op, check) "
             "| API reads / user (create, no-op) | API writes / user (create, no-op) |",
             "| ---: | ---: | --- | ---: | ---: | ---: | --- | --- | --- |"]
    results = report["scale"]["results"]
    for latency in sorted(set(r["latency_ms"] for r in results)):
        for users in sorted(set(r["users"] for r in results)):
            for engine in ("batch", "loop"):
                row = dict((mode, index.get((engine, users, latency, mode))) for mode in MODES)
                if row["create"] is None:
                    continue
                ratios = scale_ratios(report, users, latency) if engine == "loop" else None
                lines.append("| %s ms | %s | %s | %.1f | %.1f | %.1f | %s | %s, %s | %s, %s |" % (
                    latency, thousands(users), ENGINE_LABELS[engine], row["create"]["median_s"], row["noop"]["median_s"],
                    row["check"]["median_s"], ", ".join("%.1f×" % r for r in ratios) if ratios else "–",
                    per_user(row["create"]["reads_per_user"]), per_user(row["noop"]["reads_per_user"]),
                    per_user(row["create"]["writes_per_user"]), per_user(row["noop"]["writes_per_user"])))
    return "\n".join(lines)


def peer_table(report):
    """Side by side: per task and account size, each side's median seconds, the ratio and the API calls per task."""
    lines = ["| users already in the account | task | aliyun.ram s | ansible-alicloud s | peer / ours "
             "| API calls per task, ours | API calls per task, peer |",
             "| ---: | --- | ---: | ---: | ---: | ---: | --- |"]
    for row in report["peer"]["results"]:
        ours, theirs = row["aliyun.ram"], row["ansible-alicloud"]
        task = "ping (own venv)" if row["task"] == "ping" else row["task"]
        peer_calls = "%s (%s)" % (count(theirs["calls"]), call_list(theirs["actions"])) if theirs["calls"] else "0"
        lines.append("| %s | %s | %.3f | %.3f | %.2f | %s | %s |" % (
            thousands(row["seeded_users"]), task, ours["median_s"], theirs["median_s"], row["ratio_peer_to_ours"],
            count(ours["calls"]), peer_calls))
    return "\n".join(lines)


def peer_calls_table(report):
    """Our API calls per task in the side-by-side run, with "varies" if they differ between account sizes."""
    lines = ["| task | calls | which |", "| --- | ---: | --- |"]
    for task in PEER_TASKS[1:]:
        sides = [row["aliyun.ram"] for row in report["peer"]["results"] if row["task"] == task]
        texts = set(call_list(side["actions"]) for side in sides)
        calls = set(count(side["calls"]) for side in sides)
        lines.append("| %s | %s | %s |" % (
            task, calls.pop() if len(calls) == 1 else "varies",
            texts.pop() if len(texts) == 1 else "varies with the account size"))
    return "\n".join(lines)


TABLES = collections.OrderedDict([
    ("tasks", ("Per-task cost (no-op task, latency 0)", tasks_table)),
    ("scale", ("Onboarding scale (role = batch engine against a per-user loop of ram_user + ram_login_profile)",
               scale_table)),
    ("peer", ("Side by side with ansible-alicloud 1.20.0 (latency 0)", peer_table)),
    ("peer-calls", ("aliyun.ram's API calls per task in the side-by-side run", peer_calls_table)),
])


def section_of(table):
    return table.split("-", 1)[0]


def markdown(report):
    lines = ["# Benchmark results", "", "Raw data: bench.json. Medians of each section's runs, every run on a fresh "
             "emulator.", ""]
    for name, (title, render) in TABLES.items():
        section = report.get(section_of(name))
        if section is None:
            continue
        measured = section.get("measured") or {}
        lines += ["## %s" % title, "",
                  "Measured %s, %s runs, on %s." % (
                      measured.get("started", report.get("generated")), measured.get("runs", report.get("runs")),
                      report.get("machine")),
                  "", render(report), ""]
    return "\n".join(lines)


def parse_args(argv=None):
    def numbers(value):
        return [int(v) for v in value.split(",") if v]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 run, small N, short loops")
    parser.add_argument("--sections", default="tasks,scale,peer", type=lambda v: [s for s in v.split(",") if s])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reps", type=int, default=10, help="repetitions of each task in the per-task section")
    parser.add_argument("--users", type=numbers, default=[10, 100, 500, 1000])
    parser.add_argument("--latencies", type=numbers, default=[0, 20])
    parser.add_argument("--loop-max-users", type=int, default=100)
    parser.add_argument("--peer-seeds", type=numbers, default=[10, 100, 500])
    parser.add_argument("--peer-reps", type=int, default=5)
    parser.add_argument("--output-dir", default=OUTPUT_DIR)
    parser.add_argument("--plot", default=None, help="where to draw the plot (default: OUTPUT_DIR/performance.png)")
    parser.add_argument("--from-json", metavar="BENCH_JSON", help="measure nothing: redo bench.md and the plot from this file")
    options = parser.parse_args(argv)
    if options.plot is None:
        options.plot = os.path.join(options.output_dir, "performance.png")
    if options.quick:
        options.runs, options.reps, options.peer_reps = 1, 3, 2
        options.users, options.loop_max_users, options.peer_seeds = [10, 50], 10, [10]
    return options


def main(argv=None):
    options = parse_args(argv)
    if options.from_json:
        with open(options.from_json, encoding="utf-8") as handle:
            report = json.load(handle)
        return publish(report, options)
    workdir = tempfile.mkdtemp(prefix="ram-bench-")
    report = {"generated": playrun.utc_stamp(),
              "machine": "%d CPUs, Python %s" % (os.cpu_count() or 0, sys.version.split()[0]),
              "runs": options.runs, "options": vars(options), "source": playrun.source_revision()}
    started = time.monotonic()
    os.makedirs(options.output_dir, exist_ok=True)
    for section, function in (("tasks", bench_tasks), ("peer", bench_peer), ("scale", bench_scale)):
        if section in options.sections:
            log("==> %s" % section)
            section_started = time.monotonic()
            conditions = playrun.conditions()
            report[section] = function(options, workdir)
            report[section]["wall_seconds"] = round(time.monotonic() - section_started, 1)
            report[section]["measured"] = dict(conditions, runs=options.runs, load_average_end=playrun.load_average(),
                                               finished=playrun.utc_stamp())
            playrun.write_json(os.path.join(options.output_dir, "bench.json"), report)  # keep what is done
    report["wall_seconds"] = round(time.monotonic() - started, 1)
    playrun.write_json(os.path.join(options.output_dir, "bench.json"), report)
    log("work dir %s" % workdir)
    return publish(report, options)


def publish(report, options):
    os.makedirs(options.output_dir, exist_ok=True)
    text = markdown(report)
    playrun.write(os.path.join(options.output_dir, "bench.md"), text + "\n")
    if "scale" in report and options.plot:
        plotted = plot(report["scale"], options.plot)
        if plotted:
            log("plot: %s" % os.path.relpath(plotted, REPO_ROOT))
    print(text)
    log("results: %s" % os.path.join(options.output_dir, "bench.md"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
