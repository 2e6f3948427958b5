# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed IMS, RAM and STS calls with normalised results.

:class:`RamClient` is the only code that knows action and parameter names.
It returns snake_case dicts (see ``normalize.py``), follows ``Marker`` paging
to the end, and turns "not found" into ``None`` for ``get_*`` methods.

Convergence after retries: when the transport had to retry a write, an
earlier attempt may already have done it. A create that then fails with
``EntityAlreadyExists.*`` returns the existing entity, and a delete that fails
with ``EntityNotExist.*`` counts as done. Without a retry these errors are
real and are raised.

Eventual consistency: RAM copies data between regions, and a user or group
the client has just created may not be visible to the next call yet. A call
that names such a fresh entity and gets ``EntityNotExist.User`` /
``EntityNotExist.Group`` is retried for a short, bounded time
(:data:`VISIBILITY_WAIT` seconds) before the error counts. Entities this
client did not create are never retried this way, so "absent" stays fast.

One client may be shared by several threads (the batch engine does so).
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Iterable

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.normalize import (
    PASSWORD_POLICY_WIRE_NAMES,
    credential_report_rows,
    SECURITY_PREFERENCE_FIELDS,
    normalize_access_key,
    normalize_access_key_last_used,
    normalize_group,
    normalize_group_member,
    normalize_login_profile,
    normalize_mfa_info,
    normalize_password_policy,
    normalize_policy,
    normalize_policy_detail,
    normalize_policy_version,
    normalize_role,
    normalize_security_preference,
    normalize_user,
    snake_name,
    unwrap_list,
)
from ansible_collections.aliyun.ram.plugins.module_utils.validation import user_name_of

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.transport import Transport

PASSWORD_POLICY_FIELDS = dict((snake_name(wire), wire) for wire in PASSWORD_POLICY_WIRE_NAMES)

# The most pages a list call follows before deciding the server is looping.
MAX_PAGES = 10000

# How long "does not exist" may be replication lag for an entity this client created, and for how long after
# the create that can happen. No delay is published (fact sheet part 2, section 10); these bound our patience.
VISIBILITY_WAIT = 10.0
VISIBILITY_WINDOW = 60.0
VISIBILITY_FIRST_DELAY = 0.2
VISIBILITY_MAX_DELAY = 2.0
# Error code -> (kind of entity, the request parameters that can name it).
NOT_YET_VISIBLE = {
    "EntityNotExist.User": ("user", ("UserPrincipalName", "UserName", "NewUserPrincipalName")),
    "EntityNotExist.Group": ("group", ("GroupName",)),
}
# ListUsers returns only active users unless told otherwise (fact sheet part 2, section 9.1).
ALL_USER_STATUSES = "active,freeze"


def tag_params(tags: dict[str, str] | None, prefix: str = "Tag") -> dict[str, str]:
    """``{k: v}`` -> ``Tag.1.Key``/``Tag.1.Value``... in key order (1-based, consecutive)."""
    params = {}
    for index, key in enumerate(sorted(tags or {}), start=1):
        value = tags[key]
        params["%s.%d.Key" % (prefix, index)] = key
        params["%s.%d.Value" % (prefix, index)] = "" if value is None else value
    return params


def repeat_params(name: str, values: Iterable[str]) -> dict[str, str]:
    """``["a", "b"]`` -> ``{name.1: a, name.2: b}``."""
    return dict(("%s.%d" % (name, index), value) for index, value in enumerate(values, start=1))


class NewAccessKey:
    """What CreateAccessKey answered: ``key`` (normalised, no secret) and ``secret``; repr never shows the secret."""

    __slots__ = ("key", "secret")

    def __init__(self, key: dict[str, Any], secret: str) -> None:
        self.key = key
        self.secret = secret

    def __repr__(self):
        return "NewAccessKey(%s)" % self.key.get("access_key_id")


def _entity_key(name):
    """Users are remembered by name part (IMS names them by UPN, RAM by UserName); names compare case-insensitively."""
    return user_name_of(name).lower()


