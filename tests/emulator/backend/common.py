# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every part of the emulator's backend shares: API versions, quotas, errors, parameters, paging.

Nothing here knows the account's state; ``account.py`` holds that. Errors are raised as :class:`ApiFault`
(code, HTTP status, message), which the gateway turns into Alibaba's JSON error body; :func:`fault` gives
the documented message and status of a catalogued code (fact sheet 4.3).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import calendar
import json
import re
import secrets
import string
import time

IMS = "2019-08-15"
RAM = "2015-05-01"
STS = "2015-04-01"

# Account quotas (fact sheet 8.3). Exceeding one gives LimitExceeded.* (409). The handlers read them, and
# SAVE_INTERVAL, through ``self.settings`` (see account.Account.settings), so a test can lower one.
MAX_USERS = 1000
MAX_GROUPS = 50
MAX_GROUPS_PER_USER = 5
MAX_ACCESS_KEYS_PER_USER = 2
MAX_POLICIES_PER_USER = {"System": 20, "Custom": 10}
# Groups: 10 custom policies now (RAM limits page, Dec 2025; fact sheet part 2 section 3.1), 5 in 2021.
MAX_POLICIES_PER_GROUP = {"System": 20, "Custom": 10}
MAX_CUSTOM_POLICIES = 1500
MAX_TAGS_PER_USER = 20

# The --state file is written at most once a second (debounced).
SAVE_INTERVAL = 1.0

# Every pattern is applied with fullmatch: "kate\n" is not a valid name ($ would accept the newline).
NAME_RE = re.compile(r"[A-Za-z0-9._-]+")
INTEGER_RE = re.compile(r"-?[0-9]+")
INDEX_RE = re.compile(r"[0-9]+")
TAG_PARAM_RE = re.compile(r"Tag\.([0-9]+)\.(Key|Value)")
TRUE_FALSE = {"true": True, "false": False}

# Messages of the documented entity, conflict and limit codes (fact sheet 4.3).
MESSAGES = {
    "EntityNotExist.User": "The user does not exist.",
    "EntityNotExist.User.AccessKey": "The user access key does not exist.",
    "EntityNotExist.User.LoginProfile": "The user login profile does not exist.",
    "EntityNotExist.User.MFADevice": "The user has not bound any MFA device.",
    "EntityNotExist.User.Policy": "The indicate policy of the user does not exist.",
    "EntityNotExist.User.Group": "The user has not joined the group.",
    "EntityNotExist.VirtualMFADevice": "The virtual mfa device does not exist.",
    "EntityNotExist.Group": "The group does not exist.",
    "EntityNotExist.Group.Policy": "The indicate policy attached to the group does not exist.",
    "EntityNotExist.Policy": "The policy does not exist.",
    "EntityNotExist.Role": "The role does not exist.",
    "EntityAlreadyExists.User": "The user does already EXIST.",
    "EntityAlreadyExists.User.LoginProfile": "The user login profile does already EXIST.",
    "EntityAlreadyExists.User.MFADevice": "The user has already bound a MFA device.",
    "EntityAlreadyExists.User.Group": "The user has already joined the group.",
    "EntityAlreadyExists.User.Policy": "The user has already been attached this policy.",
    "EntityAlreadyExists.VirtualMFADevice": "The virtual mfa device does already EXIST.",
    "EntityAlreadyExists.VirtualMFADevice.User": "The virtual mfa device does already been bound to a user.",
    "EntityAlreadyExists.Group": "The group does already EXIST.",
    "EntityAlreadyExists.Group.Policy": "The group has already been attached this policy.",
    "EntityAlreadyExists.Policy": "The policy does already EXIST.",
    "DeleteConflict.User.Group": "The user CAN NOT be in any group while deleting the user.",
    "DeleteConflict.User.AccessKey": "The user CAN NOT has any access key while deleting the user.",
    "DeleteConflict.User.LoginProfile": "The user CAN NOT has any login profile while deleting the user.",
    "DeleteConflict.User.MFADevice": "The user CAN NOT has any mfa device while deleting the user.",
    "DeleteConflict.User.Policy": "The user CAN NOT has any attached policy while deleting the user.",
    "DeleteConflict.VirtualMFADevice.User": "The virtual mfa device CAN NOT been bound to any user while deleting it.",
    "DeleteConflict.Group.User": "The group CAN NOT has any user member while deleting the group.",
    "DeleteConflict.Group.Policy": "The entity CAN NOT has any attached policy while deleting the group.",
    "DeleteConflict.Policy.User": "The policy CAN NOT been attached to any user while deleting the policy.",
    "DeleteConflict.Policy.Group": "The policy CAN NOT been attached to any group while deleting the policy.",
    "LimitExceeded.User": "The count of users beyond the current limits.",
    "LimitExceeded.User.AccessKey": "The access key count of the user access keys beyond the current limits.",
    "LimitExceeded.User.Group": "The count of groups the target user joined beyond the current limits.",
    "LimitExceeded.User.Policy": "The policy count of the user attached policies beyond the current limits.",
    # ASSUMPTION(A12): no documented code for the per-user tag quota; named after LimitExceeded.User.*.
    "LimitExceeded.User.Tag": "The count of tags of the user beyond the current limits.",
    "LimitExceeded.Group": "The count of groups beyond the current limits.",
    "LimitExceeded.Group.Policy": "The policy count of the group beyond the current limits.",
    "LimitExceeded.Policy": "The count of policy beyond the current limits.",
    "NoPermission": "You are not authorized to do this action.",
    "InvalidAction.NotFound": "Specified api is not found, please check your url and method.",
}
STATUS_BY_PREFIX = (("EntityNotExist", 404), ("EntityAlreadyExists", 409), ("DeleteConflict", 409),
                    ("LimitExceeded", 409), ("NoPermission", 403), ("InvalidAction", 404))


