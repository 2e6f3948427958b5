# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run every integration target as a role against its own emulator, then look for leaked secrets.

See tests/integration/README.md for the conventions a target can use.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import urllib.request

import pytest
import yaml

import harness

SECRET_NAME = re.compile(r"password|secret", re.IGNORECASE)
TASK_HEADER = re.compile(r"^TASK \[(.*)\] \*+$", re.MULTILINE)
# -vvvv names the module file of every module it runs (module path), and the collection's action plugins say which
# path every task of theirs took (harness.PATH_MARKER); either line marks a task of the collection.
COLLECTION_MODULE_RUN = re.compile(r"^Using module file \S*/ansible_collections/aliyun/ram/plugins/modules/\S+\.py$|"
                                   r"aliyun\.ram path: \S+ ran on the ", re.MULTILINE)
# Values such as `always` or `on_create` (for update_password) are settings, not secrets.
SETTING_WORD = re.compile(r"^[a-z_]+$")


def secret_values_in(data, path):
    """(name, value) for every string held under a key that names a password or a secret, at any depth."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            child = "%s.%s" % (path, key) if path else str(key)
            if SECRET_NAME.search(str(key)):
                found.extend((name, secret) for name, secret in strings_in(value, child))
            else:
                found.extend(secret_values_in(value, child))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found.extend(secret_values_in(item, "%s[%d]" % (path, index)))
    return found


def strings_in(data, path):
    if isinstance(data, str):
        if data and "{{" not in data and not SETTING_WORD.match(data):
            yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings_in(value, "%s.%s" % (path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings_in(value, "%s[%d]" % (path, index))


def target_secrets(target):
    """{description: value} of every secret the target's run must never print or send."""
    secrets = {"ALIBABA_CLOUD_ACCESS_KEY_SECRET": harness.ACCESS_KEY_SECRET}
    root = os.path.join(harness.TARGETS_DIR, target)
    for rel in ("defaults/main.yml", "vars/main.yml"):
        path = os.path.join(root, rel)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                data = yaml.safe_load(handle) or {}
            for name, value in secret_values_in(data, ""):
                secrets["%s: %s" % (rel, name)] = value
    for number, value in enumerate(harness.read_lines(os.path.join(root, "secrets")), start=1):
        secrets["secrets file, line %d" % number] = value
    return secrets


def tasks_without_invocation(output):
    """Tasks that ran one of the collection's modules but whose -vvvv result shows no module arguments.

    ansible-core 2.21+ puts `invocation` into a result only with ANSIBLE_INJECT_INVOCATION (harness.py sets it);
    without it an option that lost no_log=True would print nothing the leak scan could find. Tasks with a
    task-level no_log (their results are censored) are left out.
    """
    parts = TASK_HEADER.split(output)
    return [name for name, body in zip(parts[1::2], parts[2::2])
            if COLLECTION_MODULE_RUN.search(body) and '"censored"' not in body and '"module_args": {' not in body]


def emulator_secrets(emulator):
    """{description: value} of the secrets the emulator received or issued during the run (generated passwords,
    new AccessKey secrets, STS tokens): values no file of the target can know in advance."""
    with urllib.request.urlopen(emulator.url + "/_emulator/secrets", timeout=30) as answer:
        values = json.loads(answer.read().decode("utf-8"))["secrets"]
    return dict(("a secret the emulator received or issued (#%d)" % number, value)
                for number, value in enumerate(values, start=1))


def leaks(secrets, texts):
    """Descriptions (never values) of the secrets found in any of the named texts."""
    found = []
    for description, value in sorted(secrets.items()):
        for where, text in texts.items():
            if value in text:
                found.append("%s appears in %s" % (description, where))
    return found


def read_text(path):
    if not path or not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


# Both paths run every target on every toolchain; each run is kept here for test_paths_agree.
RUNS = {}


