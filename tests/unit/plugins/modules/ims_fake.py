# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory stand-in for the IMS side of ``Transport.call`` and a runner for modules.

The fake answers with PascalCase bodies and raises :class:`RamApiError` like the real
transport, so module tests exercise module -> reconciler -> RamClient -> wire parameters.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.aliyun.ram.plugins.module_utils import common
from ansible_collections.aliyun.ram.plugins.module_utils.api import RamClient
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError

DOMAIN = "corp.onaliyun.com"
WRITE_ACTIONS = ("CreateLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile", "SetPasswordPolicy")

DEFAULT_POLICY = {
    "MinimumPasswordLength": 8, "RequireLowercaseCharacters": False, "RequireUppercaseCharacters": False,
    "RequireNumbers": False, "RequireSymbols": False, "MinimumPasswordDifferentCharacter": 0,
    "PasswordNotContainUserName": False, "MaxLoginAttemps": 0, "MaxPasswordAge": 0, "HardExpire": False,
    "PasswordReusePrevention": 0, "InitialPasswordAge": 14, "InterceptRiskPasswordOnApi": False,
}


def _bool(value):
    return str(value).lower() == "true" if value is not None else None


class FakeImsTransport:
    def __init__(self, users=(), profiles=None, policy=None):
        self.users = set(users)
        self.profiles = dict(profiles or {})
        self.policy = dict(DEFAULT_POLICY, **(policy or {}))
        self.calls = []
        self.failures = {}

    def fail_next(self, action, code, http_status, times=1):
        self.failures[action] = (code, http_status, times)

    def actions(self):
        return [action for action, params in self.calls]

    def writes(self):
        return [action for action in self.actions() if action in WRITE_ACTIONS]

    def call(self, product, action, params=None):
        params = dict((k, v) for k, v in (params or {}).items() if v is not None)
        self.calls.append((action, params))
        if action in self.failures:
            code, status, times = self.failures[action]
            if times <= 1:
                del self.failures[action]
            else:
                self.failures[action] = (code, status, times - 1)
            raise RamApiError(code, "injected", request_id="REQ", http_status=status, action=action)
        return getattr(self, "_" + action)(params)

    def _not_found(self, code, action):
        raise RamApiError(code, "does not exist", request_id="REQ", http_status=404, action=action)

    def _user(self, params, action):
        upn = params["UserPrincipalName"]
        if upn not in self.users:
            self._not_found("EntityNotExist.User", action)
        return upn

    def _GetDefaultDomain(self, params):
        return {"DefaultDomainName": DOMAIN}

    def _GetUser(self, params):
        upn = self._user(params, "GetUser")
        return {"User": {"UserPrincipalName": upn, "UserId": "1", "DisplayName": upn.split("@")[0]}}

    def _GetLoginProfile(self, params):
        upn = self._user(params, "GetLoginProfile")
        if upn not in self.profiles:
            self._not_found("EntityNotExist.User.LoginProfile", "GetLoginProfile")
        return {"LoginProfile": dict(self.profiles[upn])}

    def _CreateLoginProfile(self, params):
        upn = self._user(params, "CreateLoginProfile")
        if upn in self.profiles:
            raise RamApiError("EntityAlreadyExists.User.LoginProfile", "exists", http_status=409, action="CreateLoginProfile")
        self.profiles[upn] = {
            "UserPrincipalName": upn, "Status": params.get("Status", "Active"),
            "PasswordResetRequired": bool(_bool(params.get("PasswordResetRequired"))),
            "MFABindRequired": bool(_bool(params.get("MFABindRequired"))),
            "PasswordStatus": "InitialValid", "UpdateDate": "2024-05-01T08:00:00Z",
        }
        return {"LoginProfile": dict(self.profiles[upn])}

    def _UpdateLoginProfile(self, params):
        upn = self._user(params, "UpdateLoginProfile")
        if upn not in self.profiles:
            self._not_found("EntityNotExist.User.LoginProfile", "UpdateLoginProfile")
        profile = self.profiles[upn]
        if "Status" in params:
            profile["Status"] = params["Status"]
        for wire in ("PasswordResetRequired", "MFABindRequired"):
            if wire in params:
                profile[wire] = _bool(params[wire])
        profile["UpdateDate"] = "2024-05-02T08:00:00Z"
        return {"LoginProfile": dict(profile)}

    def _DeleteLoginProfile(self, params):
        upn = self._user(params, "DeleteLoginProfile")
        if upn not in self.profiles:
            self._not_found("EntityNotExist.User.LoginProfile", "DeleteLoginProfile")
        del self.profiles[upn]
        return {}

    def _GetPasswordPolicy(self, params):
        return {"PasswordPolicy": dict(self.policy)}

    def _SetPasswordPolicy(self, params):
        # Omitted fields fall back to their defaults: the strictest reading of the API reference.
        self.policy = dict(DEFAULT_POLICY)
        for wire, value in params.items():
            self.policy[wire] = _bool(value) if isinstance(DEFAULT_POLICY[wire], bool) else int(value)
        return {"PasswordPolicy": dict(self.policy)}


def run_module(module, args, transport, monkeypatch, capsys, check_mode=False, diff=False):
    """Run ``module.main()`` with ``args`` against ``transport``; returns the parsed JSON result."""
    monkeypatch.setattr(common, "client_from_module", lambda ansible_module: RamClient(transport))
    full_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(full_args):
        with pytest.raises(SystemExit):
            module.main()
    out = capsys.readouterr().out
    return json.loads(out), out