# ----------------------------------------------------------------- errors

class ApiFault(Exception):
    """A business error: the gateway turns it into Alibaba's JSON error body."""

    def __init__(self, code, http_status, message):
        super(ApiFault, self).__init__("%s: %s" % (code, message))
        self.code = code
        self.http_status = http_status
        self.message = message


def fault(code):
    """An ApiFault for a catalogued code, with its documented message and status."""
    for prefix, status in STATUS_BY_PREFIX:
        if code.startswith(prefix):
            return ApiFault(code, status, MESSAGES.get(code, code))
    return ApiFault(code, 400, MESSAGES.get(code, code))


def missing(name):
    return ApiFault("MissingParameter." + name, 400,
                    'The input parameter "%s" that is mandatory for processing this request is not supplied.' % name)


def invalid_chars(name):
    return ApiFault("InvalidParameter.%s.InvalidChars" % name, 400, 'The parameter - "%s" contains invalid chars.' % name)


def too_long(name):
    return ApiFault("InvalidParameter.%s.Length" % name, 400, 'The parameter - "%s" beyond the length limit.' % name)


def bad_format(name):
    return ApiFault("InvalidParameter.%s.Format" % name, 400, 'The format of the parameter - "%s" is incorrect.' % name)


def out_of_range(name, low, high):
    return ApiFault("InvalidParameter.%s.Range" % name, 400,
                    'The parameter - "%s" MUST be in the range of %d and %d.' % (name, low, high))


def invalid(name):
    return ApiFault("InvalidParameter.%s" % name, 400, 'The parameter - "%s" is incorrect.' % name)


def only_one_of(fields):
    return ApiFault("InvalidParameter", 400, "You must specify only one of the parameters: %s." % ", ".join(fields))


# ----------------------------------------------------------------- time and identifiers

