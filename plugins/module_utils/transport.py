# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport for the IMS, RAM and STS RPC APIs.

One :class:`Transport` owns one pooled ``requests`` session. Every call is a
``POST /`` with the business parameters in the query string and an empty body,
signed with ACS3-HMAC-SHA256. Each attempt is signed afresh (new nonce, new
date). Throttling, server errors and network failures are retried with
full-jitter exponential backoff; a :class:`Backoff` shared by several
transports or threads makes one throttled answer slow every caller down.

Nothing here puts parameters, headers or credentials into an exception or a
log: parameters can hold a password. A server's error message may quote the
request (the classic gateway echoes its string to sign), so secret values are
cut out of every message before it is raised.

Passwords travel in the query string, as the official SDK sends them: the wire
shape stays the one the fact sheet documents and the emulator verifies. This is
safe because HTTPS encrypts the query like a body, the default endpoints are
HTTPS only, redirects are never followed, and nothing in this collection logs
or reports a URL.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import platform
import random as _random
import re
import threading
import time

try:
    from urllib.parse import quote_plus
except ImportError:  # pragma: no cover - Python 2 is not supported, kept for the import sanity test
    from urllib import quote_plus

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the sanity import test
    requests = None
    HTTPAdapter = object
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.aliyun.ram.plugins.module_utils import signing
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.version import COLLECTION_VERSION

# product -> (API version, default host, environment variable overriding the endpoint)
PRODUCTS = {
    "ims": ("2019-08-15", "ims.aliyuncs.com", "ALIBABA_CLOUD_IMS_ENDPOINT"),
    "ram": ("2015-05-01", "ram.aliyuncs.com", "ALIBABA_CLOUD_RAM_ENDPOINT"),
    "sts": ("2015-04-01", "sts.aliyuncs.com", "ALIBABA_CLOUD_STS_ENDPOINT"),
}

RETRY_AFTER_HEADER = "x-acs-retry-after"
EXPIRED_TOKEN_CODE = "InvalidSecurityToken.Expired"
RETRYABLE_CODES = ("ServiceUnavailable", "InternalError")
# Business parameters whose values are secrets (CreateLoginProfile, UpdateLoginProfile, ChangePassword).
SECRET_PARAMS = ("Password", "NewPassword", "OldPassword")

_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_RE = re.compile(r"^(%s(?:\.%s)*)(?::([0-9]{1,5}))?$" % (_HOST_LABEL, _HOST_LABEL))
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$")


def parse_endpoint(value, option="endpoint"):
    """Split an endpoint into ``(scheme, host_with_port)``; HTTPS unless ``http://`` is given.

    Accepted: ``host``, ``host:port``, ``https://host[:port]``, ``http://host[:port]`` and a
    trailing ``/``. Anything else (a path, a query, user info, another scheme) raises
    :class:`ValidationError` naming ``option``.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(option, "must be a host name, host:port or http(s)://host[:port]")
    text = value.strip()
    scheme = "https"
    match = _SCHEME_RE.match(text)
    if match:
        scheme = match.group(1).lower()
        text = match.group(2)
        if scheme not in ("http", "https"):
            raise ValidationError(option, "scheme must be https or http, not %s" % scheme)
    if text.endswith("/"):
        text = text[:-1]
    host = _HOST_RE.match(text)
    if not host:
        raise ValidationError(option, "must be a host name, host:port or http(s)://host[:port] with no path or query")
    port = host.group(2)
    if port is not None and not 0 < int(port) < 65536:
        raise ValidationError(option, "port must be between 1 and 65535")
    return scheme, text


def resolve_endpoints(endpoints=None, environ=None):
    """``{product: (scheme, host_with_port)}``: the given value, else the environment, else the default host."""
    environ = os.environ if environ is None else environ
    endpoints = endpoints or {}
    resolved = {}
    for product, (_version, default_host, env_name) in PRODUCTS.items():
        value = endpoints.get(product)
        option = "%s_endpoint" % product
        if value is None and environ.get(env_name):
            value, option = environ[env_name], env_name
        resolved[product] = parse_endpoint(value, option) if value is not None else ("https", default_host)
    return resolved


def encode_params(params):
    """Business parameters as wire strings; ``None`` values are dropped, booleans are ``true``/``false``."""
    encoded = {}
    for name, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[name] = "true" if value else "false"
        elif isinstance(value, (int, float, str)):
            encoded[name] = str(value)
        else:
            # The API layer flattens lists and maps (Tag.N.Key ...); reaching here is a bug.
            raise TypeError("parameter %s must be a scalar, not %s" % (name, type(value).__name__))
    return encoded


def secret_forms(values):
    """Every way a secret can appear in a server's text: raw, RFC 3986 once or twice, form-encoded."""
    forms = set()
    for value in values:
        if not value:
            continue
        once = signing.percent_encode(value)
        forms.update([value, once, signing.percent_encode(once), quote_plus(str(value))])
    return sorted(forms, key=len, reverse=True)


