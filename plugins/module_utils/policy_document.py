# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM policy documents (custom policies and role trust policies): parse, check, and compare by meaning.

Pure functions, no API calls. A document may be given as a dict (YAML in a playbook) or as a JSON (or YAML)
string; RAM answers with JSON text that need not be byte-identical to what was sent (fact sheet part 2,
section 4.3). Two documents are the same when their canonical forms are equal. The canonical form removes
only differences that cannot change the meaning:

- key order and whitespace (JSON objects are unordered, RFC 8259 section 4; RAM parses the document as JSON,
  fact sheet part 2, section 4.2 rule 8);
- a single string against a one-element list, for the elements that take several values. Alibaba documents
  this as a general rule of the policy language: ``"Action": [<action_string>]`` and ``"Action": <action_string>``
  are equivalent (RAM "Policy structure and syntax", doc-detail 93739 / 28664; fact sheet part 2, section 4.2
  rule 1). Applied to Action, NotAction, Resource, NotResource, the values of a Principal and condition values;
- the order of, and repeats in, an ``Action`` / ``NotAction`` list: each action is evaluated on its own,
  whatever its position (RAM "Policy elements"; fact sheet part 2, section 4.2 rule 2).

Everything else is compared exactly as written, because no Alibaba document says it is equivalent: the case of
keys, actions (case-insensitive only "in most cases"), resources and condition values; the order of statements
and of Resource entries; ``true`` against ``"true"``.
"""

from __future__ import annotations

import json
from typing import Any

from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError

try:  # PyYAML is always on the controller; on a managed host a document given as a YAML string needs it
    import yaml
except ImportError:  # pragma: no cover - depends on the host
    yaml = None

# CreatePolicy PolicyDocument: 1-6,144 characters now (RAM SDK 1.3.0 comment, current API page, Dec 2025
# limits page; fact sheet part 2, section 3.1).
MAX_DOCUMENT_LENGTH = 6144
# Elements that take one value or a list of values (fact sheet part 2, section 4.1 and 4.2 rule 1).
_LIST_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")
# Of those, the ones whose order does not matter (section 4.2 rule 2).
_SET_ELEMENTS = ("Action", "NotAction")


def parse_document(option: str, value: Any) -> dict[str, Any]:
    """A document from a dict or a JSON/YAML string; anything that is not a JSON object fails with ``option``."""
    document = value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValidationError(option, "must not be empty")
        try:
            document = json.loads(text)
        except ValueError as exc:
            if yaml is None:
                raise ValidationError(option, "is not valid JSON (%s)" % exc)
            try:
                document = yaml.safe_load(text)
            except yaml.YAMLError:
                raise ValidationError(option, "is neither valid JSON (%s) nor YAML" % exc)
    if not isinstance(document, dict):
        raise ValidationError(option, "must be a policy document (a JSON object with Version and Statement), got %s"
                              % type(document).__name__)
    try:
        # only JSON types: a YAML date or a set cannot be sent
        document = json.loads(json.dumps(document))
    except (TypeError, ValueError) as exc:
        raise ValidationError(option, "holds a value that is not JSON (%s)" % exc)
    return document


def validate_document(option: str, value: Any) -> dict[str, Any]:
    """Parse and check a document locally: the rules Alibaba documents, so RAM's MalformedPolicyDocument is rare.

    ``Version`` must be the string ``"1"`` and ``Statement`` a non-empty list of objects, each with an
    ``Effect`` of ``Allow`` or ``Deny`` (fact sheet part 2, section 4.1). The JSON text must fit in
    6,144 characters. Returns the parsed document.
    """
    document = parse_document(option, value)
    version = document.get("Version")
    if version != "1":
        hint = " (quote it in YAML: Version: \"1\")" if version == 1 else ""
        raise ValidationError(option, "Version must be the string \"1\", got %r%s" % (version, hint))
    statements = document.get("Statement")
    if not isinstance(statements, list) or not statements:
        raise ValidationError(option, "Statement must be a non-empty list of statements")
    for index, statement in enumerate(statements):
        if not isinstance(statement, dict):
            raise ValidationError(option, "Statement[%d] must be an object" % index)
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise ValidationError(option, "Statement[%d].Effect must be Allow or Deny, got %r" % (index, statement.get("Effect")))
    text = to_json(document)
    if len(text) > MAX_DOCUMENT_LENGTH:
        raise ValidationError(option, "is %d characters long as JSON; RAM allows at most %d" % (len(text), MAX_DOCUMENT_LENGTH))
    return document


def to_json(document: dict[str, Any]) -> str:
    """The compact JSON text sent to RAM (the document's own key order)."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def _as_list(value):
    return list(value) if isinstance(value, list) else [value]


def _canonical_statement(statement):
    if not isinstance(statement, dict):
        return statement
    result = {}
    for key, value in statement.items():
        if key in _SET_ELEMENTS:
            items = _as_list(value)
            # a set of actions: sorted by their JSON text, repeats removed. Order is documented not to matter
            # (rule 2: each action is evaluated on its own); that a repeat cannot matter either is our inference
            # from the same rule, and treating one as a change could make a new version on every run
            value = [json.loads(t) for t in sorted(set(json.dumps(i, sort_keys=True) for i in items))]
        elif key in _LIST_ELEMENTS:
            value = _as_list(value)
        elif key == "Principal" and isinstance(value, dict):
            value = dict((k, _as_list(v)) for k, v in value.items())
        elif key == "Condition" and isinstance(value, dict):
            value = dict((op, dict((k, _as_list(v)) for k, v in keys.items()) if isinstance(keys, dict) else keys)
                         for op, keys in value.items())
        result[key] = value
    return result


def canonical(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the documented equivalences applied (see the module docstring)."""
    result = dict(document)
    statements = document.get("Statement")
    if isinstance(statements, list):
        result["Statement"] = [_canonical_statement(s) for s in statements]
    return result


def canonical_text(document: dict[str, Any]) -> str:
    """The canonical form as JSON text with sorted keys: equal texts mean equal documents."""
    return json.dumps(canonical(document), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def same_document(first: Any, second: Any) -> bool:
    """True when two documents (dicts or JSON text) mean the same under the documented equivalences."""
    if first is None or second is None:
        return first is None and second is None
    return canonical_text(parse_document("document", first)) == canonical_text(parse_document("document", second))


def display_form(document: dict[str, Any] | None) -> dict[str, Any] | None:
    """The document as shown in results and diffs: parsed, keys sorted by the JSON dump of the caller."""
    if document is None:
        return None
    return json.loads(json.dumps(document, sort_keys=True))


def parse_returned(text: str | None) -> dict[str, Any] | None:
    """A document as RAM returned it (JSON text); None when there is none or it is not JSON (``"N/A"``)."""
    if not text:
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None
