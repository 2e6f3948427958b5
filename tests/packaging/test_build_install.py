# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Galaxy artifact: it builds, installs into an empty path, documents every plugin and works there."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tarfile

import pytest

from conftest import ACCESS_KEY_ID, ACCESS_KEY_SECRET, REPO_ROOT, ansible_bin, run

# Development-only paths build_ignore must keep out of the artifact (relative to the collection root).
DEV_PATHS = (".venv", ".venv-oldest", ".venv-tools", ".build", ".ci", ".git", ".gitignore", "tests/output",
             ".pytest_cache", "Makefile")

# What a user of the artifact needs: the plugins, the role, the metadata, and the emulator with its demo.
REQUIRED_FILES = ("MANIFEST.json", "FILES.json", "README.md", "COPYING", "requirements.txt", "meta/runtime.yml",
                  "meta/execution-environment.yml", "changelogs/changelog.yaml",
                  "tests/emulator/ram_emulator.py", "tests/emulator/ram_backend.py", "tests/emulator/client.py",
                  "plugins/module_utils/signing.py", "roles/onboarding/meta/argument_specs.yml",
                  "awx/credential_type/inputs.yml", "awx/credential_type/injectors.yml", "awx/execution-environment.yml",
                  "docs/README.md", "docs/modules/README.md")

SMOKE_PLAYBOOK = """
- name: Smoke test of the installed collection against its own emulator
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Create a user
      aliyun.ram.ram_user:
        name: smoke
        display_name: Smoke Test
        tags:
          purpose: packaging
      register: smoke_created

    - name: Create it again (no change)
      aliyun.ram.ram_user:
        name: smoke
        display_name: Smoke Test
        tags:
          purpose: packaging
      register: smoke_again

    - name: Read it back
      aliyun.ram.ram_user_info:
        name: smoke
      register: smoke_info

    - name: Show the results for the test to read
      ansible.builtin.debug:
        msg: "SMOKE {{ {'created': smoke_created.changed, 'again': smoke_again.changed,
              'upn': smoke_created.user.user_principal_name, 'info': smoke_info} | to_json }}"
"""


def module_names():
    return sorted(name[:-3] for name in os.listdir(os.path.join(REPO_ROOT, "plugins", "modules")) if name.endswith(".py"))


def artifact_members(tarball):
    with tarfile.open(tarball) as archive:
        return set(member.name.rstrip("/") for member in archive.getmembers())


def test_build_ignore_keeps_development_files_out(built_tarball):
    members = artifact_members(built_tarball)
    leaked = sorted(name for name in members for dev in DEV_PATHS if name == dev or name.startswith(dev + "/"))
    assert leaked == []
    assert not [name for name in members if "__pycache__" in name or name.endswith(".pyc")]


def test_artifact_ships_the_emulator_role_and_metadata(built_tarball):
    members = artifact_members(built_tarball)
    missing = [name for name in REQUIRED_FILES if name not in members]
    assert missing == []
    for module in module_names():
        assert "plugins/modules/%s.py" % module in members


def test_manifest_matches_galaxy_yml(built_tarball, installed):
    with open(installed.path("MANIFEST.json"), encoding="utf-8") as handle:
        info = json.load(handle)["collection_info"]
    assert (info["namespace"], info["name"]) == ("aliyun", "ram")
    assert os.path.basename(built_tarball) == "aliyun-ram-%s.tar.gz" % info["version"]
    assert "cloud" in info["tags"]  # galaxy-importer's CHECK_REQUIRED_TAGS needs one of its known tags


def test_ansible_doc_documents_every_module_from_the_installed_copy(installed, tmp_path):
    env = installed.ansible_environment(str(tmp_path))
    names = ["aliyun.ram.%s" % name for name in module_names()]
    rc, out = run([ansible_bin("ansible-doc"), "--type", "module", "--json"] + names, env=env, cwd=str(tmp_path))
    assert rc == 0, out
    docs = json.loads(out[out.index("{"):])
    assert sorted(docs) == sorted(names)
    for name, data in docs.items():
        assert data["doc"]["filename"].startswith(installed.root), "%s was not loaded from the installed copy" % name
        assert data["examples"].strip() and data["return"], name


def test_ansible_doc_lists_the_role(installed, tmp_path):
    env = installed.ansible_environment(str(tmp_path))
    rc, out = run([ansible_bin("ansible-doc"), "--type", "role", "--json", "aliyun.ram.onboarding"], env=env, cwd=str(tmp_path))
    assert rc == 0, out
    assert "onboarding_users" in json.loads(out[out.index("{"):])["aliyun.ram.onboarding"]["entry_points"]["main"]["options"]


@pytest.fixture
def installed_emulator(installed):
    handle = installed.emulator_client().start_emulator()
    yield handle
    handle.cleanup()


def test_smoke_playbook_runs_from_the_installed_copy(installed, installed_emulator, tmp_path):
    assert installed.emulator_client().EMULATOR.startswith(installed.root)
    playbook = tmp_path / "smoke.yml"
    playbook.write_text(SMOKE_PLAYBOOK, encoding="utf-8")
    env = installed.ansible_environment(str(tmp_path), {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
        "ALIBABA_CLOUD_IMS_ENDPOINT": installed_emulator.url,
        "ALIBABA_CLOUD_RAM_ENDPOINT": installed_emulator.url,
        "ALIBABA_CLOUD_STS_ENDPOINT": installed_emulator.url,
    })
    rc, out = run([ansible_bin("ansible-playbook"), "-i", "localhost,", str(playbook)], env=env, cwd=str(tmp_path))
    assert rc == 0, out
    assert ACCESS_KEY_SECRET not in out
    line = next(line for line in out.splitlines() if '"msg": "SMOKE ' in line)
    result = json.loads(json.loads("{%s}" % line.strip())["msg"][len("SMOKE "):])
    assert result["created"] is True and result["again"] is False
    assert result["upn"] == "smoke@example.onaliyun.com"
    assert result["info"]["users"][0]["display_name"] == "Smoke Test"
    users = [user["UserPrincipalName"] for user in installed_emulator.state()["users"]]
    assert users == ["smoke@example.onaliyun.com"]
    assert [entry["action"] for entry in installed_emulator.log_entries() if entry["write"]].count("CreateUser") == 1
