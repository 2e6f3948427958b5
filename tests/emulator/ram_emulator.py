# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP gateway of the Alibaba Cloud RAM/IMS/STS API emulator (standard library only).

Usage::

    python3 tests/emulator/ram_emulator.py --port PORT [--host 127.0.0.1]
        [--access-key ID:SECRET]...     # repeatable; default testid:testsecret
        [--state FILE] [--request-log FILE] [--account-alias NAME] [--site cn|intl]
        [--latency-ms N] [--throttle-rate F] [--error-rate F] [--drop-rate F] [--seed N]
        [--visibility-delay-ms N]
        [--certfile PEM --keyfile PEM] [--sts-lifetime SECONDS]
        [--allow-remote] [--imds-require-token]

Without ``--access-key`` the emulator accepts the single key ``testid`` with the
secret ``testsecret``. Once it accepts connections it prints one line,
``ready http://127.0.0.1:PORT`` (``https://`` with TLS), and it exits with code 0,
saving ``--state``, on SIGTERM or SIGINT.

The gateway does what Alibaba's API gateway does before a request reaches a
product: it parses the request, checks Action and Version, verifies the V3
(``ACS3-HMAC-SHA256``) or classic (HMAC-SHA1) signature with the project's own
``plugins/module_utils/signing.py``, applies injected faults, and answers with
Alibaba's JSON error body. The business logic lives in ``ram_backend.py``.

Besides the API on ``/`` it answers unsigned, loopback-only test paths that are
never logged and never faulted (``/_emulator/stats``, ``/_emulator/stats/reset``,
``/_emulator/state``, ``/_emulator/secrets``, ``/_emulator/faults``, ``/_emulator/inject``,
``/_emulator/people/<action>``, ``/_emulator/keys/<action>``, ``/_emulator/oidc-providers``,
``/_emulator/credentials-uri``)
and an ECS metadata service under ``/latest/``.

Only loopback clients are served, whatever ``--host`` binds to: other clients get 403. ``--allow-remote``
opens the API and the metadata service (never the admin paths) to them; ``--imds-require-token`` makes
the metadata service demand the token from ``PUT /latest/api/token`` (hardened mode).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import collections
import datetime
import hashlib
import hmac
import importlib.util
import ipaddress
import json
import os
import random
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
SIGNING_PATH = os.path.normpath(os.path.join(HERE, "..", "..", "plugins", "module_utils", "signing.py"))
# Hidden test aid: the gateway's own tests may swap in a small fake backend.
BACKEND_PATH = os.environ.get("RAM_EMULATOR_BACKEND") or os.path.join(HERE, "ram_backend.py")


