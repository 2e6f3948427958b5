# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""validation.py: what a user reads when an input is refused, and the exact edges of each rule.

Written against the mutants ``make mutation`` found alive (docs/mutation.md): every refusal names the option the
user wrote and says the rule in full, because that text is all the user gets from fail_json; and every limit is
probed on both sides of its edge.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import validation as v
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError


def refusal(func, *args, **kwargs):
    """``"<option>: <rule>"`` as the module shows it, for the ValidationError ``func`` must raise."""
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    assert str(info.value) == "%s: %s" % (info.value.option, info.value.rule)
    return str(info.value)


CONTROL = "must not contain control characters (a newline, a carriage return, a tab...)"


@pytest.mark.parametrize("func, args, message", [
    # not text at all: the type is named, the option is the one the user wrote
    (v.validate_email, ("email", 5), "email: must be a string, got int"),
    (v.validate_mobile_phone, ("mobile_phone", 8618600008888), "mobile_phone: must be a string, got int"),
    (v.validate_display_name, ("display_name", ["Kate"]), "display_name: must be a string, got list"),
    (v.validate_upn, ("rename_from", None), "rename_from: must be a string, got NoneType"),
    (v.validate_comments, ("comments", 3.5), "comments: must be a string, got float"),
    (v.validate_group_name, ("group", True), "group: must be a string, got bool"),
    (v.validate_user_id, ("user_id", 123), "user_id: must be a string, got int"),
    # lengths: "1 to N", or "at most N" where an empty value is allowed
    (v.validate_comments, ("comments", "c" * 129), "comments: must be at most 128 characters long (got 129)"),
    (v.validate_user_id, ("user_id", "1" * 65), "user_id: must be 1 to 64 characters long (got 65)"),
    (v.validate_user_id, ("user_id", " "), "user_id: must not be blank or have surrounding spaces"),
    (v.validate_user_id, ("user_id", " 12"), "user_id: must not be blank or have surrounding spaces"),
    (v.validate_display_name, ("display_name", "x" * 25), "display_name: must be 1 to 24 characters long (got 25)"),
    (v.validate_display_name, ("group display_name", "x" * 13, 12),
     "group display_name: must be 1 to 12 characters long (got 13)"),
    (v.validate_display_name, ("display_name", ""),
     "display_name: cannot be cleared: the API requires a display name of 1 to 24 characters"),
    (v.validate_display_name, ("display_name", "Kate\n"), "display_name: the display name %s: 'Kate\\n'" % CONTROL),
    (v.validate_upn, ("name", "a@b@c.com"), "name: 'a@b@c.com' must be <name>@<domain> or a bare <name>"),
    (v.validate_user_name_part, ("users[0].name", "a b"),
     "users[0].name: the user name 'a b' may contain only letters, digits, periods (.), underscores (_) and hyphens (-)"),
    (v.validate_email, ("email", "nobody"), "email: 'nobody' is not an e-mail address (expected local@domain.tld)"),
    (v.validate_email, ("email", "a" * 118 + "@example.com"), "email: must be 1 to 128 characters long (got 130)"),
    (v.validate_mobile_phone, ("mobile_phone", "123"),
     "mobile_phone: '123' must be <country code>-<number> in digits, for example 86-18600008888"),
    (v.validate_group_name, ("name", "dev ops"),
     "name: group name 'dev ops' may contain only letters, digits, periods (.), underscores (_) and hyphens (-)"),
    (v.validate_group_name, ("name", "g" * 65), "name: must be 1 to 64 characters long (got 65)"),
])
def test_every_refusal_names_the_option_and_the_whole_rule(func, args, message):
    assert refusal(func, *args) == message


def test_the_default_subject_of_a_control_character_refusal():
    assert refusal(v.check_no_control_characters, "note", "a\tb") == "note: the value %s: 'a\\tb'" % CONTROL
    v.check_no_control_characters("note", "a b")


