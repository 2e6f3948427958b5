# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module's own options never take a name (or alias) of the shared connection options.

ram_role once aliased its trust policy as ``assume_role_policy``, the connection option for an AssumeRole session
policy: one of the two could no longer be set. ram_access_key names its key ``user_access_key_id`` for the same
reason (``access_key_id`` is a credential).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec

MODULES_DIR = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins", "modules"))
MODULE_NAMES = sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.startswith("ram_") and name.endswith(".py"))


def names_of(spec):
    names = set()
    for name, option in spec.items():
        names.add(name)
        names.update(option.get("aliases") or ())
    return names


@pytest.mark.parametrize("module_name", MODULE_NAMES)
def test_own_options_do_not_shadow_connection_options(module_name):
    module = importlib.import_module("ansible_collections.aliyun.ram.plugins.modules." + module_name)
    connection = connection_argument_spec()
    own = dict((name, option) for name, option in module.argument_spec().items() if name not in connection)
    clashes = sorted(names_of(own) & names_of(connection))
    assert clashes == [], "%s: options or aliases that are also connection options: %s" % (module_name, clashes)
    # and an option of the same name as a connection option is the connection option itself, unchanged
    for name in set(module.argument_spec()) & set(connection):
        assert module.argument_spec()[name] == connection[name], "%s redefines the connection option %s" % (module_name, name)
