# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import validation as v
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError


def refusal(func, *args):
    """(option, rule) of the ValidationError ``func(*args)`` must raise."""
    with pytest.raises(ValidationError) as info:
        func(*args)
    return info.value.option, info.value.rule


def rejects(func, *args):
    return "%s: %s" % refusal(func, *args)


NAME_CHARS = "the user name %r may contain only letters, digits, periods (.), underscores (_) and hyphens (-)"
NO_DOMAIN = "%r does not end with a valid domain name (for example alice@corp.onaliyun.com)"
NOT_AN_EMAIL = "%r is not an e-mail address (expected local@domain.tld)"
NOT_A_PHONE = "%r must be <country code>-<number> in digits, for example 86-18600008888"


@pytest.mark.parametrize("value", ["alice", "alice@corp.onaliyun.com", "a.b_c-d@x.y", "a" * 64, "a" * 64 + "@" + "d" * 59 + ".com"])
def test_good_upns(value):
    v.validate_upn("name", value)


@pytest.mark.parametrize("value, rule", [
    ("", "must be 1 to 128 characters long (got 0)"),
    ("a" * 65, "must be 1 to 64 characters long (got 65)"),
    ("a" * 64 + "@" + "d" * 60 + ".com", "must be 1 to 128 characters long (got 129)"),
    ("al ice", NAME_CHARS % "al ice"),
    ("alice@@x.com", "'alice@@x.com' must be <name>@<domain> or a bare <name>"),
    ("alice@", NO_DOMAIN % "alice@"),
    ("alice@nodot", NO_DOMAIN % "alice@nodot"),
    ("@corp.com", "must be 1 to 64 characters long (got 0)"),
])
def test_bad_upns_name_the_option_and_rule(value, rule):
    assert refusal(v.validate_upn, "name", value) == ("name", rule)


def test_display_name_limits():
    v.validate_display_name("display_name", "x" * 24)
    assert "1 to 24" in rejects(v.validate_display_name, "display_name", "x" * 25)
    assert "cannot be cleared" in rejects(v.validate_display_name, "display_name", "")


def test_comments_allow_empty_and_at_most_128():
    v.validate_comments("comments", "")
    v.validate_comments("comments", "c" * 128)
    assert "at most 128" in rejects(v.validate_comments, "comments", "c" * 129)


@pytest.mark.parametrize("value", ["", "a@example.com", "first.last+tag@sub.example.co"])
def test_good_emails(value):
    v.validate_email("email", value)


@pytest.mark.parametrize("value, rule", [(value, NOT_AN_EMAIL % value) for value in ("plain", "a@b", "a@@b.com", "a b@c.com")] + [
    ("x" * 120 + "@example.com", "must be 1 to 128 characters long (got 132)"),
])
def test_bad_emails(value, rule):
    assert refusal(v.validate_email, "email", value) == ("email", rule)


@pytest.mark.parametrize("value", ["", "86-18600008888", "1-5550100"])
def test_good_mobile_phones(value):
    v.validate_mobile_phone("mobile_phone", value)


@pytest.mark.parametrize("value", ["18600008888", "+86-186", "86-abc", "86 18600008888", "12345-1234567"])
def test_bad_mobile_phones(value):
    assert refusal(v.validate_mobile_phone, "mobile_phone", value) == ("mobile_phone", NOT_A_PHONE % value)


def test_tags_rules():
    v.validate_tags("tags", dict(("k%d" % i, "") for i in range(20)))
    assert "at most 20" in rejects(v.validate_tags, "tags", dict(("k%d" % i, "v") for i in range(21)))
    assert "acs:" in rejects(v.validate_tags, "tags", {"acs:x": "v"})
    assert "aliyun" in rejects(v.validate_tags, "tags", {"AliyunThing": "v"})
    assert "http" in rejects(v.validate_tags, "tags", {"k": "see https://x"})
    assert "must not start with 'acs:'" in rejects(v.validate_tags, "tags", {"k": "acs:v"})
    assert "128" in rejects(v.validate_tags, "tags", {"k": "v" * 129})
    assert "1 to 128" in rejects(v.validate_tags, "tags", {"k" * 129: "v"})
    assert "string" in rejects(v.validate_tags, "tags", {"k": ["list"]})
    assert "dictionary" in rejects(v.validate_tags, "tags", ["k"])


def test_group_rules():
    v.validate_group_list("groups", ["dev", "ops.team", "a_b-c"])
    assert "may contain only" in rejects(v.validate_group_list, "groups", ["dev ops"])
    assert "1 to 64" in rejects(v.validate_group_list, "groups", ["g" * 65])
    assert "at most 5" in rejects(v.validate_group_list, "groups", ["g1", "g2", "g3", "g4", "g5", "g6"])
    # duplicates count once
    v.validate_group_list("groups", ["g1", "g1", "g2", "g3", "g4", "g5"])


def test_policy_refs_default_to_system_and_sort_uniquely():
    refs = v.normalize_policy_list("policies", ["ReadOnlyAccess", {"name": "deploy", "type": "Custom"}, {"name": "ReadOnlyAccess"}])
    assert refs == [{"policy_name": "deploy", "policy_type": "Custom"}, {"policy_name": "ReadOnlyAccess", "policy_type": "System"}]


