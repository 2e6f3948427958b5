# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: run tests/demo/NN-*.yml in order against a local RAM API emulator.

Nothing here touches Alibaba Cloud: every endpoint points at the emulator on 127.0.0.1.
Usage: python tests/demo/run_demo.py [--keep-going]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

DEMO_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(DEMO_DIR), "integration"))

import harness  # noqa: E402  (shared with the integration harness)


def demo_playbooks():
    return sorted(glob.glob(os.path.join(DEMO_DIR, "[0-9][0-9]-*.yml")))


def banner(text):
    line = "=" * 78
    print("\n%s\n%s\n%s" % (line, text, line), flush=True)


def run_playbook(playbook, emulator, workdir):
    extra_vars = {"emulator_url": emulator.url, "emulator_request_log": emulator.request_log,
                  "ansible_python_interpreter": sys.executable}
    env = harness.ansible_environment(emulator.url, os.path.join(workdir, "ansible-tmp"), {
        "ANSIBLE_STDOUT_CALLBACK": "default",
        "ANSIBLE_NOCOLOR": "0" if sys.stdout.isatty() else "1",
    })
    command = [harness.ansible_bin("ansible-playbook"), "-i", "localhost,", "-e", json.dumps(extra_vars), playbook]
    return subprocess.call(command, env=env, cwd=DEMO_DIR, stdin=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-going", action="store_true", help="run the remaining playbooks after a failure")
    options = parser.parse_args()

    client = harness.load_emulator_client()
    workdir = tempfile.mkdtemp(prefix="aliyun-ram-demo-")
    request_log = os.path.join(workdir, "requests.jsonl")
    emulator = client.start_emulator(["--request-log", request_log])
    print("RAM API emulator listening on %s (credentials testid / testsecret)" % emulator.url)

    failed = []
    ran = 0
    try:
        for playbook in demo_playbooks():
            ran += 1
            banner("ansible-playbook %s" % os.path.relpath(playbook))
            if run_playbook(playbook, emulator, workdir) != 0:
                failed.append(os.path.basename(playbook))
                if not options.keep_going:
                    break
        stats = emulator.stats()
    finally:
        emulator.cleanup()  # the request log lives in our own workdir and stays

    banner("Demo summary")
    print("Playbooks run:   %d, failed: %s" % (ran, ", ".join(failed) or "none"))
    print("API requests:    %s (writes %s, reads %s)" % (stats.get("requests"), stats.get("writes"), stats.get("reads")))
    print("Request log:     %s (one JSON line per API call the emulator answered)" % request_log)
    print("Where to look next:")
    print("  README.md                      using the collection against the real Alibaba Cloud")
    print("  docs/                          guides and design notes")
    print("  tests/demo/                    the playbooks you just watched")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