def _load_by_path(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# Loaded by path so the emulator works from the repository and from an installed collection alike.
signing = sys.modules.get("_ram_emulator_signing") or _load_by_path("_ram_emulator_signing", SIGNING_PATH)

TIME_WINDOW_SECONDS = 15 * 60
DEFAULT_ACCESS_KEY = "testid:testsecret"
IMDS_MAX_TTL = 21600

# version -> (HostId, product name used in Recommend)
PRODUCTS = {
    "2019-08-15": ("ims.aliyuncs.com", "Ims"),
    "2015-05-01": ("ram.aliyuncs.com", "Ram"),
    "2015-04-01": ("sts.aliyuncs.com", "Sts"),
}
DEFAULT_PRODUCT = PRODUCTS["2019-08-15"]

# Parameters that belong to the gateway (signature and protocol), not to the operation.
# ASSUMPTION(A07): Format=XML is accepted and ignored: every answer is JSON (the SDKs send Format=json).
COMMON_PARAMS = frozenset([
    "Action", "Version", "Format", "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion",
    "SignatureNonce", "SignatureType", "Timestamp", "SecurityToken",
])
PEOPLE_PREFIX = "/_emulator/people/"
# STS actions sent without a signature (fact sheet part 2, section 8.1: AssumeRoleWithOIDC is Anonymous); any
# signature headers on them are ignored.
UNSIGNED_ACTIONS = frozenset(["AssumeRoleWithOIDC"])
KEYS_PREFIX = "/_emulator/keys/"
REPORT_PREFIX = "/_emulator/credential_report/"
# Parameter names holding a secret: passwords, keys, tokens, and MFA one-time codes.
SECRET_PARAM_MARKERS = ("secret", "password", "token", "authenticationcode")
# ASSUMPTION(A03): a V3 request must carry and sign these six headers (the minimal set other SDKs sign; S11 says
# every common header but Authorization is signed), else MissingParameter / IncompleteSignature; an Authorization
# header that cannot be parsed is IncompleteSignature too.
V3_REQUIRED_SIGNED_HEADERS = ("host", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
                              "x-acs-signature-nonce", "x-acs-version")

MESSAGES = {
    "MissingParameter": 'The input parameter "%s" that is mandatory for processing this request is not supplied.',
    "InvalidVersion": "Specified parameter Version is not valid.",
    "InvalidAction.NotFound": "Specified api is not found, please check your url and method.",
    "InvalidAccessKeyId.NotFound": "Specified access key is not found.",
    "Forbidden.AccessKeyDisabled": "The Access Key is disabled.",
    "InvalidTimeStamp.Expired": "Specified time stamp or date value is expired.",
    "InvalidTimeStamp.Format": "Specified time stamp or date value is not well formatted.",
    "SignatureNonceUsed": "Specified signature nonce was used already.",
    "SignatureDoesNotMatch": "Specified signature is not matched with our calculation. server string to sign is:%s",
    "IncompleteSignature": "The request signature does not conform to Aliyun standards.",
    "InvalidSecurityToken.Malformed": "The security token you provided is malformed.",
    "InvalidSecurityToken.MismatchWithAccessKey": "The security token you provided does not match the access key.",
    "InvalidSecurityToken.Expired": "The security token you provided has expired.",
    "Throttling.User": "Request was denied due to user flow control.",
    "ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
    "InternalError": "An internal error occurred.",
}


class GatewayError(Exception):
    """An error the gateway answers itself, before or instead of the backend."""

    def __init__(self, code, http_status, message=None, headers=None):
        super(GatewayError, self).__init__(code)
        self.code = code
        self.http_status = http_status
        self.message = message if message is not None else MESSAGES.get(code, code)
        self.headers = headers or {}


def missing(name):
    return GatewayError("MissingParameter", 400, MESSAGES["MissingParameter"] % name)


# --- request parsing -------------------------------------------------------------


class Headers:
    """Case-insensitive, multi-valued request headers with the ``items()`` shape signing.py expects."""

    def __init__(self, pairs):
        self._pairs = [(str(k), str(v)) for k, v in (pairs.items() if hasattr(pairs, "items") else pairs)]

    def items(self):
        return list(self._pairs)

    def get(self, name, default=None):
        name = name.lower()
        for key, value in self._pairs:
            if key.lower() == name:
                return value
        return default

    def __contains__(self, name):
        return self.get(name) is not None


def form_decode(text):
    """Form-decode a query or body (``+`` is a space, blank values kept); the last duplicate wins."""
    return dict(parse_qsl(text or "", keep_blank_values=True))


def is_form_body(headers):
    content_type = (headers.get("content-type") or "").split(";")[0].strip().lower()
    return content_type == "application/x-www-form-urlencoded"


class ApiRequest:
    """One request on ``/`` as the gateway sees it."""

    def __init__(self, method, target, headers, body=b""):
        self.method = method.upper()
        split = urlsplit(target)
        self.path = split.path or "/"
        self.query = form_decode(split.query)
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self.body = body or b""
        self.form = form_decode(self.body.decode("utf-8", "replace")) if self.body and is_form_body(self.headers) else {}
        self.params = dict(self.query)
        self.params.update(self.form)
        self.action = self.params.get("Action") or self.headers.get("x-acs-action")
        self.version = self.params.get("Version") or self.headers.get("x-acs-version")

    def business_params(self):
        return dict((k, v) for k, v in self.params.items() if k not in COMMON_PARAMS)


# --- authentication ---------------------------------------------------------------


def parse_timestamp(value):
    """Epoch seconds of a ``yyyy-MM-ddTHH:mm:ssZ`` value (fractions and offsets tolerated)."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        # ASSUMPTION(A04): an unparsable Timestamp / x-acs-date is InvalidTimeStamp.Format (400).
        raise GatewayError("InvalidTimeStamp.Format", 400)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp()


class NonceCache:
    """Nonces seen within the time window, per AccessKey; thread-safe."""

    def __init__(self, window=TIME_WINDOW_SECONDS):
        self.window = window
        self._seen = {}
        self._order = collections.deque()  # (recorded at, key), oldest first: purging stays cheap
        self._lock = threading.Lock()

    def _purge(self, now):
        while self._order and now - self._order[0][0] > self.window:
            del self._seen[self._order.popleft()[1]]

    def seen(self, access_key_id, nonce, now):
        with self._lock:
            self._purge(now)
            return (access_key_id, nonce) in self._seen

    def add(self, access_key_id, nonce, now):
        """Record a nonce; False if another request recorded it first."""
        with self._lock:
            if (access_key_id, nonce) in self._seen:
                return False
            self._seen[(access_key_id, nonce)] = now
            self._order.append((now, (access_key_id, nonce)))
            return True


def auth_kind(request):
    if (request.headers.get("authorization") or "").startswith(signing.V3_ALGORITHM):
        return "v3"
    if "Signature" in request.params:
        return "v1"
    return "none"


def _check_time_and_nonce(access_key_id, timestamp, nonce, now, nonces):
    if abs(now - parse_timestamp(timestamp)) > TIME_WINDOW_SECONDS:
        raise GatewayError("InvalidTimeStamp.Expired", 400)
    if nonces is not None and nonces.seen(access_key_id, nonce, now):
        raise GatewayError("SignatureNonceUsed", 400)


def _known_key(lookup_key, access_key_id):
    key = lookup_key(access_key_id)
    if key is None:
        raise GatewayError("InvalidAccessKeyId.NotFound", 404)
    if key.get("disabled"):
        # Legacy common-error table: Forbidden.AccessKeyDisabled, 403 (fact sheet 4.2).
        raise GatewayError("Forbidden.AccessKeyDisabled", 403)
    return key


def _verify_v3(request, lookup_key, now, nonces):
    parsed = signing.parse_v3_authorization(request.headers.get("authorization"))
    if parsed is None:
        raise GatewayError("IncompleteSignature", 400)
    access_key_id, signed_headers, client_signature = parsed
    signed_headers = [h.lower() for h in signed_headers]
    for name in V3_REQUIRED_SIGNED_HEADERS:
        if request.headers.get(name) is None:
            raise missing(name)
    if not set(V3_REQUIRED_SIGNED_HEADERS) <= set(signed_headers) or "authorization" in signed_headers:
        raise GatewayError("IncompleteSignature", 400)
    key = _known_key(lookup_key, access_key_id)
    nonce = request.headers.get("x-acs-signature-nonce")
    _check_time_and_nonce(access_key_id, request.headers.get("x-acs-date"), nonce, now, nonces)
    # The payload hash comes from the body we received, not from the client's header: a header that lies
    # about the body then breaks the signature, as x-acs-content-sha256 is always signed.
    canonical = signing.v3_canonical_request(request.method, request.path, request.query, request.headers,
                                             signed_headers, hashlib.sha256(request.body).hexdigest())
    expected = signing.v3_signature(key["secret"], canonical)
    if not hmac.compare_digest(expected, client_signature):
        raise GatewayError("SignatureDoesNotMatch", 400,
                           MESSAGES["SignatureDoesNotMatch"] % signing.v3_string_to_sign(canonical))
    return access_key_id, key, nonce, request.headers.get("x-acs-security-token")


def _verify_classic(request, lookup_key, now, nonces):
    params = request.params
    for name in ("AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"):
        if not params.get(name):
            raise missing(name)
    if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
        # ASSUMPTION(A04): any other signature method or version is IncompleteSignature (400).
        raise GatewayError("IncompleteSignature", 400)
    access_key_id = params["AccessKeyId"]
    key = _known_key(lookup_key, access_key_id)
    _check_time_and_nonce(access_key_id, params["Timestamp"], params["SignatureNonce"], now, nonces)
    signed = dict((k, v) for k, v in params.items() if k != "Signature")
    expected = signing.rpc_signature(request.method, signed, key["secret"])
    if not hmac.compare_digest(expected.encode("utf-8"), params["Signature"].encode("utf-8")):
        raise GatewayError("SignatureDoesNotMatch", 400,
                           MESSAGES["SignatureDoesNotMatch"] % signing.rpc_string_to_sign(request.method, signed))
    return access_key_id, key, params["SignatureNonce"], params.get("SecurityToken")


def _check_security_token(key, token, now):
    # ASSUMPTION(A05): Alibaba documents no HTTP status for InvalidSecurityToken.*; 400 like the other request
    # errors. A token is checked only for keys that have one.
    expected = key.get("security_token")
    if not expected:
        return
    if not token:
        raise GatewayError("InvalidSecurityToken.Malformed", 400)
    if not hmac.compare_digest(expected.encode("utf-8"), token.encode("utf-8")):
        raise GatewayError("InvalidSecurityToken.MismatchWithAccessKey", 400)
    if key.get("expiration") is not None and now >= key["expiration"]:
        raise GatewayError("InvalidSecurityToken.Expired", 400)


def authenticate(request, lookup_key, now, nonces=None):
    """Verify the request's signature; return the caller ``{access_key_id, is_sts}`` or raise GatewayError.

    ``lookup_key(access_key_id)`` returns ``{secret, security_token, expiration}`` or None. ``now`` is epoch
    seconds. ``nonces`` (a NonceCache) enables replay protection; a nonce is recorded only once the
    signature is valid. Checks run in the gateway's order: missing parts, unknown key, clock skew, reused
    nonce, signature, security token.

    ASSUMPTION(A02): this order (the fact sheet's suggested one), with a disabled key refused right after the
    key lookup; a request with two faults reports the first.
    """
    kind = auth_kind(request)
    if kind == "v3":
        access_key_id, key, nonce, token = _verify_v3(request, lookup_key, now, nonces)
    elif kind == "v1":
        access_key_id, key, nonce, token = _verify_classic(request, lookup_key, now, nonces)
    else:
        raise missing("AccessKeyId")
    _check_security_token(key, token, now)
    if nonces is not None and not nonces.add(access_key_id, nonce, now):
        raise GatewayError("SignatureNonceUsed", 400)
    return {"access_key_id": access_key_id, "is_sts": bool(key.get("security_token"))}


def verify_request(method, target, headers, body, lookup_key, now, nonces=None):
    """Pure verification of one raw request (no backend): the caller dict, or GatewayError."""
    return authenticate(ApiRequest(method, target, headers, body), lookup_key, now, nonces)


def parse_access_key(text):
    """``ID:SECRET`` or ``ID:SECRET:SECURITY_TOKEN`` (the latter registers a static STS key for tests)."""
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise ValueError("expected ID:SECRET, got %r" % text.split(":", 1)[0])
    return parts[0], {"secret": parts[1], "security_token": parts[2] if len(parts) == 3 else None, "expiration": None}


# --- faults, stats and request log ---------------------------------------------------


class Faults:
    """Random fault injection (seeded), one-shot injected errors per action, and the visibility delay after
    creates (which the backend applies; listeners hear every change); thread-safe."""

    FIELDS = ("latency_ms", "throttle_rate", "error_rate", "drop_rate", "visibility_delay_ms", "report_delay_ms")

    def __init__(self, latency_ms=0, throttle_rate=0.0, error_rate=0.0, drop_rate=0.0, seed=None,
                 visibility_delay_ms=0):
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._injected = {}
        self._listeners = []
        self.latency_ms = self.throttle_rate = self.error_rate = self.drop_rate = self.visibility_delay_ms = 0
        self.report_delay_ms = 0
        self.update({"latency_ms": latency_ms, "throttle_rate": throttle_rate,
                     "error_rate": error_rate, "drop_rate": drop_rate, "visibility_delay_ms": visibility_delay_ms})

    def add_listener(self, listener):
        """Call ``listener(settings)`` after every update."""
        self._listeners.append(listener)

    def update(self, settings):
        unknown = set(settings) - set(self.FIELDS)
        if unknown:
            raise ValueError("unknown fault settings: %s" % ", ".join(sorted(unknown)))
        values = {}
        for name, value in settings.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError("%s must be a non-negative number" % name)
            if name.endswith("_rate") and value > 1:
                raise ValueError("%s must be between 0 and 1" % name)
            values[name] = value
        with self._lock:
            for name, value in values.items():
                setattr(self, name, value)
        for listener in list(self._listeners):
            listener(self.settings())

    def settings(self):
        with self._lock:
            return dict((name, getattr(self, name)) for name in self.FIELDS)

    def inject(self, spec):
        """Make the next ``times`` requests for ``action`` fail with an error, or (``drop: true``) be
        applied and then dropped without a response."""
        action = spec.get("action")
        code = spec.get("code")
        status = spec.get("http_status", 400)
        times = spec.get("times", 1)
        drop = spec.get("drop") is True
        if not action or not isinstance(times, int) or times < 1 or \
                (not drop and (not code or not isinstance(status, int))):
            raise ValueError("inject needs action, times >= 1, and either drop: true or code with an integer http_status")
        with self._lock:
            self._injected[action] = {"drop": drop, "code": code, "http_status": status,
                                      "message": spec.get("message") or code, "times": times}

    def take_injected(self, action):
        """The injected outcome for this request: None, "drop", or the GatewayError to answer with."""
        with self._lock:
            entry = self._injected.get(action)
            if entry is None:
                return None
            entry["times"] -= 1
            if entry["times"] <= 0:
                del self._injected[action]
            if entry["drop"]:
                return "drop"
            return GatewayError(entry["code"], entry["http_status"], entry["message"])

    def roll(self):
        """Decide this request's random fault: None, "throttle", "error" or "drop", plus a retry-after in ms."""
        with self._lock:
            if self._random.random() < self.throttle_rate:
                # ASSUMPTION(A06): injected throttling is Throttling.User, HTTP 400 (legacy table; the code, not the
                # status, is what clients should key on), with x-acs-retry-after 50-200 ms; an injected error is
                # ServiceUnavailable 503.
                return "throttle", self._random.randint(50, 200)
            if self._random.random() < self.error_rate:
                return "error", None
            if self._random.random() < self.drop_rate:
                return "drop", None
            return None, None


class Stats:
    """Counts of API requests, since start or the last reset.

    ``requests``: every request that passed authentication; ``writes``/``reads``: those that reached the
    backend, by the backend's ``is_write`` (a dropped write counts: it was applied); ``errors``: those
    answered with a non-200 status (faults included); ``rejected``: requests refused by the gateway before
    that stage. ``write_attempts``: every request on the API whose action is a write, counted as soon as the
    action is known, before any check, whatever happens to it next (refused, faulted, dropped, failed or
    applied). ``by_action`` keeps ``requests``/``writes`` per action and adds ``write_attempts``.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self._data = {"requests": 0, "writes": 0, "write_attempts": 0, "reads": 0, "errors": 0, "rejected": 0,
                          "faults": {"throttle": 0, "error": 0, "drop": 0, "inject": 0}, "by_action": {}}

    def _entry(self, action):
        return self._data["by_action"].setdefault(action, {"requests": 0, "writes": 0, "write_attempts": 0})

    def record_write_attempt(self, action):
        with self._lock:
            self._data["write_attempts"] += 1
            self._entry(action)["write_attempts"] += 1

    def record(self, action, reached_backend, write, failed, fault):
        with self._lock:
            data = self._data
            entry = self._entry(action)
            data["requests"] += 1
            entry["requests"] += 1
            if reached_backend and write:
                data["writes"] += 1
                entry["writes"] += 1
            elif reached_backend:
                data["reads"] += 1
            if failed:
                data["errors"] += 1
            if fault:
                data["faults"][fault] += 1

    def record_rejected(self):
        with self._lock:
            self._data["rejected"] += 1

    def snapshot(self):
        with self._lock:
            return json.loads(json.dumps(self._data))


# Password-policy and login-profile flags share the word "password" but hold no secret; keep them readable.
NON_SECRET_PARAMS = frozenset(p.lower() for p in (
    "PasswordResetRequired", "MinimumPasswordLength", "MinimumPasswordDifferentCharacter", "MaxPasswordAge",
    "PasswordReusePrevention", "PasswordNotContainUserName", "InitialPasswordAge", "HardExpire", "HardExpiry",
    "InterceptRiskPasswordOnApi", "AllowUserToChangePassword"))


def redact(params):
    """Business parameters with every secret-looking value replaced by ``***``."""
    return dict((k, "***" if k.lower() not in NON_SECRET_PARAMS and any(m in k.lower() for m in SECRET_PARAM_MARKERS) else v)
                for k, v in params.items())


def iso_utc(epoch):
    moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


class RequestLog:
    """Append-only JSON-lines log of API requests (never headers, signatures or secret values)."""

    def __init__(self, path):
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8") if path else None

    def write(self, entry):
        if self._file is None:
            return
        line = json.dumps(entry, sort_keys=True, ensure_ascii=False)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()

    def close(self):
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


# --- the gateway -------------------------------------------------------------------


class Response:
    def __init__(self, status, body, content_type="application/json;charset=utf-8", headers=None, drop=False):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.content_type = content_type
        self.headers = headers or {}
        self.drop = drop


def json_response(status, payload, headers=None):
    return Response(status, json.dumps(payload, ensure_ascii=False), headers=headers)


def text_response(status, text):
    return Response(status, text, content_type="text/plain;charset=utf-8")


def error_body(code, message, version, request_id=None):
    request_id = request_id or str(uuid.uuid4()).upper()
    host_id, product = PRODUCTS.get(version, DEFAULT_PRODUCT)
    return {
        "RequestId": request_id,
        "HostId": host_id,
        "Code": code,
        "Message": message,
        "Recommend": "https://api.aliyun.com/troubleshoot?q=%s&product=%s&requestId=%s" % (code, product, request_id),
    }


# Answer fields that carry a secret the emulator issues (CreateAccessKey, AssumeRole, ECS metadata, ...).
ISSUED_SECRET_FIELDS = ("AccessKeySecret", "SecurityToken")


class SecretsSeen:
    """Every secret that crossed the gateway: secret-looking request parameters (passwords, tokens) and the
    secrets its answers issued. Kept in memory only (never logged, never saved with --state), for one purpose:
    ``GET /_emulator/secrets`` lets a test scan its output for values it never knew (a generated password,
    a new AccessKey secret)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._values = []

    def _add(self, value):
        # a flag or a number is not a secret whatever its parameter is called
        if isinstance(value, str) and value and value != "***" and value.lower() not in ("true", "false") \
                and not value.isdigit():
            with self._lock:
                if value not in self._values:
                    self._values.append(value)

    def note_params(self, params):
        for name, value in params.items():
            lowered = name.lower()
            if lowered not in NON_SECRET_PARAMS and any(marker in lowered for marker in SECRET_PARAM_MARKERS):
                self._add(value)

    def note_answer(self, response):
        if not response.content_type.startswith("application/json"):
            return
        try:
            stack = [json.loads(response.body.decode("utf-8"))]
        except ValueError:
            return
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if key in ISSUED_SECRET_FIELDS:
                        self._add(value)
                    else:
                        stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)

    def values(self):
        with self._lock:
            return list(self._values)


class Gateway:
    """Turns raw requests into responses; independent of the socket layer so tests can drive it directly."""

    def __init__(self, backend, api_fault_class, static_keys=None, faults=None, request_log=None, clock=time.time,
                 sleep=time.sleep, allow_remote=False, imds_require_token=False, monotonic=time.monotonic):
        self.backend = backend
        self.api_fault_class = api_fault_class
        self.static_keys = dict(static_keys or {})
        self.faults = faults or Faults()
        self.request_log = request_log or RequestLog(None)
        self.stats = Stats()
        self.nonces = NonceCache()
        self.clock = clock
        self.sleep = sleep
        self.allow_remote = allow_remote
        self.imds_require_token = imds_require_token
        self._monotonic = monotonic
        self._imds_tokens = {}  # token -> monotonic expiry
        self._imds_lock = threading.Lock()
        self.secrets_seen = SecretsSeen()
        self.faults.add_listener(self._apply_backend_settings)
        self._apply_backend_settings(self.faults.settings())

    def _apply_backend_settings(self, settings):
        # The visibility delay is the account's behaviour, so the backend applies it; a backend without the
        # feature (the gateway tests' fake) ignores it.
        setter = getattr(self.backend, "set_visibility_delay", None)
        if setter is not None:
            setter(settings["visibility_delay_ms"])
        # So is the time a credential report takes to generate.
        report_setter = getattr(self.backend, "set_report_delay", None)
        if report_setter is not None:
            report_setter(settings.get("report_delay_ms", 0))

    def lookup_key(self, access_key_id):
        return self.static_keys.get(access_key_id) or self.backend.lookup_access_key(access_key_id)

    # -- API on "/" --

    def count_write_attempt(self, request):
        """Count a write request the moment its action is known, before anything can refuse it."""
        if request.action and self._is_write(request.action):
            self.stats.record_write_attempt(request.action)

    def handle_api(self, request):
        started = time.monotonic()
        self.count_write_attempt(request)
        outcome = {"fault": None, "caller": None}
        try:
            response = self._api(request, outcome)
        except GatewayError as exc:
            response = json_response(exc.http_status, error_body(exc.code, exc.message, request.version), exc.headers)
        self.secrets_seen.note_params(request.business_params())
        self.secrets_seen.note_answer(response)
        self._log(request, response, outcome, started)
        return response

    def _api(self, request, outcome):
        if request.method not in ("GET", "POST") or request.path != "/":
            raise GatewayError("InvalidAction.NotFound", 404)
        try:
            self._check_operation(request)
            if request.version == "2015-04-01" and request.action in UNSIGNED_ACTIONS:
                caller = {"access_key_id": None, "is_sts": False}
            else:
                caller = authenticate(request, self.lookup_key, self.clock(), self.nonces)
        except GatewayError:
            self.stats.record_rejected()
            raise
        outcome["caller"] = caller
        self._record_key_use(request, caller)
        return self._dispatch(request, caller, outcome)

    def _record_key_use(self, request, caller):
        """Tell the account that a RAM user's AccessKey signed an accepted request (GetAccessKeyLastUsed).

        The static keys of --access-key and STS credentials are not tracked. ASSUMPTION(A54): ServiceName is the
        lower-case product code of the API called: "ims", "ram" or "sts".
        """
        record = getattr(self.backend, "record_access_key_use", None)
        if record is None or caller["is_sts"] or caller["access_key_id"] in self.static_keys or not caller["access_key_id"]:
            return
        record(caller["access_key_id"], PRODUCTS[request.version][1].lower())

    def _check_operation(self, request):
        # ASSUMPTION(A01): no Action/Version -> MissingParameter (400); an unknown Version -> InvalidVersion (400,
        # message from third-party code); an unknown Action, or a method other than GET/POST or a path other than
        # "/" -> InvalidAction.NotFound (404, status not verified).
        if not request.action:
            raise missing("Action")
        if not request.version:
            raise missing("Version")
        if request.version not in self.backend.known_versions():
            raise GatewayError("InvalidVersion", 400)
        if not self.backend.has_action(request.version, request.action):
            raise GatewayError("InvalidAction.NotFound", 404)

    def _dispatch(self, request, caller, outcome):
        write = bool(self.backend.is_write(request.action))
        reached_backend = False
        response = None
        try:
            settings = self.faults.settings()
            if settings["latency_ms"]:
                self.sleep(settings["latency_ms"] / 1000.0)
            injected = self.faults.take_injected(request.action)
            if isinstance(injected, GatewayError):
                outcome["fault"] = "inject"
                raise injected
            fault, retry_after = ("drop", None) if injected == "drop" else self.faults.roll()
            if fault == "throttle":
                outcome["fault"] = fault
                raise GatewayError("Throttling.User", 400, headers={"x-acs-retry-after": str(retry_after)})
            if fault == "error":
                outcome["fault"] = fault
                raise GatewayError("ServiceUnavailable", 503)
            reached_backend = True
            response = self._call_backend(request, caller)
            if fault == "drop":
                outcome["fault"] = fault
                response.drop = True
            return response
        except GatewayError as exc:
            response = json_response(exc.http_status, error_body(exc.code, exc.message, request.version), exc.headers)
            return response
        finally:
            self.stats.record(request.action, reached_backend, write, response is None or response.status != 200,
                              outcome["fault"])

    def _call_backend(self, request, caller):
        request_id = str(uuid.uuid4()).upper()
        try:
            result = self.backend.handle(request.version, request.action, request.business_params(), caller)
        except self.api_fault_class as fault:
            return json_response(fault.http_status, error_body(fault.code, fault.message, request.version, request_id))
        except Exception:  # a backend bug must not kill the connection; report it like Alibaba's InternalError
            traceback.print_exc(file=sys.stderr)
            return json_response(500, error_body("InternalError", MESSAGES["InternalError"], request.version, request_id))
        body = dict(result or {})
        body["RequestId"] = request_id
        return json_response(200, body)

    def _log(self, request, response, outcome, started):
        code = None
        if response.status != 200:
            try:
                code = json.loads(response.body.decode("utf-8")).get("Code")
            except ValueError:
                code = None
        caller = outcome["caller"]
        self.request_log.write({
            "time": iso_utc(self.clock()),
            "action": request.action,
            "version": request.version,
            "method": request.method,
            "auth": auth_kind(request),
            "status": response.status,
            "code": code,
            "write": bool(request.action and self._is_write(request.action)),
            "params": redact(request.business_params()),
            "access_key_id": caller["access_key_id"] if caller else None,
            "fault": outcome["fault"],
            "duration_ms": round((time.monotonic() - started) * 1000.0, 3),
        })

    def _is_write(self, action):
        try:
            return self.backend.is_write(action)
        except Exception:  # unknown actions may not be classifiable
            return False

    # -- admin paths --

    def handle_admin(self, method, path, body):
        try:
            payload = json.loads(body.decode("utf-8")) if body.strip() else {}
        except ValueError:
            return json_response(400, {"error": "body must be JSON"})
        if method == "GET" and path == "/_emulator/stats":
            return json_response(200, self.stats.snapshot())
        if method == "POST" and path == "/_emulator/stats/reset":
            self.stats.reset()
            return json_response(200, self.stats.snapshot())
        if method == "GET" and path == "/_emulator/state":
            return json_response(200, self.backend.snapshot())
        if method == "GET" and path == "/_emulator/secrets":
            return json_response(200, {"secrets": self.secrets_seen.values()})
        if method == "GET" and path == "/_emulator/faults":
            return json_response(200, self.faults.settings())
        if method == "POST" and path in ("/_emulator/faults", "/_emulator/inject"):
            if not isinstance(payload, dict):
                return json_response(400, {"error": "body must be a JSON object"})
            try:
                if path == "/_emulator/faults":
                    self.faults.update(payload)
                    return json_response(200, self.faults.settings())
                self.faults.inject(payload)
                return json_response(200, {"injected": payload.get("action")})
            except ValueError as exc:
                return json_response(400, {"error": str(exc)})
        if method == "POST" and path == "/_emulator/oidc-providers":
            adder = getattr(self.backend, "add_oidc_provider", None)
            if adder is None or not isinstance(payload, dict):
                return json_response(400, {"error": "POST a JSON object {name, issuer, audience, secret}"})
            try:
                return json_response(200, adder(payload.get("name"), payload.get("issuer"), payload.get("audience"),
                                                payload.get("secret")))
            except ValueError as exc:
                return json_response(400, {"error": str(exc)})
        if method == "GET" and path == "/_emulator/credentials-uri":
            document = getattr(self.backend, "credentials_uri_document", None)
            if document is None:
                return json_response(404, {"error": "this backend has no credentials URI"})
            return json_response(200, document())
        if path.startswith(PEOPLE_PREFIX):
            return self._people(method, path[len(PEOPLE_PREFIX):], payload)
        if path.startswith(KEYS_PREFIX):
            return self._keys(method, path[len(KEYS_PREFIX):], payload)
        if path.startswith(REPORT_PREFIX):
            return self._report(method, path[len(REPORT_PREFIX):], payload)
        return json_response(404, {"error": "unknown emulator path %s %s" % (method, path)})

    def _people(self, method, action, payload):
        """``POST /_emulator/people/<action>``: what a person or the platform does (the backend's person())."""
        person = getattr(self.backend, "person", None)
        if person is None:
            return json_response(404, {"error": "this backend has no people actions"})
        if method != "POST":
            return json_response(405, {"error": "use POST for /_emulator/people/%s" % action})
        status, body = person(action, payload)
        return json_response(status, body)

    def _keys(self, method, action, payload):
        """``POST /_emulator/keys/<action>``: what time does to an AccessKey (the backend's access_key_admin())."""
        admin = getattr(self.backend, "access_key_admin", None)
        if admin is None:
            return json_response(404, {"error": "this backend has no AccessKey actions"})
        if method != "POST":
            return json_response(405, {"error": "use POST for /_emulator/keys/%s" % action})
        status, body = admin(action, payload)
        return json_response(status, body)

    def _report(self, method, action, payload):
        """``POST /_emulator/credential_report/<action>``: what time does to the credential report."""
        admin = getattr(self.backend, "credential_report_admin", None)
        if admin is None:
            return json_response(404, {"error": "this backend has no credential report actions"})
        if method != "POST":
            return json_response(405, {"error": "use POST for /_emulator/credential_report/%s" % action})
        status, body = admin(action, payload)
        return json_response(status, body)

    # -- ECS instance metadata --

    def _imds_token_valid(self, token):
        now = self._monotonic()
        with self._imds_lock:
            for known in [t for t, expiry in self._imds_tokens.items() if expiry <= now]:
                del self._imds_tokens[known]
            return bool(token) and token in self._imds_tokens

    def handle_metadata(self, method, path, headers):
        prefix = "/latest/meta-data/ram/security-credentials/"
        if path == "/latest/api/token":
            if method != "PUT":
                return text_response(405, "method not allowed")
            ttl = headers.get("x-aliyun-ecs-metadata-token-ttl-seconds")
            if not ttl:
                return text_response(400, "missing X-aliyun-ecs-metadata-token-ttl-seconds")
            # ASSUMPTION(A08): the TTL must be 1-21600 seconds (the credentials library asks for 21600).
            if not ttl.isdigit() or not 1 <= int(ttl) <= IMDS_MAX_TTL:
                return text_response(400, "X-aliyun-ecs-metadata-token-ttl-seconds must be 1 to %d" % IMDS_MAX_TTL)
            token = uuid.uuid4().hex
            with self._imds_lock:
                self._imds_tokens[token] = self._monotonic() + int(ttl)
            return text_response(200, token)
        if method != "GET" or not path.startswith(prefix):
            return text_response(404, "not found")
        if self.imds_require_token and not self._imds_token_valid(headers.get("x-aliyun-ecs-metadata-token")):
            # Hardened mode (ECS ModifyInstanceMetadataOptions HttpTokens=required): no metadata without a token.
            # ASSUMPTION(A09): a missing, unknown or expired token is answered 401 with a plain-text body; without
            # --imds-require-token a token header is not checked (IMDSv1 still works, as the credentials library expects).
            return text_response(401, "a valid X-aliyun-ecs-metadata-token is required (PUT /latest/api/token)")
        role = path[len(prefix):]
        if not role:
            return text_response(200, self.backend.imds_role_name())
        try:
            credentials = self.backend.imds_credentials(role)
        except self.api_fault_class:
            credentials = None
        if not credentials:
            return text_response(404, "not found")
        response = json_response(200, credentials)
        self.secrets_seen.note_answer(response)
        return response

    # -- routing --

    def handle_http(self, method, target, headers, body, client_host):
        """One HTTP request from ``client_host``: admin paths, ECS metadata, or the API on ``/``.

        Only loopback clients are served unless ``allow_remote``; the admin paths are loopback-only always.
        """
        path = urlsplit(target).path
        loopback = _is_loopback(client_host)
        if path.startswith("/_emulator/"):
            if not loopback:
                return json_response(403, {"error": "emulator admin paths are loopback-only"})
            return self.handle_admin(method, path, body)
        if not loopback and not self.allow_remote:
            if not path.startswith("/latest/"):
                self.count_write_attempt(ApiRequest(method, target, headers, body))
            return json_response(403, {"error": "this emulator serves loopback clients only; start it with "
                                                "--allow-remote to serve %s" % client_host})
        if path.startswith("/latest/"):
            return self.handle_metadata(method, path, Headers(headers))
        return self.handle_api(ApiRequest(method, target, headers, body))


# --- HTTP layer ----------------------------------------------------------------------


def _is_loopback(address):
    try:
        parsed = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(parsed, "ipv4_mapped", None)  # ::ffff:127.0.0.1 on a dual-stack socket
    return (mapped or parsed).is_loopback


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "RamEmulator"
    sys_version = ""
    timeout = 120  # idle keep-alive connections do not hold a thread forever
    disable_nagle_algorithm = True  # headers and body go out in separate writes; Nagle would add ~40 ms

    def log_message(self, format, *args):  # quiet: no access log on stderr
        pass

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, response):
        if response.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _handle(self):
        gateway = self.server.gateway
        path = urlsplit(self.path).path
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            if not path.startswith(("/_emulator/", "/latest/")):
                # An unreadable body is still a write attempt when the query or headers name a write action.
                gateway.count_write_attempt(ApiRequest(self.command, self.path, self.headers.items(), b""))
            self._send(text_response(400, "bad request body"))
            return
        self._send(gateway.handle_http(self.command, self.path, self.headers.items(), body, self.client_address[0]))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address, gateway):
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        ThreadingHTTPServer.__init__(self, address, RequestHandler)
        self.gateway = gateway

    def server_bind(self):
        # HTTPServer.server_bind would resolve the host name (getfqdn), which can hang without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):  # a client that hangs up is not an emulator error
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout)):
            return
        ThreadingHTTPServer.handle_error(self, request, client_address)


