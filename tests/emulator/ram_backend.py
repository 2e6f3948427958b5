# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Business backend of the RAM API emulator: IMS 2019-08-15, RAM 2015-05-01 and STS 2015-04-01.

The HTTP gateway (``ram_emulator.py``) authenticates a request and hands the decoded
business parameters to :meth:`RamBackend.handle`, which returns the response body
without ``RequestId`` or raises :class:`ApiFault` (code, HTTP status, message).

The backend models one Alibaba Cloud account: one user store seen by IMS (by
``UserPrincipalName`` / ``UserId``) and by RAM (by ``UserName``, the UPN prefix),
groups, login profiles, AccessKeys, virtual MFA devices, system and custom policies,
the password policy, and the roles that STS ``AssumeRole`` and the ECS metadata
service hand out credentials for.

Behaviour follows the wire-protocol fact sheet (``alibaba-ram-api.md``). Where the
reference is silent the choice is marked ``ASSUMPTION(Ann)`` in a comment; docs/emulator-fidelity.md
has one row per ID, with its source or "unverified".

Standard library only. No password is ever stored in clear text; snapshots never
contain password hashes, AccessKey secrets or security tokens. The ``--state`` file
is the account's database, not a log: it keeps AccessKey secrets and STS tokens
because signatures made with them must still verify after a restart, so it is
written readable by its owner only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import calendar
import copy
import hashlib
import hmac
import json
import os
import re
import secrets
import string
import threading
import time

IMS = "2019-08-15"
RAM = "2015-05-01"
STS = "2015-04-01"

# Account quotas (fact sheet 8.3). Exceeding one gives LimitExceeded.* (409).
MAX_USERS = 1000
MAX_GROUPS = 50
MAX_GROUPS_PER_USER = 5
MAX_ACCESS_KEYS_PER_USER = 2
MAX_POLICIES_PER_USER = {"System": 20, "Custom": 10}
# Groups: 10 custom policies now (RAM limits page, Dec 2025; fact sheet part 2 section 3.1), 5 in 2021.
MAX_POLICIES_PER_GROUP = {"System": 20, "Custom": 10}
MAX_CUSTOM_POLICIES = 1500
MAX_TAGS_PER_USER = 20
# CreatePolicy PolicyDocument: 1-6,144 characters (RAM SDK 1.3.0 comment, Dec 2025 limits page).
MAX_POLICY_DOCUMENT = 6144
# STS AssumeRole Policy: "The size of Policy must be smaller than 2048 bytes" (InvalidParameter.PolicySize).
MAX_ASSUME_ROLE_POLICY_BYTES = 2048
# ASSUMPTION(A10): metadata-service credentials live 6 hours, for the one instance role EcsRamRoleDemo.
IMDS_LIFETIME = 6 * 3600

SAVE_INTERVAL = 1.0
# Expired STS credentials are kept this long so the gateway can still say "expired".
STS_GRACE = 3600

# Every pattern is applied with fullmatch: "kate\n" is not a valid name ($ would accept the newline).
NAME_RE = re.compile(r"[A-Za-z0-9._-]+")
POLICY_NAME_RE = re.compile(r"[A-Za-z0-9-]+")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MOBILE_RE = re.compile(r"[0-9]{1,5}-[0-9]{4,20}")
ROLE_ARN_RE = re.compile(r"acs:ram::([0-9]+):role/([A-Za-z0-9._-]{1,64})", re.IGNORECASE)
SESSION_NAME_RE = re.compile(r"[A-Za-z0-9.@_-]{2,32}")
AUTH_CODE_RE = re.compile(r"[0-9]{6}")
INTEGER_RE = re.compile(r"-?[0-9]+")
INDEX_RE = re.compile(r"[0-9]+")
TAG_PARAM_RE = re.compile(r"Tag\.([0-9]+)\.(Key|Value)")
SYMBOLS = set(string.punctuation)
TRUE_FALSE = {"true": True, "false": False}
# IMS ListUsers / ListUserBasicInfos Status values (IMS SDK models/_list_users_request.py): the user states they select.
USER_STATUS_FILTERS = {"active": ("active",), "freeze": ("freeze",), "active,freeze": ("active", "freeze")}
WRITE_PREFIXES = ("Create", "Update", "Delete", "Add", "Remove", "Attach", "Detach", "Set", "Tag", "Untag",
                  "Bind", "Unbind", "Change", "Clear")

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

# /_emulator/people/<action> -> the body fields it takes.
PERSON_ACTIONS = {"login": ("user",), "change_password": ("user", "password"), "bind_mfa": ("user",),
                  "idle_disable": ("user",), "freeze": ("user",), "unfreeze": ("user",)}

# System policies every account has. Descriptions and documents are this emulator's own wording.
# ASSUMPTION(A13): these 14 names stand for Alibaba's system policies (a subset); their documents are simplified.
# Every account starts with the roles admin and EcsRamRoleDemo (MaxSessionDuration 3600).
SYSTEM_POLICIES = (
    ("AdministratorAccess", "Full access to all Alibaba Cloud resources.", "*"),
    ("ReadOnlyAccess", "Read-only access to all Alibaba Cloud resources.", ["*:Describe*", "*:List*", "*:Get*", "*:Query*"]),
    ("AliyunRAMFullAccess", "Full access to Resource Access Management (RAM).", "ram:*"),
    ("AliyunRAMReadOnlyAccess", "Read-only access to Resource Access Management (RAM).", ["ram:Get*", "ram:List*"]),
    ("AliyunECSFullAccess", "Full access to Elastic Compute Service (ECS).", "ecs:*"),
    ("AliyunECSReadOnlyAccess", "Read-only access to Elastic Compute Service (ECS).", ["ecs:Describe*", "ecs:List*"]),
    ("AliyunOSSFullAccess", "Full access to Object Storage Service (OSS).", "oss:*"),
    ("AliyunOSSReadOnlyAccess", "Read-only access to Object Storage Service (OSS).", ["oss:Get*", "oss:List*"]),
    ("AliyunVPCReadOnlyAccess", "Read-only access to Virtual Private Cloud (VPC).", ["vpc:Describe*", "vpc:Get*"]),
    ("AliyunLogReadOnlyAccess", "Read-only access to Log Service.", ["log:Get*", "log:List*"]),
    ("AliyunSLBReadOnlyAccess", "Read-only access to Server Load Balancer (SLB).", ["slb:Describe*"]),
    ("AliyunRDSReadOnlyAccess", "Read-only access to ApsaraDB RDS.", ["rds:Describe*"]),
    ("AliyunActionTrailFullAccess", "Full access to ActionTrail.", "actiontrail:*"),
    ("AliyunSTSAssumeRoleAccess", "Permission to call STS AssumeRole.", "sts:AssumeRole"),
)
SYSTEM_POLICY_DATE = "2015-04-28T16:00:00Z"
SEED_ROLES = ("admin", "EcsRamRoleDemo")
IMDS_ROLE = "EcsRamRoleDemo"

# Password policy fields: API name -> (kind, default, low, high). Defaults and ranges from SetPasswordPolicy.
PASSWORD_POLICY_FIELDS = (
    ("MinimumPasswordLength", "int", 8, 8, 32),
    ("RequireLowercaseCharacters", "bool", False, None, None),
    ("RequireUppercaseCharacters", "bool", False, None, None),
    ("RequireNumbers", "bool", False, None, None),
    ("RequireSymbols", "bool", False, None, None),
    ("HardExpire", "bool", False, None, None),
    ("MaxLoginAttemps", "int", 0, 0, 32),
    ("PasswordReusePrevention", "int", 0, 0, 24),
    ("MaxPasswordAge", "int", 0, 0, 1095),
    ("MinimumPasswordDifferentCharacter", "int", 0, 0, 8),
    ("PasswordNotContainUserName", "bool", False, None, None),
    ("InitialPasswordAge", "int", 14, 0, 90),
    ("InterceptRiskPasswordOnApi", "bool", False, None, None),
)
# RAM 2015-05-01 Get/SetPasswordPolicy carry nine fields and spell HardExpire as HardExpiry (RAM SDK 1.3.0,
# models/_set_password_policy_request.py and _get_password_policy_response_body.py). The account has one policy:
# IMS sees the fields RAM lacks (InitialPasswordAge, PasswordNotContainUserName, ...).
RAM_PASSWORD_POLICY_FIELDS = ("MinimumPasswordLength", "RequireLowercaseCharacters", "RequireUppercaseCharacters",
                              "RequireNumbers", "RequireSymbols", "HardExpire", "MaxLoginAttemps",
                              "PasswordReusePrevention", "MaxPasswordAge")
RAM_FIELD_NAMES = {"HardExpire": "HardExpiry"}


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


def password_too_weak(name="Password"):
    return ApiFault("InvalidParameter.%s.TooWeak" % name, 400,
                    'The parameter - "%s" is not compliant with the password policy.' % name)


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


def hash_password(password, salt=None):
    salt = salt or secrets.token_hex(16)
    return "sha256$%s$%s" % (salt, hashlib.sha256((salt + password).encode("utf-8")).hexdigest())


def password_matches(hashed, password):
    """Whether ``password`` is the one ``hashed`` (from hash_password) was made from."""
    try:
        scheme, salt, digest = hashed.split("$")
    except (AttributeError, ValueError):
        return False
    return scheme == "sha256" and hmac.compare_digest(hash_password(password, salt), hashed)


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


def check_tag(key, value):
    # ASSUMPTION(A17): the tag rules are documented, their error codes are not.
    if not 1 <= len(key) <= 128:
        raise too_long("Tag.Key")
    lowered = key.lower()
    if lowered.startswith("acs:") or lowered.startswith("aliyun") or "http://" in lowered or "https://" in lowered:
        raise invalid_chars("Tag.Key")
    if len(value) > 128:
        raise too_long("Tag.Value")
    lowered = value.lower()
    if lowered.startswith("acs:") or "http://" in lowered or "https://" in lowered:
        raise invalid_chars("Tag.Value")


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


