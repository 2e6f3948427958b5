# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the security suites: emulators that are always stopped, and playbook runs against them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench"))

import playrun  # noqa: E402  (tests/bench is not a package)

OUTPUT_DIR = os.path.join(playrun.REPO_ROOT, "tests", "output", "security")


@pytest.fixture(scope="module")
def emulators():
    """emulators(args) starts an emulator; every one started is stopped when the test module ends."""
    client = playrun.emulator_client()
    started = []

    def start(args=None):
        handle = client.start_emulator(args or [])
        started.append(handle)
        return handle

    yield start
    for handle in started:
        handle.cleanup()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("security"))


def keep_output(name, run):
    """Save a run's full output under tests/output/security/ for a human to read after a failure."""
    os.makedirs(OUTPUT_DIR, exist_ok=True)
    path = os.path.join(OUTPUT_DIR, name + ".log")
    playrun.write(path, run.output)
    return os.path.relpath(path, playrun.REPO_ROOT)
