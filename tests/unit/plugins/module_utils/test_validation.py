# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import validation as v
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError


def rejects(func, *args):
    with pytest.raises(ValidationError) as info:
        func(*args)
    return str(info.value)


@pytest.mark.parametrize("value", ["alice", "alice@corp.onaliyun.com", "a.b_c-d@x.y", "a" * 64, "a" * 64 + "@" + "d" * 59 + ".com"])
def test_good_upns(value):
    v.validate_upn("name", value)


@pytest.mark.parametrize("value,fragment", [
    ("", "1 to 128"),
    ("a" * 65, "1 to 64"),
    ("a" * 64 + "@" + "d" * 60 + ".com", "1 to 128"),
    ("al ice", "may contain only"),
    ("alice@@x.com", "<name>@<domain>"),
    ("alice@", "valid domain"),
    ("alice@nodot", "valid domain"),
    ("@corp.com", "1 to 64"),
])
def test_bad_upns_name_the_option_and_rule(value, fragment):
    message = rejects(v.validate_upn, "name", value)
    assert message.startswith("name: ")
    assert fragment in message


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


@pytest.mark.parametrize("value", ["plain", "a@b", "a@@b.com", "a b@c.com", "x" * 120 + "@example.com"])
def test_bad_emails(value):
    assert rejects(v.validate_email, "email", value).startswith("email: ")


@pytest.mark.parametrize("value", ["", "86-18600008888", "1-5550100"])
def test_good_mobile_phones(value):
    v.validate_mobile_phone("mobile_phone", value)


@pytest.mark.parametrize("value", ["18600008888", "+86-186", "86-abc", "86 18600008888", "12345-1234567"])
def test_bad_mobile_phones(value):
    assert "<country code>-<number>" in rejects(v.validate_mobile_phone, "mobile_phone", value)


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
@pytest.mark.parametrize("value", ["kate", "kate@corp.onaliyun.com"])
def test_upns_with_a_trailing_newline_or_space_are_refused(value, suffix):
    message = rejects(v.validate_upn, "name", value + suffix)
    assert message.startswith("name: ")
    assert "may contain only" in message or "valid domain" in message


@pytest.mark.parametrize("value", ["kate\n@corp.onaliyun.com", "kate@corp\n.onaliyun.com", "\nkate", "ka\nte"])
def test_upns_with_an_inner_newline_are_refused(value):
    assert rejects(v.validate_upn, "rename_from", value).startswith("rename_from: ")


@pytest.mark.parametrize("suffix", TRAILING)
def test_user_name_part_and_user_id_match_whole(suffix):
    assert "may contain only" in rejects(v.validate_user_name_part, "users[0].name", "kate" + suffix)
    assert "surrounding spaces" in rejects(v.validate_user_id, "user_id", "123456" + suffix)


@pytest.mark.parametrize("suffix", TRAILING)
def test_group_names_match_whole(suffix):
    assert "may contain only" in rejects(v.validate_group_name, "name", "dev" + suffix)
    assert "may contain only" in rejects(v.validate_group_list, "groups", ["ops", "dev" + suffix])


@pytest.mark.parametrize("suffix", TRAILING)
def test_emails_and_phones_match_whole(suffix):
    assert "e-mail address" in rejects(v.validate_email, "email", "kate@example.com" + suffix)
    assert "<country code>-<number>" in rejects(v.validate_mobile_phone, "mobile_phone", "86-18600008888" + suffix)


@pytest.mark.parametrize("suffix", TRAILING)
def test_policy_names_match_whole(suffix):
    assert "may contain only" in rejects(v.normalize_policy_ref, "policies", "ReadOnlyAccess" + suffix)
    assert "may contain only" in rejects(v.normalize_policy_ref, "policies", {"name": "deploy" + suffix, "type": "Custom"})
    assert "may contain only" in rejects(v.normalize_policy_list, "default_policies", ["ReadOnlyAccess" + suffix])


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