def scrub(text, forms):
    """``text`` with every secret form replaced by ``***``."""
    if not isinstance(text, str):
        return text
    for form in forms:
        text = text.replace(form, "***")
    return text


def default_user_agent():
    requests_version = requests.__version__ if HAS_REQUESTS else "none"
    return "aliyun.ram/%s (python/%s; requests/%s)" % (COLLECTION_VERSION, platform.python_version(), requests_version)


class RetryPolicy:
    """How many attempts a call gets and how long to wait between them (seconds)."""

    def __init__(self, max_attempts=5, base_delay=0.5, max_delay=20.0):
        if max_attempts < 1:
            raise ValidationError("max_attempts", "must be at least 1")
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay

    def jitter_delay(self, attempt, rand):
        """Full jitter: uniform in ``[0, min(max_delay, base_delay * 2**attempt)]``; ``attempt`` counts from 0."""
        # 2**64 already passes any sane cap; a larger power would overflow a float.
        return rand.uniform(0, min(self.max_delay, self.base_delay * (2 ** min(attempt, 64))))

    def retry_after_delay(self, milliseconds):
        return min(self.max_delay, milliseconds / 1000.0)


class Backoff:
    """A pause shared by every caller holding this object.

    A throttled answer pushes the end of the pause forward; every attempt first
    waits until the pause is over, so a pool of workers backs off together.
    """

    def __init__(self, clock=time.monotonic, sleep=time.sleep):
        self._lock = threading.Lock()
        self._deadline = 0.0
        self._clock = clock
        self._sleep = sleep

    def push(self, seconds):
        """Make every caller wait at least ``seconds`` from now."""
        with self._lock:
            self._deadline = max(self._deadline, self._clock() + seconds)

    def remaining(self):
        with self._lock:
            return max(0.0, self._deadline - self._clock())

    def wait(self):
        """Sleep until the pause is over (it may be pushed again while sleeping); return the time slept."""
        slept = 0.0
        while True:
            left = self.remaining()
            if left <= 0:
                return slept
            self._sleep(left)
            slept += left


class FixedCredentials:
    """A credentials provider around one fixed :class:`Credentials` (used for STS AssumeRole)."""

    def __init__(self, credentials):
        self._credentials = credentials

    def get(self):
        return self._credentials

    def invalidate(self):
        """Fixed credentials cannot be refreshed."""


class _Attempt:
    """The outcome of one HTTP attempt, reduced to what the retry logic needs."""

    def __init__(self, error=None, body=None, retryable=False, throttled=False, retry_after_ms=None, reached_server=True):
        self.error = error
        self.body = body
        self.retryable = retryable
        self.throttled = throttled
        self.retry_after_ms = retry_after_ms
        self.reached_server = reached_server


