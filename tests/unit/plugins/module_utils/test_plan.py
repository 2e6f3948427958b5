# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError
from ansible_collections.aliyun.ram.plugins.module_utils.plan import Plan, reconcile, set_changes, task_result


class Recorder:
    def __init__(self, fail_on=None):
        self.fail_on = fail_on
        self.calls = []

    def __getattr__(self, name):
        def call(**kwargs):
            if name == self.fail_on:
                raise RamApiError("LimitExceeded.User.Tag", "too many tags", http_status=409)
            self.calls.append(name)
        return call


@pytest.mark.parametrize("method", ["update_usr", "_call", "transport", "nothing"])
def test_a_step_that_names_no_client_method_fails_when_it_is_planned(method):
    with pytest.raises(ValueError) as info:
        Plan().add(method, "something")
    assert repr(method) in str(info.value)


def test_a_failing_step_reports_what_completed_before_it():
    plan = Plan()
    plan.add("update_user", "update comments of a", upn="a")
    plan.add("tag_user", "set tags t on a", upn="a", tags={"t": "1"})
    plan.add("add_user_to_group", "add a to group g", upn="a", group_name="g")
    client = Recorder(fail_on="tag_user")
    with pytest.raises(RamApiError) as info:
        plan.apply(client)
    assert info.value.completed == ["update comments of a"]
    assert client.calls == ["update_user"]


def test_a_first_step_failure_completed_nothing():
    plan = Plan().add("update_user", "update comments of a", upn="a")
    with pytest.raises(RamApiError) as info:
        plan.apply(Recorder(fail_on="update_user"))
    assert info.value.completed == []


@pytest.mark.parametrize("check_mode", [True, False])
def test_reconcile_applies_only_a_real_run_with_changes(check_mode):
    plan = Plan().add("update_user", "update comments of a", upn="a")
    client = Recorder()
    after = reconcile(client, plan, check_mode, predict=lambda: "predicted", reread=lambda: "re-read")
    assert after == ("predicted" if check_mode else "re-read")
    assert client.calls == ([] if check_mode else ["update_user"])


def test_reconcile_without_changes_reads_nothing_more():
    client = Recorder()
    reread = []
    after = reconcile(client, Plan(), False, predict=lambda: "current", reread=lambda: reread.append(1))
    assert after == "current" and reread == [] and client.calls == []


def test_every_result_has_the_same_keys():
    plan = Plan(before={"a": 1}, after={"a": 2}).add("update_user", "update a of x", upn="x")
    plan.note_change("a")
    plan.warnings.append("careful")
    result = task_result(plan, "user", {"a": 2}, diff=True, header="user x")
    assert result == {"changed": True, "user": {"a": 2}, "changed_fields": ["a"], "actions": ["update a of x"],
                      "warnings": ["careful"], "diff": {"before": {"a": 1}, "after": {"a": 2},
                                                        "before_header": "user x", "after_header": "user x"}}
    assert set(task_result(Plan(), "group", {})) == {"changed", "group", "changed_fields", "actions", "warnings"}


@pytest.mark.parametrize("purge, expected", [
    (False, (["c"], [], ["b", "c", "a"])),
    (True, (["c"], ["a"], ["b", "c"])),
])
def test_set_changes_adds_what_is_missing_and_removes_only_with_purge(purge, expected):
    assert set_changes(["b", "c"], ["a", "b"], purge) == expected


def test_set_changes_compares_by_key():
    want = [{"n": "P", "t": "System"}]
    have = [{"n": "P", "t": "System", "date": "x"}, {"n": "Q", "t": "Custom"}]
    to_add, to_remove, kept = set_changes(want, have, True, key=lambda p: (p["t"], p["n"]))
    assert to_add == [] and to_remove == [{"n": "Q", "t": "Custom"}] and kept == want
