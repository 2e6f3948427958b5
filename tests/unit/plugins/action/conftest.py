# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the controller-path tests (plugins/plugin_utils/controller_path.py, plugins/action/).

Importing controller code (ansible.plugins.action) marks the whole Python process as Ansible's controller
(``ansible.module_utils._internal.is_controller``), after which AnsibleModule reports warnings to the controller's
display instead of its result. The module tests of the same pytest session run AnsibleModule as a module process
does, so the controller code is imported here only inside a test, and the mark is put back when it ends.
"""

from __future__ import annotations

import importlib

import pytest

from ansible.module_utils import _internal


@pytest.fixture
def as_module_process():
    """Run a block as a module process would (AnsibleModule's own behaviour); see the module docstring."""
    class Block:
        def __enter__(self):
            self.was = _internal.is_controller
            _internal.is_controller = False

        def __exit__(self, *exc_info):
            _internal.is_controller = self.was
    return Block


@pytest.fixture
def cp():
    """plugins/plugin_utils/controller_path.py, imported as the controller's worker process would import it."""
    was = _internal.is_controller
    try:
        module = importlib.import_module("ansible_collections.aliyun.ram.plugins.plugin_utils.controller_path")
        _internal.is_controller = True
        yield module
    finally:
        _internal.is_controller = was


@pytest.fixture
def action_module():
    """plugins/action/<name>.py by module name, imported like ``cp``."""
    was = _internal.is_controller

    def load(name):
        module = importlib.import_module("ansible_collections.aliyun.ram.plugins.action.%s" % name)
        _internal.is_controller = True
        return module
    try:
        yield load
    finally:
        _internal.is_controller = was
