# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures every unit test may use: the module runner and the RAM API emulator.

* ``run_module(module, args, client=None, check_mode=False, diff=False)`` runs ``module.main()`` with ``args`` and
  returns what it printed through exit_json / fail_json, parsed (a :class:`ModuleResult`: a dict whose ``output``
  is the raw text, for checks that a secret never appears). With ``client`` (a FakeRamClient, say) the module gets
  that client instead of building one from its options. ``run_module.exit_of(action, args=None)`` runs any
  ``action`` that must end the module the same way (``fail_on_error``, ``run_module``...).
* ``emulator`` (a fresh one per test) and ``module_emulator`` (one per test file): the RAM API emulator
  (tests/emulator/), started on 127.0.0.1 with a free port and stopped when the fixture ends. Its handle is
  tests/emulator/client.py's (``url``, ``stats()``, ``state()``, ``inject()``, ``freeze()``...).
  ``emulator_client`` is that client module itself, for a test that needs an emulator started with other options.
  A missing emulator fails the test: it never turns into a silent skip.
* ``emulator_ram_client(handle, **options)``: the real RamClient + Transport against an emulator, signed with the
  emulator's default credentials; its connections are closed when the test ends.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import json
import os

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.aliyun.ram.plugins.module_utils import common
from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient
from ansible_collections.aliyun.ram.plugins.module_utils.credentials import Credentials
from ansible_collections.aliyun.ram.plugins.module_utils.transport import RetryPolicy, Transport

EMULATOR_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "emulator"))
# Loopback only; seeded, so that the faults a test turns on (set_faults) strike the same requests every run.
EMULATOR_ARGS = ("--host", "127.0.0.1", "--seed", "7")
# Retries fast enough for a test, patient enough for the emulator's injected faults.
FAST_RETRY = RetryPolicy(max_attempts=12, base_delay=0.005, max_delay=0.05)


class ModuleResult(dict):
    """The JSON a module printed, parsed; ``output`` is the text as printed."""

    def __init__(self, output):
        super(ModuleResult, self).__init__(json.loads(output))
        self.output = output


class ModuleRunner:
    def __init__(self, monkeypatch, capsys):
        self._monkeypatch = monkeypatch
        self._capsys = capsys

    def exit_of(self, action, args=None):
        """Run ``action`` (which must end the module through exit_json / fail_json) with the module ``args``."""
        with patch_module_args(dict(args or {})):
            with pytest.raises(SystemExit):
                action()
        return ModuleResult(self._capsys.readouterr().out)

    def __call__(self, module, args, client=None, check_mode=False, diff=False):
        if client is not None:
            self._monkeypatch.setattr(common, "client_from_module", lambda ansible_module: client)
        return self.exit_of(module.main, dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff))


@pytest.fixture
def run_module(monkeypatch, capsys):
    return ModuleRunner(monkeypatch, capsys)


@pytest.fixture(scope="session")
def emulator_client():
    """tests/emulator/client.py, loaded by path (tests/ is not a package)."""
    path = os.path.join(EMULATOR_DIR, "client.py")
    if not os.path.isfile(path) or not os.path.isfile(os.path.join(EMULATOR_DIR, "ram_emulator.py")):
        pytest.fail("the RAM API emulator is missing from %s; these tests need it" % EMULATOR_DIR)
    spec = importlib.util.spec_from_file_location("ram_emulator_client", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def emulator(emulator_client):
    with emulator_client.start_emulator(list(EMULATOR_ARGS)) as handle:
        yield handle


@pytest.fixture(scope="module")
def module_emulator(emulator_client):
    with emulator_client.start_emulator(list(EMULATOR_ARGS)) as handle:
        yield handle


@pytest.fixture
def emulator_ram_client(emulator_client):
    made = []

    def make(handle, retry=FAST_RETRY, backoff=None, secret=None, pool_size=10, **client_options):
        """``client_options``: RamClient's own (page_size, clock, sleep)."""
        credentials = Credentials(emulator_client.DEFAULT_ACCESS_KEY_ID,
                                  secret or emulator_client.DEFAULT_ACCESS_KEY_SECRET, source="test")
        transport = Transport(credentials, endpoints={"ims": handle.url, "ram": handle.url, "sts": handle.url},
                              environ={}, timeout=10, retry=retry, backoff=backoff, pool_size=pool_size)
        made.append(transport)
        return RamClient(transport, **client_options)
    yield make
    for transport in made:
        transport.close()
