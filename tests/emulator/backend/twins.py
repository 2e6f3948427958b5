# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Actions IMS and RAM share, declared once: the :func:`twin` declaration and the user finders.

IMS 2019-08-15 and RAM 2015-05-01 reach the same account and have many actions in common (GetUser,
AddUserToGroup, CreateAccessKey, ...). They differ mostly in how the request names the user: IMS by
UserPrincipalName (some actions also by UserId or by an AccessKeyId), RAM by UserName. Such an action is one
method named after it, declared with the differences as each version's keyword arguments::

    @twin(ims=dict(find_user=by_upn, view=_ims_profile_view),
          ram=dict(find_user=by_user_name, view=_ram_profile_view))
    def GetLoginProfile(self, params, caller, find_user, view):
        user = find_user(self, params, caller)
        return view(self, user, self._profile_of(user))

A finder is called as ``find_user(account, params, caller)`` and returns the user or raises the API's error.
A handler calls it where the API looks the user up, because that decides which error comes first. A view
may be a method defined above the handler in the same class body; the handler calls it as ``view(self, ...)``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .common import IMS, RAM, check_name, fault, missing, only_one_of


def twin(ims=None, ram=None):
    """Declare a method named after an action as the handler of that action in both IMS and RAM.

    ``ims`` and ``ram`` are the keyword arguments the method gets when the action is called through that
    version; an action whose versions do not differ at all declares neither.
    """
    def declare(method):
        method.twin_arguments = {IMS: dict(ims or {}), RAM: dict(ram or {})}
        return method
    return declare


def twin_arguments(member):
    """{version: keyword arguments} when ``member`` was declared with @twin, else None."""
    declared = getattr(member, "twin_arguments", None)
    return declared if isinstance(declared, dict) else None


# ----------------------------------------------------------------- how a handler finds its user

def by_upn(account, params, caller):
    """IMS: the user named by the required UserPrincipalName."""
    return account._user_by_upn(params.text("UserPrincipalName", required=True))


def by_user_name(account, params, caller):
    """RAM: the user named by the required UserName."""
    name = params.text("UserName", required=True)
    check_name(name, "UserName")
    user = account._user_by_name(name)
    if user is None:
        raise fault("EntityNotExist.User")
    return user


def by_upn_or_caller(account, params, caller):
    """IMS: the user named by UserPrincipalName, or the RAM user whose AccessKey signed the call."""
    upn = params.text("UserPrincipalName")
    if upn:
        return account._user_by_upn(upn)
    return _signing_user(account, caller, "UserPrincipalName")


def by_user_name_or_caller(account, params, caller):
    """RAM: the user named by UserName, or the RAM user whose AccessKey signed the call."""
    if params.text("UserName"):
        return by_user_name(account, params, caller)
    return _signing_user(account, caller, "UserName")


def _signing_user(account, caller, field):
    key = account._state["access_keys"].get(caller.get("access_key_id") or "")
    if key is None:
        # ASSUMPTION(A27): the account's own (root) AccessKeys are not modelled; such callers must name a user.
        raise missing(field)
    return account._state["users"][key["UserId"]]


def by_one_of(*fields):
    """IMS: a finder for the user named by exactly one of ``fields`` (UserPrincipalName, UserId, UserAccessKeyId)."""
    def find(account, params, caller):
        given = [(field, params.text(field)) for field in fields if params.text(field)]
        if not given:
            raise missing("UserPrincipalName")
        if len(given) > 1:
            # ASSUMPTION(A28): undocumented code for "more than one identifier".
            raise only_one_of(fields)
        field, value = given[0]
        if field == "UserPrincipalName":
            return account._user_by_upn(value)
        if field == "UserId":
            user = account._user_by_id(value)
            if user is None:
                raise fault("EntityNotExist.User")
            return user
        key = account._state["access_keys"].get(value)
        if key is None:
            raise fault("EntityNotExist.User.AccessKey")
        return account._state["users"][key["UserId"]]
    return find


by_upn_or_user_id = by_one_of("UserPrincipalName", "UserId")
by_upn_user_id_or_access_key = by_one_of("UserPrincipalName", "UserId", "UserAccessKeyId")
