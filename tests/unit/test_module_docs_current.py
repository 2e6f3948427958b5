# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The committed module reference (docs/modules/) matches what the modules' documentation generates."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import importlib.util
import os

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GENERATOR_PATH = os.path.join(REPO_ROOT, "tests", "tools", "generate_module_docs.py")
COMMITTED_DIR = os.path.join(REPO_ROOT, "docs", "modules")


def load_generator():
    spec = importlib.util.spec_from_file_location("generate_module_docs", GENERATOR_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator():
    return load_generator()


@pytest.fixture(scope="module")
def fresh_docs(generator, tmp_path_factory):
    output = str(tmp_path_factory.mktemp("module-docs"))
    generator.generate(output)
    return output


def read_dir(path):
    return dict((name, open(os.path.join(path, name), encoding="utf-8").read())
                for name in sorted(os.listdir(path)) if name.endswith(".md"))


def test_committed_module_reference_matches_the_modules(generator, fresh_docs):
    fresh, committed = read_dir(fresh_docs), read_dir(COMMITTED_DIR)
    problems = []
    for name in sorted(set(fresh) | set(committed)):
        if name not in committed:
            problems.append("docs/modules/%s is missing" % name)
        elif name not in fresh:
            problems.append("docs/modules/%s belongs to no module (stale)" % name)
        elif fresh[name] != committed[name]:
            diff = difflib.unified_diff(committed[name].splitlines(), fresh[name].splitlines(),
                                        "committed/%s" % name, "generated/%s" % name, lineterm="", n=1)
            problems.append("\n".join(list(diff)[:40]))
    assert not problems, ("The module reference in docs/modules/ is out of date. Regenerate it with\n    %s\n"
                          "and commit the result.\n\n%s" % (generator.REGENERATE_COMMAND, "\n\n".join(problems)))


def test_there_is_one_page_per_module_plus_an_index(generator):
    pages = set(read_dir(COMMITTED_DIR))
    modules = set(name[:-3] for name in os.listdir(generator.MODULES_DIR) if name.endswith(".py") and not name.startswith("_"))
    assert pages == set("%s.md" % name for name in modules) | {"README.md"}


def test_generation_is_deterministic(generator, fresh_docs, tmp_path):
    generator.generate(str(tmp_path))
    assert read_dir(str(tmp_path)) == read_dir(fresh_docs)


def test_every_documented_option_appears_on_its_page(generator):
    """A guard on the generator itself: no option or return key is dropped on the way to Markdown."""
    names = generator.module_names()
    documents = generator.ansible_doc_json(names)
    for name in names:
        page = open(os.path.join(COMMITTED_DIR, name + ".md"), encoding="utf-8").read()
        for option in documents[name]["doc"].get("options") or {}:
            assert "| `%s` |" % option in page, "%s: option %s missing" % (name, option)
        for key in documents[name].get("return") or {}:
            assert "| `%s` |" % key in page, "%s: return value %s missing" % (name, key)
        assert documents[name]["examples"].strip() in page


@pytest.mark.parametrize("markup, expected", [
    ("Use O(name) with C(state=absent).", "Use `name` with `state=absent`."),
    ("See M(aliyun.ram.ram_user) and I(really).", "See [aliyun.ram.ram_user](ram_user.md) and *really*."),
    ("Read L(the guide,https://example.com/x) or U(https://example.com).",
     "Read [the guide](https://example.com/x) or <https://example.com>."),
    ("Set E(ALIBABA_CLOUD_ACCESS_KEY_ID); the result is RV(user.user_id), value V(true).",
     "Set `ALIBABA_CLOUD_ACCESS_KEY_ID`; the result is `user.user_id`, value `true`."),
])
def test_ansible_markup_becomes_markdown(generator, markup, expected):
    assert generator.render_text(markup, ["ram_user"]) == [expected]
