# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guides work as written: every ```yaml block parses and passes `ansible-playbook --syntax-check`, and
every ```bash/```console block runs, unless the guide marks it `<!-- not run: what it needs -->`.

How the blocks run (see tests/docs/guides.py for the conventions a guide can use):

* YAML: each block must parse (with Ansible's !unsafe and !vault tags). A list of plays is a playbook, a list of
  tasks is wrapped in a play; both must name every play and task (ansible-lint's name rules) and pass
  `ansible-playbook --syntax-check` with the collection on ANSIBLE_COLLECTIONS_PATH=.build/collections. A mapping
  (variables, a definition file) only has to parse.
* Shell: the blocks of one guide run in order, each with `bash -e -o pipefail`, in a work directory of its own
  that holds a copy of this repository's files (the guides' "clone of this repository") and .venv (a link to
  the venv running the test, as `make` would have built it), with HOME in a
  temporary directory (installed collections and initial password files land there), this venv's bin first on
  PATH, ANSIBLE_COLLECTIONS_PATH=$HOME/.ansible/collections:.build/collections (so `ansible-galaxy collection
  install` goes to that HOME) and the credentials and endpoints of an emulator the test started on
  127.0.0.1, as docs/emulator.md tells a reader to set them. A YAML block the guide names (`NAME.yml`:) is
  written to that directory first. The guides run in parallel; each has its own emulator.

A failure names the guide and the line of the block's opening fence. Skipped blocks are reported with their
reason (pytest -ra).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

import guides  # noqa: E402  (tests/docs is not a package)
import harness  # noqa: E402  (shared with the integration harness)

REPO_ROOT = guides.REPO_ROOT
BLOCK_TIMEOUT = 300
VENV_BIN = os.path.dirname(sys.executable)

BLOCKS = guides.all_blocks()


def not_run_reason(block):
    return block.not_run


def block_id(block):
    return block.where


# ------------------------------------------------------------------ environments


def clean_environment(home, extra=None):
    """The caller's environment without Alibaba credentials or Ansible settings, HOME in the work area."""
    env = dict((name, value) for name, value in os.environ.items()
               if not name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "ANSIBLE_")))
    env.update({
        "HOME": home,
        "PATH": VENV_BIN + os.pathsep + env.get("PATH", "/usr/bin:/bin"),
        "ANSIBLE_COLLECTIONS_PATH": os.pathsep.join([os.path.join(home, ".ansible", "collections"),
                                                     harness.ensure_collection_link()]),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.update(extra or {})
    return env


def emulator_variables(url):
    """What docs/emulator.md ("Start it") tells a reader to export."""
    return {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": harness.ACCESS_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": harness.ACCESS_KEY_SECRET,
        "ALIBABA_CLOUD_IMS_ENDPOINT": url,
        "ALIBABA_CLOUD_RAM_ENDPOINT": url,
        "ALIBABA_CLOUD_STS_ENDPOINT": url,
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
    }


def copy_repository(destination):
    """The repository's files (tracked, and untracked ones git does not ignore) copied to destination."""
    listing = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO_ROOT, check=True,
                             stdout=subprocess.PIPE).stdout.decode("utf-8")
    for relative in sorted(set(filter(None, listing.split("\0")))):
        source = os.path.join(REPO_ROOT, relative)
        if not os.path.isfile(source) or os.path.islink(source):
            continue
        target = os.path.join(destination, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target)
    return destination


def run_script(script, cwd, env):
    """(exit status or None after a timeout, output) of a bash script; a timeout stops everything it started."""
    process = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        output = process.communicate(timeout=BLOCK_TIMEOUT)[0]
        return process.returncode, output.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output = process.communicate()[0]
        return None, output.decode("utf-8", "replace")


class Outcome:
    def __init__(self, ok, detail="", output=""):
        self.ok = ok
        self.detail = detail
        self.output = output


def last_recap(output):
    """The host lines of the last PLAY RECAP in ansible-playbook output."""
    if "PLAY RECAP" not in output:
        return None
    return output.rsplit("PLAY RECAP", 1)[1].strip().splitlines()[1:]


def tail(text, lines=60):
    return "\n".join(text.splitlines()[-lines:])


# ------------------------------------------------------------------ the work, done once for every block


class Results:
    """Runs every syntax check and every guide's shell blocks once (concurrently); tests read the outcomes."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.syntax = {}
        self.shell = {}
        self.durations = {}

    # YAML ----------------------------------------------------------

    def syntax_check(self, blocks):
        """{block: Outcome} of `ansible-playbook --syntax-check`: all playbooks at once, one by one after a failure."""
        area = os.path.join(self.workdir, "syntax")
        home = os.path.join(area, "home")
        os.makedirs(home)
        files = []
        for block in blocks:
            name = "%s-%d.yml" % (block.guide.replace(os.sep, "_").replace(".", "_"), block.line)
            path = os.path.join(area, name)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(block.text if block.kind == "playbook" else guides.wrapped_play(block))
            files.append((block, path))
        env = clean_environment(home)

        def check(paths):
            completed = subprocess.run([os.path.join(VENV_BIN, "ansible-playbook"), "--syntax-check", "-i", "localhost,"]
                                       + paths, cwd=area, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, timeout=BLOCK_TIMEOUT, check=False)
            return completed.returncode, completed.stdout.decode("utf-8", "replace")

        if not files:
            return
        returncode, _output = check([path for _block, path in files])
        if returncode == 0:
            for block, _path in files:
                self.syntax[block.where] = Outcome(True)
            return
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            for (block, path), (code, output) in zip(files, pool.map(lambda item: check([item[1]]), files)):
                self.syntax[block.where] = Outcome(code == 0, output)

    # shell ---------------------------------------------------------

    def run_guide(self, guide, blocks, emulator_client):
        """Run one guide's runnable shell blocks in order, in its own copy of the repository."""
        area = os.path.join(self.workdir, guide.replace(os.sep, "_"))
        home = os.path.join(area, "home")
        os.makedirs(home)
        clone = copy_repository(os.path.join(area, "clone"))
        os.symlink(sys.prefix, os.path.join(clone, ".venv"))    # the venv `make` builds in a clone
        named = [block for block in BLOCKS if block.guide == guide and block.language == "yaml" and block.file_name]
        for block in named:
            with open(os.path.join(clone, block.file_name), "w", encoding="utf-8") as handle:
                handle.write(block.text)
        emulator = emulator_client.start_emulator([])
        try:
            env = clean_environment(home, emulator_variables(emulator.url))
            failed = None
            for block in blocks:
                if failed is not None:
                    self.shell[block.where] = Outcome(False, "not run: %s failed before it" % failed)
                    continue
                started = time.monotonic()
                returncode, output = run_script(block.commands(), clone, env)
                ok = returncode == 0
                detail = "exit status %s" % returncode if returncode is not None else \
                    "still running after %d s (stopped)" % BLOCK_TIMEOUT
                self.shell[block.where] = Outcome(ok, "%s\n--- commands:\n%s--- output (end):\n%s"
                                                  % (detail, block.commands(), tail(output)), output)
                self.durations[block.where] = time.monotonic() - started
                if not ok:
                    failed = block.where
        finally:
            emulator.cleanup()


@pytest.fixture(scope="session")
def results(tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp("docs-guides"))
    outcome = Results(workdir)
    emulator_client = harness.load_emulator_client()
    checked = [b for b in BLOCKS if b.language == "yaml" and not_run_reason(b) is None
               and getattr(b, "kind", None) in ("playbook", "tasks")]
    runnable = {}
    for block in BLOCKS:
        if block.language == "shell" and not_run_reason(block) is None:
            runnable.setdefault(block.guide, []).append(block)
    with concurrent.futures.ThreadPoolExecutor(len(runnable) + 1) as pool:
        futures = [pool.submit(outcome.syntax_check, checked)]
        futures += [pool.submit(outcome.run_guide, guide, blocks, emulator_client) for guide, blocks in runnable.items()]
        for future in futures:
            future.result()
    yield outcome
    shutil.rmtree(workdir, ignore_errors=True)


# ------------------------------------------------------------------ tests

for _block in BLOCKS:
    if _block.language == "yaml":
        try:
            _block.kind = guides.kind_of(guides.load_yaml(_block.text))
        except Exception:  # pylint: disable=broad-except
            _block.kind = None     # test_yaml_block reports the parse error


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.language == "yaml"], ids=block_id)
def test_yaml_block(block, results):
    try:
        data = guides.load_yaml(block.text)
    except Exception as exc:  # pylint: disable=broad-except
        pytest.fail("%s: the ```%s block is not valid YAML: %s" % (block.where, block.info, exc))
    kind = guides.kind_of(data)
    assert kind is not None, "%s: the YAML block is neither a playbook, a list of tasks nor a mapping" % block.where
    missing = guides.unnamed(data, kind)
    assert not missing, "%s: ansible-lint wants a name here: %s" % (block.where, "; ".join(missing))
    if kind == "mapping":
        return
    reason = not_run_reason(block)
    if reason is not None:
        pytest.skip("%s: not syntax-checked: %s" % (block.where, reason))
    outcome = results.syntax[block.where]
    assert outcome.ok, "%s: ansible-playbook --syntax-check fails on this %s:\n%s" % (
        block.where, "playbook" if kind == "playbook" else "task list (wrapped in a play)", tail(outcome.detail))


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.language == "shell"], ids=block_id)
def test_shell_block(block, results):
    reason = not_run_reason(block)
    if reason is not None:
        pytest.skip("%s: %s" % (block.where, reason))
    outcome = results.shell[block.where]
    assert outcome.ok, "%s: the ```%s block does not work as written: %s" % (block.where, block.info, outcome.detail)
    last_command = [line for line in block.commands().splitlines() if line.strip()][-1]
    if "changed=0" in last_command.partition("#")[2]:
        recap = last_recap(outcome.output)
        assert recap and all("changed=0" in line for line in recap), \
            "%s: the guide says the last run reports changed=0; its PLAY RECAP is %s" % (block.where, recap)


def test_named_files_are_used():
    """A block named `NAME.yml` is there for a command of the same guide to run; a name nothing uses is a typo."""
    unused = []
    for block in BLOCKS:
        if block.file_name and not any(other.guide == block.guide and other.language == "shell"
                                       and block.file_name in other.text for other in BLOCKS):
            unused.append("%s (%s)" % (block.where, block.file_name))
    assert not unused, "YAML blocks named as files that no command of their guide uses: %s" % ", ".join(unused)
