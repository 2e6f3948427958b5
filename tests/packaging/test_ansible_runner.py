# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX execution path: jobs run through ansible-runner, the engine AWX and Automation Controller use.

Each job gets a private data directory laid out as AWX lays it out (project/, inventory/, env/), the
collection installed from the built tarball, and an environment made exactly as the shipped credential
type (awx/credential_type/) injects it: optional inputs left empty become empty variables.
A Run job is ``ansible-playbook``; a Check job with Show Changes is ``--check --diff``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import sys

import pytest
import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from conftest import ACCESS_KEY_ID, ACCESS_KEY_SECRET, REPO_ROOT

try:
    import ansible_runner
except ImportError:  # reported by the runner fixture, so the jobs fail rather than skip
    ansible_runner = None

CREDENTIAL_TYPE_DIR = os.path.join(REPO_ROOT, "awx", "credential_type")
BASELINE_TASK = "Bring the users to the onboarding baseline"
ONBOARDING_DEMO = os.path.join("tests", "demo", "30-onboarding.yml")
ACCOUNT_ID = "1234567890123456"  # the emulator's account


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def inject_like_awx(values):
    """The environment AWX builds from the credential type for a credential with these input values.

    AWX renders each injector template with the credential's inputs; a string input the user left empty is
    rendered as an empty string. StrictUndefined makes a template that names an unknown input fail here.
    """
    inputs = load_yaml(os.path.join(CREDENTIAL_TYPE_DIR, "inputs.yml"))
    injectors = load_yaml(os.path.join(CREDENTIAL_TYPE_DIR, "injectors.yml"))
    namespace = dict((field["id"], values.get(field["id"], "")) for field in inputs["fields"])
    environment = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    return dict((name, environment.from_string(template).render(**namespace)) for name, template in injectors["env"].items())


def test_credential_type_is_well_formed():
    inputs = load_yaml(os.path.join(CREDENTIAL_TYPE_DIR, "inputs.yml"))
    injectors = load_yaml(os.path.join(CREDENTIAL_TYPE_DIR, "injectors.yml"))
    ids = [field["id"] for field in inputs["fields"]]
    assert len(ids) == len(set(ids))
    # An AccessKey, or (RRSA) the role, OIDC provider and token file: no single field is always required.
    assert inputs["required"] == []
    for field in inputs["fields"]:
        assert field["type"] == "string" and field["label"], field
        assert field.get("secret", False) == (field["id"] in ("access_key_secret", "security_token")), field
    assert set(injectors) == {"env"}
    assert not [name for name in injectors["env"] if name.startswith("ANSIBLE_")]  # reserved by AWX


def test_injected_names_are_the_ones_the_modules_read(installed, monkeypatch):
    """Every injected variable is read by the credential chain, and empty optional inputs count as unset."""
    monkeypatch.syspath_prepend(installed.collections_path)
    from ansible_collections.aliyun.ram.plugins.module_utils.credentials import resolve_credentials

    options = dict.fromkeys(("access_key_id", "access_key_secret", "security_token", "profile", "ecs_role_name",
                             "assume_role_arn", "assume_role_session_name", "assume_role_duration",
                             "assume_role_external_id", "assume_role_policy"))
    env = inject_like_awx({"access_key_id": "AKID", "access_key_secret": "SECRET"})
    assert env["ALIBABA_CLOUD_SECURITY_TOKEN"] == "" and env["ALIBABA_CLOUD_ROLE_ARN"] == ""
    credentials = resolve_credentials(options, environ=env, home="/nonexistent").get()
    assert (credentials.access_key_id, credentials.access_key_secret, credentials.security_token) == ("AKID", "SECRET", None)

    env = inject_like_awx({"access_key_id": "STS.AKID", "access_key_secret": "SECRET", "security_token": "TOKEN"})
    assert resolve_credentials(options, environ=env, home="/nonexistent").get().security_token == "TOKEN"

    calls = []
    env = inject_like_awx({"access_key_id": "AKID", "access_key_secret": "SECRET",
                           "role_arn": "acs:ram::%s:role/admin" % ACCOUNT_ID, "role_session_name": "awx-job-42"})

    def sts_call(credentials, params):
        calls.append((credentials.access_key_id, params))
        return {"Credentials": {"AccessKeyId": "STS.ROLE", "AccessKeySecret": "ROLESECRET", "SecurityToken": "T",
                                "Expiration": "2099-01-01T00:00:00Z"}}

    assumed = resolve_credentials(options, environ=env, home="/nonexistent", sts_call=sts_call).get()
    assert assumed.access_key_id == "STS.ROLE"
    assert calls[0][0] == "AKID"
    assert (calls[0][1]["RoleArn"], calls[0][1]["RoleSessionName"]) == ("acs:ram::%s:role/admin" % ACCOUNT_ID, "awx-job-42")

    # RRSA: the role, the OIDC provider and the token file, no AccessKey: STS AssumeRoleWithOIDC, no AssumeRole.
    token_file = os.path.join(installed.collections_path, "rrsa-token")
    with open(token_file, "w") as handle:
        handle.write("header.payload.signature")
    oidc_calls = []
    env = inject_like_awx({"role_arn": "acs:ram::%s:role/admin" % ACCOUNT_ID, "role_session_name": "awx-job-43",
                           "oidc_provider_arn": "acs:ram::%s:oidc-provider/ack-rrsa" % ACCOUNT_ID,
                           "oidc_token_file": token_file})

    def oidc_call(params):
        oidc_calls.append(params)
        return {"Credentials": {"AccessKeyId": "STS.OIDC", "AccessKeySecret": "S", "SecurityToken": "T",
                                "Expiration": "2099-01-01T00:00:00Z"}}

    options["assume_role_duration"] = 3600
    rrsa = resolve_credentials(options, environ=env, home="/nonexistent", sts_call=sts_call, oidc_call=oidc_call).get()
    assert rrsa.access_key_id == "STS.OIDC" and len(calls) == 1
    assert (oidc_calls[0]["OIDCToken"], oidc_calls[0]["RoleSessionName"]) == ("header.payload.signature", "awx-job-43")


