# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Temporary credentials: STS AssumeRole, and the instance-role credentials of the ECS metadata service.

Issued credentials are kept in the state (with their secret and token) until STS_GRACE after they expire, so
the gateway can verify signatures made with them, and still tell an expired token from an unknown one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import string

from .account import IMDS_ROLE
from .common import INTEGER_RE, ApiFault, fault, iso, random_string

# ASSUMPTION(A10): metadata-service credentials live 6 hours, for the one instance role EcsRamRoleDemo.
IMDS_LIFETIME = 6 * 3600
# Expired STS credentials are kept this long so the gateway can still say "expired".
STS_GRACE = 3600
# STS AssumeRole Policy: "The size of Policy must be smaller than 2048 bytes" (InvalidParameter.PolicySize).
MAX_ASSUME_ROLE_POLICY_BYTES = 2048

ROLE_ARN_RE = re.compile(r"acs:ram::([0-9]+):role/([A-Za-z0-9._-]{1,64})", re.IGNORECASE)
SESSION_NAME_RE = re.compile(r"[A-Za-z0-9.@_-]{2,32}")


class TemporaryCredentials:
    """STS and metadata-service credentials (a mixin of RamBackend)."""

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
