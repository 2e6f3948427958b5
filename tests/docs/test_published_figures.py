# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The figures of docs/performance.md and docs/reliability.md are the committed data in docs/data/.

Every table with measured figures is rebuilt from its JSON by tests/bench/publish.py (the renderers of
tests/bench/run_all.py for the benchmark, the soak's own for the soak) and must equal the page; the figures
quoted in the text are recomputed too. To change a figure, change the data: re-run the benchmark or soak,
copy its JSON to docs/data/, run `.venv/bin/python tests/bench/publish.py` and fix the text it reports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "bench"))

import publish  # noqa: E402  (tests/bench is not a package)

# The generated tables each page must have, as (kind, data file), and its tables that hold no measured figure (by
# their header row).
BENCH, PEER, CONTROLLER = "docs/data/bench.json", "docs/data/bench-peer.json", "docs/data/controller-path.json"
SOAK = "docs/data/soak.json"
EXPECTED_TABLES = {
    "docs/performance.md": ({("bench.tasks", BENCH), ("bench.scale", BENCH), ("bench.peer", PEER),
                             ("bench.peer-calls", PEER), ("bench.tasks", CONTROLLER), ("bench.scale", CONTROLLER),
                             ("bench.peer", CONTROLLER)}, ()),
    "docs/reliability.md": ({("soak.faults", SOAK), ("soak.convergence", "docs/data/soak-convergence.json"),
                             ("soak.interrupted", SOAK), ("soak.sts", SOAK)}, (
        "| Suite | Command | In `make test` |",
        "| Error | Treated as | Source |",
        "| Setting | Result |",
    )),
}


def read(page):
    with open(os.path.join(REPO_ROOT, page), encoding="utf-8") as handle:
        return handle.read().splitlines()


@pytest.mark.parametrize("page", sorted(EXPECTED_TABLES))
def test_every_figure_equals_the_committed_data(page):
    problems = publish.check_page(page)
    assert not problems, "%s differs from its data in docs/data/ (re-run tests/bench/publish.py, fix the text):\n%s" % (
        page, "\n".join("%s:%d: %s" % (page, line, problem) for line, problem in problems))


@pytest.mark.parametrize("page", sorted(EXPECTED_TABLES))
def test_every_table_with_figures_is_generated(page):
    lines = read(page)
    expected, without_figures = EXPECTED_TABLES[page]
    generated = publish.generated_tables(lines)
    assert set((kind, source) for kind, source, _start, _end in generated) == expected
    inside = set()
    for _kind, _source, start, end in generated:
        inside.update(range(start, end))
    headers = [index for index, line in enumerate(lines)
               if line.startswith("|") and index + 1 < len(lines) and re.match(r"^\|\s*:?-{3}", lines[index + 1])]
    stray = [(index + 1, lines[index]) for index in headers if index not in inside and lines[index] not in without_figures]
    assert not stray, "%s: tables not generated from docs/data/ (add a <!-- table KIND from FILE --> marker): %s" % (
        page, stray)


def test_data_files_are_committed_and_cited():
    data_dir = os.path.join(REPO_ROOT, "docs", "data")
    sources = set()
    for page in EXPECTED_TABLES:
        sources.update(source for _kind, source, _start, _end in publish.generated_tables(read(page)))
    for source in sorted(sources):
        with open(os.path.join(REPO_ROOT, source), encoding="utf-8") as handle:
            json.load(handle)
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch"] + sorted(sources), cwd=REPO_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert tracked.returncode == 0, "data behind published figures is not committed: %s" % tracked.stderr.decode()
    listed = sorted(name for name in os.listdir(data_dir) if name.endswith(".json"))
    uncited = [name for name in listed if os.path.join("docs", "data", name) not in sources]
    assert not uncited, "docs/data/ files no page cites: %s" % uncited