class RamClient:
    """Typed calls over a :class:`~transport.Transport` (or anything with the same ``call``)."""

    def __init__(self, transport: Transport, page_size: int = 100, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.transport = transport
        self.page_size = page_size
        self._clock = clock
        self._sleep = sleep
        self._domain_lock = threading.Lock()
        self._default_domain = None
        self._created_lock = threading.Lock()
        # (kind, lower-case name) -> clock() of our successful create
        self._created: dict[tuple[str, str], float] = {}

    # --- helpers ------------------------------------------------------------------

    def _call(self, product, action, **params):
        return self._send(product, action, params)

    def _send(self, product, action, params):
        """One API call; "does not exist" for an entity we have just created is waited out (bounded)."""
        deadline = None
        delay = VISIBILITY_FIRST_DELAY
        while True:
            try:
                return self.transport.call(product, action, params)
            except RamApiError as exc:
                if not self._may_be_lag(exc, params):
                    raise
                now = self._clock()
                if deadline is None:
                    deadline = now + VISIBILITY_WAIT
                if now >= deadline:
                    raise
                self._sleep(min(delay, deadline - now))
                delay = min(delay * 2, VISIBILITY_MAX_DELAY)

    def _remember_created(self, kind, name):
        with self._created_lock:
            self._created[(kind, _entity_key(name))] = self._clock()

    def _may_be_lag(self, exc, params):
        """True when ``exc`` says an entity we created moments ago does not exist."""
        kind, fields = NOT_YET_VISIBLE.get(exc.code, (None, ()))
        if kind is None:
            return False
        now = self._clock()
        with self._created_lock:
            for field in fields:
                value = params.get(field)
                created = self._created.get((kind, _entity_key(value))) if value else None
                if created is not None and now - created <= VISIBILITY_WINDOW:
                    return True
        return False

    def _paged(self, product, action, outer, inner, params=None):
        """Follow ``Marker`` until ``IsTruncated`` is false; return every item of every page."""
        items = []
        params = dict(params or {})
        params["MaxItems"] = self.page_size
        seen_markers = set()
        for _page in range(MAX_PAGES):
            answer = self._send(product, action, params)
            items.extend(unwrap_list(answer, outer, inner))
            marker = answer.get("Marker")
            if not answer.get("IsTruncated") or not marker:
                return items
            if marker in seen_markers:
                raise RamApiError("InvalidResponse", "the server repeated a paging marker", action=action)
            seen_markers.add(marker)
            params["Marker"] = marker
        raise RamApiError("InvalidResponse", "more than %d pages" % MAX_PAGES, action=action)

    @staticmethod
    def _get_or_none(fetch, absent_code=None):
        """``fetch()``, or None when the entity does not exist (only ``absent_code`` when given)."""
        try:
            return fetch()
        except RamApiError as exc:
            if exc.code == absent_code if absent_code else exc.is_not_found():
                return None
            raise

    @staticmethod
    def _converging_create(create, fetch_existing):
        """Run ``create``; after a retried attempt, ``EntityAlreadyExists`` means our earlier attempt worked."""
        try:
            return create()
        except RamApiError as exc:
            if exc.retried and exc.is_already_exists():
                existing = fetch_existing()
                if existing is not None:
                    return existing
            raise

    @staticmethod
    def _converging_delete(delete):
        """Run ``delete``; after a retried attempt, ``EntityNotExist`` means our earlier attempt worked."""
        try:
            delete()
        except RamApiError as exc:
            if not (exc.retried and exc.is_not_found()):
                raise

    @staticmethod
    def _one_user_id(upn, user_id):
        if (upn is None) == (user_id is None):
            raise ValidationError("user", "give exactly one of user_principal_name and user_id")
        return {"UserPrincipalName": upn} if upn is not None else {"UserId": user_id}

    # --- account ------------------------------------------------------------------

    def get_default_domain(self) -> str:
        """The account's default domain (``<alias>.onaliyun.com``); asked once per client."""
        with self._domain_lock:
            if self._default_domain is None:
                self._default_domain = self._call("ims", "GetDefaultDomain").get("DefaultDomainName")
                if not self._default_domain:
                    raise RamApiError("InvalidResponse", "GetDefaultDomain returned no domain", action="GetDefaultDomain")
            return self._default_domain

    def upn_for(self, name: str | None) -> str | None:
        """``alice`` -> ``alice@<default domain>``; a full UPN (with ``@``), ``None`` or ``""`` is kept as it is."""
        if not name or "@" in name:
            return name
        return "%s@%s" % (name, self.get_default_domain())

    # --- users --------------------------------------------------------------------

    def get_user(self, upn: str | None = None, user_id: str | None = None) -> dict[str, Any] | None:
        ident = self._one_user_id(upn, user_id)
        return self._get_or_none(lambda: normalize_user(self._call("ims", "GetUser", **ident).get("User")))

    def create_user(self, upn: str, display_name: str, email: str | None = None, mobile_phone: str | None = None,
                    comments: str | None = None, tags: dict[str, str] | None = None) -> dict[str, Any]:
        params = {"UserPrincipalName": upn, "DisplayName": display_name, "Email": email,
                  "MobilePhone": mobile_phone, "Comments": comments}
        params.update(tag_params(tags))

        def create():
            return normalize_user(self._send("ims", "CreateUser", params).get("User"))
        user = self._converging_create(create, lambda: self.get_user(upn=upn))
        self._remember_created("user", upn)
        return user

    def update_user(self, upn: str | None = None, user_id: str | None = None, new_upn: str | None = None,
                    new_display_name: str | None = None, new_email: str | None = None, new_mobile_phone: str | None = None,
                    new_comments: str | None = None) -> dict[str, Any]:
        """Change only the fields given (not ``None``); ``""`` is sent and clears a field."""
        params = self._one_user_id(upn, user_id)
        params.update({"NewUserPrincipalName": new_upn, "NewDisplayName": new_display_name, "NewEmail": new_email,
                       "NewMobilePhone": new_mobile_phone, "NewComments": new_comments})
        user = normalize_user(self._send("ims", "UpdateUser", params).get("User"))
        if new_upn:
            # a renamed user is a new name to the replicas too
            self._remember_created("user", new_upn)
        return user

    def delete_user(self, upn: str) -> None:
        self._converging_delete(lambda: self._call("ims", "DeleteUser", UserPrincipalName=upn))

    def list_users(self, status: str | None = ALL_USER_STATUSES) -> list[dict[str, Any]]:
        """Every user, frozen ones included unless ``status`` says otherwise (ListUsers alone shows only active ones)."""
        raws = self._paged("ims", "ListUsers", "Users", "User", {"Status": status} if status else None)
        return [normalize_user(raw) for raw in raws]

    def tag_user(self, upn: str, tags: dict[str, str]) -> None:
        params = {"ResourceType": "user", "ResourcePrincipalName.1": upn}
        params.update(tag_params(tags))
        self._send("ims", "TagResources", params)

    def untag_user(self, upn: str, keys: Iterable[str]) -> None:
        params = {"ResourceType": "user", "ResourcePrincipalName.1": upn}
        params.update(repeat_params("TagKey", sorted(keys)))
        self._send("ims", "UntagResources", params)

    # --- group membership and policies of a user -------------------------------

    def list_groups_for_user(self, upn: str) -> list[dict[str, Any]]:
        answer = self._call("ims", "ListGroupsForUser", UserPrincipalName=upn)
        return [normalize_group(raw, membership=True) for raw in unwrap_list(answer, "Groups", "Group")]

    def add_user_to_group(self, upn: str, group_name: str) -> None:
        def add():
            self._call("ims", "AddUserToGroup", UserPrincipalName=upn, GroupName=group_name)
            return True
        self._converging_create(add, lambda: True)

    def remove_user_from_group(self, upn: str, group_name: str) -> None:
        self._converging_delete(lambda: self._call("ims", "RemoveUserFromGroup", UserPrincipalName=upn, GroupName=group_name))

    def list_policies_for_user(self, user_name: str) -> list[dict[str, Any]]:
        """RAM names the user by ``UserName`` (the UPN prefix); a full UPN is cut down to it."""
        answer = self._call("ram", "ListPoliciesForUser", UserName=user_name_of(user_name))
        return [normalize_policy(raw) for raw in unwrap_list(answer, "Policies", "Policy")]

    def attach_policy_to_user(self, user_name: str, policy_name: str, policy_type: str) -> None:
        def attach():
            self._call("ram", "AttachPolicyToUser", UserName=user_name_of(user_name), PolicyName=policy_name,
                       PolicyType=policy_type)
            return True
        self._converging_create(attach, lambda: True)

    def detach_policy_from_user(self, user_name: str, policy_name: str, policy_type: str) -> None:
        self._converging_delete(lambda: self._call("ram", "DetachPolicyFromUser", UserName=user_name_of(user_name),
                                                   PolicyName=policy_name, PolicyType=policy_type))

    def get_policy(self, policy_name: str, policy_type: str) -> dict[str, Any] | None:
        return self._get_or_none(
            lambda: normalize_policy(self._call("ram", "GetPolicy", PolicyName=policy_name, PolicyType=policy_type).get("Policy")))

    # --- access keys and MFA --------------------------------------------------------

    def list_access_keys(self, upn: str) -> list[dict[str, Any]]:
        answer = self._call("ims", "ListAccessKeys", UserPrincipalName=upn)
        return [normalize_access_key(raw) for raw in unwrap_list(answer, "AccessKeys", "AccessKey")]

    def delete_access_key(self, upn: str, access_key_id: str) -> None:
        self._converging_delete(lambda: self._call("ims", "DeleteAccessKey", UserPrincipalName=upn,
                                                   UserAccessKeyId=access_key_id))

    def create_access_key(self, upn: str) -> NewAccessKey:
        """A new key and its secret, which no later call can return. Never converged: a retried create that may
        have reached the server can leave a second key behind, which the caller finds by listing the keys."""
        raw = self._call("ims", "CreateAccessKey", UserPrincipalName=upn).get("AccessKey") or {}
        if not raw.get("AccessKeyId") or not raw.get("AccessKeySecret"):
            raise RamApiError("InvalidResponse", "CreateAccessKey returned no AccessKey", action="CreateAccessKey")
        return NewAccessKey(normalize_access_key(raw), raw["AccessKeySecret"])

    def update_access_key(self, upn: str, access_key_id: str, status: str) -> None:
        self._call("ims", "UpdateAccessKey", UserPrincipalName=upn, UserAccessKeyId=access_key_id, Status=status)

    def get_access_key_last_used(self, upn: str, access_key_id: str) -> dict[str, Any]:
        """``{"last_used_date": str or None, "service_name": str or None}``; None values for a key never used."""
        answer = self._call("ims", "GetAccessKeyLastUsed", UserPrincipalName=upn, UserAccessKeyId=access_key_id)
        return normalize_access_key_last_used(answer.get("AccessKeyLastUsed"))

    def get_user_mfa_info(self, upn: str) -> dict[str, Any] | None:
        """``None`` when the user or the MFA device does not exist."""
        return self._get_or_none(lambda: normalize_mfa_info(self._call("ims", "GetUserMFAInfo", UserPrincipalName=upn)))

    def unbind_mfa_device(self, upn: str) -> None:
        self._converging_delete(lambda: self._call("ims", "UnbindMFADevice", UserPrincipalName=upn))

    # --- login profiles --------------------------------------------------------------

    @staticmethod
    def _login_profile_params(upn, password, password_reset_required, mfa_bind_required, status):
        return {"UserPrincipalName": upn, "Password": password, "PasswordResetRequired": password_reset_required,
                "MFABindRequired": mfa_bind_required, "Status": status}

    def get_login_profile(self, upn: str) -> dict[str, Any] | None:
        """The profile, or None when the user has none; a missing user raises ``EntityNotExist.User``."""
        return self._get_or_none(
            lambda: normalize_login_profile(self._call("ims", "GetLoginProfile", UserPrincipalName=upn).get("LoginProfile")),
            absent_code="EntityNotExist.User.LoginProfile")

    def create_login_profile(self, upn: str, password: str | None = None, password_reset_required: bool | None = None,
                             mfa_bind_required: bool | None = None, status: str | None = None) -> dict[str, Any]:
        params = self._login_profile_params(upn, password, password_reset_required, mfa_bind_required, status)

        def create():
            return normalize_login_profile(self._send("ims", "CreateLoginProfile", params).get("LoginProfile"))
        return self._converging_create(create, lambda: self.get_login_profile(upn))

    def update_login_profile(self, upn: str, password: str | None = None, password_reset_required: bool | None = None,
                             mfa_bind_required: bool | None = None, status: str | None = None) -> dict[str, Any]:
        params = self._login_profile_params(upn, password, password_reset_required, mfa_bind_required, status)
        return normalize_login_profile(self._send("ims", "UpdateLoginProfile", params).get("LoginProfile"))

    def delete_login_profile(self, upn: str) -> None:
        self._converging_delete(lambda: self._call("ims", "DeleteLoginProfile", UserPrincipalName=upn))

    # --- password policy ---------------------------------------------------------------

    def get_password_policy(self) -> dict[str, Any]:
        return normalize_password_policy(self._call("ims", "GetPasswordPolicy").get("PasswordPolicy"))

    def set_password_policy(self, **fields: Any) -> dict[str, Any]:
        """Set the given fields (snake_case names, e.g. ``minimum_password_length=12``); ``None`` is not sent."""
        params = {}
        for name, value in fields.items():
            if name not in PASSWORD_POLICY_FIELDS:
                raise ValidationError(name, "is not a password policy field")
            params[PASSWORD_POLICY_FIELDS[name]] = value
        return normalize_password_policy(self._send("ims", "SetPasswordPolicy", params).get("PasswordPolicy"))

    # --- security preference -----------------------------------------------------------

    def get_security_preference(self) -> dict[str, Any]:
        """The account's security preference, flat (``normalize_security_preference``)."""
        return normalize_security_preference(self._call("ims", "GetSecurityPreference").get("SecurityPreference"))

    def set_security_preference(self, **fields: Any) -> dict[str, Any]:
        """Send the given fields (snake_case names); ``None`` is not sent. ``login_network_masks`` (a list) goes out
        as one ``;``-separated string, ``[]`` as ``""``; ``verification_types`` as a JSON array."""
        wire_names = dict((snake, wire) for snake, _group, wire in SECURITY_PREFERENCE_FIELDS)
        params = {}
        for name, value in fields.items():
            if name not in wire_names:
                raise ValidationError(name, "is not a security preference field")
            if value is not None and name == "login_network_masks":
                value = ";".join(value)
            elif value is not None and name == "verification_types":
                value = json.dumps(list(value), separators=(",", ":"))
            params[wire_names[name]] = value
        answer = self._send("ims", "SetSecurityPreference", params)
        return normalize_security_preference(answer.get("SecurityPreference"))

    # --- credential report ---------------------------------------------------------------

    def generate_credential_report(self) -> str:
        """Ask for a report; the answer's ``State``: ``STARTED``, ``INPROGRESS`` or ``COMPLETED``.

        The service makes a new report at most once every 4 hours; within that time it answers with the last one.
        """
        state = self._call("ims", "GenerateCredentialReport").get("State")
        if not state:
            raise RamApiError("InvalidResponse", "GenerateCredentialReport returned no State",
                              action="GenerateCredentialReport")
        return str(state).upper()

    def get_credential_report(self, max_items: int | None = None) -> dict[str, Any] | None:
        """The last report, every page (``NextToken``): ``{"generated_time", "columns", "rows"}``, or None when there
        is none (``EntityNotExist.*``). ``rows`` are dicts keyed by column name; the CSV travels Base64-encoded."""
        params: dict[str, Any] = {"MaxItems": max_items}
        header = None
        rows: list[dict[str, Any]] = []
        generated = None
        seen_tokens = set()
        for _page in range(MAX_PAGES):
            try:
                answer = self._send("ims", "GetCredentialReport", params)
            except RamApiError as exc:
                if exc.is_not_found() and header is None:
                    return None
                raise
            try:
                text = base64.b64decode(answer.get("Content") or "", validate=True).decode("utf-8-sig")
                header, page_rows = credential_report_rows(text, header)
            except (binascii.Error, ValueError) as exc:
                raise RamApiError("InvalidResponse", "GetCredentialReport returned content that is not Base64 CSV (%s)"
                                  % exc.__class__.__name__, action="GetCredentialReport")
            rows.extend(page_rows)
            if generated and answer.get("GeneratedTime") and answer["GeneratedTime"] != generated:
                # a new report finished between two pages: the rows would mix two reports
                raise RamApiError("InvalidResponse", "the credential report changed while it was being read (generated "
                                  "%s, then %s); run the task again" % (generated, answer["GeneratedTime"]),
                                  action="GetCredentialReport")
            generated = generated or answer.get("GeneratedTime")
            # IsTruncated is a string ("true"/"false") on the wire; accept a boolean too
            truncated = str(answer.get("IsTruncated")).lower() == "true"
            token = answer.get("NextToken")
            if not truncated or not token:
                return {"generated_time": generated, "columns": header or [], "rows": rows}
            if token in seen_tokens:
                raise RamApiError("InvalidResponse", "the server repeated a paging token", action="GetCredentialReport")
            seen_tokens.add(token)
            params["NextToken"] = token
        raise RamApiError("InvalidResponse", "more than %d pages" % MAX_PAGES, action="GetCredentialReport")

    # --- groups ----------------------------------------------------------------------

    def get_group(self, group_name: str) -> dict[str, Any] | None:
        return self._get_or_none(lambda: normalize_group(self._call("ims", "GetGroup", GroupName=group_name).get("Group")))

    def create_group(self, group_name: str, display_name: str | None = None, comments: str | None = None) -> dict[str, Any]:
        def create():
            answer = self._call("ims", "CreateGroup", GroupName=group_name, DisplayName=display_name, Comments=comments)
            return normalize_group(answer.get("Group"))
        group = self._converging_create(create, lambda: self.get_group(group_name))
        self._remember_created("group", group_name)
        return group

    def update_group(self, group_name: str, new_group_name: str | None = None, new_display_name: str | None = None,
                     new_comments: str | None = None) -> dict[str, Any]:
        answer = self._call("ims", "UpdateGroup", GroupName=group_name, NewGroupName=new_group_name,
                            NewDisplayName=new_display_name, NewComments=new_comments)
        if new_group_name:
            self._remember_created("group", new_group_name)
        return normalize_group(answer.get("Group"))

    def delete_group(self, group_name: str) -> None:
        self._converging_delete(lambda: self._call("ims", "DeleteGroup", GroupName=group_name))

    def list_groups(self) -> list[dict[str, Any]]:
        return [normalize_group(raw) for raw in self._paged("ims", "ListGroups", "Groups", "Group")]

    def list_users_for_group(self, group_name: str) -> list[dict[str, Any]]:
        raws = self._paged("ims", "ListUsersForGroup", "Users", "User", {"GroupName": group_name})
        return [normalize_group_member(raw) for raw in raws]

    def list_policies_for_group(self, group_name: str) -> list[dict[str, Any]]:
        answer = self._call("ram", "ListPoliciesForGroup", GroupName=group_name)
        return [normalize_policy(raw) for raw in unwrap_list(answer, "Policies", "Policy")]

    def attach_policy_to_group(self, group_name: str, policy_name: str, policy_type: str) -> None:
        def attach():
            self._call("ram", "AttachPolicyToGroup", GroupName=group_name, PolicyName=policy_name, PolicyType=policy_type)
            return True
        self._converging_create(attach, lambda: True)

    def detach_policy_from_group(self, group_name: str, policy_name: str, policy_type: str) -> None:
        self._converging_delete(lambda: self._call("ram", "DetachPolicyFromGroup", GroupName=group_name,
                                                   PolicyName=policy_name, PolicyType=policy_type))

    # --- custom policies and their versions (RAM 2015-05-01) ----------------------------

    def get_policy_detail(self, policy_name: str, policy_type: str = "Custom") -> dict[str, Any] | None:
        """GetPolicy with the default version's document (``policy_document``, JSON text); None if missing."""
        def fetch():
            answer = self._call("ram", "GetPolicy", PolicyName=policy_name, PolicyType=policy_type)
            return normalize_policy_detail(answer.get("Policy"), answer.get("DefaultPolicyVersion"))
        return self._get_or_none(fetch, absent_code="EntityNotExist.Policy")

    def list_policies(self, policy_type: str | None = None) -> list[dict[str, Any]]:
        """Every policy (System and Custom, or one type), every page; no documents (ListPolicies has none)."""
        raws = self._paged("ram", "ListPolicies", "Policies", "Policy", {"PolicyType": policy_type} if policy_type else None)
        return [normalize_policy_detail(raw) for raw in raws]

    def create_policy(self, policy_name: str, policy_document: str, description: str | None = None) -> dict[str, Any]:
        def create():
            answer = self._call("ram", "CreatePolicy", PolicyName=policy_name, PolicyDocument=policy_document,
                                Description=description)
            return normalize_policy_detail(answer.get("Policy"))
        return self._converging_create(create, lambda: self.get_policy_detail(policy_name))

    def update_policy_description(self, policy_name: str, new_description: str) -> dict[str, Any]:
        answer = self._call("ram", "UpdatePolicyDescription", PolicyName=policy_name, NewDescription=new_description)
        return normalize_policy_detail(answer.get("Policy"))

    def delete_policy(self, policy_name: str) -> None:
        """DeletePolicy without CascadingDelete: the caller deletes the non-default versions first."""
        self._converging_delete(lambda: self._call("ram", "DeletePolicy", PolicyName=policy_name))

    def list_policy_versions(self, policy_name: str, policy_type: str = "Custom") -> list[dict[str, Any]]:
        answer = self._call("ram", "ListPolicyVersions", PolicyName=policy_name, PolicyType=policy_type)
        return [normalize_policy_version(raw) for raw in unwrap_list(answer, "PolicyVersions", "PolicyVersion")]

    def create_policy_version(self, policy_name: str, policy_document: str, set_as_default: bool = True) -> dict[str, Any]:
        """A new version; never converged (a retried create could add a second version: the next run prunes it)."""
        answer = self._call("ram", "CreatePolicyVersion", PolicyName=policy_name, PolicyDocument=policy_document,
                            SetAsDefault=set_as_default)
        return normalize_policy_version(answer.get("PolicyVersion"))

    def delete_policy_version(self, policy_name: str, version_id: str) -> None:
        self._converging_delete(lambda: self._call("ram", "DeletePolicyVersion", PolicyName=policy_name,
                                                   VersionId=version_id))

    def set_default_policy_version(self, policy_name: str, version_id: str) -> None:
        self._call("ram", "SetDefaultPolicyVersion", PolicyName=policy_name, VersionId=version_id)

    def list_entities_for_policy(self, policy_name: str, policy_type: str = "Custom") -> dict[str, list[str]]:
        """Who holds the policy: ``{"users": [UserName...], "groups": [...], "roles": [...]}``, each sorted."""
        answer = self._call("ram", "ListEntitiesForPolicy", PolicyName=policy_name, PolicyType=policy_type)
        return {
            "users": sorted(u.get("UserName") for u in unwrap_list(answer, "Users", "User")),
            "groups": sorted(g.get("GroupName") for g in unwrap_list(answer, "Groups", "Group")),
            "roles": sorted(r.get("RoleName") for r in unwrap_list(answer, "Roles", "Role")),
        }

    # --- roles (RAM 2015-05-01) ---------------------------------------------------------

    def get_role(self, role_name: str) -> dict[str, Any] | None:
        return self._get_or_none(lambda: normalize_role(self._call("ram", "GetRole", RoleName=role_name).get("Role")),
                                 absent_code="EntityNotExist.Role")

    def list_roles(self) -> list[dict[str, Any]]:
        """Every role, every page; ListRoles returns no trust policy."""
        return [normalize_role(raw) for raw in self._paged("ram", "ListRoles", "Roles", "Role")]

    def create_role(self, role_name: str, assume_role_policy_document: str, description: str | None = None,
                    max_session_duration: int | None = None) -> dict[str, Any]:
        def create():
            answer = self._call("ram", "CreateRole", RoleName=role_name, AssumeRolePolicyDocument=assume_role_policy_document,
                                Description=description, MaxSessionDuration=max_session_duration)
            return normalize_role(answer.get("Role"))
        return self._converging_create(create, lambda: self.get_role(role_name))

    def update_role(self, role_name: str, new_assume_role_policy_document: str | None = None,
                    new_description: str | None = None, new_max_session_duration: int | None = None) -> dict[str, Any]:
        answer = self._call("ram", "UpdateRole", RoleName=role_name, NewAssumeRolePolicyDocument=new_assume_role_policy_document,
                            NewDescription=new_description, NewMaxSessionDuration=new_max_session_duration)
        return normalize_role(answer.get("Role"))

    def delete_role(self, role_name: str) -> None:
        self._converging_delete(lambda: self._call("ram", "DeleteRole", RoleName=role_name))

    def list_policies_for_role(self, role_name: str) -> list[dict[str, Any]]:
        answer = self._call("ram", "ListPoliciesForRole", RoleName=role_name)
        return [normalize_policy(raw) for raw in unwrap_list(answer, "Policies", "Policy")]

    def attach_policy_to_role(self, role_name: str, policy_name: str, policy_type: str) -> None:
        def attach():
            self._call("ram", "AttachPolicyToRole", RoleName=role_name, PolicyName=policy_name, PolicyType=policy_type)
            return True
        self._converging_create(attach, lambda: True)

    def detach_policy_from_role(self, role_name: str, policy_name: str, policy_type: str) -> None:
        self._converging_delete(lambda: self._call("ram", "DetachPolicyFromRole", RoleName=role_name,
                                                   PolicyName=policy_name, PolicyType=policy_type))

    # --- STS ---------------------------------------------------------------------------

    def assume_role(self, role_arn: str, session_name: str, duration_seconds: int = 3600, external_id: str | None = None,
                    policy: str | None = None) -> dict[str, str | None]:
        """STS AssumeRole; the result holds a secret and a token, so callers must never show it."""
        answer = self._call("sts", "AssumeRole", RoleArn=role_arn, RoleSessionName=session_name,
                            DurationSeconds=duration_seconds, ExternalId=external_id, Policy=policy)
        creds = answer.get("Credentials") or {}
        assumed = answer.get("AssumedRoleUser") or {}
        return {
            "access_key_id": creds.get("AccessKeyId"),
            "access_key_secret": creds.get("AccessKeySecret"),
            "security_token": creds.get("SecurityToken"),
            "expiration": creds.get("Expiration"),
            "assumed_role_arn": assumed.get("Arn"),
            "assumed_role_id": assumed.get("AssumedRoleId"),
        }