# --- command line -----------------------------------------------------------------


def load_backend_module():
    return _load_by_path("ram_backend", BACKEND_PATH)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Alibaba Cloud RAM/IMS/STS API emulator for tests (loopback only).",
        epilog="Without --access-key the only accepted key is testid with secret testsecret.")
    parser.add_argument("--port", type=int, required=True, help="TCP port; 0 picks a free one")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1); only loopback clients are served without --allow-remote")
    parser.add_argument("--access-key", action="append", default=[], metavar="ID:SECRET",
                        help="accepted AccessKey, repeatable (default: testid:testsecret)")
    parser.add_argument("--state", metavar="FILE", help="load state from and save it to this JSON file")
    parser.add_argument("--request-log", metavar="FILE", help="append one JSON line per API request")
    parser.add_argument("--account-alias", default="example", help="default domain is NAME.onaliyun.com")
    parser.add_argument("--domain-alias", action="append", default=[], metavar="DOMAIN",
                        help="a verified domain alias: NAME@DOMAIN names the same user as NAME@<default domain>")
    parser.add_argument("--site", choices=["cn", "intl"], default="cn",
                        help="intl: GetUser/ListUsers omit Email and MobilePhone")
    parser.add_argument("--latency-ms", type=float, default=0, help="delay every API request")
    parser.add_argument("--throttle-rate", type=float, default=0.0, help="share answered with Throttling.User")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share answered with 503 ServiceUnavailable")
    parser.add_argument("--drop-rate", type=float, default=0.0, help="share applied, then dropped without a response")
    parser.add_argument("--seed", type=int, help="seed of the fault generator")
    parser.add_argument("--visibility-delay-ms", type=float, default=0, metavar="N",
                        help="a created user or group stays invisible to other requests for N ms (eventual consistency)")
    parser.add_argument("--certfile", metavar="PEM", help="serve HTTPS with this certificate")
    parser.add_argument("--keyfile", metavar="PEM", help="private key of --certfile")
    parser.add_argument("--sts-lifetime", type=int, metavar="SECONDS", help="cap the lifetime of issued STS credentials")
    parser.add_argument("--allow-remote", action="store_true",
                        help="also serve the API and the metadata service to non-loopback clients (no admin paths)")
    parser.add_argument("--imds-require-token", action="store_true",
                        help="metadata service in hardened mode: GETs need X-aliyun-ecs-metadata-token")
    parser.add_argument("--fixed-time", help=argparse.SUPPRESS)
    # test aid: stop when the process that started us (and holds our stdin) is gone;
    # forked test runners skip fixture teardown
    parser.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if bool(args.certfile) != bool(args.keyfile):
        parser.error("--certfile and --keyfile go together")
    try:
        args.static_keys = dict(parse_access_key(k) for k in (args.access_key or [DEFAULT_ACCESS_KEY]))
    except ValueError as exc:
        parser.error("--access-key: %s" % exc)
    try:
        Faults(args.latency_ms, args.throttle_rate, args.error_rate, args.drop_rate,
               visibility_delay_ms=args.visibility_delay_ms)
    except ValueError as exc:
        parser.error(str(exc))
    if args.fixed_time:
        try:
            args.fixed_epoch = parse_timestamp(args.fixed_time)
        except GatewayError:
            parser.error("--fixed-time must be an ISO 8601 date-time")
    return args


