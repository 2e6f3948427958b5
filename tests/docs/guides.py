# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fenced blocks of the guides, as tests/docs/test_guides.py checks them (standard library + PyYAML).

A guide is README.md, roles/onboarding/README.md, docs/data/README.md or docs/*.md other than
docs/architecture.md (the module reference in docs/modules/ is generated and checked elsewhere). Only ```bash, ```shell, ```sh, ```console and
```yaml blocks are checked; ```text, ```python, ```ini and ```json blocks are shown output or reference.

Conventions a guide can use (an HTML comment does not show on GitHub, so the guide's text must also say it):

* ``<!-- not run: REASON -->`` on the line right before a fence: the block is not run by the test. A shell
  block is not executed and a YAML block is parsed and checked for names but not syntax-checked. REASON says
  what the commands need (a real Alibaba Cloud account, AWX, Galaxy, network access) or why they are left out
  (they take minutes, they start a server that runs until Ctrl+C).
* a line ```` `NAME.yml`: ```` before a YAML block (a marker may stand between them): the block is the file
  NAME.yml that later commands of the same guide use; the test writes it before it runs them.
* in a ```console block, lines that start with ``$ `` are commands and the other lines are their output; a
  console block without ``$ `` lines holds only commands.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHELL_LANGUAGES = ("bash", "shell", "sh", "console")
YAML_LANGUAGES = ("yaml", "yml")
NOT_RUN = re.compile(r"^\s*<!--\s*not run:\s*(?P<reason>.*?)\s*-->\s*$")
NOT_RUN_START = re.compile(r"<!--\s*not run\b")
FILE_NAME = re.compile(r"^\s*`(?P<name>[\w.-]+\.ya?ml)`:\s*$")
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")

# Plays and the task lists in them that ansible-lint's name[play] and name[missing] rules look at.
TASK_LISTS = ("pre_tasks", "tasks", "post_tasks", "handlers")
NESTED_TASK_LISTS = ("block", "rescue", "always")


def guide_paths():
    """The guides, relative to the repository root."""
    paths = ["README.md", os.path.join("roles", "onboarding", "README.md"), os.path.join("docs", "data", "README.md")]
    for path in sorted(glob.glob(os.path.join(REPO_ROOT, "docs", "*.md"))):
        relative = os.path.relpath(path, REPO_ROOT)
        if relative != os.path.join("docs", "architecture.md"):
            paths.append(relative)
    return paths


class Block:
    """One fenced block: where it is, its language, its text, and what the guide says about it."""

    def __init__(self, guide, line, language, text, not_run=None, file_name=None):
        self.guide = guide                # path relative to the repository root
        self.line = line                  # 1-based line of the opening fence
        self.language = language          # "shell" or "yaml"
        self.info = None                  # the fence's info string (bash, console, yaml, ...)
        self.text = text                  # the content, with the fence's indentation removed
        self.not_run = not_run            # the marker's reason, or None
        self.file_name = file_name        # NAME.yml when the guide names the block so

    @property
    def where(self):
        return "%s:%d" % (self.guide, self.line)

    def commands(self):
        """The shell script the block stands for (console output lines and `$ ` prompts removed)."""
        lines = self.text.splitlines()
        if self.info == "console" and any(line.startswith("$ ") for line in lines):
            kept = []
            for line in lines:
                if line.startswith("$ "):
                    kept.append(line[2:])
                elif kept and kept[-1].endswith("\\"):
                    kept.append(line)       # a command continued on the next line
            lines = kept
        return "\n".join(lines) + "\n"

    def __repr__(self):
        return "<Block %s %s>" % (self.where, self.info)


class GuideError(Exception):
    """A guide that breaks the conventions above (a marker that marks nothing, an unclosed fence)."""


def read_blocks(guide):
    """Every checked block of one guide, in order. Raises GuideError for a stray marker or an open fence."""
    with open(os.path.join(REPO_ROOT, guide), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if NOT_RUN_START.search(line) and not NOT_RUN.match(line):
            raise GuideError("%s:%d: a not-run marker must be one line of its own: "
                             "<!-- not run: what it needs -->" % (guide, index + 1))
        match = FENCE.match(line)
        if not match:
            index += 1
            continue
        indent, fence, info = len(match.group("indent")), match.group("fence"), match.group("info").lower()
        start = index
        body = []
        index += 1
        while index < len(lines):
            closing = FENCE.match(lines[index])
            if closing and closing.group("fence")[0] == fence[0] and len(closing.group("fence")) >= len(fence) \
                    and not closing.group("info") and len(closing.group("indent")) <= indent + 3:
                break
            text = lines[index]
            body.append(text[indent:] if text[:indent].strip() == "" else text.lstrip())
            index += 1
        else:
            raise GuideError("%s:%d: this fence is never closed" % (guide, start + 1))
        index += 1
        language = "shell" if info in SHELL_LANGUAGES else "yaml" if info in YAML_LANGUAGES else None
        not_run, file_name = attached_notes(lines, start)
        if language is None:
            if not_run is not None:
                raise GuideError("%s:%d: a not-run marker before a ```%s block, which is never run"
                                 % (guide, start + 1, info or "(no language)"))
            continue
        block = Block(guide, start + 1, language, "\n".join(body) + "\n", not_run, file_name)
        block.info = info
        blocks.append(block)
    markers = [number for number, text in enumerate(lines, 1) if NOT_RUN.match(text)]
    attached = set()
    for block in blocks:
        previous = previous_text_line(lines, block.line - 1)
        if previous is not None and NOT_RUN.match(lines[previous]):
            attached.add(previous + 1)
    stray = [number for number in markers if number not in attached]
    if stray:
        raise GuideError("%s:%d: a not-run marker that no ```bash/```console/```yaml block follows"
                         % (guide, stray[0]))
    return blocks


def previous_text_line(lines, index):
    """Index of the last non-blank line before lines[index], or None."""
    index -= 1
    while index >= 0 and not lines[index].strip():
        index -= 1
    return index if index >= 0 else None


def attached_notes(lines, fence_index):
    """(not-run reason or None, file name or None) written right before the fence at fence_index."""
    not_run = file_name = None
    previous = previous_text_line(lines, fence_index)
    if previous is not None:
        match = NOT_RUN.match(lines[previous])
        if match:
            not_run = match.group("reason") or "(no reason given)"
            previous = previous_text_line(lines, previous)
    if previous is not None:
        match = FILE_NAME.match(lines[previous])
        if match:
            file_name = match.group("name")
    return not_run, file_name


def all_blocks():
    blocks = []
    for guide in guide_paths():
        blocks.extend(read_blocks(guide))
    return blocks


# ------------------------------------------------------------------ YAML


class GuideLoader(yaml.SafeLoader):
    """YAML as Ansible reads it: plain YAML plus the !unsafe and !vault tags."""


def _tagged(loader, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


for _tag in ("!unsafe", "!vault"):
    GuideLoader.add_constructor(_tag, _tagged)


def load_yaml(text):
    return yaml.load(text, Loader=GuideLoader)  # noqa: S506  (a SafeLoader subclass)


def kind_of(data):
    """"playbook" (a list of plays), "tasks" (a list of tasks), "mapping" (variables, a definition) or None."""
    if isinstance(data, dict):
        return "mapping"
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        if all("hosts" in item or "import_playbook" in item or "ansible.builtin.import_playbook" in item
               for item in data):
            return "playbook"
        if not any("hosts" in item for item in data):
            return "tasks"
    return None


def unnamed(data, kind):
    """Where ansible-lint's name rules would want a `name` and there is none (a list of descriptions)."""
    missing = []

    def tasks(items, where):
        for number, task in enumerate(items or [], 1):
            if not isinstance(task, dict):
                missing.append("%s task %d is not a mapping" % (where, number))
                continue
            label = "%s task %d" % (where, number)
            if not task.get("name"):
                missing.append("%s (%s) has no name" % (label, ", ".join(sorted(task))[:60]))
            for key in NESTED_TASK_LISTS:
                if key in task:
                    tasks(task[key], "%s %s" % (label, key))

    if kind == "playbook":
        for number, play in enumerate(data, 1):
            if "hosts" not in play:
                continue                    # import_playbook
            if not play.get("name"):
                missing.append("play %d has no name" % number)
            for key in TASK_LISTS:
                tasks(play.get(key), "play %d %s" % (number, key))
    elif kind == "tasks":
        tasks(data, "")
    return [text.strip() for text in missing]


def wrapped_play(block):
    """A playbook that runs a task-list block (its text kept as written, so YAML tags survive)."""
    body = "\n".join(("      " + line) if line.strip() else "" for line in dedent(block.text).splitlines())
    return ("- name: Tasks of %s\n  hosts: localhost\n  gather_facts: false\n  tasks:\n%s\n"
            % (block.where, body))


def dedent(text):
    lines = text.splitlines()
    widths = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(widths) if widths else 0
    return "\n".join(line[cut:] for line in lines) + "\n"
