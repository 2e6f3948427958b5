# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every option that holds a secret is ``no_log=True``, in every module, at every depth.

The rule. An option (or any of its aliases) holds a secret when its name

* is exactly one of ``password``, ``secret``, ``token``, ``access_key_secret``, ``security_token``, or
* ends in ``_password``, ``_secret`` or ``_token``,

unless it is listed in ``NOT_SECRETS`` below with the reason it only *names* a secret (a choice or a flag about
it). Such an option must be ``no_log=True``; every other option must not be (``no_log=True`` on a plain value
makes Ansible mask that value wherever it appears in the output). An option whose name merely mentions
``password``, ``secret`` or ``token`` without holding one (``password_reset_required``, ``password_dir``,
``minimum_password_length``...) must say ``no_log=False`` explicitly, so that the decision is visible in
the module and ansible-test's no-log heuristics have nothing to guess.

The specs are read from what each module's ``main()`` really passes to ``AnsibleModule``, so a module that
builds its spec some other way is covered too, nested ``options`` (``users[].password``) included, and
with it the connection options every module shares.

This is the static half of the check; tests/security/test_secret_scan.py is the dynamic half, and it only
sees a dropped ``no_log`` on ansible-core 2.21+ because the harnesses set ``ANSIBLE_INJECT_INVOCATION``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os
import re

import pytest

from ansible_collections.aliyun.ram.plugins import modules as modules_package
from ansible_collections.aliyun.ram.plugins.module_utils.common import connection_argument_spec

SECRET_NAMES = frozenset(("password", "secret", "token", "access_key_secret", "security_token"))
SECRET_SUFFIXES = ("_password", "_secret", "_token")
# Names the rule above would take for secrets, and why they are not.
NOT_SECRETS = {
    "update_password": "when to set the password: the choice always/on_create, never the password",
    "return_secret": "a flag: whether ram_access_key returns a new key's secret, never the secret",
    "allow_user_to_change_password": "a flag of ram_security_preference: whether users may change their own password",
}
MENTIONS_A_SECRET = re.compile(r"password|secret|token", re.IGNORECASE)

MODULE_DIR = list(modules_package.__path__)[0]  # plugins/modules is a namespace package (no __init__.py)
MODULE_NAMES = sorted(name[:-3] for name in os.listdir(MODULE_DIR) if name.endswith(".py") and not name.startswith("_"))


def holds_secret(name):
    """True when an option called ``name`` holds a secret, by the rule in this file's docstring."""
    if name in NOT_SECRETS:
        return False
    return name in SECRET_NAMES or name.endswith(SECRET_SUFFIXES)


def option_holds_secret(name, option):
    return any(holds_secret(alias) for alias in [name] + list(option.get("aliases") or []))


def walk(spec, prefix=""):
    """(path, name, option) for every option, suboptions included: ``users[].password``, ``x.y``."""
    for name, option in sorted(spec.items()):
        path = prefix + name
        yield path, name, option
        if option.get("options"):
            child = path + ("[]." if option.get("type") == "list" else ".")
            yield from walk(option["options"], child)


class _Captured(Exception):
    pass


def main_argument_spec(module_name, monkeypatch):
    """The argument_spec that ``<module>.main()`` hands to AnsibleModule (main stops right there)."""
    module = importlib.import_module("ansible_collections.aliyun.ram.plugins.modules.%s" % module_name)
    captured = {}

    def fake_ansible_module(*args, **kwargs):
        captured.update(kwargs)
        if args:
            captured["argument_spec"] = args[0]
        raise _Captured()

    monkeypatch.setattr(module, "AnsibleModule", fake_ansible_module)
    with pytest.raises(_Captured):
        module.main()
    return captured["argument_spec"]


def problems_in(spec):
    found = []
    for path, name, option in walk(spec):
        no_log = option.get("no_log")
        if option_holds_secret(name, option):
            if no_log is not True:
                found.append("%s holds a secret but has no_log=%r" % (path, no_log))
        elif no_log is True:
            found.append("%s is no_log=True but holds no secret by the rule; Ansible would mask its values everywhere" % path)
        elif MENTIONS_A_SECRET.search(name) and no_log is not False:
            found.append("%s mentions a secret without holding one: say no_log=False explicitly" % path)
    return found


# ---------------------------------------------------------------- the rule itself


@pytest.mark.parametrize("name", ["password", "secret", "token", "access_key_secret", "security_token",
                                  "new_password", "old_password", "client_secret", "session_token"])
def test_rule_names_these_secrets(name):
    assert holds_secret(name)


@pytest.mark.parametrize("name", ["password_reset_required", "update_password", "password_dir", "minimum_password_length",
                                  "password_not_contain_user_name", "max_password_age", "access_key_id",
                                  "assume_role_external_id", "name", "passwords", "token_ttl", "secrets_file"])
def test_rule_leaves_these_alone(name):
    assert not holds_secret(name)


def test_every_exception_is_real():
    """An entry in NOT_SECRETS is only there because the plain rule would call it a secret."""
    for name in NOT_SECRETS:
        assert name in SECRET_NAMES or name.endswith(SECRET_SUFFIXES), name


def test_problems_are_found_at_any_depth():
    spec = {"users": {"type": "list", "elements": "dict", "options": {"password": {"type": "str"}}},
            "key": {"type": "str", "aliases": ["api_token"]},
            "name": {"type": "str", "no_log": True},
            "password_dir": {"type": "path"}}
    assert problems_in(spec) == [
        "key holds a secret but has no_log=None",
        "name is no_log=True but holds no secret by the rule; Ansible would mask its values everywhere",
        "password_dir mentions a secret without holding one: say no_log=False explicitly",
        "users[].password holds a secret but has no_log=None",
    ]


# ---------------------------------------------------------------- the collection's modules


def test_every_module_is_checked():
    assert set(MODULE_NAMES) >= {"ram_group", "ram_login_profile", "ram_login_profile_info", "ram_password_policy",
                                 "ram_user", "ram_user_baseline", "ram_user_info"}


def test_shared_connection_options():
    spec = connection_argument_spec()
    assert problems_in(spec) == []
    assert spec["access_key_secret"]["no_log"] is True and spec["security_token"]["no_log"] is True
    assert spec["access_key_id"]["no_log"] is False


@pytest.mark.parametrize("module_name", MODULE_NAMES)
def test_module_secrets_are_no_log(module_name, monkeypatch):
    spec = main_argument_spec(module_name, monkeypatch)
    assert "access_key_secret" in spec, "%s does not take the shared connection options" % module_name
    problems = problems_in(spec)
    assert not problems, "%s:\n  %s" % (module_name, "\n  ".join(problems))


def test_the_known_secret_options_are_seen(monkeypatch):
    """The walk reaches the options the secret scan exercises (a guard against walking nothing)."""
    secrets = {}
    for module_name in MODULE_NAMES:
        spec = main_argument_spec(module_name, monkeypatch)
        secrets[module_name] = sorted(path for path, name, option in walk(spec) if option_holds_secret(name, option))
    assert secrets["ram_login_profile"] == ["access_key_secret", "password", "security_token"]
    assert secrets["ram_user_baseline"] == ["access_key_secret", "security_token", "users[].password"]
