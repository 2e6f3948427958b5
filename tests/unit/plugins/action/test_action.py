# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When the action plugins take the controller path, and when they run the module (docs/controller-path.md).

Controller code (ansible.errors, ansible.plugins) is imported inside the tests only; see conftest.py."""

from __future__ import annotations

import ast
import os

import pytest

from ansible_collections.aliyun.ram.plugins.modules import ram_user

PLUGINS = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins"))
MODULE_NAMES = tuple(sorted(n[:-3] for n in os.listdir(os.path.join(PLUGINS, "modules")) if n.startswith("ram_")))


class Connection:
    def __init__(self, transport="local", ansible_name="ansible.builtin.local"):
        self.transport = transport
        self.ansible_name = ansible_name


class Task:
    def __init__(self, async_val=0):
        self.async_val = async_val
        self.action = "aliyun.ram.ram_user"


class PlayContext:
    def __init__(self, become=False):
        self.become = become
        self.remote_addr = "localhost"


class Templar:
    """Renders "{{ name }}" from the variables it was given; anything else as it is."""

    def __init__(self, variables=None):
        self.variables = variables or {}

    def template(self, value):
        if isinstance(value, str) and value.startswith("{{"):
            return self.variables[value.strip("{} ")]
        return value


def action(action_module, connection=None, task=None, play_context=None, templar=None):
    plugin = object.__new__(action_module("ram_user").ActionModule)
    plugin._connection = connection or Connection()
    plugin._task = task or Task()
    plugin._play_context = play_context or PlayContext()
    plugin._templar = templar or Templar()
    return plugin


@pytest.fixture(autouse=True)
def no_switch_in_the_environment(monkeypatch):
    monkeypatch.delenv("ALIYUN_RAM_CONTROLLER_PATH", raising=False)


def test_the_controller_itself_takes_the_controller_path(action_module):
    assert action(action_module).module_path_reason({}) is None


@pytest.mark.parametrize("connection, reason", [
    (Connection("ssh", "ansible.builtin.ssh"), "the connection ansible.builtin.ssh is not the controller"),
    # a connection that runs commands on this machine but is not ansible.builtin.local, by transport or by name
    (Connection("fake_remote", "test.fake.fake_remote"), "the connection test.fake.fake_remote is not the controller"),
    (Connection("local", "test.fake.local"), "the connection test.fake.local is not the controller"),
    (Connection("docker", "community.docker.docker"), "the connection community.docker.docker is not the controller"),
])
def test_any_other_connection_runs_the_module(action_module, connection, reason):
    assert action(action_module, connection=connection).module_path_reason({}) == reason


def test_async_and_become_run_the_module(action_module):
    assert action(action_module, task=Task(async_val=30)).module_path_reason({}) == "async"
    assert action(action_module, play_context=PlayContext(become=True)).module_path_reason({}) == "become"


def test_a_controller_without_requests_runs_the_module(action_module, cp, monkeypatch):
    monkeypatch.setattr(cp, "HAS_REQUESTS", False)
    assert action(action_module).module_path_reason({}) == "the controller's Python has no requests"


@pytest.mark.parametrize("value, on", [(False, False), ("false", False), ("no", False), ("0", False), (0, False),
                                       (True, True), ("true", True), ("yes", True), ("", True), (None, True)])
def test_the_variable_switches(action_module, value, on):
    reason = action(action_module).module_path_reason({"aliyun_ram_controller_path": value})
    assert reason == (None if on else "aliyun_ram_controller_path is false")


def test_the_variable_is_templated(action_module):
    plugin = action(action_module, templar=Templar({"flag": False}))
    assert plugin.module_path_reason({"aliyun_ram_controller_path": "{{ flag }}"}) == "aliyun_ram_controller_path is false"


@pytest.mark.parametrize("value, on", [("false", False), ("no", False), ("true", True), ("", True)])
def test_the_environment_variable_switches(action_module, monkeypatch, value, on):
    monkeypatch.setenv("ALIYUN_RAM_CONTROLLER_PATH", value)
    assert action(action_module).module_path_reason({}) == (None if on else "ALIYUN_RAM_CONTROLLER_PATH is false")


def test_the_variable_wins_over_the_environment(action_module, monkeypatch):
    monkeypatch.setenv("ALIYUN_RAM_CONTROLLER_PATH", "false")
    assert action(action_module).module_path_reason({"aliyun_ram_controller_path": True}) is None
    monkeypatch.setenv("ALIYUN_RAM_CONTROLLER_PATH", "true")
    assert action(action_module).module_path_reason({"aliyun_ram_controller_path": False}) is not None


def test_a_switch_that_is_not_a_boolean_fails_the_task(action_module, monkeypatch):
    from ansible.errors import AnsibleActionFail  # controller code: imported in the test only (see conftest.py)

    with pytest.raises(AnsibleActionFail, match="aliyun_ram_controller_path must be true or false"):
        action(action_module).module_path_reason({"aliyun_ram_controller_path": "sometimes"})
    monkeypatch.setenv("ALIYUN_RAM_CONTROLLER_PATH", "maybe")
    with pytest.raises(AnsibleActionFail, match="ALIYUN_RAM_CONTROLLER_PATH must be true or false"):
        action(action_module).module_path_reason({})


def test_the_switch_comes_before_everything_else(action_module):
    plugin = action(action_module, connection=Connection("ssh", "ansible.builtin.ssh"))
    assert plugin.module_path_reason({"aliyun_ram_controller_path": False}) == "aliyun_ram_controller_path is false"


def test_every_module_has_its_action_plugin(action_module):
    for name in MODULE_NAMES:
        plugin = action_module(name).ActionModule
        assert plugin.MODULE.__name__.endswith(".modules." + name)
        assert plugin._supports_check_mode and plugin._supports_async
    assert sorted(n[:-3] for n in os.listdir(os.path.join(PLUGINS, "action")) if n.endswith(".py")) == sorted(MODULE_NAMES)
    assert sorted(n[:-3] for n in os.listdir(os.path.join(PLUGINS, "modules")) if n.endswith(".py")) == sorted(MODULE_NAMES)


def test_only_the_batch_engine_asks_for_the_domain_itself(action_module):
    reusing = [name for name in MODULE_NAMES if action_module(name).ActionModule.REUSE_DOMAIN]
    assert sorted(set(MODULE_NAMES) - set(reusing)) == ["ram_user_baseline"]


def test_the_modules_use_the_serialization_profile_the_action_assumes(cp):
    module_common = pytest.importorskip("ansible.executor.module_common")
    metadata_of = getattr(module_common, "_get_module_metadata", None)
    if metadata_of is None:
        pytest.skip("this ansible-core has no module metadata")
    for name in MODULE_NAMES:
        with open(os.path.join(PLUGINS, "modules", name + ".py"), encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        assert metadata_of(tree).serialization_profile == cp.MODULE_PROFILE, name


def test_the_task_environment_is_applied_while_the_task_runs_and_then_undone(cp, monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_IMS_ENDPOINT", "http://127.0.0.1:1")
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    before = dict(os.environ)
    with cp.process_environment({"ALIBABA_CLOUD_IMS_ENDPOINT": "http://127.0.0.1:2", "HTTPS_PROXY": "http://proxy:3"}):
        assert os.environ["ALIBABA_CLOUD_IMS_ENDPOINT"] == "http://127.0.0.1:2"
        assert os.environ["HTTPS_PROXY"] == "http://proxy:3"
    assert dict(os.environ) == before
    with pytest.raises(RuntimeError):
        with cp.process_environment({"HTTPS_PROXY": "http://proxy:3"}):
            raise RuntimeError("the task failed")
    assert dict(os.environ) == before


def test_the_module_keeps_its_checks_in_one_place():
    assert ram_user.MODULE_CHECKS["mutually_exclusive"] == [("rename_from", "user_id")]


def test_collecting_these_tests_leaves_the_process_a_module_process():
    """No module of this directory imports controller code at import time (see conftest.py)."""
    from ansible.module_utils import _internal

    assert _internal.is_controller is False
