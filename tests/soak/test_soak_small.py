# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The small soak for `make test`: the same scenarios as `make soak` (tests/soak/soak.py), fewer users."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import signal
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import soak  # noqa: E402  (tests/soak is not a package)


@pytest.fixture(scope="module")
def options(tmp_path_factory):
    # max_attempts 10: with the defaults (5) about 1 call in 700 fails five times in a row at these rates (see docs/reliability.md)
    return soak.parse_args(["--users", "60", "--max-attempts", "10", "--interrupt-users", "30", "--sts-users", "40",
                            "--sts-lifetime", "3", "--output-dir", str(tmp_path_factory.mktemp("soak-out"))])


@pytest.fixture
def workdir(tmp_path):
    yield str(tmp_path)
    shutil.rmtree(str(tmp_path), ignore_errors=True)


def assert_checks(name, report):
    failed = [check for check, passed in report["checks"].items() if not passed]
    assert not failed, "%s: failed checks %s\n%s" % (name, failed, report)


def test_fault_soak_converges_without_duplicates_and_reruns_clean(options, workdir):
    report = soak.scenario_faults(options, workdir)
    assert report["first_run"]["retries"] > 0
    assert_checks("faults", report)


@pytest.mark.parametrize("name,signum", [("sigint", signal.SIGINT), ("sigkill", signal.SIGKILL)])
def test_interrupted_run_converges_on_rerun(options, workdir, name, signum):
    report = soak.scenario_interrupted(options, workdir, name, signum)
    assert_checks(name, report)


def test_expiring_sts_credentials_are_refreshed_without_signature_errors(options, workdir):
    report = soak.scenario_sts_expiry(options, workdir)
    assert_checks("sts-expiry", report)