@pytest.mark.parametrize("tags, message", [
    (["k"], "tags: must be a dictionary of key: value"),
    (dict(("k%d" % i, "v") for i in range(21)), "tags: at most 20 tags are allowed (got 21)"),
    ({5: "v"}, "tags: tag keys must be non-empty strings"),
    ({"": "v"}, "tags: tag keys must be non-empty strings"),
    ({"k" * 129: "v"}, "tags key %r: must be 1 to 128 characters long (got 129)" % ("k" * 20)),
    ({"team\n": "v"}, "tags: tag key %s: 'team\\n'" % CONTROL),
    ({"acs:team": "v"}, "tags: tag key 'acs:team' must not start with 'acs:' or 'aliyun'"),
    ({"ALIYUN-team": "v"}, "tags: tag key 'ALIYUN-team' must not start with 'acs:' or 'aliyun'"),
    ({"see http://x": "v"}, "tags: tag key 'see http://x' must not contain http:// or https://"),
    ({"HTTPS://x": "v"}, "tags: tag key 'HTTPS://x' must not contain http:// or https://"),
    ({"team": 5}, "tags: the value of tag 'team' must be a string (quote it)"),
    ({"team": "v" * 129}, "tags: the value of tag 'team' must be at most 128 characters long"),
    ({"team": "dev\r"}, "tags: the value of tag 'team' %s: 'dev\\r'" % CONTROL),
    ({"team": "ACS:dev"}, "tags: the value of tag 'team' must not start with 'acs:'"),
    ({"team": "see HTTP://x"}, "tags: the value of tag 'team' must not contain http:// or https://"),
])
def test_tag_refusals(tags, message):
    assert refusal(v.validate_tags, "tags", tags) == message


def test_tag_limits_are_inclusive():
    v.validate_tags("tags", {"k" * 128: "v" * 128})
    v.validate_tags("tags", dict(("k%d" % i, "v") for i in range(20)))
    v.validate_tags("tags", {"team": "acs-dev", "a-aliyun": "http-ish"})


@pytest.mark.parametrize("groups, message", [
    ("dev", "groups: must be a list of group names"),
    (["dev", "a b"], "groups: group name 'a b' may contain only letters, digits, periods (.), underscores (_) and hyphens (-)"),
    (["g1", "g2", "g3", "g4", "g5", "g6", "g1"], "groups: a user can be a member of at most 5 groups (got 6)"),
])
def test_group_list_refusals(groups, message):
    assert refusal(v.validate_group_list, "groups", groups) == message


@pytest.mark.parametrize("entry, message", [
    ({"name": "x", "kind": "System", "scope": "all"},
     "policies: unknown key(s) kind, scope in a policy entry; use name and type"),
    (["ReadOnlyAccess"], "policies: each entry must be a policy name or a dictionary with name and type"),
    ({"type": "Custom"}, "policies: a policy entry has no name"),
    ("p" * 129, "policies: must be 1 to 128 characters long (got 129)"),
    ("a.b", "policies: policy name 'a.b' may contain only letters, digits and hyphens (-)"),
    ({"name": "x", "type": "custom"}, "policies: policy 'x' has type 'custom'; the type must be System or Custom"),
])
def test_policy_reference_refusals(entry, message):
    assert refusal(v.normalize_policy_ref, "policies", entry) == message


def test_policy_list_refusals_name_the_option():
    assert refusal(v.normalize_policy_list, "default_policies", "ReadOnlyAccess") == "default_policies: must be a list"
    assert refusal(v.normalize_policy_list, "default_policies", [{"name": "x", "type": "Nope"}]) == \
        "default_policies: policy 'x' has type 'Nope'; the type must be System or Custom"


def test_a_policy_entry_without_a_type_is_a_system_policy():
    assert v.normalize_policy_ref("policies", {"name": "ReadOnlyAccess", "type": None}) == \
        {"policy_name": "ReadOnlyAccess", "policy_type": "System"}
    assert v.normalize_policy_list("policies", [{"name": "B-x", "type": "Custom"}, "A-x", {"name": "A-x"}]) == [
        {"policy_name": "B-x", "policy_type": "Custom"}, {"policy_name": "A-x", "policy_type": "System"}]
    assert v.policy_key({"policy_name": "A-x", "policy_type": "Custom"}) == ("Custom", "A-x")


def test_user_ids_and_names_at_their_limits():
    v.validate_user_id("user_id", "1" * 64)
    v.validate_upn("name", "a" * 64 + "@" + "b" * 59 + ".com")
    assert v.user_name_of("kate@corp.onaliyun.com") == "kate"
    assert v.user_name_of("kate") == "kate"
    assert v.user_name_of(None) is None
    assert v.same_logon_name("kate@a.onaliyun.com", "kate@alias.example.com") is True
    assert v.same_logon_name("kate@a.onaliyun.com", "kathy@a.onaliyun.com") is False
    assert v.same_logon_name(None, None) is False
    assert v.same_logon_name("", "") is False
