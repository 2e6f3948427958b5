# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one in-memory stand-in for ``RamClient``: a whole RAM account, for the reconcilers' and modules' unit tests.

It has RamClient's method names, arguments and normalised (snake_case) results, and answers the way RamClient
answers against the RAM API emulator (tests/emulator/), which follows Alibaba's documents: ``get_*`` return None
for ``EntityNotExist.*`` (``get_login_profile`` only for ``EntityNotExist.User.LoginProfile``), every other refusal
raises :class:`RamApiError` with the emulator's code and HTTP status, in the emulator's order of checks.
tests/unit/plugins/test_fake_contract.py runs the same scenarios against this fake and against RamClient +
Transport + the emulator and requires equal results: change one, and that test says where they part.

What it models
  users (case-insensitive names, the default domain and verified domain aliases, frozen users, the intl site's
  missing Email/MobilePhone), tags, groups and memberships (5 groups per user), system and custom policies attached
  to users (20 System / 10 Custom) and groups, login profiles (with the password sent, PasswordStatus and the
  InitialPasswordAge expiry), the password policy (SetPasswordPolicy resets omitted fields to their defaults) and
  the check of a new password against it, AccessKeys (2 per user; created with a secret, activated and deactivated,
  their last use), virtual MFA devices, and what people and the platform do to a user (``person_change_password``,
  ``person_bind_mfa``, ``person_login``, ``idle_disable``, ``freeze``, ``unfreeze``) or to a key (``use_key``,
  ``age_key``), as the emulator's ``/_emulator/people/*`` and ``/_emulator/keys/*`` paths do.
What it does not: paging, retries, replication lag, STS, policy versions or documents.

