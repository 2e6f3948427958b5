# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Temporary credentials: STS AssumeRole, and the instance-role credentials of the ECS metadata service.

Issued credentials are kept in the state (with their secret and token) until STS_GRACE after they expire, so
the gateway can verify signatures made with them, and still tell an expired token from an unknown one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import hmac
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
OIDC_SESSION_NAME_RE = re.compile(r"[A-Za-z0-9.@_-]{2,64}")
OIDC_PROVIDER_ARN_RE = re.compile(r"acs:ram::([0-9]+):oidc-provider/([A-Za-z0-9._-]{1,128})")
# AssumeRoleWithOIDC OIDCToken: 4 to 20,000 characters (fact sheet part 2, section 8.2).
MAX_OIDC_TOKEN_CHARS = 20000
# The credentials URI endpoint (/_emulator/credentials-uri) hands out credentials of this role.
URI_ROLE = "admin"
URI_LIFETIME = 3600


def _b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_oidc_token(secret, issuer, audience, subject, issued_at, lifetime):
    """A token the emulator accepts for a provider registered with ``secret`` (tests use it; see A55)."""
    def encode(data):
        return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode("utf-8")).rstrip(b"=").decode("ascii")
    head = encode({"alg": "HS256", "typ": "JWT"}) + "." + encode(
        {"iss": issuer, "aud": audience, "sub": subject, "iat": int(issued_at), "exp": int(issued_at + lifetime)})
    signature = hmac.new(secret.encode("utf-8"), head.encode("ascii"), hashlib.sha256).digest()
    return head + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")


def _oidc_fail(code, message, status=400):
    # ASSUMPTION(A56): the AuthenticationFail.OIDCToken.* codes are answered with 400, and
    # AuthenticationFail.NoPermission (unknown provider) with 403; no source gives their statuses.
    return ApiFault(code, status, message)