@pytest.mark.parametrize("path", harness.PATHS)
@pytest.mark.parametrize("target", harness.target_names())
def test_target(target, path, emulator_for, run_role):
    emulator = emulator_for(target)
    run = run_role(target, emulator, path)
    log_name = os.path.join("tests", "output", "integration", conftest_output_name(target, path))
    assert run.returncode == 0, "ansible-playbook failed for target %s on the %s path (rc=%s); full log in %s\n%s" % (
        target, path, run.returncode, log_name, run.tail())

    found = leaks(dict(target_secrets(target), **emulator_secrets(emulator)), {
        "the ansible-playbook -vvvv output": run.output,
        "the emulator request log": read_text(emulator.request_log),
        "the emulator's stderr": emulator.stderr(),
    })
    assert not found, "secrets leaked in target %s on the %s path:\n  %s" % (target, path, "\n  ".join(found))
    unseen = tasks_without_invocation(run.output)
    assert not unseen, ("target %s: no invocation.module_args in the -vvvv result of %s, so the leak scan cannot see a "
                        "secret option that lost no_log; ansible-core 2.21+ needs ANSIBLE_INJECT_INVOCATION=true "
                        "(tests/integration/harness.py)" % (target, ", ".join(unseen)))
    wrong = wrong_paths(run.output, path)
    assert not wrong, "target %s: tasks that did not take the %s path: %s" % (target, path, "; ".join(wrong))
    RUNS[(target, path)] = {"records": run.records, "log": emulator.log_entries(), "work_dir": run.work_dir}
    with open(os.path.join(harness.REPO_ROOT, log_name[:-len(".log")] + ".results.json"), "w", encoding="utf-8") as handle:
        json.dump(RUNS[(target, path)], handle, indent=1, sort_keys=True, default=repr)


@pytest.mark.parametrize("target", harness.target_names())
def test_paths_agree(target):
    """The controller path and the module path give the same results and send the same API requests.

    Per task of the collection: the same result, and the same requests (GetDefaultDomain aside: the controller path
    asks it once per looped task) in the same order. Two kinds of task cannot repeat their requests exactly even on
    one path, so they are compared as far as they can be: the batch engine's (ram_user_baseline, threads) as the same
    requests in any order, and a task that met the emulator's random faults (throttling, 5xx, dropped answers) as the
    same writes applied, in any order. Their results must still be equal. A call the client repeated because a user
    or group it had just created was not visible yet (the emulator's visibility_delay_ms) is counted once: how often
    it had to ask depends on the machine's speed. test_comparison_* below prove that real differences still fail.
    """
    runs = [RUNS.get((target, path)) for path in harness.PATHS]
    if None in runs:
        pytest.fail("target %s did not pass on both paths (see test_target), so they cannot be compared" % target)
    problems = disagreements(*[normalized(run) for run in runs])
    assert not problems, "target %s: the controller path and the module path disagree\n%s" % (
        target, "\n".join(problems))


def disagreements(controller, module):
    """Why two normalized runs of one target (controller path, module path) do not agree; [] when they do."""
    if len(controller["tasks"]) != len(module["tasks"]):
        return ["%d task results on the controller path, %d on the module path" % (
            len(controller["tasks"]), len(module["tasks"]))]
    problems = []
    for ours, theirs in zip(controller["tasks"], module["tasks"]):
        if ours["task"] != theirs["task"]:
            return problems + ["the tasks differ: %r, %r" % (ours["task"], theirs["task"])]
        if ours["result"] != theirs["result"]:
            problems.append("task %r: the results differ\n%s" % (ours["task"], difference(ours["result"], theirs["result"])))
        how = comparison(ours, theirs)
        ours_compared, theirs_compared = compared_requests(ours["requests"], how), compared_requests(theirs["requests"], how)
        if ours_compared != theirs_compared:
            problems.append("task %r: the API requests (%s) differ\n%s" % (
                ours["task"], how, difference(ours_compared, theirs_compared)))
        if ours["default_domain_calls"] > theirs["default_domain_calls"]:
            problems.append("task %r: the controller path asked GetDefaultDomain %d times, the module path %d" % (
                ours["task"], ours["default_domain_calls"], theirs["default_domain_calls"]))
    if not (controller["faulted"] or module["faulted"]) and \
            controller["requests_total"] - controller["default_domain_calls"] != \
            module["requests_total"] - module["default_domain_calls"]:
        problems.append("%d requests on the controller path, %d on the module path (GetDefaultDomain and repeats "
                        "while waiting for visibility aside)" % (controller["requests_total"], module["requests_total"]))
    return problems


def conftest_output_name(target, path):
    import conftest  # noqa: E402  (tests/integration is not a package)

    return conftest.output_name(target, path)


def wrong_paths(output, path):
    """The collection's tasks that took another path than ``path``; the module path must be the switch's doing."""
    wrong = []
    for match in harness.PATH_MARKER.finditer(output):
        action, taken, reason = match.group(1), match.group(2), match.group(3)
        if path == harness.CONTROLLER_PATH and taken != "controller path":
            wrong.append("%s: %s" % (action, taken))
        elif path == harness.MODULE_PATH and reason != "%s is false" % harness.PATH_SWITCH:
            wrong.append("%s: %s" % (action, taken))
    return wrong


