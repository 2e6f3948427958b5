# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tiny stand-in for tests/emulator/ram_backend.py, so the gateway's tests do not depend on business logic.

It follows the backend contract (ApiFault, RamBackend) with a few user operations only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import threading
import time

ACTIONS = {
    "2019-08-15": {"CreateUser": True, "GetUser": False, "DeleteUser": True, "UpdateLoginProfile": True,
                   "GetLoginProfile": False, "CreateLoginProfile": True},
    "2015-05-01": {"GetUser": False},
    "2015-04-01": {"AssumeRole": True},
}
WRITES = set(a for actions in ACTIONS.values() for a, write in actions.items() if write)


class ApiFault(Exception):
    def __init__(self, code, http_status, message):
        super(ApiFault, self).__init__(code)
        self.code = code
        self.http_status = http_status
        self.message = message


class RamBackend:
    def __init__(self, account_alias="example", account_id="1234567890123456", site="cn", state_file=None,
                 static_keys=None, sts_lifetime=None, clock=time.time):
        self.state_file = state_file
        self.clock = clock
        self.issued_keys = {}
        self.users = {}
        self._lock = threading.Lock()
        if state_file and os.path.exists(state_file):
            with open(state_file) as handle:
                self.users = json.load(handle)["users"]

    def known_versions(self):
        return set(ACTIONS)

    def has_action(self, version, action):
        return action in ACTIONS.get(version, {})

    def is_write(self, action):
        return action in WRITES

    def lookup_access_key(self, access_key_id):
        return self.issued_keys.get(access_key_id)

    def handle(self, version, action, params, caller):
        with self._lock:
            upn = params.get("UserPrincipalName")
            if action == "CreateUser":
                if upn in self.users:
                    raise ApiFault("EntityAlreadyExists.User", 409, "The user does already exist.")
                self.users[upn] = {"UserPrincipalName": upn, "DisplayName": params.get("DisplayName")}
                return {"User": dict(self.users[upn])}
            if action == "AssumeRole":
                self.issued_keys["STS.issued"] = {"secret": "issuedsecret", "security_token": "issuedtoken",
                                                  "expiration": self.clock() + 900}
                return {"Credentials": {"AccessKeyId": "STS.issued"}}
            if upn not in self.users:
                raise ApiFault("EntityNotExist.User", 404, "The user does not exist.")
            if action == "DeleteUser":
                del self.users[upn]
                return {}
            if action == "GetUser":
                return {"User": dict(self.users[upn])}
            if action == "GetLoginProfile":
                raise ApiFault("EntityNotExist.User.LoginProfile", 404, "The login profile does not exist.")
            return {"LoginProfile": {"UserPrincipalName": upn}}

    def snapshot(self):
        with self._lock:
            return {"users": json.loads(json.dumps(self.users))}

    def save(self):
        if self.state_file:
            with open(self.state_file, "w") as handle:
                json.dump(self.snapshot(), handle)

    def imds_role_name(self):
        return "EcsRole"

    def imds_credentials(self, role_name):
        if role_name != "EcsRole":
            raise ApiFault("EntityNotExist.Role", 404, "The role does not exist.")
        return {"Code": "Success", "AccessKeyId": "STS.ecs", "AccessKeySecret": "ecssecret",
                "SecurityToken": "ecstoken", "Expiration": "2030-01-01T00:00:00Z"}
