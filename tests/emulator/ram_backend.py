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

This file assembles :class:`RamBackend` from the modules in ``backend/``: the shared code, then one
module per entity (see "How the emulator is organised" in docs/emulator.md):

- ``common.py``: API versions, quotas, errors (``ApiFault``, ``fault()``), parameters (``Params``), paging;
- ``account.py``: the ``Account`` base class (state, dispatch, persistence, lookups) and what a new account holds;
- ``twins.py``: ``@twin``, which declares an action IMS and RAM share once, and the user finders (``by_upn``...);
- ``users.py``, ``tags.py``, ``login_profiles.py``, ``password_policy.py``, ``access_keys.py``, ``mfa.py``,
  ``security_preference.py``, ``credential_report.py``,
  ``groups.py``, ``policies.py``, ``roles.py``, ``sts.py``: the actions, one mixin per entity;
- ``admin.py``: the state snapshot and the people behind the users, for the gateway's admin paths.

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

import importlib.util
import os
import sys

PARTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "backend")


def _load_part(name):
    """Load backend/<name>.py as the submodule ``<this module's name>.<name>``.

    tests/ is not a Python package, so the emulator loads its files by path, as ram_emulator.py loads
    signing.py. Registered under this module's name, the parts import each other relatively
    (``from .common import fault``), and every copy of the backend loaded in one process keeps its own.
    """
    qualified = "%s.%s" % (__name__, name)
    spec = importlib.util.spec_from_file_location(qualified, os.path.join(PARTS_DIR, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


# In dependency order: a part imports only the parts loaded before it.
common = _load_part("common")
twins = _load_part("twins")
account = _load_part("account")
tags = _load_part("tags")
users = _load_part("users")
password_policy = _load_part("password_policy")
security_preference = _load_part("security_preference")
credential_report = _load_part("credential_report")
login_profiles = _load_part("login_profiles")
access_keys = _load_part("access_keys")
mfa = _load_part("mfa")
groups = _load_part("groups")
policies = _load_part("policies")
roles = _load_part("roles")
sts = _load_part("sts")
admin = _load_part("admin")


class RamBackend(users.Users, tags.Tags, login_profiles.LoginProfiles, password_policy.PasswordPolicy,
                 security_preference.SecurityPreference, credential_report.CredentialReport,
                 access_keys.AccessKeys, mfa.MfaDevices, groups.Groups, policies.Policies, roles.Roles, sts.TemporaryCredentials,
                 admin.Admin, account.Account):
    """The account behind the emulated IMS, RAM and STS endpoints (thread-safe)."""

    # The quotas and SAVE_INTERVAL are read from this module when used, so that a test can lower one here.
    settings = sys.modules[__name__]


# What tests and tools import from this module.
IMS, RAM, STS = common.IMS, common.RAM, common.STS
ApiFault = common.ApiFault
fault = common.fault
MESSAGES = common.MESSAGES
Params = common.Params
iso = common.iso
MAX_USERS = common.MAX_USERS
MAX_GROUPS = common.MAX_GROUPS
MAX_GROUPS_PER_USER = common.MAX_GROUPS_PER_USER
MAX_ACCESS_KEYS_PER_USER = common.MAX_ACCESS_KEYS_PER_USER
MAX_POLICIES_PER_USER = common.MAX_POLICIES_PER_USER
MAX_POLICIES_PER_GROUP = common.MAX_POLICIES_PER_GROUP
MAX_CUSTOM_POLICIES = common.MAX_CUSTOM_POLICIES
MAX_TAGS_PER_USER = common.MAX_TAGS_PER_USER
SAVE_INTERVAL = common.SAVE_INTERVAL
PASSWORD_POLICY_FIELDS = account.PASSWORD_POLICY_FIELDS
SYSTEM_POLICIES = policies.SYSTEM_POLICIES
IMDS_LIFETIME = sts.IMDS_LIFETIME
STS_GRACE = sts.STS_GRACE