def fresh_state(now):
    policy = dict((name, default) for name, kind, default, low, high in PASSWORD_POLICY_FIELDS)
    roles = {}
    for name in SEED_ROLES:
        roles[name.lower()] = {"RoleName": name, "RoleId": random_digits(19), "MaxSessionDuration": 3600,
                               "CreateDate": iso(now)}
    return {"format": 1, "users": {}, "groups": {}, "memberships": {}, "user_policies": {}, "group_policies": {},
            "login_profiles": {}, "access_keys": {}, "mfa_devices": {}, "custom_policies": {},
            "password_policy": policy, "roles": roles, "sts_credentials": {}}


class RamBackend:
    """The account behind the emulated IMS, RAM and STS endpoints (thread-safe)."""

    def __init__(self, account_alias="example", account_id="1234567890123456", site="cn", state_file=None,
                 static_keys=None, sts_lifetime=None, clock=time.time, monotonic=time.monotonic,
                 visibility_delay_ms=0, domain_aliases=()):
        self.account_alias = account_alias
        self.account_id = str(account_id)
        self.site = site
        self.default_domain = "%s.onaliyun.com" % account_alias
        # Verified domain aliases (fact sheet part 1, section 5: a user is named by its UPN "or by a verified
        # domain alias"). ASSUMPTION(A51): a UPN in an alias names the same user, and answers report the UPN in
        # the default domain.
        self.domain_aliases = tuple(alias.lower() for alias in domain_aliases)
        self.state_file = state_file
        self.sts_lifetime = sts_lifetime
        self.clock = clock
        self._static_keys = dict(static_keys or {})
        self._lock = threading.RLock()
        # Eventual consistency: ("user"|"group", id) -> monotonic time from which other requests see it.
        # Kept in memory only: after a restart every entity is visible.
        self._monotonic = monotonic
        self._pending = {}
        self.visibility_delay_ms = 0
        self.set_visibility_delay(visibility_delay_ms)
        self._last_save = 0.0
        self._save_timer = None
        self._system_policies = self._build_system_policies()
        self._state = fresh_state(self.clock())
        if state_file and os.path.exists(state_file):
            with open(state_file) as handle:
                loaded = json.load(handle)
            self._state.update(loaded.get("state", {}))
        self._handlers = self._build_handlers()

    # ----------------------------------------------------------------- contract

    def known_versions(self):
        return {IMS, RAM, STS}

    def has_action(self, version, action):
        return (version, action) in self._handlers

    def is_write(self, action):
        return action.startswith(WRITE_PREFIXES)

    def set_visibility_delay(self, milliseconds):
        """How long a user or group created by Create* stays invisible to every other request (0: off).

        ASSUMPTION(A19): a model of RAM's documented eventual consistency (fact sheet part 2 section 10); no delay
        is published. During the delay Get*, List* and every write naming the entity answer as if it did not
        exist (EntityNotExist.User / EntityNotExist.Group), while a second Create of the same name still gets
        EntityAlreadyExists. The Create response itself carries the entity.
        """
        with self._lock:
            self.visibility_delay_ms = float(milliseconds or 0)

    def handle(self, version, action, params, caller):
        with self._lock:
            handler = self._handlers.get((version, action))
            if handler is None:
                raise fault("InvalidAction.NotFound")
            result = handler(Params(dict(params or {})), dict(caller or {}))
            if self.is_write(action) or action == "AssumeRole":
                self._schedule_save()
            return result

    def lookup_access_key(self, access_key_id):
        with self._lock:
            if access_key_id in self._static_keys:
                value = self._static_keys[access_key_id]
                if isinstance(value, (tuple, list)):
                    return {"secret": value[0], "security_token": value[1], "expiration": None}
                return {"secret": value, "security_token": None, "expiration": None}
            issued = self._state["sts_credentials"].get(access_key_id)
            if issued:
                return {"secret": issued["secret"], "security_token": issued["security_token"],
                        "expiration": issued["expiration"]}
            key = self._state["access_keys"].get(access_key_id)
            if key:
                # The gateway refuses a disabled key with Forbidden.AccessKeyDisabled, not as an unknown one.
                return {"secret": key["secret"], "security_token": None, "expiration": None,
                        "disabled": key["Status"] != "Active"}
            return None

    def imds_role_name(self):
        return IMDS_ROLE

    def imds_credentials(self, role_name):
        """What GET /latest/meta-data/ram/security-credentials/<role> returns."""
        with self._lock:
            if role_name != IMDS_ROLE:
                # ASSUMPTION(A11): an unknown role name is the metadata service's plain-text 404.
                raise fault("EntityNotExist.Role")
            role = self._state["roles"][IMDS_ROLE.lower()]
            issued = self._issue_sts(role, "ecs-instance", IMDS_LIFETIME)
            self._schedule_save()
            return {"Code": "Success", "AccessKeyId": issued["AccessKeyId"],
                    "AccessKeySecret": issued["AccessKeySecret"], "SecurityToken": issued["SecurityToken"],
                    "Expiration": issued["Expiration"], "LastUpdated": iso(self.clock())}

    def snapshot(self):
        """The whole account as plain data, without passwords, secrets or tokens."""
        with self._lock:
            state = self._state
            users = []
            for user in sorted(state["users"].values(), key=lambda u: u["UserName"].lower()):
                uid = user["UserId"]
                entry = copy.deepcopy(user)
                entry["UserPrincipalName"] = self._upn(user)
                entry["Status"] = self._user_status(user)
                profile = state["login_profiles"].get(uid)
                entry["LoginProfile"] = None if profile is None else dict(
                    (k, v) for k, v in profile.items() if not k.startswith("password_"))
                entry["Groups"] = [state["groups"][gid]["GroupName"] for gid in self._group_ids_of(uid)]
                entry["Policies"] = copy.deepcopy(state["user_policies"].get(uid, []))
                entry["AccessKeys"] = [dict((k, v) for k, v in key.items() if k != "secret")
                                       for key in self._keys_of(uid)]
                device = self._mfa_of(uid)
                entry["MFADevice"] = None if device is None else device["SerialNumber"]
                users.append(entry)
            groups = []
            for group in sorted(state["groups"].values(), key=lambda g: g["GroupName"].lower()):
                entry = copy.deepcopy(group)
                entry["Users"] = [state["users"][uid]["UserName"] for uid in state["memberships"].get(group["GroupId"], {})]
                entry["Policies"] = copy.deepcopy(state["group_policies"].get(group["GroupId"], []))
                groups.append(entry)
            sessions = [{"AccessKeyId": akid, "RoleName": cred["role"], "RoleSessionName": cred["session"],
                         "Expiration": iso(cred["expiration"])}
                        for akid, cred in sorted(state["sts_credentials"].items())]
            return {"account": {"AccountId": self.account_id, "AccountAlias": self.account_alias,
                                "DefaultDomain": self.default_domain, "Site": self.site},
                    "users": users, "groups": groups,
                    "custom_policies": [dict((k, v) for k, v in p.items()) for p in
                                        sorted(state["custom_policies"].values(), key=lambda p: p["PolicyName"])],
                    "system_policies": sorted(self._system_policies),
                    "password_policy": dict(state["password_policy"]),
                    "virtual_mfa_devices": copy.deepcopy(sorted(state["mfa_devices"].values(),
                                                                key=lambda d: d["SerialNumber"])),
                    "roles": [copy.deepcopy(role) for name, role in sorted(state["roles"].items())],
                    "sts_sessions": sessions}

    # ----------------------------------------------------------------- people (admin paths)

    def person(self, action, payload):
        """What a person or the platform does to a user, for ``POST /_emulator/people/<action>``.

        Returns (HTTP status, JSON body). The body never holds a password, hash or secret. The user is
        named by ``payload["user"]``, a bare name or a full UserPrincipalName.
        """
        handler = getattr(self, "_person_" + action, None) if action in PERSON_ACTIONS else None
        if handler is None:
            return 404, {"error": "unknown people action %r; known: %s" % (action, ", ".join(PERSON_ACTIONS))}
        if not isinstance(payload, dict):
            return 400, {"error": "body must be a JSON object"}
        allowed = PERSON_ACTIONS[action]
        unknown = sorted(set(payload) - set(allowed))
        if unknown:
            return 400, {"error": "unknown field(s) %s; %s takes %s" % (", ".join(unknown), action, ", ".join(allowed))}
        name = payload.get("user")
        if not isinstance(name, str) or not name:
            return 400, {"error": 'the body needs "user": a user name or UserPrincipalName'}
        with self._lock:
            user = self._person_user(name)
            if user is None:
                return 404, {"error": "the user %s does not exist" % name}
            refusal = handler(user, payload)
            if refusal is not None:
                return refusal
            self._schedule_save()
            return 200, self._person_view(user)

    def _person_user(self, name):
        """The user named by a bare name or a UPN of the default domain (also while a create is not yet visible)."""
        bare, at, domain = name.rpartition("@")
        if at and domain.lower() != self.default_domain.lower():
            return None
        return self._user_by_name(bare if at else name, include_pending=True)

    def _person_view(self, user):
        view = self._ims_user_view(user, with_user_name=True)
        view["Status"] = self._user_status(user)
        profile = self._state["login_profiles"].get(user["UserId"])
        return {"user_principal_name": self._upn(user), "user": view,
                "login_profile": None if profile is None else
                self._ims_profile_view(user, profile, ("AutoDisableLoginStatus", "LastLoginTime"))["LoginProfile"]}

    def _console_refusal(self, user):
        """(409, body) when the person cannot sign in to the console, else None."""
        profile = self._state["login_profiles"].get(user["UserId"])
        if profile is None:
            return 409, {"error": "the user %s has no login profile (console logon is not enabled)" % self._upn(user)}
        if profile["Status"] != "Active":
            return 409, {"error": "console logon of %s is disabled (login profile Status %s)" % (
                self._upn(user), profile["Status"])}
        if self._user_status(user) == "freeze":
            # ASSUMPTION(A20): a frozen user cannot sign in to the console.
            return 409, {"error": "the user %s is frozen" % self._upn(user)}
        if self._password_status(profile) == "InitialExpired":
            # The initial password's validity (InitialPasswordAge) is over: an administrator must set a new one.
            return 409, {"error": "the initial password of %s has expired (InitialPasswordAge)" % self._upn(user)}
        return None

    def _record_login(self, user, profile):
        now = self._now()
        user["LastLoginDate"] = now
        profile["LastLoginTime"] = now

    def _person_login(self, user, payload):
        # A console login sets GetUser's LastLoginDate and GetLoginProfile's LastLoginTime (both documented as the
        # last console logon); it does not clear PasswordResetRequired or MFABindRequired by itself.
        refusal = self._console_refusal(user)
        if refusal is not None:
            return refusal
        self._record_login(user, self._state["login_profiles"][user["UserId"]])

    def _person_change_password(self, user, payload):
        password = payload.get("password")
        if not isinstance(password, str) or not password:
            return 400, {"error": 'the body needs "password": the new password, a non-empty string'}
        refusal = self._console_refusal(user)
        if refusal is not None:
            return refusal
        rule = self._password_violation(password, user)
        if rule is not None:
            return 400, {"error": "the new password does not satisfy the password policy rule %s" % rule}
        profile = self._state["login_profiles"][user["UserId"]]
        # As ChangePassword's InvalidParameter.NewPassword.ReusePrevention: none of the last N passwords.
        recent = (profile.get("password_history") or [])[:self._state["password_policy"]["PasswordReusePrevention"]]
        if any(password_matches(hashed, password) for hashed in recent):
            return 400, {"error": "the new password does not satisfy the password policy rule PasswordReusePrevention"}
        self._remember_password(profile, password)
        # A password the person chose is not an initial password; the reset demand is met.
        profile["initial_password_set"] = None
        profile["PasswordResetRequired"] = False
        # ASSUMPTION(A21): a change the person or the platform makes to the login profile (password change, idle
        # disable, MFABindRequired cleared by binding a device) sets its UpdateDate; a plain login does not.
        profile["UpdateDate"] = self._now()
        # Changing the password happens in a console session: it counts as a login.
        self._record_login(user, profile)

    def _person_bind_mfa(self, user, payload):
        # The console's "bind MFA device": CreateVirtualMFADevice named after the user, then BindMFADevice.
        uid = user["UserId"]
        if self._mfa_of(uid) is not None:
            return 409, {"error": "the user %s already has an MFA device (EntityAlreadyExists.User.MFADevice)"
                         % self._upn(user)}
        serial = "acs:ram::%s:mfa/%s" % (self.account_id, user["UserName"])
        device = self._state["mfa_devices"].get(serial)
        if device is not None and device["UserId"] is not None:
            return 409, {"error": "the virtual MFA device %s is bound to another user" % serial}
        now = self._now()
        if device is None:
            device = {"SerialNumber": serial, "UserId": None, "ActivateDate": None, "CreateDate": now}
            self._state["mfa_devices"][serial] = device
        device["UserId"] = uid
        device["ActivateDate"] = now
        profile = self._state["login_profiles"].get(uid)
        if profile is not None and profile["MFABindRequired"]:
            # ASSUMPTION(A22): once the person binds a device, GetLoginProfile reports MFABindRequired=false (the
            # demand is met, like PasswordResetRequired after a password change); no source says either way.
            profile["MFABindRequired"] = False
            profile["UpdateDate"] = now

    def _person_idle_disable(self, user, payload):
        # The platform's MaxIdleDaysForUsers rule disables console logon of an idle user (IMS SDK
        # GetSecurityPreference MaxIdleDays doc-comment).
        profile = self._state["login_profiles"].get(user["UserId"])
        if profile is None:
            return 409, {"error": "the user %s has no login profile to disable" % self._upn(user)}
        # ASSUMPTION(A23): afterwards GetLoginProfile shows Status=Inactive (as UpdateLoginProfile Status=Inactive
        # would), AutoDisableLoginStatus stays "true" and LastLoginTime keeps its value.
        if profile["Status"] != "Inactive":
            profile["Status"] = "Inactive"
            profile["UpdateDate"] = self._now()

    def _person_freeze(self, user, payload):
        # ASSUMPTION(A24): freezing changes the user's Status only: GetUser still answers, AccessKeys still sign,
        # UpdateDate is kept; ListUsers hides the user by default (documented) and the person cannot log in.
        user["Status"] = "freeze"

    def _person_unfreeze(self, user, payload):
        user["Status"] = "active"

    def save(self):
        with self._lock:
            if self._save_timer is not None:
                self._save_timer.cancel()
                self._save_timer = None
            self._write_state_file()

    # ----------------------------------------------------------------- persistence

    def _write_state_file(self):
        if not self.state_file:
            return
        directory = os.path.dirname(os.path.abspath(self.state_file))
        temporary = os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(self.state_file), os.getpid()))
        # Owner-only: the file holds AccessKey secrets and STS tokens.
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
            json.dump({"format": 1, "state": self._state}, handle, sort_keys=True)
        os.replace(temporary, self.state_file)
        self._last_save = time.monotonic()

    def _schedule_save(self):
        """Save now, or at most one second after the previous save (debounced)."""
        if not self.state_file or self._save_timer is not None:
            return
        wait = self._last_save + SAVE_INTERVAL - time.monotonic()
        if wait <= 0:
            self._write_state_file()
            return
        self._save_timer = threading.Timer(wait, self._timed_save)
        self._save_timer.daemon = True
        self._save_timer.start()

    def _timed_save(self):
        with self._lock:
            self._save_timer = None
            self._write_state_file()

    # ----------------------------------------------------------------- dispatch table

    def _build_handlers(self):
        handlers = {}
        for version, prefix in ((IMS, "_ims_"), (RAM, "_ram_"), (STS, "_sts_")):
            for attribute in dir(self):
                # Handlers are named after the action (_ims_CreateUser); lower-case names are helpers.
                if attribute.startswith(prefix) and attribute[len(prefix):][:1].isupper():
                    handlers[(version, attribute[len(prefix):])] = getattr(self, attribute)
        return handlers

    # ----------------------------------------------------------------- lookups and views

    def _now(self):
        return iso(self.clock())

    def _upn(self, user):
        return "%s@%s" % (user["UserName"], self.default_domain)

    def _hide_new(self, kind, entity_id):
        if self.visibility_delay_ms > 0:
            self._pending[(kind, entity_id)] = self._monotonic() + self.visibility_delay_ms / 1000.0

    def _visible(self, kind, entity_id):
        deadline = self._pending.get((kind, entity_id))
        if deadline is None:
            return True
        if self._monotonic() >= deadline:
            del self._pending[(kind, entity_id)]
            return True
        return False

    def _visible_users(self):
        return [user for user in self._state["users"].values() if self._visible("user", user["UserId"])]

    def _user_by_id(self, uid):
        user = self._state["users"].get(uid)
        return user if user is not None and self._visible("user", uid) else None

    def _user_by_name(self, name, include_pending=False):
        """The user of that name; a user whose create is not yet visible only with ``include_pending``.

        ASSUMPTION(A25): user and group names are unique regardless of case, and found regardless of case.
        """
        lowered = name.lower()
        for user in self._state["users"].values():
            if user["UserName"].lower() == lowered:
                return user if include_pending or self._visible("user", user["UserId"]) else None
        return None

    def _group_by_name(self, name, include_pending=False):
        lowered = name.lower()
        for group in self._state["groups"].values():
            if group["GroupName"].lower() == lowered:
                return group if include_pending or self._visible("group", group["GroupId"]) else None
        return None

    def _group_ids_of(self, uid):
        return [gid for gid, members in self._state["memberships"].items() if uid in members]

    def _keys_of(self, uid):
        return [key for key in self._state["access_keys"].values() if key["UserId"] == uid]

    def _mfa_of(self, uid):
        for device in self._state["mfa_devices"].values():
            if device.get("UserId") == uid:
                return device
        return None

    def _split_upn(self, value, field, lookup):
        """Validate a UPN and return its name part.

        ASSUMPTION(A26): IMS's own codes for UPN validation are undocumented; this emulator uses
        InvalidParameter.<Field>.Length / .InvalidChars / .Domain. On lookups a UPN in another
        domain names no user of this account (EntityNotExist.User).
        """
        if len(value) > 128:
            raise too_long(field)
        name, at, domain = value.rpartition("@")
        if not at:
            name, domain = value, ""
        if not 1 <= len(name) <= 64:
            raise too_long(field)
        if not NAME_RE.fullmatch(name):
            raise invalid_chars(field)
        if domain.lower() != self.default_domain.lower() and domain.lower() not in self.domain_aliases:
            if lookup:
                raise fault("EntityNotExist.User")
            raise ApiFault("InvalidParameter.%s.Domain" % field, 400,
                           'The parameter - "%s" must end with the default domain "@%s".' % (field, self.default_domain))
        return name

    def _user_by_upn(self, value, field="UserPrincipalName"):
        name = self._split_upn(value, field, lookup=True)
        user = self._user_by_name(name)
        if user is None:
            raise fault("EntityNotExist.User")
        return user

    def _ims_user_param(self, params, field="UserPrincipalName"):
        return self._user_by_upn(params.text(field, required=True), field)

    def _ims_user_or_caller(self, params, caller):
        """The user named by UserPrincipalName, or the RAM user whose AccessKey signed the call."""
        upn = params.text("UserPrincipalName")
        if upn:
            return self._user_by_upn(upn)
        key = self._state["access_keys"].get(caller.get("access_key_id") or "")
        if key is None:
            # ASSUMPTION(A27): the account's own (root) AccessKeys are not modelled; such callers must name a user.
            raise missing("UserPrincipalName")
        return self._state["users"][key["UserId"]]

    def _ims_user_by_one_of(self, params, fields):
        given = [(field, params.text(field)) for field in fields if params.text(field)]
        if not given:
            raise missing("UserPrincipalName")
        if len(given) > 1:
            # ASSUMPTION(A28): undocumented code for "more than one identifier".
            raise ApiFault("InvalidParameter", 400, "You must specify only one of the parameters: %s." % ", ".join(fields))
        field, value = given[0]
        if field == "UserPrincipalName":
            return self._user_by_upn(value)
        if field == "UserId":
            user = self._user_by_id(value)
            if user is None:
                raise fault("EntityNotExist.User")
            return user
        key = self._state["access_keys"].get(value)
        if key is None:
            raise fault("EntityNotExist.User.AccessKey")
        return self._state["users"][key["UserId"]]

    def _ram_user_param(self, params, field="UserName"):
        name = params.text(field, required=True)
        check_name(name, field)
        user = self._user_by_name(name)
        if user is None:
            raise fault("EntityNotExist.User")
        return user

    def _ram_user_or_caller(self, params, caller):
        if params.text("UserName"):
            return self._ram_user_param(params)
        key = self._state["access_keys"].get(caller.get("access_key_id") or "")
        if key is None:
            raise missing("UserName")
        return self._state["users"][key["UserId"]]

    def _group_param(self, params, field="GroupName"):
        name = params.text(field, required=True)
        check_name(name, field)
        group = self._group_by_name(name)
        if group is None:
            raise fault("EntityNotExist.Group")
        return group

    def _contact_fields(self, user, view):
        if self.site != "intl":
            view["Email"] = user["Email"]
            view["MobilePhone"] = user["MobilePhone"]
        return view

    def _tags_view(self, user, view):
        # ASSUMPTION(A29): the Tags object is omitted when the user has no tag.
        if user["Tags"]:
            view["Tags"] = {"Tag": [{"TagKey": k, "TagValue": v} for k, v in user["Tags"].items()]}
        return view

    def _ims_user_view(self, user, with_user_name):
        view = {"UserId": user["UserId"], "UserPrincipalName": self._upn(user), "DisplayName": user["DisplayName"],
                "Comments": user["Comments"], "CreateDate": user["CreateDate"], "UpdateDate": user["UpdateDate"],
                "LastLoginDate": user["LastLoginDate"], "ProvisionType": user["ProvisionType"]}
        if with_user_name:
            view["UserName"] = user["UserName"]
        return self._tags_view(user, self._contact_fields(user, view))

    def _ram_user_view(self, user, with_last_login=False):
        view = {"UserId": user["UserId"], "UserName": user["UserName"], "DisplayName": user["DisplayName"],
                "Comments": user["Comments"], "CreateDate": user["CreateDate"], "UpdateDate": user["UpdateDate"]}
        if with_last_login:
            view["LastLoginDate"] = user["LastLoginDate"]
        return self._contact_fields(user, view)

    def _group_view(self, group, with_display_name):
        view = {"GroupId": group["GroupId"], "GroupName": group["GroupName"], "Comments": group["Comments"],
                "CreateDate": group["CreateDate"], "UpdateDate": group["UpdateDate"]}
        if with_display_name:
            view["DisplayName"] = group["DisplayName"]
        return view

    @staticmethod
    def _user_sort_key(user):
        return (user["UserName"].lower(), user["UserId"])

    # ----------------------------------------------------------------- users (shared logic)

    def _check_contacts(self, email, mobile, prefix="", empty_clears=False):
        """Validate e-mail and mobile phone values that were sent (None: not sent).

        An empty value is a value like any other and fails the format check, unless ``empty_clears``.
        ASSUMPTION(A30): the documents give no rule for an empty Email/MobilePhone; treated as malformed.
        """
        if email is not None and not (empty_clears and email == ""):
            if len(email) > 128 or not EMAIL_RE.fullmatch(email):
                raise bad_format(prefix + "Email")
        if mobile is not None and not (empty_clears and mobile == ""):
            if not MOBILE_RE.fullmatch(mobile):
                raise bad_format(prefix + "MobilePhone")

    def _create_user(self, name, display_name, email, mobile, comments, tags):
        for key, value in tags:
            check_tag(key, value)
        if len(dict(tags)) > MAX_TAGS_PER_USER:
            raise fault("LimitExceeded.User.Tag")
        if self._user_by_name(name, include_pending=True) is not None:
            raise fault("EntityAlreadyExists.User")
        if len(self._state["users"]) >= MAX_USERS:
            raise fault("LimitExceeded.User")
        uid = random_digits(17)
        while uid in self._state["users"]:
            uid = random_digits(17)
        now = self._now()
        # ASSUMPTION(A31): on the international site Email and MobilePhone are accepted and ignored.
        keep_contacts = self.site != "intl"
        user = {"UserId": uid, "UserName": name, "DisplayName": display_name or "",
                "Email": (email or "") if keep_contacts else "", "MobilePhone": (mobile or "") if keep_contacts else "",
                "Comments": comments or "", "CreateDate": now, "UpdateDate": now, "LastLoginDate": "",
                "ProvisionType": "Manual", "Tags": dict(tags), "Status": "active"}
        self._state["users"][uid] = user
        self._hide_new("user", uid)
        return user

    def _rename_user(self, user, new_name):
        other = self._user_by_name(new_name, include_pending=True)
        if other is not None and other["UserId"] != user["UserId"]:
            raise fault("EntityAlreadyExists.User")
        user["UserName"] = new_name

    def _update_contacts(self, user, email, mobile):
        if self.site == "intl":
            return
        if email is not None:
            user["Email"] = email
        if mobile is not None:
            user["MobilePhone"] = mobile

    def _delete_user(self, user):
        uid = user["UserId"]
        # ASSUMPTION(A32): the service checks in the order of DeleteUser's documented error table.
        if self._group_ids_of(uid):
            raise fault("DeleteConflict.User.Group")
        if self._keys_of(uid):
            raise fault("DeleteConflict.User.AccessKey")
        if uid in self._state["login_profiles"]:
            raise fault("DeleteConflict.User.LoginProfile")
        if self._mfa_of(uid) is not None:
            raise fault("DeleteConflict.User.MFADevice")
        if self._state["user_policies"].get(uid):
            raise fault("DeleteConflict.User.Policy")
        del self._state["users"][uid]
        self._state["user_policies"].pop(uid, None)

    @staticmethod
    def _user_status(user):
        # Users saved by an older emulator have no Status: they are active.
        return user.get("Status", "active")

    def _status_filter(self, params, tag_excludes_status):
        """The user states an IMS list selects: Status given, or "active"; a Tag filter selects both.

        ``tag_excludes_status``: ListUserBasicInfos documents that Tag and Status cannot both be given.
        """
        status = params.text("Status")
        if status and status not in USER_STATUS_FILTERS:
            # ASSUMPTION(A33): undocumented code for a Status outside active, freeze, active,freeze (exact spellings).
            raise invalid("Status")
        if params.tags():
            if status and tag_excludes_status:
                # ASSUMPTION(A34): undocumented code for Tag and Status given together on ListUserBasicInfos.
                raise ApiFault("InvalidParameter.Status", 400,
                               'The parameter - "Status" cannot be specified together with "Tag".')
            return USER_STATUS_FILTERS["active,freeze"]
        return USER_STATUS_FILTERS[status or "active"]

    def _filter_by_tags(self, users, params):
        wanted = params.tags()
        if not wanted:
            return users
        return [user for user in users
                if all(key in user["Tags"] and (value == "" or user["Tags"][key] == value) for key, value in wanted)]

    # ----------------------------------------------------------------- IMS users

    def _ims_CreateUser(self, params, caller):
        upn = params.text("UserPrincipalName", required=True)
        name = self._split_upn(upn, "UserPrincipalName", lookup=False)
        display_name = params.text("DisplayName", required=True)
        check_length(display_name, "DisplayName", 24, 1)
        comments = params.text("Comments")
        if comments is not None:
            # Comments is 1-128 characters (IMS and RAM SDK models): a Comments parameter sent empty is refused.
            check_length(comments, "Comments", 128, 1)
        email, mobile = params.text("Email"), params.text("MobilePhone")
        self._check_contacts(email, mobile)
        user = self._create_user(name, display_name, email, mobile, comments, params.tags())
        return {"User": self._ims_user_view(user, with_user_name=False)}

    def _ims_GetUser(self, params, caller):
        # ASSUMPTION(A35): GetUser (IMS and RAM) returns a frozen user like any other; nothing documents freeze here,
        # and the GetUser models have no Status field.
        user = self._ims_user_by_one_of(params, ("UserPrincipalName", "UserId", "UserAccessKeyId"))
        return {"User": self._ims_user_view(user, with_user_name=True)}

    def _ims_UpdateUser(self, params, caller):
        user = self._ims_user_by_one_of(params, ("UserPrincipalName", "UserId"))
        new_upn = params.text("NewUserPrincipalName")
        new_name = self._split_upn(new_upn, "NewUserPrincipalName", lookup=False) if new_upn else None
        new_display_name = params.text("NewDisplayName")
        if new_display_name is not None:
            check_length(new_display_name, "NewDisplayName", 24, 1)
        new_comments = params.text("NewComments")
        if new_comments is not None:
            # ASSUMPTION(A36): IMS UpdateUser follows its document (NewComments 1-128 characters): "" is refused, so
            # IMS cannot clear a field. The evidence that "" clears is for RAM 2015-05-01 only (_ram_UpdateUser).
            check_length(new_comments, "NewComments", 128, 1)
        new_email, new_mobile = params.text("NewEmail"), params.text("NewMobilePhone")
        self._check_contacts(new_email, new_mobile, prefix="New")
        if new_name is not None:
            self._rename_user(user, new_name)
        if new_display_name is not None:
            user["DisplayName"] = new_display_name
        if new_comments is not None:
            user["Comments"] = new_comments
        self._update_contacts(user, new_email, new_mobile)
        user["UpdateDate"] = self._now()
        return {"User": self._ims_user_view(user, with_user_name=False)}

    def _ims_DeleteUser(self, params, caller):
        self._delete_user(self._ims_user_by_one_of(params, ("UserPrincipalName", "UserId")))
        return {}

    def _users_in_states(self, states):
        return [user for user in self._visible_users() if self._user_status(user) in states]

    def _ims_ListUsers(self, params, caller):
        states = self._status_filter(params, tag_excludes_status=False)
        users = self._filter_by_tags(self._users_in_states(states), params)
        chunk, truncated, marker = page(users, self._user_sort_key, params, 1000, 1000)
        entries = []
        for user in chunk:
            view = self._ims_user_view(user, with_user_name=False)
            view["Status"] = self._user_status(user)
            entries.append(view)
        return paged({"Users": {"User": entries}}, truncated, marker)

    def _ims_ListUserBasicInfos(self, params, caller):
        states = self._status_filter(params, tag_excludes_status=True)
        users = self._filter_by_tags(self._users_in_states(states), params)
        chunk, truncated, marker = page(users, self._user_sort_key, params, 100, 1000)
        entries = [{"UserId": u["UserId"], "UserPrincipalName": self._upn(u), "DisplayName": u["DisplayName"],
                    "Status": self._user_status(u)} for u in chunk]
        return paged({"UserBasicInfos": {"UserBasicInfo": entries}}, truncated, marker)

    def _ims_GetDefaultDomain(self, params, caller):
        return {"DefaultDomainName": self.default_domain}

    # ----------------------------------------------------------------- RAM users

    def _ram_CreateUser(self, params, caller):
        name = params.text("UserName", required=True)
        check_name(name, "UserName")
        display_name = params.text("DisplayName")
        if display_name is not None:
            check_length(display_name, "DisplayName", 128, 1)
        comments = params.text("Comments")
        if comments is not None:
            check_length(comments, "Comments", 128, 1)
        email, mobile = params.text("Email"), params.text("MobilePhone")
        self._check_contacts(email, mobile)
        user = self._create_user(name, display_name, email, mobile, comments, [])
        view = self._ram_user_view(user)
        del view["UpdateDate"]
        return {"User": view}

    def _ram_GetUser(self, params, caller):
        return {"User": self._ram_user_view(self._ram_user_param(params), with_last_login=True)}

    def _ram_UpdateUser(self, params, caller):
        user = self._ram_user_param(params)
        new_name = params.text("NewUserName")
        if new_name is not None:
            check_name(new_name, "NewUserName")
        # ASSUMPTION(A37): against the documents (NewDisplayName and NewComments 1-128 characters), an empty NewDisplayName,
        # NewComments, NewEmail or NewMobilePhone clears the field: Alibaba's own Terraform provider sends ""
        # to RAM 2015-05-01 UpdateUser for a removed attribute and its acceptance test expects the field gone
        # (aliyun/terraform-provider-alicloud b188fddce, alicloud/resource_alicloud_ram_user{,_test}.go).
        new_display_name = params.text("NewDisplayName")
        if new_display_name:
            check_length(new_display_name, "NewDisplayName", 128, 1)
        new_comments = params.text("NewComments")
        if new_comments:
            check_length(new_comments, "NewComments", 128)
        new_email, new_mobile = params.text("NewEmail"), params.text("NewMobilePhone")
        self._check_contacts(new_email, new_mobile, prefix="New", empty_clears=True)
        if new_name is not None:
            self._rename_user(user, new_name)
        if new_display_name is not None:
            user["DisplayName"] = new_display_name
        if new_comments is not None:
            user["Comments"] = new_comments
        self._update_contacts(user, new_email, new_mobile)
        user["UpdateDate"] = self._now()
        return {"User": self._ram_user_view(user)}

    def _ram_DeleteUser(self, params, caller):
        self._delete_user(self._ram_user_param(params))
        return {}

    def _ram_ListUsers(self, params, caller):
        # ASSUMPTION(A38): RAM 2015-05-01 ListUsers has no Status parameter (RAM SDK model; one sent is ignored) and
        # lists what IMS ListUsers lists by default: active users only, frozen users hidden (one backend).
        users = self._users_in_states(USER_STATUS_FILTERS["active"])
        chunk, truncated, marker = page(users, self._user_sort_key, params, 100, 1000)
        return paged({"Users": {"User": [self._ram_user_view(u) for u in chunk]}}, truncated, marker)

    # ----------------------------------------------------------------- tags (IMS)

    def _tag_targets(self, params, required):
        if params.text("ResourceType", required=True) != "user":
            raise invalid("ResourceType")
        names = params.indexed("ResourcePrincipalName")
        ids = params.indexed("ResourceId")
        if names and ids:
            raise ApiFault("InvalidParameter", 400,
                           "You must specify only one of the parameters: ResourcePrincipalName, ResourceId.")
        if not names and not ids:
            if required:
                raise missing("ResourcePrincipalName")
            return None
        if len(names) + len(ids) > 50:
            # ASSUMPTION(A39): more than 50 resources is InvalidParameter.ResourceId, more than 20 tags
            # InvalidParameter.Tag; ListTagResources answers TagResources.TagResource[] (wrapping unverified).
            raise invalid("ResourceId")
        users = [self._user_by_upn(name, "ResourcePrincipalName") for name in names]
        for uid in ids:
            if self._user_by_id(uid) is None:
                raise fault("EntityNotExist.User")
            users.append(self._state["users"][uid])
        return users

    def _ims_TagResources(self, params, caller):
        users = self._tag_targets(params, required=True)
        tags = params.tags()
        if not tags:
            raise missing("Tag.1.Key")
        if len(tags) > MAX_TAGS_PER_USER:
            raise invalid("Tag")
        for key, value in tags:
            check_tag(key, value)
        for user in users:
            merged = dict(user["Tags"])
            merged.update(tags)
            if len(merged) > MAX_TAGS_PER_USER:
                raise fault("LimitExceeded.User.Tag")
        for user in users:
            user["Tags"].update(tags)
            user["UpdateDate"] = self._now()
        return {}

    def _ims_UntagResources(self, params, caller):
        users = self._tag_targets(params, required=True)
        remove_all = params.boolean("All", False)
        keys = params.indexed("TagKey")
        if not keys and not remove_all:
            raise missing("TagKey.1")
        if len(keys) > MAX_TAGS_PER_USER:
            raise invalid("TagKey")
        for user in users:
            if remove_all:
                user["Tags"].clear()
            for key in keys:
                user["Tags"].pop(key, None)
            user["UpdateDate"] = self._now()
        return {}

    def _ims_ListTagResources(self, params, caller):
        users = self._tag_targets(params, required=False)
        if users is None:
            users = self._visible_users()
        users = self._filter_by_tags(users, params)
        rows = [(user["UserName"].lower(), user["UserId"], key, value)
                for user in users for key, value in user["Tags"].items()]
        chunk, truncated, token = page(rows, lambda row: (row[0], row[1], row[2]), params, 100, 100,
                                       marker_field="NextToken", size_field="PageSize")
        entries = [{"ResourceType": "user", "ResourceId": row[1], "TagKey": row[2], "TagValue": row[3]} for row in chunk]
        return paged({"TagResources": {"TagResource": entries}}, truncated, token, token_field="NextToken")

    # ----------------------------------------------------------------- password policy and passwords

    def _password_violation(self, password, user):
        """The name of the first password-policy field the password breaks, or None.

        ASSUMPTION(A40): a symbol is ASCII punctuation; letters and digits are ASCII; PasswordNotContainUserName
        compares the user name (UPN prefix) case-insensitively; MinimumPasswordDifferentCharacter counts distinct
        characters. MaxPasswordAge, HardExpire and MaxLoginAttemps are stored but never enforced.
        """
        policy = self._state["password_policy"]
        checks = (
            ("MinimumPasswordLength", len(password) < policy["MinimumPasswordLength"]),
            ("RequireLowercaseCharacters",
             policy["RequireLowercaseCharacters"] and not any(c in string.ascii_lowercase for c in password)),
            ("RequireUppercaseCharacters",
             policy["RequireUppercaseCharacters"] and not any(c in string.ascii_uppercase for c in password)),
            ("RequireNumbers", policy["RequireNumbers"] and not any(c in string.digits for c in password)),
            ("RequireSymbols", policy["RequireSymbols"] and not any(c in SYMBOLS for c in password)),
            ("PasswordNotContainUserName",
             policy["PasswordNotContainUserName"] and user["UserName"].lower() in password.lower()),
            ("MinimumPasswordDifferentCharacter", len(set(password)) < policy["MinimumPasswordDifferentCharacter"]),
        )
        for name, broken in checks:
            if broken:
                return name
        return None

    def _check_password(self, password, user, field="Password"):
        """Raise InvalidParameter.Password.TooWeak unless the password satisfies the policy."""
        if self._password_violation(password, user) is not None:
            raise password_too_weak(field)

    @staticmethod
    def _remember_password(profile, password):
        """Store the new password's salted hash, and keep the last 24 for PasswordReusePrevention (max 24)."""
        hashed = hash_password(password)
        profile["password_hash"] = hashed
        profile["password_history"] = ([hashed] + list(profile.get("password_history") or []))[:24]

    def _set_password_policy(self, params, fields, names):
        # ASSUMPTION(A41): a field left out of SetPasswordPolicy returns to its documented default,
        # as each parameter's "Default value" reads; fields the API version lacks keep their value.
        updated = dict(self._state["password_policy"])
        for name, kind, default, low, high in PASSWORD_POLICY_FIELDS:
            if name not in fields:
                continue
            wire = names.get(name, name)
            if kind == "bool":
                updated[name] = params.boolean(wire, default)
            else:
                updated[name] = params.integer(wire, default, low, high, range_code=True)
        self._state["password_policy"] = updated
        return updated

    def _password_policy_view(self, fields, names):
        policy = self._state["password_policy"]
        return {"PasswordPolicy": dict((names.get(name, name), policy[name]) for name in fields)}

    def _ims_GetPasswordPolicy(self, params, caller):
        return self._password_policy_view([field[0] for field in PASSWORD_POLICY_FIELDS], {})

    def _ims_SetPasswordPolicy(self, params, caller):
        fields = [field[0] for field in PASSWORD_POLICY_FIELDS]
        self._set_password_policy(params, fields, {})
        return self._password_policy_view(fields, {})

    def _ram_GetPasswordPolicy(self, params, caller):
        return self._password_policy_view(RAM_PASSWORD_POLICY_FIELDS, RAM_FIELD_NAMES)

    def _ram_SetPasswordPolicy(self, params, caller):
        self._set_password_policy(params, RAM_PASSWORD_POLICY_FIELDS, RAM_FIELD_NAMES)
        return self._password_policy_view(RAM_PASSWORD_POLICY_FIELDS, RAM_FIELD_NAMES)

    # ----------------------------------------------------------------- login profiles

    def _password_status(self, profile):
        if not profile.get("initial_password_set"):
            return "NotInitial"
        age = self._state["password_policy"]["InitialPasswordAge"]
        if age and self.clock() > parse_iso(profile["initial_password_set"]) + age * 86400:
            return "InitialExpired"
        return "InitialValid"

    def _create_login_profile(self, user, password, reset_required, mfa_required, status):
        uid = user["UserId"]
        if uid in self._state["login_profiles"]:
            raise fault("EntityAlreadyExists.User.LoginProfile")
        if password is not None:
            self._check_password(password, user)
        now = self._now()
        profile = {"Status": status, "PasswordResetRequired": reset_required, "MFABindRequired": mfa_required,
                   "CreateDate": now, "UpdateDate": now, "LastLoginTime": "",
                   # ASSUMPTION(A42): only a password set by an administrator (CreateLoginProfile, or UpdateLoginProfile
                   # with Password) is an initial password (InitialValid, then InitialExpired after InitialPasswordAge);
                   # a profile created without a password reports NotInitial.
                   "initial_password_set": now if password is not None else None,
                   "password_hash": None, "password_history": []}
        if password is not None:
            self._remember_password(profile, password)
        self._state["login_profiles"][uid] = profile
        return profile

    def _profile_of(self, user):
        profile = self._state["login_profiles"].get(user["UserId"])
        if profile is None:
            raise fault("EntityNotExist.User.LoginProfile")
        return profile

    def _update_login_profile(self, user, password, reset_required, mfa_required, status):
        profile = self._profile_of(user)
        if password is not None:
            self._check_password(password, user)
        now = self._now()
        if password is not None:
            self._remember_password(profile, password)
            # A password set by an administrator is an initial password again (A42).
            profile["initial_password_set"] = now
        if reset_required is not None:
            profile["PasswordResetRequired"] = reset_required
        if mfa_required is not None:
            profile["MFABindRequired"] = mfa_required
        if status is not None:
            profile["Status"] = status
        profile["UpdateDate"] = now
        return profile

    def _ims_profile_view(self, user, profile, extra=()):
        view = {"UserPrincipalName": self._upn(user), "Status": profile["Status"],
                "PasswordResetRequired": profile["PasswordResetRequired"], "MFABindRequired": profile["MFABindRequired"],
                "PasswordStatus": self._password_status(profile), "UpdateDate": profile["UpdateDate"]}
        if "AutoDisableLoginStatus" in extra:
            view["AutoDisableLoginStatus"] = "true"
        if "LastLoginTime" in extra:
            view["LastLoginTime"] = profile["LastLoginTime"]
        return {"LoginProfile": view}

    @staticmethod
    def _status_param(params):
        status = params.text("Status")
        if status is not None and status not in ("Active", "Inactive"):
            # ASSUMPTION(A43): undocumented code for a bad Status value.
            raise invalid("Status")
        return status

    def _ims_CreateLoginProfile(self, params, caller):
        user = self._ims_user_param(params)
        status = self._status_param(params) or "Active"
        profile = self._create_login_profile(user, params.text("Password"), params.boolean("PasswordResetRequired", False),
                                             params.boolean("MFABindRequired", False), status)
        return self._ims_profile_view(user, profile)

    def _ims_GetLoginProfile(self, params, caller):
        user = self._ims_user_param(params)
        return self._ims_profile_view(user, self._profile_of(user), ("AutoDisableLoginStatus", "LastLoginTime"))

    def _ims_UpdateLoginProfile(self, params, caller):
        user = self._ims_user_param(params)
        status = self._status_param(params)
        profile = self._update_login_profile(user, params.text("Password"), params.boolean("PasswordResetRequired"),
                                             params.boolean("MFABindRequired"), status)
        return self._ims_profile_view(user, profile, ("AutoDisableLoginStatus",))

    def _delete_login_profile(self, user):
        self._profile_of(user)
        del self._state["login_profiles"][user["UserId"]]
        return {}

    def _ims_DeleteLoginProfile(self, params, caller):
        return self._delete_login_profile(self._ims_user_param(params))

    def _ram_profile_view(self, user, profile):
        return {"LoginProfile": {"UserName": user["UserName"], "PasswordResetRequired": profile["PasswordResetRequired"],
                                 "MFABindRequired": profile["MFABindRequired"], "CreateDate": profile["CreateDate"]}}

    def _ram_CreateLoginProfile(self, params, caller):
        user = self._ram_user_param(params)
        password = params.text("Password", required=True)
        profile = self._create_login_profile(user, password, params.boolean("PasswordResetRequired", False),
                                             params.boolean("MFABindRequired", False), "Active")
        return self._ram_profile_view(user, profile)

    def _ram_GetLoginProfile(self, params, caller):
        user = self._ram_user_param(params)
        return self._ram_profile_view(user, self._profile_of(user))

    def _ram_UpdateLoginProfile(self, params, caller):
        user = self._ram_user_param(params)
        self._update_login_profile(user, params.text("Password"), params.boolean("PasswordResetRequired"),
                                   params.boolean("MFABindRequired"), None)
        return {}

    def _ram_DeleteLoginProfile(self, params, caller):
        return self._delete_login_profile(self._ram_user_param(params))

    # ----------------------------------------------------------------- AccessKeys

    def _create_access_key(self, user):
        if len(self._keys_of(user["UserId"])) >= MAX_ACCESS_KEYS_PER_USER:
            raise fault("LimitExceeded.User.AccessKey")
        akid = "LTAI5t" + random_string(18)
        now = self._now()
        key = {"AccessKeyId": akid, "UserId": user["UserId"], "Status": "Active", "CreateDate": now, "UpdateDate": now,
               "secret": random_string(30)}
        self._state["access_keys"][akid] = key
        return key

    def _key_of_user(self, user, akid):
        key = self._state["access_keys"].get(akid)
        if key is None or key["UserId"] != user["UserId"]:
            raise fault("EntityNotExist.User.AccessKey")
        return key

    # IMS and RAM share these actions; the handlers differ only in how they find the user (and RAM's
    # ListAccessKeys leaves out UpdateDate).

    def _new_access_key(self, user):
        key = self._create_access_key(user)
        return {"AccessKey": {"AccessKeyId": key["AccessKeyId"], "AccessKeySecret": key["secret"],
                              "Status": key["Status"], "CreateDate": key["CreateDate"]}}

    def _list_access_keys(self, user, fields):
        keys = sorted(self._keys_of(user["UserId"]), key=lambda k: k["CreateDate"])
        return {"AccessKeys": {"AccessKey": [dict((f, k[f]) for f in fields) for k in keys]}}

    # user_lookup is called after the key id check: a missing UserAccessKeyId is reported first, as by the API
    def _update_access_key(self, params, user_lookup):
        akid = params.text("UserAccessKeyId", required=True)
        status = params.text("Status", required=True)
        if status not in ("Active", "Inactive"):
            raise invalid("Status")
        key = self._key_of_user(user_lookup(), akid)
        key["Status"] = status
        key["UpdateDate"] = self._now()
        return {}

    def _delete_access_key(self, params, user_lookup):
        akid = params.text("UserAccessKeyId", required=True)
        self._key_of_user(user_lookup(), akid)
        del self._state["access_keys"][akid]
        return {}

    def _ims_CreateAccessKey(self, params, caller):
        return self._new_access_key(self._ims_user_or_caller(params, caller))

    def _ims_ListAccessKeys(self, params, caller):
        return self._list_access_keys(self._ims_user_or_caller(params, caller), ("AccessKeyId", "Status", "CreateDate", "UpdateDate"))

    def _ims_UpdateAccessKey(self, params, caller):
        return self._update_access_key(params, lambda: self._ims_user_or_caller(params, caller))

    def _ims_DeleteAccessKey(self, params, caller):
        return self._delete_access_key(params, lambda: self._ims_user_or_caller(params, caller))

    def _ram_CreateAccessKey(self, params, caller):
        return self._new_access_key(self._ram_user_or_caller(params, caller))

    def _ram_ListAccessKeys(self, params, caller):
        return self._list_access_keys(self._ram_user_or_caller(params, caller), ("AccessKeyId", "Status", "CreateDate"))

    def _ram_UpdateAccessKey(self, params, caller):
        return self._update_access_key(params, lambda: self._ram_user_or_caller(params, caller))

    def _ram_DeleteAccessKey(self, params, caller):
        return self._delete_access_key(params, lambda: self._ram_user_or_caller(params, caller))

    # ----------------------------------------------------------------- MFA

    def _ims_CreateVirtualMFADevice(self, params, caller):
        name = params.text("VirtualMFADeviceName", required=True)
        check_name(name, "VirtualMFADeviceName")
        serial = "acs:ram::%s:mfa/%s" % (self.account_id, name)
        if serial in self._state["mfa_devices"]:
            raise fault("EntityAlreadyExists.VirtualMFADevice")
        self._state["mfa_devices"][serial] = {"SerialNumber": serial, "UserId": None, "ActivateDate": None,
                                              "CreateDate": self._now()}
        # ASSUMPTION(A44): the seed is returned once and not kept: any two six-digit codes bind the device (no TOTP
        # check); every device reports Type VMFA.
        seed = base64.b32encode(secrets.token_bytes(40)).decode("ascii")
        return {"VirtualMFADevice": {"SerialNumber": serial, "Base32StringSeed": seed,
                                     "QRCodePNG": base64.b64encode(b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(32)).decode("ascii")}}

    def _ims_BindMFADevice(self, params, caller):
        serial = params.text("SerialNumber", required=True)
        user = self._ims_user_param(params)
        for field in ("AuthenticationCode1", "AuthenticationCode2"):
            if not AUTH_CODE_RE.fullmatch(params.text(field, required=True)):
                raise ApiFault("InvalidParameter.AuthenticationCode.Format", 400,
                               'The parameter - "AuthenticationCode" MUST be 6 numbers.')
        device = self._state["mfa_devices"].get(serial)
        if device is None:
            raise fault("EntityNotExist.VirtualMFADevice")
        if device["UserId"] is not None:
            raise fault("EntityAlreadyExists.VirtualMFADevice.User")
        if self._mfa_of(user["UserId"]) is not None:
            raise fault("EntityAlreadyExists.User.MFADevice")
        device["UserId"] = user["UserId"]
        device["ActivateDate"] = self._now()
        return {}

    def _ims_DeleteVirtualMFADevice(self, params, caller):
        serial = params.text("SerialNumber", required=True)
        device = self._state["mfa_devices"].get(serial)
        if device is None:
            raise fault("EntityNotExist.VirtualMFADevice")
        if device["UserId"] is not None:
            raise fault("DeleteConflict.VirtualMFADevice.User")
        del self._state["mfa_devices"][serial]
        return {}

    def _bound_device(self, user):
        device = self._mfa_of(user["UserId"])
        if device is None:
            raise fault("EntityNotExist.User.MFADevice")
        return device

    def _unbind(self, user):
        device = self._bound_device(user)
        device["UserId"] = None
        device["ActivateDate"] = None
        return {"MFADevice": {"SerialNumber": device["SerialNumber"]}}

    def _ims_GetUserMFAInfo(self, params, caller):
        user = self._ims_user_or_caller(params, caller)
        device = self._mfa_of(user["UserId"])
        if device is None:
            # ASSUMPTION(A45): IMS answers a user without a device with IsMFAEnable=false (the SDK model documents the
            # false value) rather than RAM 2015's 404 EntityNotExist.User.MFADevice; no page shows this case.
            return {"IsMFAEnable": False}
        return {"IsMFAEnable": True, "MFADevice": {"SerialNumber": device["SerialNumber"], "Type": "VMFA"}}

    def _ims_UnbindMFADevice(self, params, caller):
        return self._unbind(self._ims_user_param(params))

    def _ram_GetUserMFAInfo(self, params, caller):
        device = self._bound_device(self._ram_user_param(params))
        return {"MFADevice": {"SerialNumber": device["SerialNumber"], "Type": "VMFA"}}

    def _ram_UnbindMFADevice(self, params, caller):
        return self._unbind(self._ram_user_param(params))

    # ----------------------------------------------------------------- groups

    def _create_group(self, name, display_name, comments):
        if self._group_by_name(name, include_pending=True) is not None:
            raise fault("EntityAlreadyExists.Group")
        if len(self._state["groups"]) >= MAX_GROUPS:
            raise fault("LimitExceeded.Group")
        gid = "g-" + random_string(16)
        now = self._now()
        group = {"GroupId": gid, "GroupName": name, "DisplayName": display_name or "", "Comments": comments or "",
                 "CreateDate": now, "UpdateDate": now}
        self._state["groups"][gid] = group
        self._hide_new("group", gid)
        return group

    def _update_group(self, group, new_name, new_display_name, new_comments):
        if new_name is not None:
            other = self._group_by_name(new_name, include_pending=True)
            if other is not None and other["GroupId"] != group["GroupId"]:
                raise fault("EntityAlreadyExists.Group")
            group["GroupName"] = new_name
        if new_display_name is not None:
            group["DisplayName"] = new_display_name
        if new_comments is not None:
            group["Comments"] = new_comments
        group["UpdateDate"] = self._now()

    def _delete_group(self, group):
        gid = group["GroupId"]
        if self._state["memberships"].get(gid):
            raise fault("DeleteConflict.Group.User")
        if self._state["group_policies"].get(gid):
            raise fault("DeleteConflict.Group.Policy")
        del self._state["groups"][gid]
        self._state["memberships"].pop(gid, None)
        self._state["group_policies"].pop(gid, None)

    def _add_user_to_group(self, user, group):
        members = self._state["memberships"].setdefault(group["GroupId"], {})
        if user["UserId"] in members:
            raise fault("EntityAlreadyExists.User.Group")
        if len(self._group_ids_of(user["UserId"])) >= MAX_GROUPS_PER_USER:
            raise fault("LimitExceeded.User.Group")
        members[user["UserId"]] = self._now()

    def _remove_user_from_group(self, user, group):
        members = self._state["memberships"].get(group["GroupId"], {})
        if user["UserId"] not in members:
            raise fault("EntityNotExist.User.Group")
        del members[user["UserId"]]

    def _groups_for_user(self, user, with_display_name):
        entries = []
        for gid in self._group_ids_of(user["UserId"]):
            group = self._state["groups"][gid]
            entry = {"GroupId": gid, "GroupName": group["GroupName"], "Comments": group["Comments"],
                     "JoinDate": self._state["memberships"][gid][user["UserId"]]}
            if with_display_name:
                entry["DisplayName"] = group["DisplayName"]
            entries.append(entry)
        entries.sort(key=lambda e: (e["JoinDate"], e["GroupName"].lower()))
        return {"Groups": {"Group": entries}}

    def _group_members(self, group):
        # ASSUMPTION(A46): ListUsersForGroup lists frozen members too (it has no Status parameter).
        members = self._state["memberships"].get(group["GroupId"], {})
        return [(self._state["users"][uid], joined) for uid, joined in members.items()]

    def _ims_group_name_params(self, params):
        name = params.text("GroupName", required=True)
        check_name(name, "GroupName")
        display_name = params.text("DisplayName")
        if display_name is not None:
            check_length(display_name, "DisplayName", 24, 1)
        comments = params.text("Comments")
        if comments:
            check_length(comments, "Comments", 128)
        return name, display_name, comments

    def _ims_CreateGroup(self, params, caller):
        group = self._create_group(*self._ims_group_name_params(params))
        return {"Group": self._group_view(group, with_display_name=True)}

    def _ims_GetGroup(self, params, caller):
        return {"Group": self._group_view(self._group_param(params), with_display_name=True)}

    # IMS and RAM share these group actions; RAM groups have no display name and RAM names users by UserName.

    def _update_group_from_params(self, params, with_display_name):
        group = self._group_param(params)
        new_name = params.text("NewGroupName")
        if new_name is not None:
            check_name(new_name, "NewGroupName")
        new_display_name = params.text("NewDisplayName") if with_display_name else None
        if new_display_name is not None:
            check_length(new_display_name, "NewDisplayName", 24, 1)
        new_comments = params.text("NewComments")
        if new_comments is not None:
            # IMS UpdateGroup: NewComments "maximum length 128" ("" clears); RAM UpdateGroup: 1-128 characters
            # ("" refused). SDK models/_update_group_request.py of each version.
            check_length(new_comments, "NewComments", 128, 0 if with_display_name else 1)
        self._update_group(group, new_name, new_display_name, new_comments)
        return {"Group": self._group_view(group, with_display_name=with_display_name)}

    def _list_groups(self, params, with_display_name):
        # MaxItems 1-100, default 100, in both versions (IMS and RAM SDK models/_list_groups_request.py).
        groups = [g for g in self._state["groups"].values() if self._visible("group", g["GroupId"])]
        chunk, truncated, marker = page(groups,
                                        lambda g: (g["GroupName"].lower(), g["GroupId"]), params, 100, 100)
        return paged({"Groups": {"Group": [self._group_view(g, with_display_name=with_display_name) for g in chunk]}}, truncated, marker)

    def _change_membership(self, params, user_lookup, change):
        group = self._group_param(params)
        change(user_lookup(params), group)
        return {}

    def _ims_UpdateGroup(self, params, caller):
        return self._update_group_from_params(params, with_display_name=True)

    def _ims_DeleteGroup(self, params, caller):
        self._delete_group(self._group_param(params))
        return {}

    def _ims_ListGroups(self, params, caller):
        return self._list_groups(params, with_display_name=True)

    def _ims_AddUserToGroup(self, params, caller):
        return self._change_membership(params, self._ims_user_param, self._add_user_to_group)

    def _ims_RemoveUserFromGroup(self, params, caller):
        return self._change_membership(params, self._ims_user_param, self._remove_user_from_group)

    def _ims_ListGroupsForUser(self, params, caller):
        return self._groups_for_user(self._ims_user_param(params), with_display_name=True)

    def _ims_ListUsersForGroup(self, params, caller):
        group = self._group_param(params)
        chunk, truncated, marker = page(self._group_members(group), lambda m: self._user_sort_key(m[0]), params, 100, 100)
        entries = [{"UserId": u["UserId"], "UserPrincipalName": self._upn(u), "DisplayName": u["DisplayName"],
                    "JoinDate": joined} for u, joined in chunk]
        return paged({"Users": {"User": entries}}, truncated, marker)

    def _ram_CreateGroup(self, params, caller):
        name = params.text("GroupName", required=True)
        check_name(name, "GroupName")
        comments = params.text("Comments")
        if comments:
            check_length(comments, "Comments", 128)
        group = self._create_group(name, None, comments)
        view = self._group_view(group, with_display_name=False)
        del view["UpdateDate"]
        return {"Group": view}

    def _ram_GetGroup(self, params, caller):
        return {"Group": self._group_view(self._group_param(params), with_display_name=False)}

    def _ram_UpdateGroup(self, params, caller):
        return self._update_group_from_params(params, with_display_name=False)

    def _ram_DeleteGroup(self, params, caller):
        self._delete_group(self._group_param(params))
        return {}

    def _ram_ListGroups(self, params, caller):
        return self._list_groups(params, with_display_name=False)

    def _ram_AddUserToGroup(self, params, caller):
        return self._change_membership(params, self._ram_user_param, self._add_user_to_group)

    def _ram_RemoveUserFromGroup(self, params, caller):
        return self._change_membership(params, self._ram_user_param, self._remove_user_from_group)

    def _ram_ListGroupsForUser(self, params, caller):
        return self._groups_for_user(self._ram_user_param(params), with_display_name=False)

    def _ram_ListUsersForGroup(self, params, caller):
        group = self._group_param(params)
        chunk, truncated, marker = page(self._group_members(group), lambda m: self._user_sort_key(m[0]), params, 100, 1000)
        entries = [{"UserName": u["UserName"], "DisplayName": u["DisplayName"], "JoinDate": joined} for u, joined in chunk]
        return paged({"Users": {"User": entries}}, truncated, marker)

    # ----------------------------------------------------------------- policies (RAM)

    def _build_system_policies(self):
        policies = {}
        for name, description, actions in SYSTEM_POLICIES:
            document = json.dumps({"Version": "1", "Statement": [{"Action": actions, "Effect": "Allow", "Resource": "*"}]})
            policies[name] = {"PolicyName": name, "PolicyType": "System", "Description": description,
                              "DefaultVersion": "v1", "CreateDate": SYSTEM_POLICY_DATE, "UpdateDate": SYSTEM_POLICY_DATE,
                              "PolicyDocument": document}
        return policies

    def _policy_params(self, params):
        name = params.text("PolicyName", required=True)
        check_name(name, "PolicyName", 128, POLICY_NAME_RE)
        policy_type = params.text("PolicyType", required=True)
        if policy_type not in ("System", "Custom"):
            raise invalid("PolicyType")
        return self._policy(name, policy_type)

    def _policy(self, name, policy_type):
        if policy_type == "System":
            policy = self._system_policies.get(name)
        else:
            policy = self._state["custom_policies"].get(name)
        if policy is None:
            raise fault("EntityNotExist.Policy")
        return policy

    def _attachment_count(self, policy):
        count = 0
        for attachments in list(self._state["user_policies"].values()) + list(self._state["group_policies"].values()):
            count += sum(1 for a in attachments
                         if a["PolicyName"] == policy["PolicyName"] and a["PolicyType"] == policy["PolicyType"])
        return count

    def _policy_view(self, policy, fields):
        view = dict((field, policy[field]) for field in fields if field in policy)
        if "AttachmentCount" in fields:
            view["AttachmentCount"] = self._attachment_count(policy)
        return view

    def _attach(self, store, owner_id, policy, limits, exists_code, limit_code):
        attachments = store.setdefault(owner_id, [])
        for attachment in attachments:
            if attachment["PolicyName"] == policy["PolicyName"] and attachment["PolicyType"] == policy["PolicyType"]:
                raise fault(exists_code)
        if sum(1 for a in attachments if a["PolicyType"] == policy["PolicyType"]) >= limits[policy["PolicyType"]]:
            raise fault(limit_code)
        attachments.append({"PolicyName": policy["PolicyName"], "PolicyType": policy["PolicyType"],
                            "AttachDate": self._now()})

    @staticmethod
    def _detach(store, owner_id, policy, missing_code):
        attachments = store.get(owner_id, [])
        for attachment in attachments:
            if attachment["PolicyName"] == policy["PolicyName"] and attachment["PolicyType"] == policy["PolicyType"]:
                attachments.remove(attachment)
                return
        raise fault(missing_code)

    def _attached_view(self, store, owner_id):
        entries = []
        for attachment in store.get(owner_id, []):
            policy = self._policy(attachment["PolicyName"], attachment["PolicyType"])
            entry = self._policy_view(policy, ("PolicyName", "PolicyType", "Description", "DefaultVersion"))
            entry["AttachDate"] = attachment["AttachDate"]
            entries.append(entry)
        return {"Policies": {"Policy": entries}}

    def _ram_AttachPolicyToUser(self, params, caller):
        policy = self._policy_params(params)
        user = self._ram_user_param(params)
        self._attach(self._state["user_policies"], user["UserId"], policy, MAX_POLICIES_PER_USER,
                     "EntityAlreadyExists.User.Policy", "LimitExceeded.User.Policy")
        return {}

    def _ram_DetachPolicyFromUser(self, params, caller):
        policy = self._policy_params(params)
        user = self._ram_user_param(params)
        self._detach(self._state["user_policies"], user["UserId"], policy, "EntityNotExist.User.Policy")
        return {}

    def _ram_ListPoliciesForUser(self, params, caller):
        return self._attached_view(self._state["user_policies"], self._ram_user_param(params)["UserId"])

    def _ram_AttachPolicyToGroup(self, params, caller):
        policy = self._policy_params(params)
        group = self._group_param(params)
        self._attach(self._state["group_policies"], group["GroupId"], policy, MAX_POLICIES_PER_GROUP,
                     "EntityAlreadyExists.Group.Policy", "LimitExceeded.Group.Policy")
        return {}

    def _ram_DetachPolicyFromGroup(self, params, caller):
        policy = self._policy_params(params)
        group = self._group_param(params)
        self._detach(self._state["group_policies"], group["GroupId"], policy, "EntityNotExist.Group.Policy")
        return {}

    def _ram_ListPoliciesForGroup(self, params, caller):
        return self._attached_view(self._state["group_policies"], self._group_param(params)["GroupId"])

    def _ram_CreatePolicy(self, params, caller):
        name = params.text("PolicyName", required=True)
        check_name(name, "PolicyName", 128, POLICY_NAME_RE)
        document = params.text("PolicyDocument", required=True)
        if len(document) > MAX_POLICY_DOCUMENT:
            raise too_long("PolicyDocument")
        description = params.text("Description") or ""
        check_length(description, "Description", 1024)
        try:
            parsed = json.loads(document)
        except ValueError:
            parsed = None
        # ASSUMPTION(A47): a document is checked only for being a JSON object with a Statement list
        # (MalformedPolicyDocument otherwise); a custom policy cannot take a system policy's name
        # (EntityAlreadyExists.Policy); every policy has the single version v1 (versions are not modelled).
        if not isinstance(parsed, dict) or not isinstance(parsed.get("Statement"), list):
            raise ApiFault("MalformedPolicyDocument", 400, "The policy document is not a JSON object with a Statement list.")
        if name in self._system_policies or name in self._state["custom_policies"]:
            raise fault("EntityAlreadyExists.Policy")
        if len(self._state["custom_policies"]) >= MAX_CUSTOM_POLICIES:
            raise fault("LimitExceeded.Policy")
        now = self._now()
        policy = {"PolicyName": name, "PolicyType": "Custom", "Description": description, "DefaultVersion": "v1",
                  "CreateDate": now, "UpdateDate": now, "PolicyDocument": document}
        self._state["custom_policies"][name] = policy
        return {"Policy": self._policy_view(policy, ("PolicyName", "PolicyType", "Description", "DefaultVersion",
                                                     "CreateDate"))}

    def _ram_GetPolicy(self, params, caller):
        policy = self._policy_params(params)
        view = self._policy_view(policy, ("PolicyName", "PolicyType", "Description", "DefaultVersion", "CreateDate",
                                          "UpdateDate", "AttachmentCount", "PolicyDocument"))
        return {"Policy": view,
                "DefaultPolicyVersion": {"VersionId": policy["DefaultVersion"], "IsDefaultVersion": True,
                                         "PolicyDocument": policy["PolicyDocument"], "CreateDate": policy["CreateDate"]}}

    def _ram_DeletePolicy(self, params, caller):
        name = params.text("PolicyName", required=True)
        check_name(name, "PolicyName", 128, POLICY_NAME_RE)
        if name in self._system_policies:
            # ASSUMPTION(A48): deleting a system policy is refused as NoPermission.
            raise fault("NoPermission")
        policy = self._policy(name, "Custom")
        for store, code in ((self._state["user_policies"], "DeleteConflict.Policy.User"),
                            (self._state["group_policies"], "DeleteConflict.Policy.Group")):
            if any(a["PolicyName"] == name and a["PolicyType"] == "Custom"
                   for attachments in store.values() for a in attachments):
                raise fault(code)
        del self._state["custom_policies"][policy["PolicyName"]]
        return {}

    def _ram_ListPolicies(self, params, caller):
        policy_type = params.text("PolicyType")
        if policy_type not in (None, "", "System", "Custom"):
            raise invalid("PolicyType")
        policies = list(self._system_policies.values()) + list(self._state["custom_policies"].values())
        if policy_type:
            policies = [p for p in policies if p["PolicyType"] == policy_type]
        chunk, truncated, marker = page(policies, lambda p: (p["PolicyType"], p["PolicyName"]), params, 100, 1000)
        fields = ("PolicyName", "PolicyType", "Description", "DefaultVersion", "CreateDate", "UpdateDate", "AttachmentCount")
        return paged({"Policies": {"Policy": [self._policy_view(p, fields) for p in chunk]}}, truncated, marker)

    # ----------------------------------------------------------------- STS

    def _issue_sts(self, role, session_name, duration):
        now = self.clock()
        self._prune_sts(now)
        lifetime = duration if self.sts_lifetime is None else min(duration, self.sts_lifetime)
        akid = "STS." + random_string(28)
        secret = random_string(44)
        token = "CAIS" + random_string(300, string.ascii_letters + string.digits + "+/")
        self._state["sts_credentials"][akid] = {"secret": secret, "security_token": token,
                                                "expiration": now + lifetime, "role": role["RoleName"],
                                                "session": session_name}
        return {"AccessKeyId": akid, "AccessKeySecret": secret, "SecurityToken": token,
                "Expiration": iso(now + lifetime)}

    def _prune_sts(self, now):
        issued = self._state["sts_credentials"]
        for akid in [akid for akid, cred in issued.items() if cred["expiration"] + STS_GRACE < now]:
            del issued[akid]

    def _sts_AssumeRole(self, params, caller):
        arn = params.text("RoleArn", required=True)
        session_name = params.text("RoleSessionName", required=True)
        match = ROLE_ARN_RE.fullmatch(arn)
        if match is None:
            raise ApiFault("InvalidParameter.RoleArn", 400, "The parameter RoleArn is wrongly formed.")
        if not SESSION_NAME_RE.fullmatch(session_name):
            raise ApiFault("InvalidParameter.RoleSessionName", 400, "The parameter RoleSessionName is wrongly formed.")
        role = self._state["roles"].get(match.group(2).lower())
        # ASSUMPTION(A49): a role ARN of another account names no role this emulator knows.
        if role is None or match.group(1) != self.account_id:
            raise fault("EntityNotExist.Role")
        duration_text = params.text("DurationSeconds")
        duration = 3600
        if duration_text:
            duration = int(duration_text) if INTEGER_RE.fullmatch(duration_text) else -1
            if not 900 <= duration <= role["MaxSessionDuration"]:
                raise ApiFault("InvalidParameter.DurationSeconds", 400,
                               "The parameter DurationSeconds must be between 900 and %d." % role["MaxSessionDuration"])
        policy = params.text("Policy")
        if policy:
            if len(policy.encode("utf-8")) >= MAX_ASSUME_ROLE_POLICY_BYTES:
                raise ApiFault("InvalidParameter.PolicySize", 400, "The size of Policy must be smaller than 2048 bytes.")
            try:
                parsed = json.loads(policy)
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict):
                # ASSUMPTION(A50): the session Policy is checked only for being a JSON object; the AssumedRoleUser
                # Arn is acs:ram::<account>:role/<role name in lower case>/<session> (as the documented example).
                raise ApiFault("InvalidParameter.PolicyGrammar", 400, "The policy has a grammar error.")
        credentials = self._issue_sts(role, session_name, duration)
        arn = "acs:ram::%s:role/%s/%s" % (self.account_id, role["RoleName"].lower(), session_name)
        return {"Credentials": credentials,
                "AssumedRoleUser": {"Arn": arn, "AssumedRoleId": "%s:%s" % (role["RoleId"], session_name)}}
