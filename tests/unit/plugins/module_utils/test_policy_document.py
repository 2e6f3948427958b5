# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import policy_document as pd
from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError

DOC = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ecs:Describe*", "ecs:List*"], "Resource": "*"}]}


def test_key_order_and_whitespace_never_matter():
    text = '{\n  "Statement" : [ {"Resource":"*", "Action":["ecs:Describe*","ecs:List*"],"Effect":"Allow"} ],\n "Version":"1"}'
    assert pd.same_document(DOC, text)
    assert pd.same_document(json.dumps(DOC, indent=4), DOC)


def test_yaml_string_is_accepted():
    text = "Version: '1'\nStatement:\n  - Effect: Allow\n    Action: [ecs:Describe*, ecs:List*]\n    Resource: '*'\n"
    assert pd.same_document(text, DOC)


def test_scalar_equals_one_element_list_where_documented():
    one = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}]}
    listed = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ecs:*"], "Resource": ["*"]}]}
    assert pd.same_document(one, listed)


def test_trust_policy_principal_and_condition_values():
    a = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                        "Principal": {"Service": "ecs.aliyuncs.com"},
                                        "Condition": {"StringEquals": {"oidc:iss": "https://x"}}}]}
    b = {"Version": "1", "Statement": [{"Condition": {"StringEquals": {"oidc:iss": ["https://x"]}},
                                        "Principal": {"Service": ["ecs.aliyuncs.com"]},
                                        "Effect": "Allow", "Action": ["sts:AssumeRole"]}]}
    assert pd.same_document(a, b)


def test_action_order_and_repeats_do_not_matter():
    a = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["b:x", "a:y", "b:x"], "Resource": "*"}]}
    b = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["a:y", "b:x"], "Resource": "*"}]}
    assert pd.same_document(a, b)


@pytest.mark.parametrize("other", [
    # resource order: not documented as irrelevant
    {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "a:x", "Resource": ["r2", "r1"]}]},
    # action case: only "in most cases" insensitive
    {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "A:X", "Resource": ["r1", "r2"]}]},
    # key case: undocumented
    {"Version": "1", "Statement": [{"effect": "Allow", "Action": "a:x", "Resource": ["r1", "r2"]}]},
])
def test_undocumented_equivalences_are_differences(other):
    base = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "a:x", "Resource": ["r1", "r2"]}]}
    assert not pd.same_document(base, other)


def test_statement_order_matters():
    s1 = {"Effect": "Allow", "Action": "a:x", "Resource": "*"}
    s2 = {"Effect": "Deny", "Action": "b:x", "Resource": "*"}
    assert not pd.same_document({"Version": "1", "Statement": [s1, s2]}, {"Version": "1", "Statement": [s2, s1]})


@pytest.mark.parametrize("value, rule", [
    ("", "must not be empty"),
    ("[1, 2]", "must be a policy document"),
    ("{not json: [", "neither valid JSON"),
    ({"Version": 1, "Statement": [{"Effect": "Allow"}]}, 'quote it in YAML'),
    ({"Version": "2", "Statement": [{"Effect": "Allow"}]}, 'Version must be the string "1"'),
    ({"Version": "1", "Statement": []}, "Statement must be a non-empty list"),
    ({"Version": "1", "Statement": ["x"]}, "Statement[0] must be an object"),
    ({"Version": "1", "Statement": [{"Effect": "allow"}]}, "Statement[0].Effect must be Allow or Deny"),
    ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "a" * 6200}]}, "at most 6144"),
])
def test_validation_names_option_and_rule(value, rule):
    with pytest.raises(ValidationError) as info:
        pd.validate_document("policy_document", value)
    assert str(info.value).startswith("policy_document: ")
    assert rule in str(info.value)


def test_to_json_is_compact_and_keeps_order():
    assert pd.to_json(DOC) == '{"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:Describe*","ecs:List*"],"Resource":"*"}]}'


def test_parse_returned():
    assert pd.parse_returned("N/A") is None
    assert pd.parse_returned(None) is None
    assert pd.parse_returned(pd.to_json(DOC)) == DOC