class Transport:
    """Signed, retried calls to IMS, RAM and STS; safe to share between threads."""

    def __init__(self, credentials, endpoints=None, timeout=30, validate_certs=True, ca_bundle=None,
                 retry=None, backoff=None, user_agent=None, pool_size=10, environ=None,
                 sleep=time.sleep, clock=time.monotonic, random=None):
        if not HAS_REQUESTS:
            raise ImportError("the requests library is required: %s" % REQUESTS_IMPORT_ERROR)
        self.credentials = credentials if hasattr(credentials, "get") else FixedCredentials(credentials)
        self.endpoints = resolve_endpoints(endpoints, environ)
        self.timeout = timeout
        self.verify = ca_bundle if (validate_certs and ca_bundle) else bool(validate_certs)
        self.retry = retry or RetryPolicy()
        self.backoff = backoff or Backoff(clock=clock, sleep=sleep)
        self.user_agent = user_agent or default_user_agent()
        self._sleep = sleep
        self._random = random or _random.Random()
        self._stats_lock = threading.Lock()
        self.stats = {"calls": 0, "attempts": 0, "retries": 0, "throttled": 0}
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=len(PRODUCTS), pool_maxsize=pool_size, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def close(self):
        self.session.close()

    def _count(self, name):
        with self._stats_lock:
            self.stats[name] += 1

    def stats_snapshot(self):
        with self._stats_lock:
            return dict(self.stats)

    def call(self, product, action, params=None):
        """Run ``action`` on ``product`` and return the decoded JSON answer; raise :class:`RamApiError`."""
        if product not in PRODUCTS:
            raise ValueError("unknown product %r" % (product,))
        query = encode_params(params)
        secrets = [query[name] for name in SECRET_PARAMS if name in query]
        self._count("calls")
        reached_server = False
        refreshed_token = False
        attempt = 0
        while True:
            self.backoff.wait()
            outcome = self._attempt(product, action, query, secrets)
            if outcome.error is None:
                return outcome.body
            error = outcome.error
            if error.code == EXPIRED_TOKEN_CODE and not refreshed_token:
                # Cached STS credentials ran out early: fetch new ones and try once more.
                refreshed_token = True
                self.credentials.invalidate()
                self._count("retries")
                continue
            attempt += 1
            if not outcome.retryable or attempt >= self.retry.max_attempts:
                error.retried = reached_server
                raise error
            reached_server = reached_server or outcome.reached_server
            self._count("retries")
            self._pause(outcome, attempt - 1)

    def _pause(self, outcome, failed_attempt):
        if outcome.retry_after_ms is not None:
            delay = self.retry.retry_after_delay(outcome.retry_after_ms)
        else:
            delay = self.retry.jitter_delay(failed_attempt, self._random)
        if outcome.throttled:
            self._count("throttled")
            self.backoff.push(delay)
        else:
            self._sleep(delay)

    def _signed_request(self, product, action, query):
        version = PRODUCTS[product][0]
        scheme, host = self.endpoints[product]
        creds = self.credentials.get()
        headers = signing.v3_request_headers(
            host, action, version, creds.access_key_id, security_token=creds.security_token,
            extra={"user-agent": self.user_agent})
        headers["Authorization"] = signing.v3_authorization(
            creds.access_key_id, creds.access_key_secret, "POST", "/", query, headers)
        url = "%s://%s/" % (scheme, host)
        if query:
            url += "?" + signing.canonical_query_string(query)
        return url, headers, creds

    def _attempt(self, product, action, query, secrets=()):
        url, headers, creds = self._signed_request(product, action, query)
        self._count("attempts")
        host = self.endpoints[product][1]
        try:
            response = self.session.post(url, data=b"", headers=headers, timeout=self.timeout, verify=self.verify,
                                         allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            # A TLS failure will not heal by retrying. The exception text holds the URL (and its query, which
            # may carry a password), so it is only searched, never shown.
            if "certificate verify failed" in str(exc).lower():
                message = ("TLS certificate verification failed for %s: its certificate is not trusted; give the CA "
                           "that signed it with ca_bundle (or, for testing only, set validate_certs: false)" % host)
            else:
                message = "TLS error talking to %s: %s" % (host, type(exc).__name__)
            return _Attempt(error=RamApiError("SSLError", message, action=action), reached_server=False)
        except (requests.exceptions.ConnectTimeout, requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            connect_failed = _connect_failed(exc)
            kind = "could not connect to" if connect_failed else "no answer from"
            error = RamApiError(_network_code(exc), "%s %s (%s)" % (kind, host, type(exc).__name__), action=action)
            return _Attempt(error=error, retryable=True, reached_server=not connect_failed)
        except requests.exceptions.RequestException as exc:
            return _Attempt(error=RamApiError("RequestError", "request to %s failed (%s)" % (host, type(exc).__name__),
                                              action=action), reached_server=False)
        forms = secret_forms(list(secrets) + [creds.security_token, creds.access_key_secret])
        return _read_response(response, action, forms)


def _network_code(exc):
    if isinstance(exc, requests.exceptions.Timeout):
        return "Timeout"
    return "ConnectionError"


def _connect_failed(exc):
    """True when the request certainly never reached the server (no TCP connection was made)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return False
    seen = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        name = type(current).__name__
        if name in ("NewConnectionError", "ConnectTimeoutError", "NameResolutionError", "ConnectionRefusedError"):
            return True
        pending.extend([getattr(current, "reason", None), current.__cause__, current.__context__])
        pending.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
    return False


def _retry_after_ms(response):
    value = response.headers.get(RETRY_AFTER_HEADER)
    if value is None:
        return None
    try:
        milliseconds = int(value)
    except ValueError:
        return None
    return milliseconds if milliseconds > 0 else None


def _read_response(response, action, hidden=()):
    """The attempt's outcome; ``hidden`` are secret forms cut out of any error text."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    if status < 400 and isinstance(body, dict):
        return _Attempt(body=body)
    if not isinstance(body, dict):
        body = {}
    code = body.get("Code") or body.get("code") or ("HTTP%d" % status if status >= 400 else "InvalidResponse")
    message = body.get("Message") or body.get("message") or (
        "HTTP %d without an error body" % status if status >= 400 else "the answer was not a JSON object")
    error = RamApiError(code, scrub(message, hidden), request_id=body.get("RequestId") or body.get("requestId"),
                        http_status=status, recommend=scrub(body.get("Recommend"), hidden), action=action)
    retry_after = _retry_after_ms(response)
    throttled = error.is_throttling() or (retry_after is not None and status in (400, 429, 503))
    retryable = throttled or status >= 500 or code in RETRYABLE_CODES
    # A throttled request was turned away before the service acted on it.
    return _Attempt(error=error, retryable=retryable, throttled=throttled,
                    retry_after_ms=retry_after if retryable else None, reached_server=not throttled)