def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def parse_iso(value):
    return float(calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ")))


# ASSUMPTION(A14): identifier shapes follow the documented examples loosely: UserId 17 digits, RoleId 19 digits,
# GroupId "g-" + 16 characters, AccessKeyId "LTAI5t" + 18, secrets 30 characters, STS keys "STS." + 28 and
# tokens "CAIS..."; every user is ProvisionType Manual. Clients must treat them as opaque strings.
def random_string(length, alphabet=string.ascii_letters + string.digits):
    return "".join(secrets.choice(alphabet) for dummy in range(length))


def random_digits(length):
    return str(secrets.randbelow(9) + 1) + random_string(length - 1, string.digits)


# ----------------------------------------------------------------- parameters

class Params:
    """Typed access to the flat string parameters of one request."""

    def __init__(self, raw):
        self.raw = raw

    def text(self, name, required=False):
        value = self.raw.get(name)
        if value is None or (required and value == ""):
            if required:
                raise missing(name)
            return None
        return value

    def boolean(self, name, default=None):
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        if value.lower() not in TRUE_FALSE:
            # ASSUMPTION(A15): a non-boolean value gives InvalidParameter.<Name>.
            raise invalid(name)
        return TRUE_FALSE[value.lower()]

    def integer(self, name, default, low, high, range_code=False):
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        # int() would also take " 5", "5\n", "+5" and non-ASCII digits; the wire value must be plain digits.
        number = int(value) if INTEGER_RE.fullmatch(value) else None
        if number is None or not low <= number <= high:
            # ASSUMPTION(A16): paging and STS integers give InvalidParameter.<Name>; the password
            # policy uses the documented InvalidParameter.<Name>.Range form.
            raise out_of_range(name, low, high) if range_code else invalid(name)
        return number

    def indexed(self, prefix):
        """Values of ``prefix.1``, ``prefix.2``... in index order."""
        found = {}
        for key, value in self.raw.items():
            head, dot, index = key.rpartition(".")
            if head == prefix and INDEX_RE.fullmatch(index):
                found[int(index)] = value
        return [found[index] for index in sorted(found)]

    def tags(self):
        """``Tag.N.Key`` / ``Tag.N.Value`` pairs in index order; a missing value is ""."""
        pairs = {}
        for key, value in self.raw.items():
            match = TAG_PARAM_RE.fullmatch(key)
            if match:
                pairs.setdefault(int(match.group(1)), {})[match.group(2)] = value
        result = []
        for index in sorted(pairs):
            if "Key" not in pairs[index]:
                raise missing("Tag.%d.Key" % index)
            result.append((pairs[index]["Key"], pairs[index].get("Value", "")))
        return result


def check_name(value, field, max_length=64, pattern=NAME_RE):
    if not 1 <= len(value) <= max_length:
        raise too_long(field)
    if not pattern.fullmatch(value):
        raise invalid_chars(field)


def check_length(value, field, max_length, min_length=0):
    if not min_length <= len(value) <= max_length:
        raise too_long(field)


# ----------------------------------------------------------------- paging

def encode_marker(key):
    return base64.urlsafe_b64encode(json.dumps({"after": key}).encode("utf-8")).decode("ascii")


def decode_marker(marker, field="Marker"):
    try:
        return json.loads(base64.urlsafe_b64decode(marker.encode("ascii")).decode("utf-8"))["after"]
    except (ValueError, KeyError, TypeError, UnicodeError):
        # ASSUMPTION(A18): an unreadable marker gives InvalidParameter.Marker.
        raise invalid(field)


def page(items, sort_key, params, default_max, high_max, marker_field="Marker", size_field="MaxItems"):
    """One page of ``items`` ordered by ``sort_key``: (page, is_truncated, next_marker).

    ASSUMPTION(A18): list order is undocumented; users and groups come by lower-case name, policies by type
    and name, AccessKeys by creation, a user's groups by join date. The Marker is opaque (base64 JSON here).
    """
    max_items = params.integer(size_field, default_max, 1, high_max)
    ordered = sorted(items, key=sort_key)
    marker = params.text(marker_field)
    if marker:
        after = decode_marker(marker, marker_field)
        ordered = [item for item in ordered if list(sort_key(item)) > after]
    chunk = ordered[:max_items]
    if len(ordered) > max_items:
        return chunk, True, encode_marker(list(sort_key(chunk[-1])))
    return chunk, False, None


def paged(body, truncated, marker, token_field="Marker"):
    body["IsTruncated"] = truncated
    if truncated:
        body[token_field] = marker
    return body
