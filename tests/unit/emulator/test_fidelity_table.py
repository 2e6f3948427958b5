# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every ASSUMPTION(Ann) in the emulator's code has one row in docs/emulator-fidelity.md, and every row an ID in the code."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
# The gateway, the backend entry module and the backend's modules in tests/emulator/backend/.
CODE = sorted(glob.glob(os.path.join(ROOT, "tests", "emulator", "**", "*.py"), recursive=True))
TABLE = os.path.join(ROOT, "docs", "emulator-fidelity.md")
CODE_ID = re.compile(r"ASSUMPTION\((A[0-9]{2})\)")
ROW_ID = re.compile(r"^\| (A[0-9]{2}) \|", re.MULTILINE)


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def code_ids():
    found = {}
    for path in CODE:
        for match in CODE_ID.finditer(read(path)):
            found.setdefault(match.group(1), []).append(os.path.basename(path))
    return found


def table_rows():
    return ROW_ID.findall(read(TABLE))


def test_code_has_assumptions_to_check():
    assert CODE and len(code_ids()) >= 40


def test_every_assumption_in_the_code_has_a_row():
    missing = sorted(set(code_ids()) - set(table_rows()))
    assert not missing, "ASSUMPTION IDs without a row in docs/emulator-fidelity.md: %s" % ", ".join(missing)


def test_every_row_has_an_assumption_in_the_code():
    unused = sorted(set(table_rows()) - set(code_ids()))
    assert not unused, "rows in docs/emulator-fidelity.md with no ASSUMPTION(ID) in tests/emulator: %s" % ", ".join(unused)


def test_rows_are_unique_and_in_order():
    rows = table_rows()
    assert len(rows) == len(set(rows))
    assert rows == sorted(rows)


def test_no_assumption_without_an_id():
    for path in CODE:
        text = read(path)
        # An unnumbered marker ("ASSUMPTION:", "Assumption:") would escape the table.
        bare = [m.start() for m in re.finditer(r"ASSUMPTION(?!\((A[0-9]{2}|Ann)\))", text)]
        bare += [m.start() for m in re.finditer(r"#\s*Assumption\b", text)]
        lines = sorted(text.count("\n", 0, position) + 1 for position in bare)
        assert not lines, "%s: ASSUMPTION without an ID on line(s) %s" % (os.path.basename(path), lines)


def test_the_table_is_linked_from_the_emulator_page():
    assert "emulator-fidelity.md" in read(os.path.join(ROOT, "docs", "emulator.md"))