# ---------------------------------------------------------------- jobs through ansible-runner


@pytest.fixture
def clean_process_environment(monkeypatch):
    """ansible-runner passes os.environ on to the job: drop the developer's Alibaba and Ansible settings."""
    for name in list(os.environ):
        if name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "ANSIBLE_")):
            monkeypatch.delenv(name)


@pytest.fixture
def emulator(installed):
    handle = installed.emulator_client().start_emulator()
    yield handle
    handle.cleanup()


class Controller:
    """Runs jobs the way AWX does: one private data directory per job, the credential's environment injected."""

    def __init__(self, installed, emulator, workdir):
        self.installed = installed
        self.emulator = emulator
        self.workdir = workdir
        self.jobs = 0

    def job(self, playbook_source, extravars, credential, check=False, diff=False):
        self.jobs += 1
        private = os.path.join(self.workdir, "job-%d" % self.jobs)
        project = os.path.join(private, "project")
        shutil.copytree(os.path.dirname(playbook_source), project)
        os.makedirs(os.path.join(private, "inventory"))
        os.makedirs(os.path.join(private, "env"))
        with open(os.path.join(private, "inventory", "hosts"), "w", encoding="utf-8") as handle:
            handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
        envvars = inject_like_awx(credential)
        envvars.update({
            # what the execution environment provides: the installed collection and its Python
            "ANSIBLE_COLLECTIONS_PATH": self.installed.collections_path,
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_HOME": os.path.join(private, "ansible-home"),
            "ANSIBLE_NOCOLOR": "1",
            "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
            # the test's stand-in for Alibaba Cloud
            "ALIBABA_CLOUD_IMS_ENDPOINT": self.emulator.url,
            "ALIBABA_CLOUD_RAM_ENDPOINT": self.emulator.url,
            "ALIBABA_CLOUD_STS_ENDPOINT": self.emulator.url,
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
            # the job events' results carry the module arguments (no_log ones masked) on ansible-core 2.21+ too,
            # so the survey-password checks below would see an option that lost no_log
            "ANSIBLE_INJECT_INVOCATION": "true",
        })
        with open(os.path.join(private, "env", "envvars"), "w", encoding="utf-8") as handle:
            yaml.safe_dump(envvars, handle)
        with open(os.path.join(private, "env", "extravars"), "w", encoding="utf-8") as handle:
            yaml.safe_dump(extravars, handle)
        cmdline = " ".join(flag for flag, wanted in (("--check", check), ("--diff", diff)) if wanted)
        runner = ansible_runner.run(private_data_dir=private, playbook=os.path.basename(playbook_source),
                                    cmdline=cmdline or None, quiet=True, timeout=300)
        return Job(runner)


class Job:
    def __init__(self, runner):
        self.status = runner.status
        self.rc = runner.rc
        self.stdout = runner.stdout.read()
        self.events = list(runner.events)

    def results(self, task):
        return [event["event_data"]["res"] for event in self.events
                if event.get("event") in ("runner_on_ok", "runner_on_failed") and event["event_data"].get("task") == task]

    def describe(self):
        return "status=%s rc=%s\n%s" % (self.status, self.rc, self.stdout[-4000:])


@pytest.fixture
def controller(installed, emulator, tmp_path, clean_process_environment):
    assert ansible_runner is not None, "ansible-runner is missing: pip install -r tests/requirements-dev.txt"
    return Controller(installed, emulator, str(tmp_path))


