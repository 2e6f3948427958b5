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
    # The modules' default connection settings: retries end on the 60 s retry_timeout budget, not on an attempt count.
    # The STS run must outlive its 3-second credentials on a fast, idle machine too: 40 users on 8 workers make at
    # least 5 users x 4 calls per worker, so 150 ms per call keeps the API work alone above 3 s.
    return soak.parse_args(["--users", "60", "--interrupt-users", "30", "--sts-users", "40",
                            "--sts-lifetime", "3", "--sts-latency-ms", "150",
                            "--output-dir", str(tmp_path_factory.mktemp("soak-out"))])


@pytest.fixture
def workdir(tmp_path):
    yield str(tmp_path)
    shutil.rmtree(str(tmp_path), ignore_errors=True)


def assert_checks(name, report):
    failed = [check for check, passed in report["checks"].items() if not passed]
    assert not failed, "%s: failed checks %s\n%s" % (name, failed, report)


def test_fault_soak_converges_without_duplicates_and_reruns_clean(options, workdir):
    assert options.max_attempts is None
    report = soak.scenario_faults(options, workdir)
    assert report["max_attempts"] == "default"
    assert report["first_run"]["retries"] > 0
    assert_checks("faults", report)


def log_entry(second, action="CreateUser", params=None, fault=None, duration_ms=5.0):
    return {"time": "2030-01-02T03:04:%06.3fZ" % second, "action": action, "params": params or {"UserPrincipalName": "a@x"},
            "access_key_id": "testid", "fault": fault, "duration_ms": duration_ms}


def test_retry_waits_pair_each_faulted_request_with_its_retry():
    entries = [
        log_entry(1.000, fault="throttle"),
        log_entry(1.100, params={"UserPrincipalName": "b@x"}),   # another user's request in between
        log_entry(1.300, fault="drop"),                           # the retry (arrived 1.295), dropped again
        log_entry(3.805),                                          # its retry arrived 3.800
        log_entry(4.000, action="GetUser", fault="error"),          # never retried
    ]
    assert [round(wait, 3) for wait in soak.retry_waits(entries)] == [0.295, 2.5]
    assert sorted(soak.fault_streaks(entries)) == [1, 2]


@pytest.mark.parametrize("name,signum", [("sigint", signal.SIGINT), ("sigkill", signal.SIGKILL)])
def test_interrupted_run_converges_on_rerun(options, workdir, name, signum):
    report = soak.scenario_interrupted(options, workdir, name, signum)
    assert_checks(name, report)


def test_expiring_sts_credentials_are_refreshed_without_signature_errors(options, workdir):
    report = soak.scenario_sts_expiry(options, workdir)
    assert_checks("sts-expiry", report)
