# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/architecture.md is a contract: every function, class and file it names must exist in the code."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import glob
import os
import re

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
PAGE = os.path.join(ROOT, "docs", "architecture.md")
# Calls the page shows that are not ours: Python builtins and Ansible's own API.
NOT_OURS = {"dict", "list", "str", "set", "len", "sorted", "isinstance", "type", "hex", "join", "trim", "lowercase",
            "SHA256", "Base64", "HMAC", "AnsibleModule", "missing_required_lib", "exit_json", "fail_json", "quote",
            "lambda", "getattr", "min", "ArgumentSpecValidator", "remove_values", "_execute_module",
            # callables a signature takes as arguments, not functions of ours
            "task", "validate", "warn", "finish", "predict", "reread", "sts_call"}
CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)
# not after "<" or ">": "validate_<thing>_params(" is a pattern, not a name
CALL = re.compile(r"(?<![<>\w])([A-Za-z_][A-Za-z0-9_]*)\(")
FILE = re.compile(r"\b([a-z_]+\.py)\b")
# The code the page describes: the modules, their shared code, and the controller path (action plugins, plugin_utils).
SOURCE_DIRECTORIES = ("module_utils", "modules", "action", "plugin_utils")


def defined_names():
    names = set()
    paths = [path for directory in SOURCE_DIRECTORIES for path in glob.glob(os.path.join(ROOT, "plugins", directory, "*.py"))]
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
    return names


def page_code():
    with open(PAGE, encoding="utf-8") as handle:
        return " ".join(CODE.findall(handle.read()))


def test_every_name_the_page_calls_exists():
    missing = sorted(set(name for name in CALL.findall(page_code()) if name not in NOT_OURS) - defined_names())
    assert missing == [], "docs/architecture.md names functions the code does not have: %s" % ", ".join(missing)


def test_every_file_the_page_names_exists():
    with open(PAGE, encoding="utf-8") as handle:
        text = handle.read()
    patterns = tuple("plugins/%s/*.py" % directory for directory in SOURCE_DIRECTORIES)
    patterns += ("tests/emulator/*.py", "tests/tools/*.py")
    files = set(os.path.basename(path) for pattern in patterns for path in glob.glob(os.path.join(ROOT, pattern)))
    named = set(FILE.findall(text)) - {"setup.py"}
    unknown = sorted(name for name in named if name not in files and not name.startswith(("test_", "ram_")))
    assert unknown == [], "docs/architecture.md names files that do not exist: %s" % ", ".join(unknown)


def test_every_module_has_its_action_plugin_and_the_contract_the_page_describes():
    """The page's contract: each module has argument_spec(), MODULE_CHECKS, run(module) and main(), and an action
    plugin of the same name."""
    for path in sorted(glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))):
        name = os.path.basename(path)
        if name == "__init__.py":
            continue
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        functions = set(node.name for node in tree.body if isinstance(node, ast.FunctionDef))
        assigned = set(target.id for node in tree.body if isinstance(node, ast.Assign)
                       for target in node.targets if isinstance(target, ast.Name))
        missing = sorted(({"argument_spec", "run", "main"} - functions) | ({"MODULE_CHECKS"} - assigned))
        assert missing == [], "plugins/modules/%s lacks %s" % (name, ", ".join(missing))
        assert os.path.exists(os.path.join(ROOT, "plugins", "action", name)), "plugins/action/%s is missing" % name