# Values that differ from one emulator to the next whatever the path: random IDs (users, groups, roles,
# AccessKeys), request IDs, STS keys (tests/emulator/backend), and the temporary directories targets make.
VOLATILE = (
    (re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"), "uuid"),
    (re.compile(r"STS\.[A-Za-z0-9]+"), "sts"),
    (re.compile(r"LTAI5t[A-Za-z0-9]{18}"), "access key"),
    (re.compile(r"\bg-[A-Za-z0-9]{16}\b"), "group id"),
    (re.compile(r"(?<![\w.])\d{15,20}(?![\w])"), "id"),
    (re.compile(r"\bansible\.[a-z0-9_]{8}"), "tempfile"),
)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z")
# What a request log entry says about a request, less its time and duration.
REQUEST_FIELDS = ("action", "version", "method", "auth", "status", "code", "write", "params", "access_key_id", "fault")
# What makes two requests the same call (a repeat of it may differ in status, code and fault).
CALL_FIELDS = ("action", "version", "method", "auth", "write", "params", "access_key_id")
RANDOM_FAULTS = ("throttle", "error", "drop")
# The answer to a call for a user or group that exists but is not visible yet (emulator: visibility_delay_ms), and
# the parameters that name it; the requests that make a new name (api.py waits only for those it made itself).
NOT_YET_VISIBLE = {
    "EntityNotExist.User": ("user", ("UserPrincipalName", "UserName", "NewUserPrincipalName")),
    "EntityNotExist.Group": ("group", ("GroupName",)),
}
CREATES = {"CreateUser": ("user", "UserPrincipalName"), "UpdateUser": ("user", "NewUserPrincipalName"),
           "CreateGroup": ("group", "GroupName"), "UpdateGroup": ("group", "NewGroupName")}
BATCH_ENGINE = "aliyun.ram.ram_user_baseline"


class Placeholders:
    """Every date becomes <date>; the Nth distinct value of a volatile kind becomes <kind N>, in the order seen."""

    def __init__(self, work_dir):
        self.work_dir = work_dir
        self.seen = dict((kind, {}) for _pattern, kind in VOLATILE)

    def __call__(self, data):
        text = DATE.sub("<date>", json.dumps(data, sort_keys=True).replace(self.work_dir, "<work dir>"))
        for pattern, kind in VOLATILE:
            seen = self.seen[kind]
            text = pattern.sub(lambda m: "<%s %d>" % (kind, seen.setdefault(m.group(0), len(seen) + 1)), text)
        return json.loads(text)


def normalized(run):
    """Per task of the collection: its result, and its API requests in the form both paths must agree on."""
    placeholders = Placeholders(run["work_dir"])
    results = [placeholders(record["result"]) for record in run["records"]]  # IDs numbered in result order
    tasks, faulted, waits = [], False, 0
    for record, result in zip(run["records"], results):
        first, end = record.get("requests") or (None, None)
        entries = run["log"][first:end] if first is not None and end is not None else []
        requests = placeholders([dict((f, e.get(f)) for f in REQUEST_FIELDS) for e in entries])
        # answered GetDefaultDomain calls: a retry after a random fault is not one more question
        domain_calls = sum(1 for r in requests if r["action"] == "GetDefaultDomain" and r["status"] == 200 and not r["fault"])
        requests = [r for r in requests if r["action"] != "GetDefaultDomain"]
        kept = without_visibility_waits(requests)
        waits += len(requests) - len(kept)
        task_faulted = any(r["fault"] in RANDOM_FAULTS for r in kept)
        faulted = faulted or task_faulted
        tasks.append({"task": record["task"], "action": record["action"], "status": record["status"], "result": result,
                      "requests": kept, "faulted": task_faulted, "default_domain_calls": domain_calls})
    all_domain_calls = sum(1 for entry in run["log"] if entry.get("action") == "GetDefaultDomain")  # every attempt
    return {"tasks": tasks, "faulted": faulted, "requests_total": len(run["log"]) - waits,
            "default_domain_calls": all_domain_calls}


def same_call(one, other):
    return all(one[field] == other[field] for field in CALL_FIELDS)


def entity_key(kind, name):
    """Users are named by UserPrincipalName or UserName (the part before "@"), case-insensitively, as api.py does."""
    return kind, str(name).split("@", 1)[0].lower()


def without_visibility_waits(requests):
    """The requests less those the client repeated while a user or group it had just created was not visible yet.

    As plugins/module_utils/api.py retries them: such a request failed with EntityNotExist.User / EntityNotExist.Group
    naming a user or group that an earlier request of the same task created (or renamed to), and the very same call
    (action and parameters) comes again later in the task. How many times the client asked before the entity showed up
    depends on how fast the machine is (api.py waits 0.2 s, 0.4 s, ... against the emulator's visibility_delay_ms), not
    on the path; the final call, and every other request, is still compared.
    """
    kept, created = [], set()
    for index, request in enumerate(requests):
        kind, fields = NOT_YET_VISIBLE.get(request["code"] or "", (None, ()))
        if kind and request["status"] != 200 and \
                any(entity_key(kind, request["params"][f]) in created for f in fields if request["params"].get(f)) and \
                any(same_call(request, later) for later in requests[index + 1:]):
            continue
        kept.append(request)
        creates = CREATES.get(request["action"])
        if creates and request["status"] == 200 and request["params"].get(creates[1]):
            created.add(entity_key(creates[0], request["params"][creates[1]]))
    return kept


IN_ORDER, ANY_ORDER, WRITES_APPLIED = "in order", "any order", "the writes applied, in any order"


def comparison(ours, theirs):
    """How a task's requests are compared: exactly, unless threads or random faults make even one path vary."""
    if ours["faulted"] or theirs["faulted"]:
        return WRITES_APPLIED
    if ours["action"] == BATCH_ENGINE:
        return ANY_ORDER
    return IN_ORDER


def writes_applied(requests, key):
    """The distinct writes the emulator applied (status 200), each as often as the client meant to send it.

    A dropped answer (fault "drop": applied, then the connection closed) makes the client send the same write again,
    and that repeat may be applied too (an idempotent write answers 200 again). Which answers get dropped is random, so
    each dropped copy of a write that was applied again is not counted: a write sent twice without a dropped answer
    still is.
    """
    applied, dropped = {}, {}
    for request in requests:
        if request["write"] and request["status"] == 200:
            name = key(dict(request, fault=None))
            applied[name] = applied.get(name, 0) + 1
            dropped[name] = dropped.get(name, 0) + (request["fault"] == "drop")
    return [json.loads(name) for name in sorted(applied) for _copy in range(max(1, applied[name] - dropped[name]))]


def compared_requests(requests, how):
    def key(request):
        return json.dumps(request, sort_keys=True)

    if how == WRITES_APPLIED:
        return writes_applied(requests, key)
    if how == ANY_ORDER:
        return sorted(requests, key=key)
    return requests


def difference(ours, theirs):
    import difflib

    lines = difflib.unified_diff(json.dumps(theirs, indent=1, sort_keys=True).splitlines(),
                                 json.dumps(ours, indent=1, sort_keys=True).splitlines(),
                                 "module path", "controller path", lineterm="", n=2)
    return "\n".join(list(lines)[:80])


def test_secret_scan_finds_nested_values_and_skips_settings():
    data = {"demo_users": [{"name": "alice", "password": "S3cret-Pass!"}],
            "demo_update_password": "on_create",
            "demo_password_template": "{{ lookup('env', 'X') }}",
            "demo_password_reset_required": True,
            "demo_access_key_secret": {"value": "abcDEF123"}}
    found = dict(secret_values_in(data, ""))
    assert found == {"demo_users[0].password": "S3cret-Pass!", "demo_access_key_secret.value": "abcDEF123"}
    assert leaks({"x": "S3cret-Pass!"}, {"out": "... S3cret-Pass! ..."}) == ["x appears in out"]
    assert leaks({"x": "S3cret-Pass!"}, {"out": "********"}) == []


def test_invocation_check_finds_module_tasks_without_arguments():
    module_line = "Using module file /x/ansible_collections/aliyun/ram/plugins/modules/ram_user.py\n"
    output = ("TASK [with arguments] ****\n" + module_line + 'ok: [localhost] => {"invocation": {"module_args": {"name": "a"}}}\n'
              "TASK [without] ****\n" + module_line + 'ok: [localhost] => {"changed": false}\n'
              "TASK [censored] ****\n" + module_line + 'ok: [localhost] => {"censored": "hidden"}\n'
              "TASK [builtin module] ****\nUsing module file /x/ansible/modules/uri.py\nok: [localhost] => {}\n")
    assert tasks_without_invocation(output) == ["without"]


def _request(action, params=None, status=200, code=None, write=False, fault=None):
    return {"action": action, "version": "2019-08-15", "method": "POST", "auth": "v3", "status": status, "code": code,
            "write": write, "params": params or {}, "access_key_id": "testid", "fault": fault}


def _run(*tasks, extra_log=0):
    """A recorded run: tasks are (name, action, result, [request log entries]); extra_log lines belong to no task."""
    records, log = [], []
    for name, action, result, entries in tasks:
        records.append({"task": name, "action": action, "status": "ok", "result": result,
                        "requests": [len(log), len(log) + len(entries)]})
        log.extend(entries)
    log.extend(_request("ListUsers") for _extra in range(extra_log))
    return normalized({"records": records, "log": log, "work_dir": "/tmp/w"})


CREATE = [_request("GetUser", {"UserPrincipalName": "a@d"}, 404, "EntityNotExist.User"),
          _request("CreateUser", {"UserPrincipalName": "a@d"}, write=True),
          _request("AddUserToGroup", {"UserName": "a", "GroupName": "g"}, write=True)]


def test_comparison_accepts_the_same_run_and_what_varies_with_speed_and_random_faults():
    same = ("create", "aliyun.ram.ram_user", {"changed": True}, CREATE)
    assert disagreements(_run(same), _run(same)) == []
    # one more "not visible yet" answer before the same call succeeded (a slower machine)
    lagging = CREATE[:2] + [_request("AddUserToGroup", {"UserName": "a", "GroupName": "g"}, 404, "EntityNotExist.User",
                                     write=True)] * 2 + CREATE[2:]
    assert disagreements(_run(same), _run(("create", "aliyun.ram.ram_user", {"changed": True}, lagging))) == []
    # the batch engine's threads: any order
    batch = ("batch", BATCH_ENGINE, {"changed": True}, CREATE)
    assert disagreements(_run(batch), _run(("batch", BATCH_ENGINE, {"changed": True}, CREATE[::-1]))) == []
    # random faults: a throttled attempt, and a dropped answer whose write was applied twice
    faulted = [_request("GetUser", {"UserPrincipalName": "a@d"}, 400, "Throttling.User", fault="throttle")] + CREATE[:2] \
        + [dict(CREATE[2], fault="drop"), CREATE[2]]
    assert disagreements(_run(same), _run(("create", "aliyun.ram.ram_user", {"changed": True}, faulted))) == []


def test_comparison_fails_on_a_real_difference_between_paths():
    name, action = "create", "aliyun.ram.ram_user"
    base = _run((name, action, {"changed": True}, CREATE))

    def problems(result=None, entries=None, extra_log=0, task_action=action):
        return disagreements(base if task_action == action else _run((name, task_action, {"changed": True}, CREATE)),
                             _run((name, task_action, {"changed": True} if result is None else result,
                                   CREATE if entries is None else entries), extra_log=extra_log))

    assert any("results differ" in p for p in problems(result={"changed": False}))
    other_group = CREATE[:2] + [_request("AddUserToGroup", {"UserName": "a", "GroupName": "h"}, write=True)]
    assert any("requests (in order) differ" in p for p in problems(entries=other_group))
    assert any("requests (in order) differ" in p for p in problems(entries=CREATE[::-1]))
    assert any("requests (in order) differ" in p for p in problems(entries=CREATE + [CREATE[2]]))  # a repeated write
    # "not found" for a user this task did not create is an answer, not a visibility wait: a repeat of it counts
    lookup = [_request("GetUser", {"UserPrincipalName": "z@d"}, 404, "EntityNotExist.User")]
    assert any("requests (in order) differ" in p for p in disagreements(
        _run((name, action, {"changed": True}, lookup + CREATE)), _run((name, action, {"changed": True}, lookup * 2 + CREATE))))
    # a failed call that is not a visibility wait is not dropped from the comparison
    assert any("requests (in order) differ" in p for p in problems(
        entries=CREATE[:2] + [_request("AddUserToGroup", {"UserName": "a", "GroupName": "g"}, 409, "EntityAlreadyExists",
                                       write=True)] + CREATE[2:]))
    assert any("requests on the controller path" in p for p in problems(extra_log=1))
    # the batch engine: any order, but the same requests
    assert any("requests (any order) differ" in p for p in problems(entries=CREATE[:2], task_action=BATCH_ENGINE))
    # random faults: the writes applied must still be the same, and a write sent twice without a dropped answer counts
    throttle = [_request("GetUser", {"UserPrincipalName": "a@d"}, 400, "Throttling.User", fault="throttle")]
    assert any("writes applied" in p for p in problems(entries=throttle + other_group))
    assert any("writes applied" in p for p in problems(entries=throttle + CREATE + [CREATE[2]]))
    assert any("tasks differ" in p for p in disagreements(base, _run(("other", action, {"changed": True}, CREATE))))