def build(args):
    """The server for parsed arguments (bound, not yet serving) and its backend."""
    clock = (lambda: args.fixed_epoch) if args.fixed_time else time.time
    module = load_backend_module()
    # only a backend that is told about domain aliases needs to know the option
    extra = {"domain_aliases": args.domain_alias} if args.domain_alias else {}
    backend = module.RamBackend(
        account_alias=args.account_alias, site=args.site, state_file=args.state, **extra,
        static_keys=dict((k, (v["secret"], v["security_token"]) if v["security_token"] else v["secret"])
                         for k, v in args.static_keys.items()),
        sts_lifetime=args.sts_lifetime, clock=clock)
    gateway = Gateway(backend, module.ApiFault, static_keys=args.static_keys,
                      faults=Faults(args.latency_ms, args.throttle_rate, args.error_rate, args.drop_rate, args.seed,
                                    visibility_delay_ms=args.visibility_delay_ms),
                      request_log=RequestLog(args.request_log), clock=clock, allow_remote=args.allow_remote,
                      imds_require_token=args.imds_require_token)
    server = EmulatorServer((args.host, args.port), gateway)
    scheme = "http"
    if args.certfile:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.certfile, args.keyfile)
        # Handshake lazily in the request thread so a slow client cannot stall accept().
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = "https"
    return server, scheme


def _wait_for_eof(fd, stop):
    # os.read, not sys.stdin: a daemon thread blocked in a buffered read aborts interpreter shutdown
    while os.read(fd, 4096):
        pass
    stop.set()


def main(argv=None):
    args = parse_args(argv)
    server, scheme = build(args)
    stop = threading.Event()

    def request_stop(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    serving.start()
    host = server.server_address[0]
    shown_host = "[%s]" % host if ":" in host else host
    if not _is_loopback(host) and not args.allow_remote:
        sys.stderr.write("note: bound to %s, but only loopback clients are served (see --allow-remote)\n" % host)
    sys.stdout.write("ready %s://%s:%d\n" % (scheme, shown_host, server.server_address[1]))
    sys.stdout.flush()
    if args.exit_with_parent:
        # The parent holds our stdin pipe open; end of file means it is gone, however it died.
        threading.Thread(target=_wait_for_eof, args=(sys.stdin.fileno(), stop), daemon=True).start()
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    server.gateway.backend.save()
    server.gateway.request_log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