def _session_duration(params, role):
    """DurationSeconds of AssumeRole and AssumeRoleWithOIDC: 3600 when not given, else 900 to the role's maximum."""
    duration_text = params.text("DurationSeconds")
    if not duration_text:
        return 3600
    duration = int(duration_text) if INTEGER_RE.fullmatch(duration_text) else -1
    if not 900 <= duration <= role["MaxSessionDuration"]:
        raise ApiFault("InvalidParameter.DurationSeconds", 400,
                       "The parameter DurationSeconds must be between 900 and %d." % role["MaxSessionDuration"])
    return duration


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

    # -- OIDC (RRSA) --

    def add_oidc_provider(self, name, issuer, audience, secret):
        """Register an OIDC identity provider of this account (the admin path /_emulator/oidc-providers)."""
        for value in (name, issuer, audience, secret):
            if not isinstance(value, str) or not value:
                raise ValueError("name, issuer, audience and secret must be non-empty strings")
        with self._lock:
            self._state.setdefault("oidc_providers", {})[name] = {"issuer": issuer, "audience": audience, "secret": secret}
            self._schedule_save()
        return {"Arn": "acs:ram::%s:oidc-provider/%s" % (self.account_id, name)}

    def _verify_oidc_token(self, provider, token, now):
        """The token's claims, or ApiFault. ASSUMPTION(A55): tokens are HS256 JWTs checked with the provider's
        shared secret (the real service checks RS256 signatures against the IdP's published keys)."""
        parts = token.split(".")
        try:
            if len(parts) != 3:
                raise ValueError("not a JWT")
            header = json.loads(_b64url_decode(parts[0]).decode("utf-8"))
            claims = json.loads(_b64url_decode(parts[1]).decode("utf-8"))
            signature = _b64url_decode(parts[2])
        except (ValueError, UnicodeDecodeError):
            raise _oidc_fail("AuthenticationFail.OIDCToken.Invalid", "The OIDC token is invalid.")
        if not isinstance(header, dict) or header.get("alg") != "HS256" or not isinstance(claims, dict):
            raise _oidc_fail("AuthenticationFail.OIDCToken.Invalid", "The OIDC token is invalid.")
        expected = hmac.new(provider["secret"].encode("utf-8"), (parts[0] + "." + parts[1]).encode("ascii"),
                            hashlib.sha256).digest()
        if not hmac.compare_digest(expected, signature):
            raise _oidc_fail("AuthenticationFail.OIDCToken.Invalid", "The OIDC token is invalid.")
        if claims.get("iss") != provider["issuer"]:
            raise _oidc_fail("AuthenticationFail.OIDCToken.IssuerNotMatch",
                             "The issuer in the OIDC Token doesn't match the OIDC Provider registered.")
        audiences = claims.get("aud") if isinstance(claims.get("aud"), list) else [claims.get("aud")]
        if provider["audience"] not in audiences:
            raise _oidc_fail("AuthenticationFail.OIDCToken.AudienceNotMatch", "Invalid audience.")
        expires = claims.get("exp")
        if not isinstance(expires, (int, float)) or expires <= now:
            raise _oidc_fail("AuthenticationFail.OIDCToken.Expired", "This JsonWebToken is expired.")
        return claims

    def _sts_AssumeRoleWithOIDC(self, params, caller):
        """Unsigned (the gateway lets it through without a signature): the token is the proof."""
        arn = params.text("RoleArn", required=True)
        provider_arn = params.text("OIDCProviderArn", required=True)
        token = params.text("OIDCToken", required=True)
        session_name = params.text("RoleSessionName", required=True)
        match = ROLE_ARN_RE.fullmatch(arn)
        if match is None:
            raise ApiFault("InvalidParameter.RoleArn", 400, "The parameter RoleArn is wrongly formed.")
        if not OIDC_SESSION_NAME_RE.fullmatch(session_name):
            raise ApiFault("InvalidParameter.RoleSessionName", 400, "The parameter RoleSessionName is wrongly formed.")
        if not 4 <= len(token) <= MAX_OIDC_TOKEN_CHARS:
            raise _oidc_fail("AuthenticationFail.OIDCToken.Invalid", "The OIDC token is invalid.")
        provider_match = OIDC_PROVIDER_ARN_RE.fullmatch(provider_arn)
        provider = None
        if provider_match is not None and provider_match.group(1) == self.account_id:
            provider = self._state.get("oidc_providers", {}).get(provider_match.group(2))
        if provider is None:
            raise _oidc_fail("AuthenticationFail.NoPermission", "No such OIDC Provider registered.", 403)
        now = self.clock()
        claims = self._verify_oidc_token(provider, token, now)
        role = self._state["roles"].get(match.group(2).lower())
        # ASSUMPTION(A57): any role of the account may be assumed with a valid token of a registered provider
        # (trust policies are not modelled); a role of another account is EntityNotExist.Role, as A49.
        if role is None or match.group(1) != self.account_id:
            raise fault("EntityNotExist.Role")
        duration = _session_duration(params, role)
        credentials = self._issue_sts(role, session_name, duration)
        audience = claims.get("aud")
        return {"Credentials": credentials,
                "AssumedRoleUser": {"Arn": "acs:ram::%s:role/%s/%s" % (self.account_id, role["RoleName"].lower(), session_name),
                                    "AssumedRoleId": "%s:%s" % (role["RoleId"], session_name)},
                "OIDCTokenInfo": {"Issuer": claims.get("iss"), "Subject": claims.get("sub"),
                                  "ClientIds": ",".join(audience) if isinstance(audience, list) else audience,
                                  "IssuanceTime": iso(claims["iat"]) if isinstance(claims.get("iat"), (int, float)) else None,
                                  "ExpirationTime": iso(claims["exp"]), "VerificationInfo": "Success"}}

    # -- the credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI) --

    def credentials_uri_document(self):
        """What GET /_emulator/credentials-uri answers. ASSUMPTION(A58): credentials of the role admin, valid for
        an hour (or --sts-lifetime), in the shape the official credentials library expects; no Alibaba service
        defines this endpoint (a credentials URI is whatever local service the user runs)."""
        with self._lock:
            issued = self._issue_sts(self._state["roles"][URI_ROLE], "credentials-uri", URI_LIFETIME)
            self._schedule_save()
            return {"Code": "Success", "AccessKeyId": issued["AccessKeyId"], "AccessKeySecret": issued["AccessKeySecret"],
                    "SecurityToken": issued["SecurityToken"], "Expiration": issued["Expiration"]}

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
        duration = _session_duration(params, role)
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
