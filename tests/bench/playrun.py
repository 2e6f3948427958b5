# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run playbooks against a local RAM emulator; shared by tests/bench, tests/soak and tests/security.

Builds on tests/integration/harness.py (collection link, environment with every endpoint pointed at the
emulator, fake credentials). Standard library only, so the bench and soak scripts run from any venv
that has ansible-core.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import datetime
import json
import os
import signal
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(BENCH_DIR))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "integration"))

import harness  # noqa: E402  (tests/integration is not a package)

ACCESS_KEY_ID = harness.ACCESS_KEY_ID
ACCESS_KEY_SECRET = harness.ACCESS_KEY_SECRET
ADMIN_ROLE_ARN = "acs:ram::1234567890123456:role/admin"
# Gateway errors that mean the client signed wrongly or with stale credentials.
SIGNATURE_ERRORS = ("SignatureDoesNotMatch", "IncompleteSignature", "InvalidSecurityToken.Expired",
                    "InvalidSecurityToken.MismatchWithAccessKey", "InvalidSecurityToken.Malformed",
                    "InvalidAccessKeyId.NotFound")


def utc_stamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_average():
    """The 1, 5 and 15 minute load averages (None where the platform has none)."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def source_revision():
    """Which code was measured: the commit of the work tree and the files that differ from it (git status)."""
    def git(*args):
        try:
            return subprocess.run(["git", "-C", REPO_ROOT] + list(args), stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, check=True).stdout.decode("utf-8", "replace")
        except (OSError, subprocess.CalledProcessError):
            return None
    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no", "--", "plugins", "roles", "meta", "tests/bench",
                 "tests/soak", "tests/emulator")
    return {"commit": commit.strip() if commit else None,
            "modified": [line[3:] for line in (status or "").splitlines() if line.strip()]}


def conditions():
    """When and where a measurement started: time, machine, load, and the code measured."""
    return {"started": utc_stamp(), "cpus": os.cpu_count(), "python": sys.version.split()[0],
            "ansible_core": ansible_core_version(), "load_average_start": load_average(), "source": source_revision()}


def ansible_core_version():
    try:
        output = subprocess.run([harness.ansible_bin("ansible-playbook"), "--version"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, check=False).stdout.decode("utf-8", "replace")
    except OSError:
        return None
    first = output.splitlines()[0] if output else ""
    return first.split("core", 1)[1].strip(" ]") if "core" in first else None


def emulator_client():
    return harness.load_emulator_client()


def write(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def write_json(path, data):
    return write(path, json.dumps(data, indent=1, sort_keys=True))


class Run:
    """The outcome of one ansible-playbook run."""

    def __init__(self, returncode, output, elapsed):
        self.returncode = returncode
        self.output = output
        self.elapsed = elapsed

    def tail(self, lines=80):
        return "\n".join(self.output.splitlines()[-lines:])


def environment(emulator_url, workdir, extra=None):
    env = harness.ansible_environment(emulator_url, os.path.join(workdir, "ansible-tmp"), extra)
    env["ANSIBLE_LOCALHOST_WARNING"] = "false"
    env["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "false"
    return env


def playbook_command(playbook, extra_vars_file=None, check=False, diff=False, verbosity=0, ansible_playbook=None):
    command = [ansible_playbook or harness.ansible_bin("ansible-playbook"), "-i", "localhost,", "-c", "local", playbook]
    if extra_vars_file:
        command += ["-e", "@" + extra_vars_file]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    if verbosity:
        command.append("-" + "v" * verbosity)
    return command


def run_playbook(playbook, env, extra_vars_file=None, check=False, diff=False, verbosity=0, timeout=3600,
                 ansible_playbook=None):
    command = playbook_command(playbook, extra_vars_file, check, diff, verbosity, ansible_playbook)
    started = time.monotonic()
    completed = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, timeout=timeout, check=False)
    elapsed = time.monotonic() - started
    return Run(completed.returncode, completed.stdout.decode("utf-8", "replace"), elapsed)


def start_playbook(playbook, env, extra_vars_file=None, output_path=None):
    """Start ansible-playbook in its own process group (so a signal reaches it and its module processes)."""
    output = open(output_path or os.devnull, "wb")
    try:
        process = subprocess.Popen(playbook_command(playbook, extra_vars_file), env=env, stdout=output,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        output.close()
    return process


def signal_group(process, signum):
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def descendants(pid):
    """PIDs of every live descendant of pid (Linux /proc). Ansible's workers start their own sessions,
    so a signal to the playbook's process group does not reach them or the module processes."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, encoding="utf-8", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def kill_tree(process):
    """SIGKILL ansible-playbook and everything it started, like a crash of the machine running it."""
    victims = [process.pid] + descendants(process.pid)
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return victims


def interrupt(process, signum, grace=30):
    """SIGINT (or another signal) to the playbook's process group, as Ctrl-C in a terminal does;
    SIGKILL kills the whole process tree. Whatever is left after grace seconds is killed."""
    if signum == signal.SIGKILL:
        kill_tree(process)
    else:
        signal_group(process, signum)
    try:
        return process.wait(grace)
    except subprocess.TimeoutExpired:
        kill_tree(process)
        return process.wait()


def summarise_log(entries):
    """Counts of a slice of the emulator's request log: reads, writes, faults, error codes, per action."""
    by_action = collections.Counter(e.get("action") for e in entries)
    codes = collections.Counter(e.get("code") for e in entries if e.get("code"))
    faults = collections.Counter(e.get("fault") for e in entries if e.get("fault"))
    return {
        "requests": len(entries),
        "reads": sum(1 for e in entries if not e.get("write")),
        "writes": sum(1 for e in entries if e.get("write")),
        "successful_writes": sum(1 for e in entries if e.get("write") and e.get("status") == 200),
        "faults": dict(faults),
        "codes": dict(codes),
        "by_action": dict(by_action),
        "signature_errors": sum(n for code, n in codes.items() if code in SIGNATURE_ERRORS),
    }


def user_key(entry):
    params = entry.get("params") or {}
    name = params.get("UserPrincipalName") or params.get("UserName") or ""
    return name.split("@", 1)[0]


def successful_creates(entries, action):
    """{user name: number of successful `action` calls} from the request log."""
    counts = collections.Counter()
    for entry in entries:
        if entry.get("action") == action and entry.get("status") == 200:
            counts[user_key(entry)] += 1
    return counts