@pytest.mark.parametrize("entry,fragment", [
    ({"name": "x", "type": "Managed"}, "System or Custom"),
    ({"type": "System"}, "no name"),
    ({"name": "x", "kind": "System"}, "unknown key"),
    ("p" * 129, "1 to 128"),
    ("bad name", "may contain only"),
    (42, "policy name or a dictionary"),
])
def test_bad_policy_refs(entry, fragment):
    assert fragment in rejects(v.normalize_policy_ref, "policies", entry)


# ---------------------------------------------------------------- whole-value matching

# "$" with re.match() accepts one trailing "\n"; every rule must judge the whole value.
TRAILING = ["\n", "\r", "\r\n", " "]


@pytest.mark.parametrize("suffix", TRAILING)
@pytest.mark.parametrize("value, rule", [("kate", NAME_CHARS), ("kate@corp.onaliyun.com", NO_DOMAIN)])
def test_upns_with_a_trailing_newline_or_space_are_refused(value, rule, suffix):
    assert refusal(v.validate_upn, "name", value + suffix) == ("name", rule % (value + suffix))


@pytest.mark.parametrize("value, rule", [
    ("kate\n@corp.onaliyun.com", NAME_CHARS % "kate\n"), ("kate@corp\n.onaliyun.com", NO_DOMAIN % "kate@corp\n.onaliyun.com"),
    ("\nkate", NAME_CHARS % "\nkate"), ("ka\nte", NAME_CHARS % "ka\nte"),
])
def test_upns_with_an_inner_newline_are_refused(value, rule):
    assert refusal(v.validate_upn, "rename_from", value) == ("rename_from", rule)


ONLY = "may contain only letters, digits, periods (.), underscores (_) and hyphens (-)"
# RAM documents policy names with letters, digits and hyphens only
POLICY_ONLY = "may contain only letters, digits and hyphens (-)"
# (check, option, the value with a suffix, the rule it breaks with that suffix)
WHOLE_VALUE_RULES = [
    (v.validate_user_name_part, "users[0].name", lambda end: "kate" + end, lambda end: "the user name %r " % ("kate" + end) + ONLY),
    (v.validate_user_id, "user_id", lambda end: "123456" + end, lambda end: "must not be blank or have surrounding spaces"),
    (v.validate_group_name, "name", lambda end: "dev" + end, lambda end: "group name %r " % ("dev" + end) + ONLY),
    (v.validate_group_list, "groups", lambda end: ["ops", "dev" + end], lambda end: "group name %r " % ("dev" + end) + ONLY),
    (v.validate_email, "email", lambda end: "kate@example.com" + end, lambda end: NOT_AN_EMAIL % ("kate@example.com" + end)),
    (v.validate_mobile_phone, "mobile_phone", lambda end: "86-18600008888" + end,
     lambda end: NOT_A_PHONE % ("86-18600008888" + end)),
    (v.normalize_policy_ref, "policies", lambda end: "ReadOnlyAccess" + end,
     lambda end: "policy name %r " % ("ReadOnlyAccess" + end) + POLICY_ONLY),
    (v.normalize_policy_ref, "policies", lambda end: {"name": "deploy" + end, "type": "Custom"},
     lambda end: "policy name %r " % ("deploy" + end) + POLICY_ONLY),
    (v.normalize_policy_list, "default_policies", lambda end: ["ReadOnlyAccess" + end],
     lambda end: "policy name %r " % ("ReadOnlyAccess" + end) + POLICY_ONLY),
]


@pytest.mark.parametrize("suffix", TRAILING)
@pytest.mark.parametrize("check, option, value, rule", WHOLE_VALUE_RULES)
def test_names_ids_addresses_and_policies_match_whole(check, option, value, rule, suffix):
    assert refusal(check, option, value(suffix)) == (option, rule(suffix))


@pytest.mark.parametrize("control", ["\n", "\r", "\t", "\x00", "\x1b", "\x7f"])
def test_display_names_and_tags_refuse_control_characters(control):
    assert "control characters" in rejects(v.validate_display_name, "display_name", "Kate" + control)
    assert "control characters" in rejects(v.validate_display_name, "display_name", "Ka" + control + "te")
    message = rejects(v.validate_tags, "tags", {"team" + control: "dev"})
    assert message.startswith("tags: ") and "tag key" in message and "control characters" in message
    message = rejects(v.validate_tags, "tags", {"team": "dev" + control})
    assert message.startswith("tags: ") and "'team'" in message and "control characters" in message


def test_spaces_and_non_ascii_stay_allowed_where_they_were():
    v.validate_display_name("display_name", "Kate Smith")
    v.validate_display_name("display_name", "张三")
    v.validate_tags("tags", {"cost center": "R&D Team", "owner": "Grüße"})
    v.validate_comments("comments", "line one\nline two")  # free text: the rule is only its length


@pytest.mark.parametrize("name", ["deploy.prod", "deploy_prod", "deploy prod"])
def test_policy_names_follow_rams_characters(name):
    # letters, digits and hyphens (fact sheet part 2, section 3.1): what the service would refuse fails locally
    with pytest.raises(ValidationError) as info:
        v.normalize_policy_ref("policies", {"name": name, "type": "Custom"})
    assert (info.value.option, info.value.rule) == ("policies", "policy name %r %s" % (name, POLICY_ONLY))