SURVEY_JOB = {
    "onboarding_groups": [{"name": "developers", "comments": "Created by the AWX job"}],
    "onboarding_default_tags": {"managed-by": "awx"},
    "onboarding_password_dir": None,  # set per test: generated passwords must land in a temporary directory
    "job_users": [{"name": "carol", "display_name": "Carol", "groups": ["developers"], "console_login": True}],
    "survey_user_name": "dave",
    "survey_display_name": "Dave",
    "survey_groups": ["developers"],
    "survey_initial_password": "Initial-Passw0rd!x",
}
KEY_ONLY = {"access_key_id": ACCESS_KEY_ID, "access_key_secret": ACCESS_KEY_SECRET}  # token, role: left empty


def user_names(emulator):
    return sorted(user["UserPrincipalName"] for user in emulator.state()["users"])


def test_check_job_then_run_job_then_check_job(controller, emulator, installed, tmp_path):
    """A nightly-audit style sequence: predict (no writes), apply, then the audit shows no drift."""
    playbook = installed.path("awx", "playbooks", "onboarding.yml")
    extravars = dict(SURVEY_JOB, onboarding_password_dir=str(tmp_path / "passwords"))

    check = controller.job(playbook, extravars, KEY_ONLY, check=True, diff=True)
    assert (check.status, check.rc) == ("successful", 0), check.describe()
    assert emulator.stats()["writes"] == 0
    predicted = check.results(BASELINE_TASK)
    assert len(predicted) == 1 and predicted[0]["changed"] is True
    assert predicted[0]["counts"]["created"] == 2
    assert "carol@example.onaliyun.com" in check.stdout and "dave@example.onaliyun.com" in check.stdout  # diff headers
    assert user_names(emulator) == []

    run = controller.job(playbook, extravars, KEY_ONLY)
    assert (run.status, run.rc) == ("successful", 0), run.describe()
    applied = run.results(BASELINE_TASK)[0]
    assert applied["changed"] is True and applied["counts"]["created"] == 2
    assert user_names(emulator) == ["carol@example.onaliyun.com", "dave@example.onaliyun.com"]
    writes_after_run = emulator.stats()["writes"]
    assert writes_after_run > 0
    password_files = sorted(os.listdir(str(tmp_path / "passwords")))
    assert password_files == ["carol@example.onaliyun.com.password"]  # dave's password came from the survey

    audit = controller.job(playbook, extravars, KEY_ONLY, check=True, diff=True)
    assert (audit.status, audit.rc) == ("successful", 0), audit.describe()
    assert audit.results(BASELINE_TASK)[0]["changed"] is False
    assert emulator.stats()["writes"] == writes_after_run

    for job in (check, run, audit):
        assert ACCESS_KEY_SECRET not in job.stdout
        assert SURVEY_JOB["survey_initial_password"] not in job.stdout
        assert SURVEY_JOB["survey_initial_password"] not in json.dumps(job.results(BASELINE_TASK))


def test_credential_with_a_role_assumes_it_before_any_call(controller, emulator, installed, tmp_path):
    playbook = installed.path("awx", "playbooks", "onboarding.yml")
    credential = dict(KEY_ONLY, role_arn="acs:ram::%s:role/admin" % ACCOUNT_ID, role_session_name="awx-job")
    extravars = {"job_users": [{"name": "erin"}], "onboarding_password_dir": str(tmp_path / "passwords")}
    run = controller.job(playbook, extravars, credential)
    assert (run.status, run.rc) == ("successful", 0), run.describe()
    assert user_names(emulator) == ["erin@example.onaliyun.com"]
    log = emulator.log_entries()
    assert log[0]["action"] == "AssumeRole" and log[0]["access_key_id"] == ACCESS_KEY_ID
    assert log[0]["params"]["RoleSessionName"] == "awx-job"
    assert all(entry["access_key_id"] != ACCESS_KEY_ID for entry in log if entry["action"] != "AssumeRole")


def test_onboarding_demo_runs_as_a_run_job_and_a_check_job(controller, emulator, installed, tmp_path):
    """The onboarding demo of `make demo`, run from the installed copy as AWX would run it."""
    demo = installed.path(ONBOARDING_DEMO)
    if not os.path.exists(demo):
        pytest.skip("%s has not landed yet" % ONBOARDING_DEMO)
    extravars = {"emulator_url": emulator.url, "emulator_request_log": emulator.request_log,
                 "ansible_python_interpreter": sys.executable, "onboarding_password_dir": str(tmp_path / "passwords")}
    check = controller.job(demo, extravars, KEY_ONLY, check=True, diff=True)
    assert (check.status, check.rc) == ("successful", 0), check.describe()
    assert emulator.stats()["writes"] == 0
    run = controller.job(demo, extravars, KEY_ONLY)
    assert (run.status, run.rc) == ("successful", 0), run.describe()
    assert emulator.stats()["writes"] > 0 and user_names(emulator)
    for job in (check, run):
        assert ACCESS_KEY_SECRET not in job.stdout
