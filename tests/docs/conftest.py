# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A summary of what the docs tests ran and skipped, after the run."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections


def pytest_terminal_summary(terminalreporter):
    counts = collections.Counter()
    for status in ("passed", "failed", "skipped"):
        for report in terminalreporter.stats.get(status, []):
            nodeid = getattr(report, "nodeid", "")
            if "tests/docs/test_guides.py::test_shell_block" in nodeid:
                counts["shell blocks " + status] += 1
            elif "tests/docs/test_guides.py::test_yaml_block" in nodeid:
                counts["YAML blocks " + status] += 1
    if counts:
        terminalreporter.write_line("guides: " + ", ".join("%d %s" % (n, what) for what, n in sorted(counts.items())))
