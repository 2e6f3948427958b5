# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""plan.py: what a plan shows (repr, diff, errors) and the membership rule, against the mutants that lived.

See docs/mutation.md for the run these tests answer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.plan import Plan, set_changes, task_result


def test_a_step_shows_its_method_and_summary_but_never_its_arguments():
    plan = Plan().add("create_login_profile", "create the login profile of kate", upn="kate", password="S3cret!pw")
    assert repr(plan.steps[0]) == "Step(create_login_profile: create the login profile of kate)"
    assert "S3cret" not in repr(plan.steps)


def test_a_misspelt_step_is_refused_with_its_name():
    with pytest.raises(ValueError) as info:
        Plan().add("delete_usr", "delete user kate", upn="kate")
    assert str(info.value) == "plan step 'delete_usr' is not a RamClient method"


def test_a_new_plan_starts_with_its_own_empty_views():
    first, second = Plan(), Plan()
    assert first.diff() == {"before": {}, "after": {}}
    update = first.compare_fields({"comments": "old"}, {"comments": "new", "email": None}, ["comments", "email"])
    assert update == {"new_comments": "new"}
    assert first.diff("user kate", "user kate") == {
        "before": {"comments": "old"}, "after": {"comments": "new"}, "before_header": "user kate", "after_header": "user kate"}
    assert second.diff() == {"before": {}, "after": {}}
    assert first.changed_fields == ["comments"] and second.changed_fields == []


def test_given_views_are_kept():
    before, after = {"a": 1}, {"a": 2}
    plan = Plan(before=before, after=after)
    assert plan.before is before and plan.after is after
    assert Plan(before={}, after={}).diff(after_header="x") == {"before": {}, "after": {}, "after_header": "x"}


def test_extend_keeps_each_changed_field_once_and_in_order():
    plan = Plan()
    plan.note_change("tags")
    other = Plan().add("tag_user", "set tags a on kate", upn="kate", tags={"a": "1"})
    other.note_change("groups")
    other.note_change("tags")
    other.warnings.append("careful")
    assert plan.extend(other) is plan
    assert plan.changed_fields == ["tags", "groups"]
    assert plan.summaries() == ["set tags a on kate"] and plan.warnings == ["careful"] and plan.changed


def test_task_result_passes_extra_keys_through():
    result = task_result(Plan(), "group", {"group_name": "dev"}, exists=True)
    assert result == {"changed": False, "group": {"group_name": "dev"}, "changed_fields": [], "actions": [],
                      "warnings": [], "exists": True}


@pytest.mark.parametrize("want, have, purge, expected", [
    (["b", "a"], ["a", "c"], False, (["b"], [], ["b", "a", "c"])),
    (["b", "a"], ["a", "c"], True, (["b"], ["c"], ["b", "a"])),
    ([], ["a"], True, ([], ["a"], [])),
    (("a",), iter(["a"]), False, ([], [], ["a"])),
])
def test_set_changes_adds_removes_and_keeps(want, have, purge, expected):
    assert set_changes(want, have, purge) == expected


def test_set_changes_compares_by_key():
    want = [{"name": "P", "type": "Custom", "note": "new"}]
    have = [{"name": "P", "type": "Custom", "note": "old"}, {"name": "P", "type": "System"}]
    to_add, to_remove, kept = set_changes(want, have, True, key=lambda p: (p["type"], p["name"]))
    assert to_add == [] and to_remove == [{"name": "P", "type": "System"}] and kept == want


def test_compare_fields_skips_unmanaged_fields_and_reads_a_missing_value_as_empty():
    plan = Plan()
    update = plan.compare_fields({"email": None}, {"display_name": None, "comments": "new", "email": ""},
                                 ["display_name", "comments", "email"])
    # an unmanaged field does not end the comparison; clearing a value that is not there changes nothing
    assert update == {"new_comments": "new"}
    assert plan.before == {"comments": "", "email": ""} and plan.after == {"comments": "new", "email": ""}
    assert plan.changed_fields == ["comments"]
