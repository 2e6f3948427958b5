# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared plumbing of the integration harness and the demo runner (standard library only).

Both run ``ansible-playbook`` from the same virtual environment as the calling Python, with the
collection made importable through ``.build/collections`` and every endpoint pointed at a local emulator.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os
import re
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS_ROOT = os.path.join(REPO_ROOT, ".build", "collections")
TARGETS_DIR = os.path.join(REPO_ROOT, "tests", "integration", "targets")
EMULATOR_CLIENT = os.path.join(REPO_ROOT, "tests", "emulator", "client.py")

# The emulator accepts this key pair by default; the secret must never show up in any output.
ACCESS_KEY_ID = "testid"
ACCESS_KEY_SECRET = "testsecret"

# Since ansible-core 2.21 a module's result carries `invocation` (its arguments, no_log values masked) only
# when this is on. Without it a module that forgot no_log=True on a secret option prints nothing the secret
# scans could find, so every harness turns it on (older ansible-core ignores the unknown variable and
# always adds `invocation`). The scans check that `invocation` really is there.
INJECT_INVOCATION = {"ANSIBLE_INJECT_INVOCATION": "true"}

# The two ways a task of the collection can run on localhost (docs/controller-path.md): inside the controller's worker
# process (the default) or as a module in a new Python process. Every harness says which one explicitly, so a
# developer's own ALIYUN_RAM_CONTROLLER_PATH does not change what a test measures.
CONTROLLER_PATH = "controller"
MODULE_PATH = "module"
PATHS = (CONTROLLER_PATH, MODULE_PATH)
PATH_SWITCH = "ALIYUN_RAM_CONTROLLER_PATH"
# The -vvv line the action plugins print for every task: "aliyun.ram path: <action> ran on the controller path" or
# "... ran on the module path (<reason>)".
PATH_MARKER = re.compile(r"aliyun\.ram path: (\S+) ran on the (controller path|module path \((.*)\))$", re.MULTILINE)
RECORD_CALLBACKS = os.path.join(REPO_ROOT, "tests", "integration", "callback_plugins")


def ensure_collection_link():
    """Make ``ansible_collections.aliyun.ram`` resolve to this work tree (a relative symlink)."""
    namespace_dir = os.path.join(COLLECTIONS_ROOT, "ansible_collections", "aliyun")
    link = os.path.join(namespace_dir, "ram")
    if not os.path.lexists(link):
        os.makedirs(namespace_dir, exist_ok=True)
        os.symlink(os.path.join("..", "..", "..", ".."), link)
    return COLLECTIONS_ROOT


def ansible_bin(name):
    """The Ansible command installed next to the running interpreter (the venv's), else on PATH."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.exists(candidate) else name


def load_emulator_client():
    """Import tests/emulator/client.py by path (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("ram_emulator_client", EMULATOR_CLIENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def path_environment(path):
    """The switch that selects the controller path or the module path (``path`` is one of PATHS)."""
    if path not in PATHS:
        raise ValueError("path must be one of %s, not %r" % (", ".join(PATHS), path))
    return {PATH_SWITCH: "true" if path == CONTROLLER_PATH else "false"}


def record_environment(record_file, request_log=None):
    """Enable the aliyun_ram_record callback: every task of the collection appends its result to ``record_file``,
    with the lines of the emulator's ``request_log`` its requests are."""
    env = {"ANSIBLE_CALLBACK_PLUGINS": RECORD_CALLBACKS, "ANSIBLE_CALLBACKS_ENABLED": "aliyun_ram_record",
           "ALIYUN_RAM_RECORD_FILE": record_file}
    if request_log:
        env["ALIYUN_RAM_RECORD_REQUEST_LOG"] = request_log
    return env


def ansible_environment(emulator_url, local_temp, extra=None, path=CONTROLLER_PATH):
    """Environment for ansible-playbook: the collection, fake credentials, every endpoint -> emulator, module
    arguments in every result (INJECT_INVOCATION), and the controller path or the module path (``path``)."""
    # Credentials, profiles or endpoints from the developer's own shell must not leak into a run.
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_")) and name != "ANSIBLE_CONFIG"}
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": ensure_collection_link(),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_ROLES_PATH": TARGETS_DIR,
        "ANSIBLE_LOCAL_TEMP": local_temp,
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
        "ALIBABA_CLOUD_IMS_ENDPOINT": emulator_url,
        "ALIBABA_CLOUD_RAM_ENDPOINT": emulator_url,
        "ALIBABA_CLOUD_STS_ENDPOINT": emulator_url,
        # never wait on a metadata service that is not there
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
    })
    env.update(INJECT_INVOCATION)
    env.update(path_environment(path))
    env.update(extra or {})
    return env


def target_names():
    """Targets to run: directories with tasks/main.yml whose aliases file does not say `disabled`."""
    names = []
    for name in sorted(os.listdir(TARGETS_DIR)):
        path = os.path.join(TARGETS_DIR, name)
        if not os.path.isfile(os.path.join(path, "tasks", "main.yml")):
            continue
        if "disabled" in read_lines(os.path.join(path, "aliases")):
            continue
        names.append(name)
    return names


def read_lines(path):
    """Non-empty lines of an optional file, with `#` comments removed."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        lines = [line.split("#", 1)[0].strip() for line in handle]
    return [line for line in lines if line]
