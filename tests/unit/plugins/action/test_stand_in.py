# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller path's stand-in for AnsibleModule prints what AnsibleModule prints, for the same arguments.

Each case runs a module twice on equal fake accounts: ``main()`` with AnsibleModule, as a module process runs it,
and ``run_in_process`` with the stand-in, as the action plugin runs it. The two outputs (the JSON the module path's
controller would parse) must be equal: validation messages, defaults, aliases, warnings, invocation, check mode,
diff and the values removed for no_log.
"""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.common.json import Direction, get_module_decoder
from ansible.module_utils.common.parameters import PASS_VARS
from ansible.module_utils.testing import patch_module_args

from ansible_collections.aliyun.ram.plugins.module_utils import common
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError
from ansible_collections.aliyun.ram.plugins.modules import (
    ram_group,
    ram_login_profile,
    ram_login_profile_info,
    ram_password_policy,
    ram_user,
    ram_user_baseline,
    ram_user_info,
)
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import DOMAIN, FakeRamClient

MODULES = dict((module.__name__.rsplit(".", 1)[1], module) for module in (
    ram_group, ram_login_profile, ram_login_profile_info, ram_password_policy, ram_user, ram_user_baseline, ram_user_info))
STRONG = "Str0ng#Pass-Word1"


def account():
    client = FakeRamClient()
    client.add_group("dev")
    client.add_user("alice", groups=["dev"], display_name="Alice")
    client.add_login_profile("alice@" + DOMAIN, password=STRONG)
    return client


def internal_args(name, check_mode=False, diff=False, tracebacks=()):
    """The _ansible_* arguments _update_module_args adds (those the modules' behaviour depends on)."""
    args = {"_ansible_check_mode": check_mode, "_ansible_diff": diff, "_ansible_module_name": "aliyun.ram." + name,
            "_ansible_tracebacks_for": list(tracebacks)}
    if "inject_invocation" in PASS_VARS:
        args["_ansible_inject_invocation"] = True
    return args


def module_path_output(module, args, client, monkeypatch, capsys, as_module_process):
    monkeypatch.setattr(common, "client_from_module", lambda ansible_module: client)
    # a module process starts with no warning; this one runs many modules
    monkeypatch.setattr(module_warnings, "_global_warnings", {})
    monkeypatch.setattr(module_warnings, "_global_deprecations", {})
    with as_module_process():
        with patch_module_args(json.loads(json.dumps(args))):
            with pytest.raises(SystemExit):
                module.main()
    return capsys.readouterr().out


def controller_path_output(cp, module, args, client, monkeypatch):
    monkeypatch.setattr(common, "client_from_module", lambda ansible_module: client)
    output, failed = cp.run_in_process(module, json.loads(json.dumps(args)), connections=cp.Connections())
    assert failed == bool(json.loads(output).get("failed"))
    return output


def as_controller_reads(output):
    """The output as the controller decodes it, a warning as the text the controller shows.

    AnsibleModule sends each warning as a WarningSummary object, the stand-in as its text; the controller turns a
    text into WarningSummary(event=Event(msg=text)), the object AnsibleModule built (without a traceback, which
    is only there when tracebacks are on for warnings, and whose frames differ anyway)."""
    result = json.loads(output, cls=get_module_decoder("legacy", Direction.MODULE_TO_CONTROLLER))
    if "warnings" in result:
        result["warnings"] = [getattr(getattr(w, "event", None), "msg", w) for w in result["warnings"]]
    return result


CASES = [
    ("ram_user", {"name": "bob", "display_name": "Bob", "groups": ["dev"], "tags": {"team": "a"}}, {}),
    ("ram_user", {"name": "bob", "display_name": "Bob"}, {"check_mode": True, "diff": True}),
    ("ram_user", {"user_principal_name": "alice", "comments": "x"}, {"diff": True}),
    ("ram_user", {"name": "alice", "user_principal_name": "alice"}, {}),                      # option and alias
    ("ram_user", {"name": "alice", "bogus": 1}, {}),                                           # unsupported
    ("ram_user", {"name": "alice", "state": "gone"}, {}),                                      # choices
    ("ram_user", {"name": "alice", "user_id": "1", "rename_from": "x"}, {}),                   # mutually exclusive
    ("ram_user", {"display_name": "Nobody"}, {}),                                              # required_one_of
    ("ram_user", {"name": "alice", "purge_tags": "maybe"}, {}),                                # a bad boolean
    ("ram_user", {"name": "alice", "email": "not an email"}, {}),                              # the module's own check
    ("ram_user", {"name": "alice", "display_name": "Alice", "access_key_secret": "Alice"}, {}),  # no_log value echoed
    ("ram_user", {"name": "alice", "access_key_secret": "s3cr3t", "bogus": "s3cr3t"}, {}),     # ... and in an error
    ("ram_user", {"name": "alice", "comments": "x"}, {"tracebacks": ["error"], "check_mode": True}),
    ("ram_group", {"group_name": "ops", "comments": "c"}, {"diff": True}),
    ("ram_group", {}, {}),
    ("ram_login_profile", {"name": "alice", "password": STRONG, "update_password": "always"}, {"diff": True}),
    ("ram_login_profile", {"name": "alice", "password": "weak", "update_password": "always"}, {}),
    ("ram_login_profile", {"name": "alice", "update_password": "sometimes"}, {}),
    ("ram_login_profile_info", {"user_principal_name": "alice"}, {}),
    ("ram_password_policy", {"minimum_password_length": 12, "max_login_attempts": 5}, {"diff": True}),
    ("ram_password_policy", {"minimum_password_length": "twelve"}, {}),
    ("ram_user_info", {"name": "alice", "include": ["groups", "login_profile"]}, {}),
    ("ram_user_info", {"include": ["everything"]}, {}),
    ("ram_user_baseline", {"users": [{"name": "carol", "password": STRONG, "console_login": True}]}, {"diff": True}),
    ("ram_user_baseline", {"users": [{"name": "carol", "password": "weak", "console_login": True}]}, {}),
    ("ram_user_baseline", {"users": [{"name": "carol", "surprise": True}]}, {}),
]


@pytest.mark.parametrize("name, args, mode", CASES, ids=["%s-%d" % (case[0], index) for index, case in enumerate(CASES)])
def test_the_stand_in_prints_what_ansible_module_prints(cp, name, args, mode, monkeypatch, capsys, as_module_process):
    module = MODULES[name]
    full = dict(args, **internal_args(name, **mode))
    expected = module_path_output(module, full, account(), monkeypatch, capsys, as_module_process)
    got = controller_path_output(cp, module, full, account(), monkeypatch)
    assert as_controller_reads(got) == as_controller_reads(expected)


def test_an_api_error_is_reported_alike(cp, monkeypatch, capsys, as_module_process):
    args = dict({"name": "alice", "comments": "new"}, **internal_args("ram_user"))
    results = []
    for run in ("module", "controller"):
        client = account()
        client.fail["update_user"] = RamApiError("NoPermission", "You are not authorized", request_id="r-1", http_status=403)
        if run == "module":
            results.append(module_path_output(ram_user, args, client, monkeypatch, capsys, as_module_process))
        else:
            results.append(controller_path_output(cp, ram_user, args, client, monkeypatch))
    assert as_controller_reads(results[0]) == as_controller_reads(results[1])
    assert json.loads(results[1])["error"]["code"] == "NoPermission"


def test_a_secret_never_reaches_the_output(cp, monkeypatch):
    args = dict({"name": "alice", "password": "Sup3r#Secret-Value", "update_password": "always",
                 "access_key_secret": "AnotherSecret-123"}, **internal_args("ram_login_profile", diff=True))
    output = controller_path_output(cp, ram_login_profile, args, account(), monkeypatch)
    assert "Sup3r#Secret-Value" not in output and "AnotherSecret-123" not in output
    assert json.loads(output)["invocation"]["module_args"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_a_bug_before_run_module_is_a_module_failure_not_a_traceback(cp, monkeypatch):
    class Broken:
        MODULE_CHECKS = ram_group.MODULE_CHECKS
        argument_spec = staticmethod(ram_group.argument_spec)

        @staticmethod
        def run(module):
            raise KeyError("the text of this error is never shown")

    output, failed = cp.run_in_process(Broken, dict({"name": "dev"}, **internal_args("ram_group")),
                                       connections=cp.Connections())
    result = json.loads(output)
    assert failed and result["msg"] == "aliyun.ram.ram_group failed: unexpected KeyError"
    assert "never shown" not in output


def test_a_module_that_ends_without_a_result_fails(cp):
    class Silent:
        MODULE_CHECKS = ram_group.MODULE_CHECKS
        argument_spec = staticmethod(ram_group.argument_spec)

        @staticmethod
        def run(module):
            return None

    output, failed = cp.run_in_process(Silent, dict({"name": "dev"}, **internal_args("ram_group")),
                                       connections=cp.Connections())
    assert failed and json.loads(output)["msg"] == "aliyun.ram.ram_group ended without a result"


def test_warnings_and_deprecations_are_kept_once_each_in_order(cp):
    module = cp.ControllerModule(ram_group.argument_spec(), dict({"name": "dev"}, **internal_args("ram_group")),
                                 ram_group.MODULE_CHECKS)
    module.warn("second")
    module.warn("first")
    module.warn("second")
    module.deprecate("old option", version="2.0.0")
    module.deprecate("old option", version="2.0.0")
    with pytest.raises(cp.ModuleExit) as done:
        module.exit_json(changed=False)
    result = json.loads(done.value.output)
    assert result["warnings"] == ["second", "first"]
    assert result["deprecations"] == [{"msg": "old option", "version": "2.0.0", "date": None, "collection_name": "aliyun.ram"}]


def test_a_result_with_a_path_is_refused(cp):
    module = cp.ControllerModule(ram_group.argument_spec(), dict({"name": "dev"}, **internal_args("ram_group")),
                                 ram_group.MODULE_CHECKS)
    with pytest.raises(NotImplementedError):
        module.exit_json(changed=False, path="/etc/passwd")


def test_every_module_provides_what_the_action_needs():
    for name, module in MODULES.items():
        assert callable(module.argument_spec) and callable(module.run), name
        assert module.MODULE_CHECKS.get("supports_check_mode") is True, name
