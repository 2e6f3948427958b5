# Developer and CI entry points for the aliyun.ram collection.
#   make demo    see the collection work against the bundled RAM API emulator
#   make test    every gate: units, integration (newest + oldest ansible-core), sanity,
#                ansible-test units, ansible-lint, galaxy-importer, changelog lint
# Everything it installs goes to .venv* and .build/ inside the work tree (`make clean` removes them).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

REPO        := $(CURDIR)
VENV        := .venv
VENV_OLDEST := .venv-oldest
VENV_TOOLS  := .venv-tools
BUILD       := .build
COLLECTIONS := $(REPO)/$(BUILD)/collections
LINK        := $(BUILD)/collections/ansible_collections/aliyun/ram
STAGE_ROOT  := $(REPO)/$(BUILD)/ansible-test
STAGED      := $(STAGE_ROOT)/ansible_collections/aliyun/ram
DIST        := $(REPO)/$(BUILD)/dist

# Evaluated only when a recipe needs it.
PY_OLDEST    = $(shell .ci/find-python oldest)
NEWEST_PYVER = $(shell $(VENV)/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')

PYTEST_ENV := PYTHONPATH=$(COLLECTIONS) PYTHONDONTWRITEBYTECODE=1

define describe_venv
	$(1)/bin/python -c 'import sys, ansible.release as r; print("Using Python %s (%s) with ansible-core %s" % (sys.version.split()[0], sys.executable, r.__version__))'
endef

.PHONY: help venv venv-oldest tools collection units units-newest units-oldest integration integration-newest \
        integration-oldest packaging reliability sanity ansible-test-units stage lint importer changelog-lint demo test clean \
        bench-onboarding bench soak

help:
	@sed -n '2,5p' Makefile | sed 's/^# \{0,1\}//'
	@echo "Other targets: units integration packaging sanity ansible-test-units lint importer changelog-lint reliability docs-test bench bench-onboarding soak mutation clean"

# ---------------------------------------------------------------- environments

$(VENV)/.stamp: tests/requirements-dev.txt tests/requirements-oldest.txt requirements.txt .ci/mkvenv .ci/find-python
	@echo "==> Newest toolchain venv ($(VENV))"
	.ci/mkvenv $(VENV) newest tests/requirements-dev.txt tests/requirements-oldest.txt
	@touch $@

$(VENV_OLDEST)/.stamp: tests/requirements-oldest.txt requirements.txt .ci/mkvenv .ci/find-python
	@echo "==> Oldest toolchain venv ($(VENV_OLDEST))"
	.ci/mkvenv $(VENV_OLDEST) oldest tests/requirements-oldest.txt
	@touch $@

$(VENV_TOOLS)/.stamp: tests/requirements-tools.txt .ci/mkvenv .ci/find-python
	@echo "==> Gate tools venv ($(VENV_TOOLS)): ansible-lint, galaxy-importer, antsibull-changelog"
	.ci/mkvenv $(VENV_TOOLS) newest tests/requirements-tools.txt
	@touch $@

venv: $(VENV)/.stamp collection
	@$(call describe_venv,$(VENV))

venv-oldest:
	@if [ -z "$(PY_OLDEST)" ]; then \
	    echo "No Python 3.11 found (python3.11, pyenv 3.11.*, python3): skipping the oldest toolchain"; \
	else \
	    $(MAKE) --no-print-directory $(VENV_OLDEST)/.stamp collection; \
	    $(call describe_venv,$(VENV_OLDEST)); \
	fi

tools: $(VENV_TOOLS)/.stamp collection

# The collection is "installed" by a relative symlink, so edits are live without rebuilding.
collection:
	@if [ ! -L $(LINK) ]; then \
	    echo "==> Linking $(LINK) -> ../../../.."; \
	    mkdir -p $(dir $(LINK)); ln -sfn ../../../.. $(LINK); \
	fi

# ---------------------------------------------------------------- tests

# pytest exits 5 when it collects nothing; that is allowed for units while the suite is being written.
units: units-newest units-oldest

units-newest: venv
	@echo "==> Unit tests (newest toolchain): pytest tests/unit"
	$(PYTEST_ENV) $(VENV)/bin/python -m pytest -q -ra tests/unit || { rc=$$?; [ $$rc = 5 ] && echo "No unit tests collected"; [ $$rc = 5 ]; }

units-oldest: venv-oldest
	@if [ -x $(VENV_OLDEST)/bin/python ] && [ -n "$(PY_OLDEST)" ]; then \
	    echo "==> Unit tests (oldest toolchain): pytest tests/unit"; \
	    $(PYTEST_ENV) $(VENV_OLDEST)/bin/python -m pytest -q -ra tests/unit || { rc=$$?; [ $$rc = 5 ] && echo "No unit tests collected"; [ $$rc = 5 ]; }; \
	fi

integration: integration-newest integration-oldest

integration-newest: venv
	@echo "==> Integration targets against the emulator (newest toolchain): pytest tests/integration"
	$(PYTEST_ENV) $(VENV)/bin/python -m pytest -q -ra tests/integration

integration-oldest: venv-oldest
	@if [ -x $(VENV_OLDEST)/bin/python ] && [ -n "$(PY_OLDEST)" ]; then \
	    echo "==> Integration targets against the emulator (oldest toolchain): pytest tests/integration"; \
	    $(PYTEST_ENV) $(VENV_OLDEST)/bin/python -m pytest -q -ra tests/integration; \
	fi

packaging: venv
	@echo "==> Packaging: galaxy build/install, ansible-doc, smoke from the installed copy, EE context, AWX jobs via ansible-runner"
	PYTHONDONTWRITEBYTECODE=1 $(VENV)/bin/python -m pytest -q -ra tests/packaging

# The secret scan runs on both toolchains: what a result shows differs between ansible-core releases.
reliability: venv venv-oldest
	@echo "==> Reliability and security: secret scan at -vvvv, TLS, bad-input matrix, small fault soak; the guides and published figures"
	$(PYTEST_ENV) $(VENV)/bin/python -m pytest -q -ra tests/security tests/soak tests/docs
	@if [ -x $(VENV_OLDEST)/bin/python ] && [ -n "$(PY_OLDEST)" ]; then \
	    echo "==> Secret scan (oldest toolchain): pytest tests/security/test_secret_scan.py"; \
	    $(PYTEST_ENV) $(VENV_OLDEST)/bin/python -m pytest -q -ra tests/security/test_secret_scan.py; \
	fi

# The guides' commands and YAML blocks work as written, and docs/performance.md and docs/reliability.md equal
# their data in docs/data/ (tests/docs; make reliability, and so make test, runs it too).
.PHONY: docs-test
docs-test: venv
	@echo "==> Docs: every guide command and YAML block as written; published figures against docs/data/"
	$(PYTEST_ENV) $(VENV)/bin/python -m pytest -q -ra tests/docs

# ---------------------------------------------------------------- gates

# ansible-test needs the tree at .../ansible_collections/aliyun/ram; it gets a fresh copy of the
# tracked and untracked-but-not-ignored files, plus a pip bootstrap stand-in (no download host here).
stage: venv
	@echo "==> Staging the collection for ansible-test in $(STAGED)"
	@if ls tests/sanity/ignore-*.txt >/dev/null 2>&1; then \
	    echo "tests/sanity/ignore-*.txt exists: this collection keeps zero sanity ignores" >&2; exit 1; \
	fi
	$(VENV)/bin/python .ci/stage-collection.py $(REPO) $(STAGE_ROOT)

sanity: stage
	@echo "==> ansible-test sanity --venv --python $(NEWEST_PYVER)"
	cd $(STAGED) && $(REPO)/$(VENV)/bin/ansible-test sanity --venv --python $(NEWEST_PYVER) --color no

ansible-test-units: stage
	@echo "==> ansible-test units --venv --python $(NEWEST_PYVER)"
	cd $(STAGED) && $(REPO)/$(VENV)/bin/ansible-test units --venv --python $(NEWEST_PYVER) --color no

# Online mode installs this collection so its FQCNs resolve; ANSIBLE_HOME keeps that copy inside .build/
# (ansible-lint would otherwise put it in ~/.ansible/collections, where it could shadow the work tree).
lint: tools
	@echo "==> ansible-lint --profile production (online, so aliyun.ram FQCNs resolve)"
	rm -rf $(BUILD)/ansible-lint
	env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_ROLES_PATH -u ANSIBLE_LIBRARY \
	    ANSIBLE_HOME=$(REPO)/$(BUILD)/ansible-lint PATH=$(REPO)/$(VENV_TOOLS)/bin:$$PATH \
	    $(VENV_TOOLS)/bin/ansible-lint --profile production

importer: tools stage
	@echo "==> Building the collection artifact and running galaxy-importer on it (it writes importer_result.json to its cwd)"
	rm -rf $(DIST) $(BUILD)/importer && mkdir -p $(DIST) $(BUILD)/importer/tmp $(BUILD)/importer/out
	cd $(STAGED) && $(REPO)/$(VENV_TOOLS)/bin/ansible-galaxy collection build --force --output-path $(DIST)
	GALAXY_IMPORTER_CONFIG=$(REPO)/.ci/galaxy-importer.cfg \
	GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP=$(REPO)/$(BUILD)/importer/tmp \
	GALAXY_IMPORTER_TMP_ROOT_DIR=$(REPO)/$(BUILD)/importer/tmp \
	ANSIBLE_HOME=$(REPO)/$(BUILD)/importer/ansible-home \
	PATH=$(REPO)/$(VENV_TOOLS)/bin:$$PATH \
	    bash -c 'cd $(BUILD)/importer/out && exec $(REPO)/$(VENV_TOOLS)/bin/python -m galaxy_importer.main $(DIST)/aliyun-ram-*.tar.gz' \
	    2>&1 | tee $(BUILD)/importer/importer.log
	@if grep -E '^(ERROR|CRITICAL)|ImporterError|Traceback' $(BUILD)/importer/importer.log; then \
	    echo "galaxy-importer reported errors (see $(BUILD)/importer/importer.log)" >&2; exit 1; fi
	@echo "galaxy-importer: $$(grep -c '^WARNING' $(BUILD)/importer/importer.log || true) warning(s), no errors"

changelog-lint: tools
	@echo "==> antsibull-changelog lint"
	$(VENV_TOOLS)/bin/antsibull-changelog lint

# ---------------------------------------------------------------- mutation testing (not part of make test)

# mutmut over the reconcilers, plan.py, validation.py and transport.py, in a throwaway copy: the work tree (tracked
# and untracked-not-ignored files, as for ansible-test) is copied to $(MUTATION_WORK)/ansible_collections/aliyun/ram,
# so that mutmut names each mutant after the module path the tests import. mutmut lives in $(MUTATION)/venv, which
# sees .venv's packages through a .pth file. Each mutant runs only the selected unit tests that reach its function,
# with -x (the first failing test kills it). Workers fork from a server that has already imported the tests
# (process_isolation = forkserver), because the unit tests' conftest builds a RetryPolicy at import time.
# Results: $(MUTATION)/score.txt and $(MUTATION)/survivors.txt (the diff of every surviving mutant).
# docs/mutation.md has the scores and the reason each surviving mutant is left alive.
MUTATION          := $(BUILD)/mutation
MUTATION_WORK     := $(MUTATION)/work
MUTATION_JOBS     ?= 2
MUTATION_FILES    := user user_info group login_profile password_policy batch plan validation transport
# The unit tests of module_utils and of the modules; mutmut runs, for each mutant, only those that reach its function.
# Tests that start the RAM API emulator are left out: a surviving mutant runs every selected test that reaches its
# function, and these take 5 to 50 s each time; the plain unit tests must kill the mutants on their own.
MUTATION_TESTS    := tests/unit/plugins/module_utils tests/unit/plugins/modules
MUTATION_DESELECT := tests/unit/plugins/module_utils/test_api_emulator.py tests/unit/plugins/modules/test_ram_user_baseline.py

define MUTATION_SCORE
import glob, json, os, sys
from collections import Counter
KILLED = {1, 3, 24, -24, 36, 37, 152, 255, -9, -11}  # failed test, pytest error, timeout, crash
from mutmut.mutation.diff_apply import get_diff_for_mutant
total, rows, out = Counter(), [], []
for meta in sorted(glob.glob("mutants/**/*.py.meta", recursive=True)):
    source = meta[len("mutants/"):-len(".meta")]
    codes = json.load(open(meta))["exit_code_by_key"]
    count = Counter("killed" if c in KILLED else "survived" if c == 0 else "no tests" if c in (5, 33) else
                    "not run" if c is None else "other" for c in codes.values())
    count["mutants"] = len(codes)
    total.update(count)
    rows.append((os.path.basename(source), count))
    for key, code in codes.items():
        if code in (0, 5, 33):
            diff = get_diff_for_mutant(key, path=source).splitlines()[2:]
            out.append("## %s %s%s\n%s\n" % (os.path.basename(source), key.rsplit(".", 1)[-1],
                                            "" if code == 0 else " (no tests)", "\n".join(l for l in diff if l[:1] in "-+")))
rows.append(("overall", total))
with open("../score.txt", "w") as score:
    score.write("%-20s %8s %8s %9s %9s %7s\n" % ("file", "mutants", "killed", "survived", "no tests", "score"))
    for name, c in rows:
        score.write("%-20s %8d %8d %9d %9d %6.1f%%\n" % (name, c["mutants"], c["killed"], c["survived"], c["no tests"],
                                                        100.0 * c["killed"] / max(1, c["mutants"])))
with open("../survivors.txt", "w") as handle:
    handle.write("\n".join(out))
sys.stdout.write(open("../score.txt").read())
endef
export MUTATION_SCORE

.PHONY: mutation
mutation: | $(VENV)/.stamp
	@echo "==> Mutation testing (mutmut) in a throwaway copy: $(MUTATION_WORK)"
	@if [ ! -x $(MUTATION)/venv/bin/mutmut ] || [ tests/requirements-mutation.txt -nt $(MUTATION)/venv/.stamp ]; then \
	    rm -rf $(MUTATION)/venv && $(VENV)/bin/python -m venv $(MUTATION)/venv && \
	    $(VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' \
	        > "$$($(MUTATION)/venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/project-venv.pth" && \
	    $(MUTATION)/venv/bin/pip install -q -r tests/requirements-mutation.txt && touch $(MUTATION)/venv/.stamp; \
	fi
	rm -rf $(MUTATION_WORK)
	$(VENV)/bin/python -c 'import importlib.util as u, sys; s = u.spec_from_file_location("stage", ".ci/stage-collection.py"); \
	    m = u.module_from_spec(s); s.loader.exec_module(m); m.stage(sys.argv[1], sys.argv[2])' $(REPO) $(REPO)/$(MUTATION_WORK)
	@{ echo "[mutmut]"; echo "source_paths ="; \
	   for f in $(MUTATION_FILES); do echo "    ansible_collections/aliyun/ram/plugins/module_utils/$$f.py"; done; \
	   echo "also_copy ="; echo "    ansible_collections"; \
	   echo "pytest_add_cli_args_test_selection ="; \
	   for d in $(MUTATION_TESTS); do echo "    ansible_collections/aliyun/ram/$$d"; done; \
	   for f in $(MUTATION_DESELECT); do echo "    --deselect=ansible_collections/aliyun/ram/$$f"; done; \
	   echo "pytest_add_cli_args ="; echo "    -p"; echo "    no:cacheprovider"; \
	   echo "process_isolation = forkserver"; echo "use_git_change_detection = false"; } > $(MUTATION_WORK)/setup.cfg
	@start=$$(date +%s); \
	cd $(MUTATION_WORK) && PYTHONDONTWRITEBYTECODE=1 ../venv/bin/mutmut run --max-children $(MUTATION_JOBS) > ../run.log 2>&1 \
	    || { tail -n 40 ../run.log; exit 1; }; \
	echo "mutmut run: $$(( $$(date +%s) - start )) s (log: $(MUTATION)/run.log)"
	cd $(MUTATION_WORK) && ../venv/bin/python -c "$$MUTATION_SCORE"
	@echo "Surviving mutants (diffs): $(MUTATION)/survivors.txt"

# ---------------------------------------------------------------- entry points

demo: venv
	@echo "==> Demo: playbooks in tests/demo/ against a local RAM API emulator"
	$(VENV)/bin/python tests/demo/run_demo.py

test:
	@echo "==> Running every gate; each stage is timed"
	.ci/run-stages units integration packaging reliability sanity ansible-test-units lint importer changelog-lint

# ---------------------------------------------------------------- benchmarks (not part of make test)

bench-onboarding: venv
	@echo "==> Onboarding benchmark: 500 users against the emulator at --latency-ms 20 (medians of 3)"
	$(VENV)/bin/python tests/bench/bench_onboarding.py

.PHONY: bench-audit
bench-audit: venv
	@echo "==> Identity audit: 1,000 users from the credential report vs per-user reads, --latency-ms 20 (medians of 3)"
	$(VENV)/bin/python tests/bench/bench_audit.py

bench: venv
	@echo "==> All benchmarks (per-task cost, onboarding scale, API calls, peer side by side); results in bench-results/"
	$(VENV)/bin/pip install -q -r tests/bench/requirements.txt
	$(VENV)/bin/python tests/bench/run_all.py
	@echo "==> The controller path: both paths of every module next to ping, a 100-person loop next to the batch engine, ali_ram_user with 300 users"
	$(VENV)/bin/python tests/bench/controller_path.py

soak: venv
	@echo "==> Fault soak: 300 users, throttle 0.2, 5xx 0.05, drops 0.02, 5 ms latency; 20 x 60-user convergence runs with default settings; interruptions; STS expiry"
	$(VENV)/bin/python tests/soak/soak.py --users 300 --throttle-rate 0.2 --error-rate 0.05 --drop-rate 0.02 --latency-ms 5

clean:
	rm -rf $(VENV) $(VENV_OLDEST) $(VENV_TOOLS) .venv-peer $(BUILD)/collections $(BUILD)/ansible-test $(BUILD)/dist \
	       $(BUILD)/importer $(BUILD)/ansible-lint tests/output .pytest_cache
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
