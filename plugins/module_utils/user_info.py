# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ram_user_info reads: one user (GetUser) or every user (ListUsers), filtered, with optional extras.

Read-only; it shares the user's public shape with the user reconciler (``user.PUBLIC_KEYS``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Collection

from ansible_collections.aliyun.ram.plugins.module_utils import validation
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.user import PUBLIC_KEYS, policy_refs
from ansible_collections.aliyun.ram.plugins.module_utils.validation import same_logon_name, user_name_of

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient

INCLUDE_CHOICES = ("login_profile", "groups", "policies")
STATUS_CHOICES = ("active", "freeze")


def find_users(client: RamClient, name: str | None = None, user_id: str | None = None, name_prefix: str | None = None,
               name_regex: str | None = None, group: str | None = None, include: Collection[str] = (),
               status: str | None = None) -> list[dict[str, Any]]:
    """ram_user_info: one user (GetUser) or all users (ListUsers, every page, frozen ones too) filtered.

    ``status`` (``active`` or ``freeze``) keeps only listed users in that state; GetUser does not report the
    state, so a user looked up by name or ID has ``status`` None. Extra reads per ``include``.
    """
    if status is not None and status not in STATUS_CHOICES:
        raise ValidationError("status", "must be one of %s" % ", ".join(STATUS_CHOICES))
    if status is not None and (name or user_id):
        raise ValidationError("status", "filters listed users only; it cannot be combined with name or user_id "
                              "because GetUser does not report a user's status")
    unknown = sorted(set(include or ()) - set(INCLUDE_CHOICES))
    if unknown:
        raise ValidationError("include", "unknown value(s) %s; choose from %s" % (", ".join(unknown), ", ".join(INCLUDE_CHOICES)))
    if name is not None:
        validation.validate_upn("name", name)
    if user_id is not None:
        validation.validate_user_id("user_id", user_id)
    if group is not None:
        validation.validate_group_name("group", group)
    pattern = None
    if name_regex is not None:
        try:
            pattern = re.compile(name_regex)
        except re.error as exc:
            raise ValidationError("name_regex", "is not a valid regular expression (%s)" % exc)

    if name or user_id:
        user = client.get_user(user_id=user_id) if user_id else client.get_user(upn=client.upn_for(name))
        users = [user] if user is not None else []
        if user is not None and name and user_id and not same_logon_name(user["user_principal_name"], name):
            users = []
    else:
        users = client.list_users()
        if status is not None:
            users = [u for u in users if u.get("status") == status]
    if name_prefix:
        users = [u for u in users if (u.get("user_principal_name") or "").startswith(name_prefix)]
    if pattern is not None:
        users = [u for u in users if pattern.search(u.get("user_principal_name") or "")]
    if group is not None:
        try:
            members = set(m.get("user_principal_name") for m in client.list_users_for_group(group))
        except RamApiError as exc:
            if exc.is_not_found():
                raise ValidationError("group", "group %r does not exist" % group)
            raise
        users = [u for u in users if u.get("user_principal_name") in members]

    result = []
    for user in sorted(users, key=lambda u: u.get("user_principal_name") or ""):
        item = dict((key, user.get(key)) for key in PUBLIC_KEYS if key not in ("groups", "policies"))
        item["status"] = user.get("status")
        if item["tags"] is None:
            item["tags"] = {}
        upn = user["user_principal_name"]
        if "groups" in include:
            item["groups"] = sorted(g["group_name"] for g in client.list_groups_for_user(upn))
        if "policies" in include:
            item["policies"] = policy_refs(client.list_policies_for_user(user.get("user_name") or user_name_of(upn)))
        if "login_profile" in include:
            item["login_profile"] = client.get_login_profile(upn)
        result.append(item)
    return result
