# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every description in the modules' docs is text: a plain YAML line holding ": " silently becomes a mapping."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import glob
import os

import pytest
import yaml

MODULES = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "plugins", "modules", "*.py")))


def descriptions(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            # under "contains" or "options", "description" can be the name of a field or an option (a policy's or
            # role's description)
            if key == "description" and not path.endswith((".contains", ".options")):
                for item in value if isinstance(value, list) else [value]:
                    yield path, item
            yield from descriptions(value, "%s.%s" % (path, key))
    elif isinstance(node, list):
        for item in node:
            yield from descriptions(item, path)


@pytest.mark.parametrize("module", MODULES, ids=os.path.basename)
def test_every_description_is_text(module):
    with open(module, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    blocks = dict((node.targets[0].id, node.value.value) for node in tree.body
                  if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) in ("DOCUMENTATION", "RETURN"))
    assert set(blocks) == {"DOCUMENTATION", "RETURN"}
    bad = ["%s: %r" % (path, item) for name, text in blocks.items()
           for path, item in descriptions(yaml.safe_load(text), name) if not isinstance(item, str)]
    assert bad == []
