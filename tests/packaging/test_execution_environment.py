# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Execution environments: the collection's EE metadata and the example ansible-builder definition.

Everything here runs offline: ``ansible-builder introspect`` reads installed collections, and
``ansible-builder create`` only writes a build context (no image is pulled or built).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import shutil

import pytest
import yaml

from conftest import REPO_ROOT, ansible_bin, clean_environment, run

EXAMPLE_DEFINITION = os.path.join(REPO_ROOT, "awx", "execution-environment.yml")


@pytest.fixture(scope="module")
def builder():
    path = ansible_bin("ansible-builder")
    assert shutil.which(path), "ansible-builder is missing: pip install -r tests/requirements-dev.txt"
    return path


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def requirement_lines(path):
    with open(path, encoding="utf-8") as handle:
        return [line.split("#", 1)[0].strip() for line in handle if line.split("#", 1)[0].strip()]


def test_collection_ee_metadata_points_at_the_runtime_requirements():
    metadata = load_yaml(os.path.join(REPO_ROOT, "meta", "execution-environment.yml"))
    assert metadata["version"] == 1
    python_file = os.path.join(REPO_ROOT, metadata["dependencies"]["python"])
    requirements = requirement_lines(python_file)
    assert [re.split(r"[<>=!~ \[]", line, maxsplit=1)[0].lower() for line in requirements] == ["requests"]
    for line in requirements:
        # certification rules: lower bounds only, and never ansible or ansible-core
        assert "<" not in line and "==" not in line, line
    for entry in metadata["dependencies"].values():
        assert os.path.isfile(os.path.join(REPO_ROOT, entry)), entry


def test_introspect_finds_the_python_requirement_of_the_installed_collection(builder, installed, tmp_path):
    pip_file = str(tmp_path / "pip.txt")
    bindep_file = str(tmp_path / "bindep.txt")
    rc, out = run([builder, "introspect", "--write-pip", pip_file, "--write-bindep", bindep_file, installed.collections_path],
                  env=clean_environment(), cwd=str(tmp_path))
    assert rc == 0, out
    assert requirement_lines(pip_file) == requirement_lines(os.path.join(REPO_ROOT, "requirements.txt"))
    assert "from collection aliyun.ram" in open(pip_file, encoding="utf-8").read()
    assert not os.path.exists(bindep_file) or requirement_lines(bindep_file) == []


def test_example_definition_is_a_version_3_definition_that_pulls_the_collection():
    definition = load_yaml(EXAMPLE_DEFINITION)
    assert definition["version"] == 3
    assert definition["images"]["base_image"]["name"]
    names = [entry["name"] for entry in definition["dependencies"]["galaxy"]["collections"]]
    assert names == ["aliyun.ram"]


def test_ansible_builder_create_writes_a_build_context_offline(builder, tmp_path):
    shutil.copy(EXAMPLE_DEFINITION, str(tmp_path / "execution-environment.yml"))
    context = tmp_path / "context"
    rc, out = run([builder, "create", "--file", "execution-environment.yml", "--context", str(context),
                   "--output-filename", "Containerfile"], env=clean_environment(), cwd=str(tmp_path))
    assert rc == 0, out
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    galaxy_requirements = load_yaml(str(context / "_build" / "requirements.yml"))
    assert galaxy_requirements["collections"] == load_yaml(EXAMPLE_DEFINITION)["dependencies"]["galaxy"]["collections"]
    base_image = load_yaml(EXAMPLE_DEFINITION)["images"]["base_image"]["name"]
    assert 'ARG EE_BASE_IMAGE="%s"' % base_image in containerfile
    # the collection is installed from requirements.yml, then its own EE metadata is introspected and installed
    assert re.search(r"ansible-galaxy collection install .*-r requirements.yml", containerfile)
    assert "introspect.py introspect" in containerfile
    assert (context / "_build" / "scripts" / "introspect.py").is_file()