For tests
  * ``calls``: one record of every RamClient call, ``(method, kwargs)``; ``methods()``, ``writes()`` (the write
    methods' names), ``write_calls()``, ``calls_to(method)``, ``count(method)``, ``sent_passwords``,
    ``reset_calls()``. Seeding (``add_*``) and people helpers are not recorded.
  * ``fail``: ``fail[method]`` or ``fail[(method, name)]`` (name: the call's upn, user_name or group_name) is an
    exception raised by every such call (before it changes anything) until the entry is removed.
  * ``hooks``: callables ``hook(method, kwargs)`` run before every call, outside the lock; ``gather(method, n)``
    makes the first ``n`` calls of a method wait for each other (a barrier), so n calls are in flight at once.
  * ``latency``: seconds every call takes; ``active`` and ``peak`` count the calls in flight, ``threads`` names the
    threads that called.
  * ``access_key_secrets``: the secret of every key ``create_access_key`` made, kept after its deletion (by ID);
    ``lost_creates``: how many of the next ``create_access_key`` calls first leave a key whose answer was lost, as
    a create the transport retried after its first attempt had reached the server.
  * Thread-safe: the batch engine shares one client between its workers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import copy
import functools
import inspect
import ipaddress
import itertools
import json
import re
import secrets
import string
import threading
import time

from ansible_collections.aliyun.ram.plugins.module_utils.api import PASSWORD_POLICY_FIELDS, NewAccessKey
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError

DOMAIN = "corp.onaliyun.com"
ACCOUNT_ID = "1234567890123456"
READ_PREFIXES = ("get_", "list_")

# Alibaba's documented defaults (SetPasswordPolicy), in RamClient's snake_case names.
DEFAULT_PASSWORD_POLICY = {
    "minimum_password_length": 8, "require_lowercase_characters": False, "require_uppercase_characters": False,
    "require_numbers": False, "require_symbols": False, "minimum_password_different_character": 0,
    "password_not_contain_user_name": False, "max_login_attemps": 0, "max_password_age": 0, "hard_expire": False,
    "password_reuse_prevention": 0, "initial_password_age": 14, "intercept_risk_password_on_api": False,
}
# The integer fields' ranges; out of range is InvalidParameter.<WireName>.Range.
PASSWORD_POLICY_RANGES = {
    "minimum_password_length": (8, 32), "max_login_attemps": (0, 32), "password_reuse_prevention": (0, 24),
    "max_password_age": (0, 1095), "minimum_password_different_character": (0, 8), "initial_password_age": (0, 90),
}
# The security preference a new account has: the documented defaults (the emulator's A91 for the two without one).
DEFAULT_SECURITY_PREFERENCE = {
    "allow_user_to_change_password": True, "allow_user_to_login_with_passkey": True, "enable_save_mfa_ticket": False,
    "login_network_masks": [], "login_session_duration": 6, "mfa_operation_for_login": "independent",
    "operation_for_risk_login": "autonomous", "allow_user_to_manage_access_keys": False,
    "allow_user_to_manage_service_credentials": False, "allow_user_to_manage_mfa_devices": True,
    "allow_user_to_manage_personal_dingtalk": True, "verification_types": [], "max_idle_days_for_users": 730,
    "max_idle_days_for_access_keys": 730,
}
SECURITY_PREFERENCE_CHOICES = {
    "mfa_operation_for_login": ("mandatory", "independent", "adaptive"),
    "operation_for_risk_login": ("autonomous", "enforceVerify"),
    "max_idle_days_for_users": ("90", "180", "365", "730"), "max_idle_days_for_access_keys": ("90", "180", "365", "730"),
}
SYSTEM_POLICIES = ("AdministratorAccess", "ReadOnlyAccess", "AliyunOSSReadOnlyAccess", "AliyunECSFullAccess")
MAX_GROUPS = 50
MAX_GROUPS_PER_USER = 5
MAX_ACCESS_KEYS_PER_USER = 2
MAX_POLICIES_PER_USER = {"System": 20, "Custom": 10}
MAX_POLICIES_PER_GROUP = {"System": 20, "Custom": 10}
MAX_TAGS_PER_USER = 20
ACCESS_KEY_SECRET_LENGTH = 30   # the emulator's
DAY = 86400

INTEGER_RE = re.compile(r"-?[0-9]+")
NAME_RE = re.compile(r"[A-Za-z0-9._-]+")
POLICY_NAME_RE = re.compile(r"[A-Za-z0-9-]+")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MOBILE_RE = re.compile(r"[0-9]{1,5}-[0-9]{4,20}")
USER_STATUS_FILTERS = {"active": ("active",), "freeze": ("freeze",), "active,freeze": ("active", "freeze")}
STATUS_BY_PREFIX = (("EntityNotExist", 404), ("EntityAlreadyExists", 409), ("DeleteConflict", 409),
                    ("LimitExceeded", 409), ("NoPermission", 403))

# RamClient method -> the API action it calls (for the ``action`` of an error).
ACTIONS = {
    "get_default_domain": "GetDefaultDomain", "get_user": "GetUser", "create_user": "CreateUser",
    "update_user": "UpdateUser", "delete_user": "DeleteUser", "list_users": "ListUsers", "tag_user": "TagResources",
    "untag_user": "UntagResources", "list_groups_for_user": "ListGroupsForUser", "add_user_to_group": "AddUserToGroup",
    "remove_user_from_group": "RemoveUserFromGroup", "list_policies_for_user": "ListPoliciesForUser",
    "attach_policy_to_user": "AttachPolicyToUser", "detach_policy_from_user": "DetachPolicyFromUser",
    "get_policy": "GetPolicy", "list_access_keys": "ListAccessKeys", "delete_access_key": "DeleteAccessKey",
    "create_access_key": "CreateAccessKey", "update_access_key": "UpdateAccessKey",
    "get_access_key_last_used": "GetAccessKeyLastUsed",
    "get_user_mfa_info": "GetUserMFAInfo", "unbind_mfa_device": "UnbindMFADevice",
    "get_login_profile": "GetLoginProfile", "create_login_profile": "CreateLoginProfile",
    "update_login_profile": "UpdateLoginProfile", "delete_login_profile": "DeleteLoginProfile",
    "get_password_policy": "GetPasswordPolicy", "set_password_policy": "SetPasswordPolicy", "get_group": "GetGroup",
    "create_group": "CreateGroup", "update_group": "UpdateGroup", "delete_group": "DeleteGroup",
    "list_groups": "ListGroups", "list_users_for_group": "ListUsersForGroup",
    "list_policies_for_group": "ListPoliciesForGroup", "attach_policy_to_group": "AttachPolicyToGroup",
    "detach_policy_from_group": "DetachPolicyFromGroup",
    "get_policy_detail": "GetPolicy", "list_policies": "ListPolicies", "create_policy": "CreatePolicy",
    "update_policy_description": "UpdatePolicyDescription", "delete_policy": "DeletePolicy",
    "list_policy_versions": "ListPolicyVersions", "create_policy_version": "CreatePolicyVersion",
    "delete_policy_version": "DeletePolicyVersion", "set_default_policy_version": "SetDefaultPolicyVersion",
    "list_entities_for_policy": "ListEntitiesForPolicy",
    "get_role": "GetRole", "list_roles": "ListRoles", "create_role": "CreateRole", "update_role": "UpdateRole",
    "delete_role": "DeleteRole", "list_policies_for_role": "ListPoliciesForRole",
    "attach_policy_to_role": "AttachPolicyToRole", "detach_policy_from_role": "DetachPolicyFromRole",
    "get_security_preference": "GetSecurityPreference", "set_security_preference": "SetSecurityPreference",
    "generate_credential_report": "GenerateCredentialReport", "get_credential_report": "GetCredentialReport",
}
MAX_POLICIES_PER_ROLE = {"System": 20, "Custom": 10}
ROLE_NAME_RE = re.compile(r"[A-Za-z0-9.-]+")
# The credential report's columns, as the emulator writes them (fact sheet part 2, section 7.3).
REPORT_COLUMNS = (
    "user", "user_creation_time", "user_last_logon", "password_exist", "password_active", "password_last_changed",
    "password_next_rotation", "mfa_active",
    "access_key_1_exist", "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used",
    "access_key_2_exist", "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used",
)


class PersonRefused(Exception):
    """What a person cannot do (the emulator's people paths answer 409 or 400); ``status`` is that HTTP status."""

    def __init__(self, status, message):
        super(PersonRefused, self).__init__(message)
        self.status = status


class _Refusal(Exception):
    """An API error before the method knows its action; ``_dispatch`` turns it into a RamApiError."""

    def __init__(self, code, http_status=None, message=None):
        super(_Refusal, self).__init__(code)
        self.code = code
        self.http_status = http_status
        self.message = message

    def api_error(self, action=None):
        return RamApiError(self.code, self.message or self.code, request_id="FAKE-REQUEST",
                           http_status=self.http_status or _status_of(self.code), action=action)


def _refuse(code, http_status=None, message=None):
    raise _Refusal(code, http_status, message)


def _or_none(lookup):
    """``lookup()``, or None when what it looks for does not exist (EntityNotExist.*), as RamClient's get_* answer."""
    try:
        return lookup()
    except _Refusal as refusal:
        if refusal.code.startswith("EntityNotExist"):
            return None
        raise


def _status_of(code):
    for prefix, status in STATUS_BY_PREFIX:
        if code.startswith(prefix):
            return status
    return 400


def _check_length(value, field, maximum, minimum=0):
    if not minimum <= len(value) <= maximum:
        _refuse("InvalidParameter.%s.Length" % field)


def _check_name(value, field, maximum=64, pattern=NAME_RE):
    if not 1 <= len(value) <= maximum:
        _refuse("InvalidParameter.%s.Length" % field)
    if not pattern.fullmatch(value):
        _refuse("InvalidParameter.%s.InvalidChars" % field)


def _check_tag(key, value):
    if not 1 <= len(key) <= 128:
        _refuse("InvalidParameter.Tag.Key.Length")
    lowered = key.lower()
    if lowered.startswith(("acs:", "aliyun")) or "http://" in lowered or "https://" in lowered:
        _refuse("InvalidParameter.Tag.Key.InvalidChars")
    if len(value) > 128:
        _refuse("InvalidParameter.Tag.Value.Length")
    lowered = value.lower()
    if lowered.startswith("acs:") or "http://" in lowered or "https://" in lowered:
        _refuse("InvalidParameter.Tag.Value.InvalidChars")


def _wire_tags(tags):
    """Tag values as they travel: text, and None as ""."""
    return dict((str(key), "" if value is None else str(value)) for key, value in (tags or {}).items())


def _on_the_wire(value):
    """A parameter as the transport sends it: None stays unsent, booleans are true/false, the rest is text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _epoch(text):
    return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))


def api(method):
    """A RamClient method of the fake: recorded, hooked, delayed, failed on demand, run under the lock."""
    signature = inspect.signature(method)

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = {}
        for name, value in bound.arguments.items():
            if name == "self":
                continue
            if signature.parameters[name].kind == inspect.Parameter.VAR_KEYWORD:
                arguments.update(value)
            else:
                arguments[name] = value
        return self._dispatch(method.__name__, arguments, lambda: method(self, *args, **kwargs))
    return call


def _report_flag(value):
    """A credential report's boolean column."""
    return "TRUE" if value else "FALSE"


class FakeRamClient:
    """See the module docstring. ``domain``, ``site`` and ``account_id`` are the account's; ``clock`` gives epoch seconds."""

    def __init__(self, domain=DOMAIN, domain_aliases=(), site="cn", account_id=ACCOUNT_ID,
                 system_policies=SYSTEM_POLICIES, password_policy=None, latency=0.0, clock=time.time):
        self.domain = domain
        self.domain_aliases = set(alias.lower() for alias in domain_aliases)
        self.site = site
        self.account_id = account_id
        self.clock = clock
        self.lock = threading.RLock()
        # --- state: public for seeding and assertions; a user is keyed by its UPN in the default domain
        self.users = {}             # upn -> normalised user keys (tags a dict) + status "active" / "freeze"
        self.groups = {}            # group name -> normalised group keys
        self.memberships = {}       # (upn, group name) -> join date
        self.user_policies = {}     # user name -> [(policy type, policy name, attach date)] in attach order
        self.group_policies = {}    # group name -> [(policy type, policy name, attach date)]
        self.policies = {}          # (policy type, policy name) -> description
        # custom policy name -> {"versions": [{version_id, policy_document, create_date}], "default": id,
        # "last": highest version number ever, "create_date", "update_date"}; seeded policies have none until read
        self.policy_versions = {}
        self.roles = {}             # lower-case role name -> normalised role keys (the trust policy as JSON text)
        self.role_policies = {}     # role name -> [(policy type, policy name, attach date)]
        self.login_profiles = {}    # upn -> status, password_reset_required, mfa_bind_required, dates, ...
        self.passwords = {}         # upn -> the password last set (sent by an administrator or chosen by the person)
        self.access_keys = {}       # upn -> [access key dicts] in creation order
        self.access_key_secrets = {}  # access key id -> its secret (every key create_access_key made, deleted or not)
        self.key_last_used = {}     # access key id -> {"last_used_date", "service_name"} once used
        self.lost_creates = 0
        self.mfa_devices = {}       # upn -> serial number
        self.password_policy = dict(DEFAULT_PASSWORD_POLICY, **(password_policy or {}))
        self.security_preference = copy.deepcopy(DEFAULT_SECURITY_PREFERENCE)
        self.created = _iso(clock())
        self.credential_reports = []   # {"generated", "ready_at", "rows"}, oldest first (the emulator's A94, A95)
        self.report_delay = 0.0         # seconds a new report takes to generate
        for name in system_policies:
            self.policies[("System", name)] = ""
        # --- what the tests watch and steer
        self.calls = []
        self.fail = {}
        self.hooks = []
        self.latency = latency
        self.active = 0
        self.peak = 0
        self.threads = set()
        self._ids = itertools.count(10 ** 16 + 1)

    # ================================================================ the call record

    def methods(self):
        return [method for method, _kwargs in self.calls]

    def writes(self):
        """The names of the write methods called, in order."""
        return [method for method in self.methods() if not method.startswith(READ_PREFIXES)]

    def write_calls(self):
        return [(method, kwargs) for method, kwargs in self.calls if not method.startswith(READ_PREFIXES)]

    def calls_to(self, method):
        """The keyword arguments of every call of ``method``."""
        return [kwargs for name, kwargs in self.calls if name == method]

    def count(self, method):
        return len(self.calls_to(method))

    @property
    def sent_passwords(self):
        """The ``password`` argument of every create_login_profile / update_login_profile call (None: not sent)."""
        return [kwargs["password"] for name, kwargs in self.calls
                if name in ("create_login_profile", "update_login_profile")]

    def reset_calls(self):
        with self.lock:
            self.calls = []

    def gather(self, method, parties, timeout=10):
        """Hold the first ``parties`` calls of ``method`` until all of them have arrived (a barrier)."""
        barrier = threading.Barrier(parties, timeout=timeout)
        arrivals = itertools.count()
        counter_lock = threading.Lock()

        def hook(name, kwargs):
            if name != method:
                return
            with counter_lock:
                arrival = next(arrivals)
            if arrival < parties:
                barrier.wait()
        self.hooks.append(hook)
        return barrier

    def _dispatch(self, method, kwargs, operation):
        with self.lock:
            self.calls.append((method, copy.deepcopy(kwargs)))
            self.threads.add(threading.current_thread().name)
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            for hook in list(self.hooks):
                hook(method, kwargs)
            if self.latency:
                time.sleep(self.latency)
            key = kwargs.get("upn") or kwargs.get("user_name") or kwargs.get("group_name")
            error = self.fail.get((method, key), self.fail.get(method))
            if error is not None:
                raise error
            with self.lock:
                try:
                    return operation()
                except _Refusal as refusal:
                    raise refusal.api_error(ACTIONS.get(method))
        finally:
            with self.lock:
                self.active -= 1

    # ================================================================ lookups (the emulator's rules)

    def _now(self):
        return _iso(self.clock())

    def _new_id(self):
        return str(next(self._ids))

    def _split_upn(self, value, field="UserPrincipalName", lookup=True):
        """The name part of a UPN; a foreign domain names nobody (lookup) or is refused (a new name)."""
        if len(value) > 128:
            _refuse("InvalidParameter.%s.Length" % field)
        name, at, domain = value.rpartition("@")
        if not at:
            name, domain = value, ""
        if not 1 <= len(name) <= 64:
            _refuse("InvalidParameter.%s.Length" % field)
        if not NAME_RE.fullmatch(name):
            _refuse("InvalidParameter.%s.InvalidChars" % field)
        if domain.lower() != self.domain.lower() and domain.lower() not in self.domain_aliases:
            _refuse("EntityNotExist.User" if lookup else "InvalidParameter.%s.Domain" % field)
        return name

    def _key_by_name(self, name):
        lowered = name.lower()
        for upn, user in self.users.items():
            if user["user_name"].lower() == lowered:
                return upn
        return None

    def _user_key(self, upn, field="UserPrincipalName"):
        """The key (default-domain UPN) of the user ``upn`` names, or EntityNotExist.User."""
        key = self._key_by_name(self._split_upn(upn, field))
        if key is None:
            _refuse("EntityNotExist.User")
        return key

    def _user_key_by_name(self, user_name):
        """RAM names users by UserName (RamClient sends the UPN's name part)."""
        name = user_name.split("@", 1)[0]
        _check_name(name, "UserName")
        key = self._key_by_name(name)
        if key is None:
            _refuse("EntityNotExist.User")
        return key

    def _group_name(self, name, field="GroupName"):
        _check_name(name, field)
        lowered = name.lower()
        for existing in self.groups:
            if existing.lower() == lowered:
                return existing
        _refuse("EntityNotExist.Group")

    def _policy(self, policy_name, policy_type):
        _check_name(policy_name, "PolicyName", 128, POLICY_NAME_RE)
        if policy_type not in ("System", "Custom"):
            _refuse("InvalidParameter.PolicyType")
        if (policy_type, policy_name) not in self.policies:
            _refuse("EntityNotExist.Policy")
        return (policy_type, policy_name)

    def _groups_of_key(self, key):
        return [group for upn, group in self.memberships if upn == key]

    # ================================================================ views (what RamClient returns)

    def _user_view(self, user, listed=False):
        view = dict((k, v) for k, v in user.items() if k != "status")
        view["tags"] = dict(user["tags"]) or None
        view["status"] = user["status"] if listed else None
        if self.site == "intl":
            view["email"] = view["mobile_phone"] = None
        return view

    @staticmethod
    def _group_view(group, join_date=None):
        view = dict(group)
        if join_date is not None:
            view.update(create_date=None, update_date=None, join_date=join_date)
        return view

    def _member_view(self, key, join_date):
        user = self.users[key]
        return {"user_id": user["user_id"], "user_principal_name": key, "user_name": user["user_name"],
                "display_name": user["display_name"], "email": None, "mobile_phone": None, "comments": None,
                "create_date": None, "update_date": None, "last_login_date": None, "provision_type": None,
                "tags": None, "status": None, "join_date": join_date}

    def _attached_view(self, attachments):
        return [{"policy_name": name, "policy_type": kind, "description": self.policies[(kind, name)],
                 "default_version": self._default_version(kind, name), "attach_date": date}
                for kind, name, date in attachments]

    def _default_version(self, kind, name):
        record = self.policy_versions.get(name) if kind == "Custom" else None
        return record["default"] if record else "v1"

    def _password_status(self, profile):
        if not profile["initial_password_set"]:
            return "NotInitial"
        age = self.password_policy["initial_password_age"]
        if age and self.clock() > _epoch(profile["initial_password_set"]) + age * 86400:
            return "InitialExpired"
        return "InitialValid"

    def _profile_view(self, key, extra=()):
        profile = self.login_profiles[key]
        return {"user_principal_name": key, "status": profile["status"],
                "password_reset_required": profile["password_reset_required"],
                "mfa_bind_required": profile["mfa_bind_required"], "password_status": self._password_status(profile),
                "create_date": None, "update_date": profile["update_date"],
                "last_login_time": profile["last_login_time"] if "last_login_time" in extra else None,
                "auto_disable_login_status": "true" if "auto_disable_login_status" in extra else None}

    # ================================================================ account

    @api
    def get_default_domain(self):
        return self.domain

    def upn_for(self, name):
        if not name or "@" in name:
            return name
        return "%s@%s" % (name, self.get_default_domain())

    # ================================================================ users

    @api
    def get_user(self, upn=None, user_id=None):
        if (upn is None) == (user_id is None):
            raise ValidationError("user", "give exactly one of user_principal_name and user_id")
        if user_id is not None:
            for user in self.users.values():
                if user["user_id"] == user_id:
                    return self._user_view(user)
            return None
        return _or_none(lambda: self._user_view(self.users[self._user_key(upn)]))

    @api
    def create_user(self, upn, display_name, email=None, mobile_phone=None, comments=None, tags=None):
        return self._user_view(self._create_user(upn, display_name, email, mobile_phone, comments, tags))

    def _create_user(self, upn, display_name, email=None, mobile_phone=None, comments=None, tags=None):
        name = self._split_upn(upn, lookup=False)
        if not display_name:
            _refuse("MissingParameter.DisplayName")
        _check_length(display_name, "DisplayName", 24, 1)
        if comments is not None:
            _check_length(comments, "Comments", 128, 1)
        self._check_contacts(email, mobile_phone)
        tags = _wire_tags(tags)
        for key, value in tags.items():
            _check_tag(key, value)
        if len(tags) > MAX_TAGS_PER_USER:
            _refuse("LimitExceeded.User.Tag")
        if self._key_by_name(name) is not None:
            _refuse("EntityAlreadyExists.User")
        now = self._now()
        keep = self.site != "intl"  # the international site accepts Email and MobilePhone and ignores them
        user = {"user_id": self._new_id(), "user_principal_name": "%s@%s" % (name, self.domain), "user_name": name,
                "display_name": display_name, "email": (email or "") if keep else "",
                "mobile_phone": (mobile_phone or "") if keep else "", "comments": comments or "",
                "create_date": now, "update_date": now, "last_login_date": "", "provision_type": "Manual",
                "tags": tags, "status": "active"}
        self.users[user["user_principal_name"]] = user
        return user

    @staticmethod
    def _check_contacts(email, mobile_phone, prefix=""):
        if email is not None and (len(email) > 128 or not EMAIL_RE.fullmatch(email)):
            _refuse("InvalidParameter.%sEmail.Format" % prefix)
        if mobile_phone is not None and not MOBILE_RE.fullmatch(mobile_phone):
            _refuse("InvalidParameter.%sMobilePhone.Format" % prefix)

    @api
    def update_user(self, upn=None, user_id=None, new_upn=None, new_display_name=None, new_email=None,
                    new_mobile_phone=None, new_comments=None):
        if (upn is None) == (user_id is None):
            raise ValidationError("user", "give exactly one of user_principal_name and user_id")
        if user_id is not None:
            key = next((k for k, u in self.users.items() if u["user_id"] == user_id), None)
            if key is None:
                _refuse("EntityNotExist.User")
        else:
            key = self._user_key(upn)
        new_name = self._split_upn(new_upn, "NewUserPrincipalName", lookup=False) if new_upn else None
        if new_display_name is not None:
            _check_length(new_display_name, "NewDisplayName", 24, 1)
        if new_comments is not None:
            _check_length(new_comments, "NewComments", 128, 1)
        self._check_contacts(new_email, new_mobile_phone, prefix="New")
        user = self.users[key]
        if new_name is not None:
            other = self._key_by_name(new_name)
            if other is not None and other != key:
                _refuse("EntityAlreadyExists.User")
            self._rename_user(key, new_name)
        for field, value in (("display_name", new_display_name), ("comments", new_comments)):
            if value is not None:
                user[field] = value
        if self.site != "intl":
            for field, value in (("email", new_email), ("mobile_phone", new_mobile_phone)):
                if value is not None:
                    user[field] = value
        user["update_date"] = self._now()
        return self._user_view(user)

    def _rename_user(self, key, new_name):
        user = self.users.pop(key)
        old_name = user["user_name"]
        new_key = "%s@%s" % (new_name, self.domain)
        user["user_name"] = new_name
        user["user_principal_name"] = new_key
        self.users[new_key] = user
        self.memberships = dict(((new_key if upn == key else upn, group), date)
                                for (upn, group), date in self.memberships.items())
        if old_name in self.user_policies:
            self.user_policies[new_name] = self.user_policies.pop(old_name)
        for store in (self.login_profiles, self.passwords, self.access_keys, self.mfa_devices):
            if key in store:
                store[new_key] = store.pop(key)

    @api
    def delete_user(self, upn):
        key = self._user_key(upn)
        name = self.users[key]["user_name"]
        # in the order of DeleteUser's documented error table (the emulator's assumption A32)
        for blocked, code in ((self._groups_of_key(key), "DeleteConflict.User.Group"),
                              (self.access_keys.get(key), "DeleteConflict.User.AccessKey"),
                              (key in self.login_profiles, "DeleteConflict.User.LoginProfile"),
                              (key in self.mfa_devices, "DeleteConflict.User.MFADevice"),
                              (self.user_policies.get(name), "DeleteConflict.User.Policy")):
            if blocked:
                _refuse(code)
        del self.users[key]
        self.user_policies.pop(name, None)
        self.passwords.pop(key, None)
        self.access_keys.pop(key, None)

    @api
    def list_users(self, status="active,freeze"):
        if status and status not in USER_STATUS_FILTERS:
            _refuse("InvalidParameter.Status")
        states = USER_STATUS_FILTERS[status or "active"]
        users = sorted(self.users.values(), key=lambda u: (u["user_name"].lower(), u["user_id"]))
        return [self._user_view(user, listed=True) for user in users if user["status"] in states]

    @api
    def tag_user(self, upn, tags):
        user = self.users[self._user_key(upn, "ResourcePrincipalName")]
        tags = _wire_tags(tags)
        if not tags:
            _refuse("MissingParameter.Tag.1.Key")
        if len(tags) > MAX_TAGS_PER_USER:
            _refuse("InvalidParameter.Tag")
        for key, value in tags.items():
            _check_tag(key, value)
        if len(dict(user["tags"], **tags)) > MAX_TAGS_PER_USER:
            _refuse("LimitExceeded.User.Tag")
        user["tags"].update(tags)
        user["update_date"] = self._now()

    @api
    def untag_user(self, upn, keys):
        user = self.users[self._user_key(upn, "ResourcePrincipalName")]
        if not keys:
            _refuse("MissingParameter.TagKey.1")
        if len(keys) > MAX_TAGS_PER_USER:
            _refuse("InvalidParameter.TagKey")
        for key in keys:
            user["tags"].pop(key, None)
        user["update_date"] = self._now()

    # ================================================================ a user's groups and policies

    @api
    def list_groups_for_user(self, upn):
        key = self._user_key(upn)
        joined = [(date, group) for (member, group), date in self.memberships.items() if member == key]
        joined.sort(key=lambda entry: (entry[0], entry[1].lower()))
        return [self._group_view(self.groups[group], join_date=date) for date, group in joined]

    @api
    def add_user_to_group(self, upn, group_name):
        self._add_user_to_group(upn, group_name)

    def _add_user_to_group(self, upn, group_name):
        group = self._group_name(group_name)
        key = self._user_key(upn)
        if (key, group) in self.memberships:
            _refuse("EntityAlreadyExists.User.Group")
        if len(self._groups_of_key(key)) >= MAX_GROUPS_PER_USER:
            _refuse("LimitExceeded.User.Group")
        self.memberships[(key, group)] = self._now()

    @api
    def remove_user_from_group(self, upn, group_name):
        group = self._group_name(group_name)
        key = self._user_key(upn)
        if (key, group) not in self.memberships:
            _refuse("EntityNotExist.User.Group")
        del self.memberships[(key, group)]

    @api
    def list_policies_for_user(self, user_name):
        name = self.users[self._user_key_by_name(user_name)]["user_name"]
        return self._attached_view(self.user_policies.get(name, []))

    @api
    def attach_policy_to_user(self, user_name, policy_name, policy_type):
        self._attach_user_policy(user_name, policy_name, policy_type)

    def _attach_user_policy(self, user_name, policy_name, policy_type):
        policy = self._policy(policy_name, policy_type)
        name = self.users[self._user_key_by_name(user_name)]["user_name"]
        self._attach(self.user_policies.setdefault(name, []), policy, MAX_POLICIES_PER_USER, "User")

    def _attach(self, attachments, policy, limits, owner):
        if any((kind, name) == policy for kind, name, _date in attachments):
            _refuse("EntityAlreadyExists.%s.Policy" % owner)
        if sum(1 for kind, _name, _date in attachments if kind == policy[0]) >= limits[policy[0]]:
            _refuse("LimitExceeded.%s.Policy" % owner)
        attachments.append(policy + (self._now(),))

    @staticmethod
    def _detach(attachments, policy, owner):
        for attachment in attachments:
            if attachment[:2] == policy:
                attachments.remove(attachment)
                return
        _refuse("EntityNotExist.%s.Policy" % owner)

    @api
    def detach_policy_from_user(self, user_name, policy_name, policy_type):
        policy = self._policy(policy_name, policy_type)
        name = self.users[self._user_key_by_name(user_name)]["user_name"]
        self._detach(self.user_policies.get(name, []), policy, "User")

    @api
    def get_policy(self, policy_name, policy_type):
        found = _or_none(lambda: self._policy(policy_name, policy_type))
        if found is None:
            return None
        kind, name = found
        return {"policy_name": name, "policy_type": kind, "description": self.policies[(kind, name)],
                "default_version": self._default_version(kind, name), "attach_date": None}

    # ================================================================ access keys and MFA

    @api
    def list_access_keys(self, upn):
        keys = self.access_keys.get(self._user_key(upn), [])
        # the emulator lists by CreateDate (a stable sort: creation order among equal dates)
        return [dict(key) for key in sorted(keys, key=lambda key: key["create_date"])]

    def _access_key(self, upn, access_key_id):
        """The user's key ``access_key_id``: the ID is checked first, then the user, then the key (the emulator's order)."""
        if not access_key_id:
            _refuse("MissingParameter.UserAccessKeyId")
        for key in self.access_keys.get(self._user_key(upn), []):
            if key["access_key_id"] == access_key_id:
                return key
        _refuse("EntityNotExist.User.AccessKey")

    @api
    def delete_access_key(self, upn, access_key_id):
        key = self._access_key(upn, access_key_id)
        self.access_keys[self._user_key(upn)].remove(key)
        self.key_last_used.pop(access_key_id, None)

    def _new_access_key(self, upn, access_key_id=None):
        key = self._user_key(upn)
        keys = self.access_keys.setdefault(key, [])
        if len(keys) >= MAX_ACCESS_KEYS_PER_USER:
            _refuse("LimitExceeded.User.AccessKey")
        now = self._now()
        keys.append({"access_key_id": access_key_id or "LTAI5t%s" % self._new_id(), "status": "Active",
                     "create_date": now, "update_date": now})
        return keys[-1]

    @api
    def create_access_key(self, upn):
        if self.lost_creates:
            # a first attempt reached the server and its answer was lost; the retry below makes a second key
            self.lost_creates -= 1
            lost = self._new_access_key(upn)
            self.access_key_secrets[lost["access_key_id"]] = self._new_secret()
        key = self._new_access_key(upn)
        secret = self._new_secret()
        self.access_key_secrets[key["access_key_id"]] = secret
        # CreateAccessKey answers AccessKeyId, AccessKeySecret, Status and CreateDate (no UpdateDate)
        return NewAccessKey(dict(key, update_date=None), secret)

    @staticmethod
    def _new_secret():
        return "".join(secrets.choice(string.ascii_letters + string.digits) for _dummy in range(ACCESS_KEY_SECRET_LENGTH))

    @api
    def update_access_key(self, upn, access_key_id, status):
        if not access_key_id:
            _refuse("MissingParameter.UserAccessKeyId")
        if not status:
            _refuse("MissingParameter.Status")
        if status not in ("Active", "Inactive"):
            _refuse("InvalidParameter.Status")
        key = self._access_key(upn, access_key_id)
        key["status"] = status
        key["update_date"] = self._now()

    @api
    def get_access_key_last_used(self, upn, access_key_id):
        self._access_key(upn, access_key_id)
        last = self.key_last_used.get(access_key_id) or {}
        return {"last_used_date": last.get("last_used_date"), "service_name": last.get("service_name")}

    @api
    def get_user_mfa_info(self, upn):
        key = _or_none(lambda: self._user_key(upn))
        if key is None:
            return None
        serial = self.mfa_devices.get(key)
        # IMS answers a user without a device with IsMFAEnable=false, not with an error (the emulator's A45)
        return {"is_mfa_enabled": serial is not None, "serial_number": serial,
                "device_type": "VMFA" if serial is not None else None}

    @api
    def unbind_mfa_device(self, upn):
        key = self._user_key(upn)
        if key not in self.mfa_devices:
            _refuse("EntityNotExist.User.MFADevice")
        del self.mfa_devices[key]

    # ================================================================ login profiles

    def _check_password(self, password, key):
        if self._password_violation(password, key) is not None:
            _refuse("InvalidParameter.Password.TooWeak")

    def _password_violation(self, password, key):
        """The first policy rule ``password`` breaks (the emulator's checks, in its order), or None."""
        policy = self.password_policy
        checks = (
            ("minimum_password_length", len(password) < policy["minimum_password_length"]),
            ("require_lowercase_characters", policy["require_lowercase_characters"]
             and not any(c in string.ascii_lowercase for c in password)),
            ("require_uppercase_characters", policy["require_uppercase_characters"]
             and not any(c in string.ascii_uppercase for c in password)),
            ("require_numbers", policy["require_numbers"] and not any(c in string.digits for c in password)),
            ("require_symbols", policy["require_symbols"] and not any(c in string.punctuation for c in password)),
            ("password_not_contain_user_name", policy["password_not_contain_user_name"]
             and self.users[key]["user_name"].lower() in password.lower()),
            ("minimum_password_different_character", len(set(password)) < policy["minimum_password_different_character"]),
        )
        return next((rule for rule, broken in checks if broken), None)

    @staticmethod
    def _login_status(status):
        if status is not None and status not in ("Active", "Inactive"):
            _refuse("InvalidParameter.Status")
        return status

    @api
    def get_login_profile(self, upn):
        key = self._user_key(upn)
        if key not in self.login_profiles:
            return None
        return self._profile_view(key, extra=("last_login_time", "auto_disable_login_status"))

    @api
    def create_login_profile(self, upn, password=None, password_reset_required=None, mfa_bind_required=None, status=None):
        return self._create_login_profile(upn, password, password_reset_required, mfa_bind_required, status)

    def _create_login_profile(self, upn, password=None, password_reset_required=None, mfa_bind_required=None,
                              status=None):
        key = self._user_key(upn)
        self._login_status(status)
        if key in self.login_profiles:
            _refuse("EntityAlreadyExists.User.LoginProfile")
        if password is not None:
            self._check_password(password, key)
        now = self._now()
        self.login_profiles[key] = {
            "status": status or "Active", "password_reset_required": bool(password_reset_required),
            "mfa_bind_required": bool(mfa_bind_required), "create_date": now, "update_date": now,
            "last_login_time": "",
            # only a password an administrator set is an initial password (the emulator's A42)
            "initial_password_set": now if password is not None else None, "password_history": []}
        if password is not None:
            self._remember_password(key, password)
        return self._profile_view(key)

    def _remember_password(self, key, password):
        """The password is set: kept for the tests, and the last 24 for PasswordReusePrevention."""
        self.passwords[key] = password
        profile = self.login_profiles[key]
        profile["password_changed"] = self._now()
        profile["password_history"] = ([password] + profile["password_history"])[:24]

    @api
    def update_login_profile(self, upn, password=None, password_reset_required=None, mfa_bind_required=None, status=None):
        key = self._user_key(upn)
        self._login_status(status)
        if key not in self.login_profiles:
            _refuse("EntityNotExist.User.LoginProfile")
        profile = self.login_profiles[key]
        now = self._now()
        if password is not None:
            self._check_password(password, key)
            self._remember_password(key, password)
            profile["initial_password_set"] = now
        for field, value in (("password_reset_required", password_reset_required),
                             ("mfa_bind_required", mfa_bind_required), ("status", status)):
            if value is not None:
                profile[field] = value
        profile["update_date"] = now
        return self._profile_view(key, extra=("auto_disable_login_status",))

    @api
    def delete_login_profile(self, upn):
        key = self._user_key(upn)
        if key not in self.login_profiles:
            _refuse("EntityNotExist.User.LoginProfile")
        del self.login_profiles[key]
        self.passwords.pop(key, None)

    # ================================================================ password policy

    @api
    def get_password_policy(self):
        return dict(self.password_policy)

    @api
    def set_password_policy(self, **fields):
        for name in fields:
            if name not in PASSWORD_POLICY_FIELDS:
                raise ValidationError(name, "is not a password policy field")
        updated = {}
        # a field left out returns to its documented default (the emulator's A41); values are read as they travel
        for name, default in DEFAULT_PASSWORD_POLICY.items():
            wire, value = PASSWORD_POLICY_FIELDS[name], _on_the_wire(fields.get(name))
            if value is None or value == "":
                updated[name] = default
            elif isinstance(default, bool):
                if value.lower() not in ("true", "false"):
                    _refuse("InvalidParameter.%s" % wire)
                updated[name] = value.lower() == "true"
            else:
                low, high = PASSWORD_POLICY_RANGES[name]
                if not INTEGER_RE.fullmatch(value) or not low <= int(value) <= high:
                    _refuse("InvalidParameter.%s.Range" % wire)
                updated[name] = int(value)
        self.password_policy = updated
        return dict(updated)

    # ================================================================ security preference

    @api
    def get_security_preference(self):
        return copy.deepcopy(self.security_preference)

    @api
    def set_security_preference(self, **fields):
        for name in fields:
            if name not in DEFAULT_SECURITY_PREFERENCE:
                raise ValidationError(name, "is not a security preference field")
        updated = {}
        # a field left out returns to its default (the emulator's A90); values are read as they travel
        for name, default in DEFAULT_SECURITY_PREFERENCE.items():
            value = fields.get(name)
            wire = "".join(part.title() for part in name.split("_")).replace("Mfa", "MFA").replace("Dingtalk", "DingTalk")
            if value is None:
                updated[name] = copy.deepcopy(default)
            elif name == "login_network_masks":
                masks = [mask for mask in value if mask]
                if len(masks) > 40 or len(";".join(masks)) > 512:
                    _refuse("InvalidParameter.LoginNetworkMasks")
                for mask in masks:
                    try:
                        ipaddress.ip_network(mask, strict=False)
                    except ValueError:
                        _refuse("InvalidParameter.LoginNetworkMasks")
                updated[name] = masks
            elif name == "verification_types":
                if any(item not in ("sms", "email") for item in value):
                    _refuse("InvalidParameter.VerificationTypes")
                updated[name] = list(value)
            elif isinstance(default, bool):
                text = _on_the_wire(value)
                if text.lower() not in ("true", "false"):
                    _refuse("InvalidParameter.%s" % wire)
                updated[name] = text.lower() == "true"
            elif name == "login_session_duration":
                text = _on_the_wire(value)
                if not INTEGER_RE.fullmatch(text) or not 1 <= int(text) <= 24:
                    _refuse("InvalidParameter.LoginSessionDuration")
                updated[name] = int(text)
            else:
                text = _on_the_wire(value)
                if text not in SECURITY_PREFERENCE_CHOICES[name]:
                    _refuse("InvalidParameter.%s" % wire)
                updated[name] = int(text) if isinstance(default, int) else text
        self.security_preference = updated
        return copy.deepcopy(updated)

    # ================================================================ credential report

    def _report_row(self, key):
        user = self.users[key]
        profile = self.login_profiles.get(key)
        row = {"user": key, "user_creation_time": user["create_date"], "user_last_logon": user.get("last_login_date") or "-"}
        if profile is None:
            row.update(password_exist="FALSE", password_active="N/A", password_last_changed="N/A",
                       password_next_rotation="N/A", mfa_active="N/A")
        else:
            changed = profile.get("password_changed")
            age = self.password_policy["max_password_age"]
            row.update(password_exist="TRUE", password_active=_report_flag(profile["status"] == "Active"),
                       password_last_changed=changed or "-",
                       password_next_rotation=_iso(_epoch(changed) + age * DAY) if changed and age else "-",
                       mfa_active=_report_flag(key in self.mfa_devices))
        keys = sorted(self.access_keys.get(key, []), key=lambda k: k["create_date"])
        for slot in (1, 2):
            prefix = "access_key_%d_" % slot
            found = keys[slot - 1] if len(keys) >= slot else None
            if found is None:
                row.update(((prefix + "exist", "FALSE"), (prefix + "active", "N/A"), (prefix + "last_rotated", "N/A"),
                            (prefix + "last_used", "N/A")))
            else:
                last = (self.key_last_used.get(found["access_key_id"]) or {}).get("last_used_date")
                row.update(((prefix + "exist", "TRUE"), (prefix + "active", _report_flag(found["status"] == "Active")),
                            (prefix + "last_rotated", found["create_date"]), (prefix + "last_used", last or "-")))
        return row

    def _report_rows(self):
        root = dict((column, "N/A") for column in REPORT_COLUMNS)
        root.update(user="<root>", user_creation_time=self.created, user_last_logon="-", password_exist="TRUE",
                    mfa_active="FALSE", access_key_1_exist="FALSE", access_key_2_exist="FALSE")
        keys = sorted(self.users, key=lambda k: (self.users[k]["user_name"].lower(), self.users[k]["user_id"]))
        return [root] + [self._report_row(key) for key in keys]

    def _ready_report(self):
        ready = [report for report in self.credential_reports if self.clock() >= report["ready_at"]]
        return ready[-1] if ready else None

    @api
    def generate_credential_report(self):
        now = self.clock()
        latest = self.credential_reports[-1] if self.credential_reports else None
        if latest is not None and now - _epoch(latest["generated"]) < 4 * 3600:
            return "COMPLETED" if now >= latest["ready_at"] else "INPROGRESS"
        previous = self._ready_report()
        self.credential_reports = [r for r in (previous,) if r is not None]
        self.credential_reports.append({"generated": _iso(now), "ready_at": now + self.report_delay,
                                        "rows": self._report_rows()})
        return "STARTED"

    @api
    def get_credential_report(self, max_items=None):
        if max_items is not None:
            text = _on_the_wire(max_items)
            if not INTEGER_RE.fullmatch(text) or not 1 <= int(text) <= 3501:
                _refuse("InvalidParameter.MaxItems")
        report = self._ready_report()
        if report is None:
            return None
        return {"generated_time": report["generated"], "columns": list(REPORT_COLUMNS),
                "rows": copy.deepcopy(report["rows"])}

    # ================================================================ groups

    @api
    def get_group(self, group_name):
        return _or_none(lambda: self._group_view(self.groups[self._group_name(group_name)]))

    @api
    def create_group(self, group_name, display_name=None, comments=None):
        return self._group_view(self._create_group(group_name, display_name, comments))

    def _create_group(self, group_name, display_name=None, comments=None):
        _check_name(group_name, "GroupName")
        if display_name is not None:
            _check_length(display_name, "DisplayName", 24, 1)
        if comments:
            _check_length(comments, "Comments", 128)
        if any(name.lower() == group_name.lower() for name in self.groups):
            _refuse("EntityAlreadyExists.Group")
        if len(self.groups) >= MAX_GROUPS:
            _refuse("LimitExceeded.Group")
        now = self._now()
        group = {"group_id": "g-%s" % self._new_id(), "group_name": group_name, "display_name": display_name or "",
                 "comments": comments or "", "create_date": now, "update_date": now}
        self.groups[group_name] = group
        return group

    @api
    def update_group(self, group_name, new_group_name=None, new_display_name=None, new_comments=None):
        name = self._group_name(group_name)
        if new_group_name is not None:
            _check_name(new_group_name, "NewGroupName")
        if new_display_name is not None:
            _check_length(new_display_name, "NewDisplayName", 24, 1)
        if new_comments is not None:
            _check_length(new_comments, "NewComments", 128)
        group = self.groups[name]
        if new_group_name is not None:
            other = next((g for g in self.groups if g.lower() == new_group_name.lower()), None)
            if other is not None and other != name:
                _refuse("EntityAlreadyExists.Group")
            del self.groups[name]
            group["group_name"] = new_group_name
            self.groups[new_group_name] = group
            self.memberships = dict(((upn, new_group_name if g == name else g), date)
                                    for (upn, g), date in self.memberships.items())
            if name in self.group_policies:
                self.group_policies[new_group_name] = self.group_policies.pop(name)
        if new_display_name is not None:
            group["display_name"] = new_display_name
        if new_comments is not None:
            group["comments"] = new_comments
        group["update_date"] = self._now()
        return self._group_view(group)

    @api
    def delete_group(self, group_name):
        name = self._group_name(group_name)
        if any(group == name for _upn, group in self.memberships):
            _refuse("DeleteConflict.Group.User")
        if self.group_policies.get(name):
            _refuse("DeleteConflict.Group.Policy")
        del self.groups[name]
        self.group_policies.pop(name, None)

    @api
    def list_groups(self):
        return [self._group_view(self.groups[name]) for name in sorted(self.groups, key=lambda n: (n.lower(), n))]

    @api
    def list_users_for_group(self, group_name):
        name = self._group_name(group_name)
        members = [(self.users[upn], date) for (upn, group), date in self.memberships.items() if group == name]
        members.sort(key=lambda member: (member[0]["user_name"].lower(), member[0]["user_id"]))
        return [self._member_view(user["user_principal_name"], date) for user, date in members]

    @api
    def list_policies_for_group(self, group_name):
        return self._attached_view(self.group_policies.get(self._group_name(group_name), []))

    @api
    def attach_policy_to_group(self, group_name, policy_name, policy_type):
        self._attach_group_policy(group_name, policy_name, policy_type)

    def _attach_group_policy(self, group_name, policy_name, policy_type):
        policy = self._policy(policy_name, policy_type)
        name = self._group_name(group_name)
        self._attach(self.group_policies.setdefault(name, []), policy, MAX_POLICIES_PER_GROUP, "Group")

    @api
    def detach_policy_from_group(self, group_name, policy_name, policy_type):
        policy = self._policy(policy_name, policy_type)
        name = self._group_name(group_name)
        self._detach(self.group_policies.get(name, []), policy, "Group")

    # ================================================================ custom policies and versions (as the emulator)

    def _policy_record(self, kind, name):
        """The versions of a policy; a system or seeded policy gets v1 with a document naming it."""
        if kind == "System" or name not in self.policy_versions:
            document = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"%s:*","Resource":"*"}]}' % name.lower()
            record = {"versions": [{"version_id": "v1", "policy_document": document, "create_date": None}],
                      "default": "v1", "last": 1, "create_date": None, "update_date": None}
            if kind == "System":
                return record
            self.policy_versions[name] = record
        return self.policy_versions[name]

    def _attachment_count(self, policy):
        stores = list(self.user_policies.values()) + list(self.group_policies.values()) + \
            list(getattr(self, "role_policies", {}).values())
        return sum(1 for attachments in stores for kind, name, _date in attachments if (kind, name) == policy)

    def _policy_detail(self, kind, name, with_document=True):
        record = self._policy_record(kind, name)
        default = [v for v in record["versions"] if v["version_id"] == record["default"]][0]
        return {"policy_name": name, "policy_type": kind, "description": self.policies[(kind, name)],
                "default_version": record["default"], "attachment_count": self._attachment_count((kind, name)),
                "create_date": record["create_date"], "update_date": record["update_date"],
                "policy_document": default["policy_document"] if with_document else None}

    @staticmethod
    def _check_document(document):
        if len(document) > 6144:
            _refuse("InvalidParameter.PolicyDocument.Length", 400)
        try:
            parsed = json.loads(document)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("Statement"), list):
            _refuse("MalformedPolicyDocument", 400)

    def _custom(self, policy_name):
        _check_name(policy_name, "PolicyName", 128, POLICY_NAME_RE)
        if ("Custom", policy_name) not in self.policies:
            _refuse("EntityNotExist.Policy")
        return self._policy_record("Custom", policy_name)

    @api
    def get_policy_detail(self, policy_name, policy_type="Custom"):
        found = _or_none(lambda: self._policy(policy_name, policy_type))
        return None if found is None else self._policy_detail(*found)

    @api
    def list_policies(self, policy_type=None):
        if policy_type not in (None, "", "System", "Custom"):
            _refuse("InvalidParameter.PolicyType")
        keys = sorted(k for k in self.policies if not policy_type or k[0] == policy_type)
        return [self._policy_detail(kind, name, with_document=False) for kind, name in keys]

    @api
    def create_policy(self, policy_name, policy_document, description=None):
        _check_name(policy_name, "PolicyName", 128, POLICY_NAME_RE)
        self._check_document(policy_document)
        if description is not None:
            _check_length(description, "Description", 1024)
        if ("System", policy_name) in self.policies or ("Custom", policy_name) in self.policies:
            _refuse("EntityAlreadyExists.Policy")
        now = self._now()
        self.policies[("Custom", policy_name)] = description or ""
        self.policy_versions[policy_name] = {
            "versions": [{"version_id": "v1", "policy_document": policy_document, "create_date": now}],
            "default": "v1", "last": 1, "create_date": now, "update_date": now}
        detail = self._policy_detail("Custom", policy_name, with_document=False)
        detail.update(attachment_count=None, update_date=None)
        return detail

    @api
    def update_policy_description(self, policy_name, new_description):
        record = self._custom(policy_name)
        if not 1 <= len(new_description or "") <= 1024:
            _refuse("InvalidParameter.NewDescription.Length", 400)
        self.policies[("Custom", policy_name)] = new_description
        record["update_date"] = self._now()
        detail = self._policy_detail("Custom", policy_name, with_document=False)
        detail.update(attachment_count=None)
        return detail

    @api
    def delete_policy(self, policy_name):
        _check_name(policy_name, "PolicyName", 128, POLICY_NAME_RE)
        if ("System", policy_name) in self.policies:
            _refuse("NoPermission")
        record = self._custom(policy_name)
        for store, code in ((self.user_policies, "DeleteConflict.Policy.User"),
                            (self.group_policies, "DeleteConflict.Policy.Group"),
                            (getattr(self, "role_policies", {}), "DeleteConflict.Policy.Role")):
            if any((kind, name) == ("Custom", policy_name) for items in store.values() for kind, name, _d in items):
                _refuse(code)
        if len(record["versions"]) > 1:
            _refuse("DeleteConflict.Policy.Version")
        del self.policies[("Custom", policy_name)]
        del self.policy_versions[policy_name]

    @api
    def list_policy_versions(self, policy_name, policy_type="Custom"):
        kind, name = self._policy(policy_name, policy_type)
        record = self._policy_record(kind, name)
        return [dict(v, is_default_version=v["version_id"] == record["default"]) for v in record["versions"]]

    @api
    def create_policy_version(self, policy_name, policy_document, set_as_default=True):
        record = self._custom(policy_name)
        self._check_document(policy_document)
        if len(record["versions"]) >= 5:
            _refuse("LimitExceeded.Policy.Version", 409)
        record["last"] += 1
        now = self._now()
        version = {"version_id": "v%d" % record["last"], "policy_document": policy_document, "create_date": now}
        record["versions"].append(version)
        if set_as_default:
            record["default"] = version["version_id"]
        record["update_date"] = now
        return dict(version, is_default_version=bool(set_as_default))

    def _find_version(self, record, version_id):
        if not re.fullmatch(r"v[0-9]+", version_id or ""):
            _refuse("InvalidParameter.VersionId.Format", 400)
        for version in record["versions"]:
            if version["version_id"] == version_id:
                return version
        _refuse("EntityNotExist.Policy.Version")

    @api
    def delete_policy_version(self, policy_name, version_id):
        record = self._custom(policy_name)
        version = self._find_version(record, version_id)
        if version_id == record["default"]:
            _refuse("DeleteConflict.Policy.Version.Default")
        record["versions"].remove(version)

    @api
    def set_default_policy_version(self, policy_name, version_id):
        record = self._custom(policy_name)
        self._find_version(record, version_id)
        record["default"] = version_id
        record["update_date"] = self._now()

    @api
    def list_entities_for_policy(self, policy_name, policy_type="Custom"):
        policy = self._policy(policy_name, policy_type)

        def holders(store):
            return sorted(owner for owner, items in store.items() if any(item[:2] == policy for item in items))
        return {"users": holders(self.user_policies), "groups": holders(self.group_policies),
                "roles": holders(getattr(self, "role_policies", {}))}

    # ================================================================ roles (as the emulator; A83-A85)

    def _role(self, role_name):
        _check_name(role_name, "RoleName", 64, ROLE_NAME_RE)
        role = self.roles.get(role_name.lower())
        if role is None:
            _refuse("EntityNotExist.Role")
        return role

    @staticmethod
    def _trust(document, field):
        if len(document) > 4096:
            _refuse("InvalidParameter.%s.Length" % field, 400)
        FakeRamClient._check_document(document)

    @staticmethod
    def _session(value, field):
        if value is not None and not 3600 <= int(value) <= 43200:
            _refuse("InvalidParameter.%s" % field, 400)
        return value

    @api
    def get_role(self, role_name):
        found = _or_none(lambda: self._role(role_name))
        return None if found is None else dict(found)

    @api
    def list_roles(self):
        return [dict(role, assume_role_policy_document=None) for _key, role in
                sorted(self.roles.items(), key=lambda item: (item[0], item[1]["role_id"]))]

    @api
    def create_role(self, role_name, assume_role_policy_document, description=None, max_session_duration=None):
        _check_name(role_name, "RoleName", 64, ROLE_NAME_RE)
        self._trust(assume_role_policy_document, "AssumeRolePolicyDocument")
        if description is not None:
            _check_length(description, "Description", 1024)
        self._session(max_session_duration, "MaxSessionDuration")
        if role_name.lower() in self.roles:
            _refuse("EntityAlreadyExists.Role")
        now = self._now()
        role = {"role_id": self._new_id(), "role_name": role_name,
                "arn": "acs:ram::%s:role/%s" % (self.account_id, role_name), "description": description or "",
                "assume_role_policy_document": assume_role_policy_document,
                "max_session_duration": int(max_session_duration or 3600), "create_date": now, "update_date": now}
        self.roles[role_name.lower()] = role
        return dict(role)

    @api
    def update_role(self, role_name, new_assume_role_policy_document=None, new_description=None,
                    new_max_session_duration=None):
        role = self._role(role_name)
        if new_assume_role_policy_document is not None:
            self._trust(new_assume_role_policy_document, "NewAssumeRolePolicyDocument")
        if new_description is not None and not 1 <= len(new_description) <= 1024:
            _refuse("InvalidParameter.NewDescription.Length", 400)
        self._session(new_max_session_duration, "NewMaxSessionDuration")
        if new_assume_role_policy_document is not None:
            role["assume_role_policy_document"] = new_assume_role_policy_document
        if new_description is not None:
            role["description"] = new_description
        role["max_session_duration"] = int(new_max_session_duration or 3600)
        role["update_date"] = self._now()
        return dict(role)

    @api
    def delete_role(self, role_name):
        role = self._role(role_name)
        if self.role_policies.get(role["role_name"]):
            _refuse("DeleteConflict.Role.Policy")
        del self.roles[role_name.lower()]
        self.role_policies.pop(role["role_name"], None)

    @api
    def list_policies_for_role(self, role_name):
        return self._attached_view(self.role_policies.get(self._role(role_name)["role_name"], []))

    @api
    def attach_policy_to_role(self, role_name, policy_name, policy_type):
        policy = self._policy(policy_name, policy_type)
        name = self._role(role_name)["role_name"]
        self._attach(self.role_policies.setdefault(name, []), policy, MAX_POLICIES_PER_ROLE, "Role")

    @api
    def detach_policy_from_role(self, role_name, policy_name, policy_type):
        policy = self._policy(policy_name, policy_type)
        name = self._role(role_name)["role_name"]
        self._detach(self.role_policies.get(name, []), policy, "Role")

    # ================================================================ seeding (not recorded; the same rules apply)

    def _seed(self, operation):
        with self.lock:
            try:
                return operation()
            except _Refusal as refusal:
                raise refusal.api_error()

    def add_user(self, name, groups=(), display_name=None, tags=None, **fields):
        """A user (``name`` bare or a full UPN) with the normalised ``fields`` given, in ``groups``; returns it."""
        upn = name if "@" in name else "%s@%s" % (name, self.domain)

        def add():
            user = self._create_user(upn, display_name or upn.split("@")[0][:24], fields.pop("email", None),
                                     fields.pop("mobile_phone", None), fields.pop("comments", None) or None, tags)
            user.update(fields)
            for group in groups:
                self._add_user_to_group(upn, group)
            return user
        return self._seed(add)

    def add_group(self, name, display_name=None, comments=None):
        return self._seed(lambda: self._create_group(name, display_name if display_name is not None else name, comments))

    def add_member(self, upn, group_name):
        self._seed(lambda: self._add_user_to_group(upn, group_name))

    def add_policy(self, name, policy_type="Custom", description=""):
        with self.lock:
            self.policies[(policy_type, name)] = description

    def add_user_policy(self, user_name, policy_name, policy_type="System"):
        self._seed(lambda: self._attach_user_policy(user_name, policy_name, policy_type))

    def add_group_policy(self, group_name, policy_name, policy_type="System"):
        self._seed(lambda: self._attach_group_policy(group_name, policy_name, policy_type))

    def add_login_profile(self, upn, password=None, status="Active", password_reset_required=False,
                          mfa_bind_required=False, **fields):
        """A console login; ``password`` makes it an initial password (InitialValid), else NotInitial."""
        def add():
            self._create_login_profile(upn, password, password_reset_required, mfa_bind_required, status)
            self.login_profiles[self._user_key(upn)].update(fields)
        self._seed(add)

    def add_access_key(self, upn, access_key_id=None):
        """A new AccessKey of the user (at most 2, LimitExceeded.User.AccessKey); returns its id."""
        return self._seed(lambda: self._new_access_key(upn, access_key_id)["access_key_id"])

    # ================================================================ people and the platform (the emulator's people paths)

    def _person(self, upn):
        name, at, domain = upn.rpartition("@")
        key = self._key_by_name(name if at else upn) if not at or domain.lower() == self.domain.lower() else None
        if key is None:
            raise PersonRefused(404, "the user %s does not exist" % upn)
        return key

    def _console_refusal(self, key):
        profile = self.login_profiles.get(key)
        if profile is None:
            raise PersonRefused(409, "the user %s has no login profile (console logon is not enabled)" % key)
        if profile["status"] != "Active":
            raise PersonRefused(409, "console logon of %s is disabled" % key)
        if self.users[key]["status"] == "freeze":
            raise PersonRefused(409, "the user %s is frozen" % key)
        if self._password_status(profile) == "InitialExpired":
            raise PersonRefused(409, "the initial password of %s has expired" % key)
        return profile

    def person_login(self, upn):
        """The person signs in to the console: LastLoginDate / LastLoginTime become now."""
        with self.lock:
            key = self._person(upn)
            profile = self._console_refusal(key)
            self.users[key]["last_login_date"] = profile["last_login_time"] = self._now()

    def person_change_password(self, upn, password):
        """The person sets a password: no longer an initial one, the reset demand is met, and it counts as a login."""
        with self.lock:
            key = self._person(upn)
            profile = self._console_refusal(key)
            rule = self._password_violation(password, key)
            if rule is None and password in profile["password_history"][:self.password_policy["password_reuse_prevention"]]:
                rule = "password_reuse_prevention"
            if rule is not None:
                raise PersonRefused(400, "the new password does not satisfy the password policy rule %s" % rule)
            now = self._now()
            self._remember_password(key, password)
            profile.update(initial_password_set=None, password_reset_required=False, update_date=now, last_login_time=now)
            self.users[key]["last_login_date"] = now

    def person_bind_mfa(self, upn):
        """The person binds a virtual MFA device named after the user; MFABindRequired is then met."""
        with self.lock:
            key = self._person(upn)
            if key in self.mfa_devices:
                raise PersonRefused(409, "the user %s already has an MFA device" % key)
            self.mfa_devices[key] = "acs:ram::%s:mfa/%s" % (self.account_id, self.users[key]["user_name"])
            profile = self.login_profiles.get(key)
            if profile is not None and profile["mfa_bind_required"]:
                profile.update(mfa_bind_required=False, update_date=self._now())

    add_mfa_device = person_bind_mfa

    def idle_disable(self, upn):
        """The platform disables an idle user's console logon (login profile Status Inactive)."""
        with self.lock:
            key = self._person(upn)
            profile = self.login_profiles.get(key)
            if profile is None:
                raise PersonRefused(409, "the user %s has no login profile to disable" % key)
            if profile["status"] != "Inactive":
                profile.update(status="Inactive", update_date=self._now())

    def freeze(self, upn):
        with self.lock:
            self.users[self._person(upn)]["status"] = "freeze"

    def unfreeze(self, upn):
        with self.lock:
            self.users[self._person(upn)]["status"] = "active"

    def age_user(self, upn, days):
        """The user was created, last logged on, changed the password and got the login ``days`` days earlier."""
        with self.lock:
            key = self._person(upn)
            days = self._whole_days(days, "days", 1)
            user, profile = self.users[key], self.login_profiles.get(key) or {}
            for holder, field in ((user, "create_date"), (user, "last_login_date"), (profile, "create_date"),
                                  (profile, "last_login_time"), (profile, "password_changed"),
                                  (profile, "initial_password_set")):
                if holder.get(field):
                    holder[field] = _iso(_epoch(holder[field]) - days * DAY)

    def age_report(self, hours):
        """The credential reports were made ``hours`` earlier."""
        with self.lock:
            if not self.credential_reports:
                raise PersonRefused(409, "no credential report has been generated")
            for report in self.credential_reports:
                report["generated"] = _iso(_epoch(report["generated"]) - hours * 3600)
                report["ready_at"] -= hours * 3600

    # ---------------------------------------------------------------- what programs and time do to an AccessKey

    def _any_access_key(self, access_key_id):
        for keys in self.access_keys.values():
            for key in keys:
                if key["access_key_id"] == access_key_id:
                    return key
        raise PersonRefused(404, "the AccessKey %s does not exist" % access_key_id)

    @staticmethod
    def _whole_days(value, field, low):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise PersonRefused(400, '"%s" must be a whole number of days, at least %d' % (field, low))
        return value

    def use_key(self, access_key_id, service="ecs", days_ago=0):
        """A program signs a request with the key ``days_ago`` days ago: GetAccessKeyLastUsed then reports it.

        An unknown key (404), a disabled key (409) or bad values (400) raise :class:`PersonRefused`."""
        with self.lock:
            key = self._any_access_key(access_key_id)
            if not isinstance(service, str) or not service:
                raise PersonRefused(400, '"service" must be a product code such as "ecs"')
            days_ago = self._whole_days(days_ago, "days_ago", 0)
            if key["status"] != "Active":
                raise PersonRefused(409, "the AccessKey %s is %s: a disabled key cannot be used" % (access_key_id, key["status"]))
            self.key_last_used[access_key_id] = {"last_used_date": _iso(self.clock() - days_ago * DAY),
                                                 "service_name": service}

    def age_key(self, access_key_id, days):
        """The key was created, last changed and last used ``days`` (1 or more) days earlier than recorded."""
        with self.lock:
            key = self._any_access_key(access_key_id)
            days = self._whole_days(days, "days", 1)
            for holder, field in ((key, "create_date"), (key, "update_date"),
                                  (self.key_last_used.get(access_key_id) or {}, "last_used_date")):
                if holder.get(field):
                    holder[field] = _iso(_epoch(holder[field]) - days * DAY)

    # ================================================================ queries for assertions

    def groups_of(self, upn):
        """The names of the groups ``upn`` is in, sorted."""
        with self.lock:
            return sorted(group for member, group in self.memberships if member == upn)

    def members_of(self, group_name):
        with self.lock:
            return sorted(upn for upn, group in self.memberships if group == group_name)

    def policies_of(self, user_name):
        """(policy type, policy name) attached to the user, in attach order."""
        with self.lock:
            return [attachment[:2] for attachment in self.user_policies.get(user_name, [])]
