# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the packaging tests: the collection built and installed the way a user installs it.

The tarball is built once per session from the work tree with ``ansible-galaxy collection build`` and
installed into an empty collections path. Every test here then uses that installed copy only: its
modules, its role, its demo playbooks and its emulator.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import importlib.util
import os
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ACCESS_KEY_ID = "testid"
ACCESS_KEY_SECRET = "testsecret"


def ansible_bin(name):
    """The Ansible command next to the running interpreter (the venv's), else from PATH."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.exists(candidate) else name


def clean_environment(extra=None):
    """os.environ without the developer's Alibaba credentials, Ansible config or collection paths.

    PYTHONPATH goes too: ansible finds collections on sys.path, so the work tree's
    .build/collections would make ansible-galaxy think the collection is already installed.
    """
    env = dict((name, value) for name, value in os.environ.items()
               if not name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "ANSIBLE_")) and name != "PYTHONPATH")
    env.update(extra or {})
    return env


def run(command, env=None, cwd=None, timeout=300):
    completed = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, timeout=timeout, check=False)
    return completed.returncode, completed.stdout.decode("utf-8", "replace")


class InstalledCollection:
    """The built tarball and where it was installed."""

    def __init__(self, tarball, collections_path):
        self.tarball = tarball
        self.collections_path = collections_path
        self.root = os.path.join(collections_path, "ansible_collections", "aliyun", "ram")

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def emulator_client(self):
        """The installed copy's tests/emulator/client.py; it starts the installed ram_emulator.py."""
        spec = importlib.util.spec_from_file_location("installed_emulator_client", self.path("tests", "emulator", "client.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def ansible_environment(self, local_temp, extra=None):
        """Environment for Ansible commands that must see only the installed copy."""
        return clean_environment(dict({
            "ANSIBLE_COLLECTIONS_PATH": self.collections_path,
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_LOCAL_TEMP": local_temp,
            "ANSIBLE_HOME": os.path.join(local_temp, "ansible-home"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
            # results carry the module arguments (no_log ones masked) on ansible-core 2.21+ too, as on 2.19,
            # so the secret checks here see an option that lost no_log; see tests/integration/harness.py
            "ANSIBLE_INJECT_INVOCATION": "true",
        }, **(extra or {})))


@pytest.fixture(scope="session")
def built_tarball(tmp_path_factory):
    output = str(tmp_path_factory.mktemp("dist"))
    rc, out = run([ansible_bin("ansible-galaxy"), "collection", "build", "--output-path", output, REPO_ROOT],
                  env=clean_environment(), cwd=output)
    assert rc == 0, out
    tarballs = glob.glob(os.path.join(output, "aliyun-ram-*.tar.gz"))
    assert len(tarballs) == 1, out
    return tarballs[0]


@pytest.fixture(scope="session")
def installed(built_tarball, tmp_path_factory):
    collections_path = str(tmp_path_factory.mktemp("collections"))
    assert os.listdir(collections_path) == []
    env = clean_environment({"ANSIBLE_HOME": os.path.join(collections_path, ".ansible-home")})
    rc, out = run([ansible_bin("ansible-galaxy"), "collection", "install", "--offline", "-p", collections_path, built_tarball],
                  env=env, cwd=collections_path)
    assert rc == 0, out
    collection = InstalledCollection(built_tarball, collections_path)
    assert os.path.isfile(collection.path("MANIFEST.json")), out
    return collection
