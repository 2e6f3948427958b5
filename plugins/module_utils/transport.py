# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport for the IMS, RAM and STS RPC APIs.

One :class:`Transport` owns one pooled ``requests`` session. Every call is a
``POST /`` with the business parameters in the query string and an empty body,
signed with ACS3-HMAC-SHA256. Each attempt is signed afresh (new nonce, new
date). Throttling, server errors and network failures are retried within a
time budget per call (:class:`RetryPolicy`), with full-jitter exponential
backoff or the server's ``x-acs-retry-after``; a :class:`Backoff` shared by
several transports or threads makes one throttled answer slow every caller down.

Nothing here puts parameters, headers or credentials into an exception or a
log: parameters can hold a password. A server's error message may quote the
request (the classic gateway echoes its string to sign), so every encoded form
of a secret value is cut out of it, and a message that still shows a secret
once decoded is withheld (see :func:`scrub`). Errors raised while a request is
built or sent (a header that cannot be encoded, an unreadable CA file) become a
:class:`RamApiError` that names their type only, because their text can quote a
header or the URL.

Passwords travel in the query string, as the official SDK sends them: the wire
shape stays the one the fact sheet documents and the emulator verifies. This is
safe because HTTPS encrypts the query like a body, the default endpoints are
HTTPS only, plain ``http://`` is refused for any host but loopback unless
``allow_insecure_http`` is set, redirects are never followed, and nothing in
this collection logs or reports a URL.
"""

from __future__ import annotations

import html
import ipaddress
import json
import os
import platform
import random as _random
import re
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

try:
    from urllib.parse import unquote, unquote_plus
except ImportError:  # pragma: no cover - Python 2 is not supported, kept for the import sanity test
    from urllib import unquote, unquote_plus

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
from ansible_collections.aliyun.ram.plugins.module_utils.errors import CredentialError, RamApiError, ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.version import COLLECTION_VERSION

if TYPE_CHECKING:
    from ansible_collections.aliyun.ram.plugins.module_utils.credentials import Credentials, CredentialsProvider

# product -> (API version, default host, environment variable overriding the endpoint)
PRODUCTS = {
    "ims": ("2019-08-15", "ims.aliyuncs.com", "ALIBABA_CLOUD_IMS_ENDPOINT"),
    "ram": ("2015-05-01", "ram.aliyuncs.com", "ALIBABA_CLOUD_RAM_ENDPOINT"),
    "sts": ("2015-04-01", "sts.aliyuncs.com", "ALIBABA_CLOUD_STS_ENDPOINT"),
}

RETRY_AFTER_HEADER = "x-acs-retry-after"
EXPIRED_TOKEN_CODE = "InvalidSecurityToken.Expired"
# Error codes retried besides throttling (any code containing "Throttling", see RamApiError.is_throttling) and any
# HTTP 5xx. Each has a published source (docs/reliability.md lists them too):
#   ServiceUnavailable - fact sheet 4.2 and 8.4 (legacy common error table); aliyun-python-sdk-core retry_config.json
#                        (fact sheet 8.2); Terraform alicloud provider NeedRetry (alicloud/errors.go)
#   InternalError      - RAM error table (fact sheet 4.2, S7); aliyun-python-sdk-core retry_config.json
#   UnknownError       - aliyun-python-sdk-core retry_config.json, RetryableNormalErrors (fact sheet 8.2)
RETRYABLE_CODES = ("ServiceUnavailable", "InternalError", "UnknownError")
# HTTP 429 Too Many Requests (RFC 6585 section 4): throttling, whatever the body says (a proxy may send it).
TOO_MANY_REQUESTS = 429
DEFAULT_RETRY_TIMEOUT = 60
MAX_RETRY_TIMEOUT = 3600
# Business parameters whose values are secrets (CreateLoginProfile, UpdateLoginProfile, ChangePassword).
SECRET_PARAMS = ("Password", "NewPassword", "OldPassword", "OIDCToken")

_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# used with fullmatch: "$" would also accept a trailing newline
_HOST_RE = re.compile(r"(%s(?:\.%s)*)(?::([0-9]{1,5}))?" % (_HOST_LABEL, _HOST_LABEL))
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://(.*)", re.DOTALL)


def parse_endpoint(value: str, option: str = "endpoint") -> tuple[str, str]:
    """Split an endpoint into ``(scheme, host_with_port)``; HTTPS unless ``http://`` is given.

    Accepted: ``host``, ``host:port``, ``https://host[:port]``, ``http://host[:port]`` and a
    trailing ``/``. Anything else (a path, a query, user info, another scheme) raises
    :class:`ValidationError` naming ``option``.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(option, "must be a host name, host:port or http(s)://host[:port]")
    text = value.strip()
    scheme = "https"
    match = _SCHEME_RE.fullmatch(text)
    if match:
        scheme = match.group(1).lower()
        text = match.group(2)
        if scheme not in ("http", "https"):
            raise ValidationError(option, "scheme must be https or http, not %s" % scheme)
    if text.endswith("/"):
        text = text[:-1]
    host = _HOST_RE.fullmatch(text)
    if not host:
        raise ValidationError(option, "must be a host name, host:port or http(s)://host[:port] with no path or query")
    port = host.group(2)
    if port is not None and not 0 < int(port) < 65536:
        raise ValidationError(option, "port must be between 1 and 65535")
    return scheme, text


def is_loopback(host_with_port: str) -> bool:
    """True for ``localhost`` and 127.0.0.0/8, with or without a port."""
    host = host_with_port.rsplit(":", 1)[0] if ":" in host_with_port else host_with_port
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_choices(endpoints: Mapping[str, str | None] | None = None,
                     environ: Mapping[str, str] | None = None) -> dict[str, tuple[str | None, str, str]]:
    """``{product: (option, scheme, host_with_port)}``: the given value, else the environment, else the default host.

    ``option`` names where the value came from (``ims_endpoint``, ``ALIBABA_CLOUD_IMS_ENDPOINT``), or is None for the
    default host.
    """
    environ = os.environ if environ is None else environ
    endpoints = endpoints or {}
    chosen: dict[str, tuple[str | None, str, str]] = {}
    for product, (_version, default_host, env_name) in PRODUCTS.items():
        value = endpoints.get(product)
        option = "%s_endpoint" % product
        if value is None and environ.get(env_name):
            value, option = environ[env_name], env_name
        if value is None and product == "sts":
            value = sts_regional_host(environ)
            option = "ALIBABA_CLOUD_STS_REGION"
        if value is None:
            chosen[product] = (None, "https", default_host)
        else:
            chosen[product] = (option,) + parse_endpoint(value, option)
    return chosen


def sts_regional_host(environ: Mapping[str, str]) -> str | None:
    """``sts[-vpc].<region>.aliyuncs.com`` when ``ALIBABA_CLOUD_STS_REGION`` is set, as the official credentials
    library picks it (``-vpc`` when ``ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true``); None without a region."""
    region = (environ.get("ALIBABA_CLOUD_STS_REGION") or "").strip()
    if not region:
        return None
    vpc = (environ.get("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED") or "").strip().lower() == "true"
    return "%s.%s.aliyuncs.com" % ("sts-vpc" if vpc else "sts", region)


def plain_http_endpoints(choices: Mapping[str, tuple[str | None, str, str]]) -> list[tuple[str, str]]:
    """``[(option, host_with_port)]`` of the ``http://`` endpoints that are not loopback, from :func:`endpoint_choices`."""
    return [(option, host) for option, scheme, host in choices.values() if scheme == "http" and not is_loopback(host)]


def resolve_endpoints(endpoints: Mapping[str, str | None] | None = None, environ: Mapping[str, str] | None = None,
                      allow_insecure_http: bool = False) -> dict[str, tuple[str, str]]:
    """``{product: (scheme, host_with_port)}``: the given value, else the environment, else the default host.

    A plain ``http://`` endpoint that is not loopback raises :class:`ValidationError` unless ``allow_insecure_http``:
    every request, passwords included, would cross the network unencrypted.
    """
    choices = endpoint_choices(endpoints, environ)
    if not allow_insecure_http:
        for option, host in plain_http_endpoints(choices):
            raise ValidationError(option, "http:// to %s would send every request, passwords included, unencrypted; "
                                          "use https://, or set allow_insecure_http: true to accept that" % host)
    return dict((product, (scheme, host)) for product, (_option, scheme, host) in choices.items())


def encode_params(params: Mapping[str, Any] | None) -> dict[str, str]:
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


def _percent_encoder(keep, space, hex_format):
    """A percent-encoder of UTF-8 text: ASCII letters, digits and ``keep`` stay, a space becomes ``space``."""
    def encode(text):
        out = []
        for byte in text.encode("utf-8"):
            char = chr(byte)
            if byte < 128 and (char.isalnum() or char in keep):
                out.append(char)
            elif char == " ":
                out.append(space)
            else:
                out.append(hex_format % byte)
        return "".join(out)
    return encode


# RFC 3986 (Alibaba's signing, "-_.~" kept) and HTML-form style (Java's URLEncoder, "-_.*" kept), each with a space as
# %20 or +, and with upper- or lower-case hex digits: what a gateway, a proxy or a framework may echo.
_PERCENT_ENCODERS = tuple(_percent_encoder(keep, space, hex_format)
                          for keep in ("-_.~", "-_.*") for space in ("%20", "+") for hex_format in ("%%%02X", "%%%02x"))
_JSON_ESCAPE = re.compile(r'\\(u[0-9a-fA-F]{4}|["\\/bfnrt])')
_JSON_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
WITHHELD_MESSAGE = "(the server's message is not shown: it quoted a secret value of the request)"


def _json_unescape(text):
    def one(match):
        escape = match.group(1)
        if escape[0] == "u":
            return chr(int(escape[1:], 16))
        return _JSON_SIMPLE.get(escape, escape)
    return _JSON_ESCAPE.sub(one, text)


def _escaped_forms(value):
    """``value`` JSON-escaped and HTML-escaped, in the spellings encoders commonly use."""
    forms = set()
    for ascii_only in (True, False):
        escaped = json.dumps(value, ensure_ascii=ascii_only)[1:-1]
        upper_hex = re.sub(r"\\u([0-9a-f]{4})", lambda match: "\\u" + match.group(1).upper(), escaped)
        forms.update([escaped, escaped.replace("/", "\\/"), upper_hex])
    for quote in (True, False):
        escaped = html.escape(value, quote=quote)
        forms.update([escaped, escaped.replace("&#x27;", "&#39;").replace("&quot;", "&#34;"),
                      escaped.replace("&#x27;", "&apos;")])
    return forms


def secret_forms(values: Iterable[object]) -> list[str]:
    """Every way a secret can appear in a server's or proxy's text, longest first.

    Raw; percent-encoded once and twice, RFC 3986 or form style (+ or %20 for a space), upper- or lower-case hex;
    JSON-escaped; HTML-entity-escaped.
    """
    forms = set()
    for value in values:
        if not value:
            continue
        value = str(value)
        once = set(encode(value) for encode in _PERCENT_ENCODERS)
        forms.add(value)
        forms.update(once)
        forms.update(encode(text) for text in once for encode in _PERCENT_ENCODERS)
        forms.update(_escaped_forms(value))
    return sorted(forms, key=len, reverse=True)


def _decodings(text, rounds=3):
    """``text`` and what percent-, form-, HTML- and JSON-decoding make of it, up to ``rounds`` layers deep."""
    seen = set([text])
    frontier = [text]
    for _round in range(rounds):
        found = []
        for current in frontier:
            for decode in (unquote_plus, unquote, html.unescape, _json_unescape):
                decoded = decode(current)
                if decoded not in seen:
                    seen.add(decoded)
                    found.append(decoded)
        frontier = found
    return seen


def scrub(text: str | None, secrets: Iterable[object]) -> str | None:
    """``text`` with every form of every secret replaced by ``***``.

    Known encodings are cut out (so the rest of a useful message survives); then the result is decoded every way a
    server or proxy could have encoded it, and if a secret still shows, the whole text is withheld: encodings can be
    stacked in more ways than any list of forms holds.
    """
    secrets = [str(value) for value in secrets if value]
    if not isinstance(text, str) or not secrets:
        return text
    for form in secret_forms(secrets):
        text = text.replace(form, "***")
    for decoded in _decodings(text):
        if any(secret in decoded for secret in secrets):
            return WITHHELD_MESSAGE
    return text


def default_user_agent() -> str:
    requests_version = requests.__version__ if HAS_REQUESTS else "none"
    return "aliyun.ram/%s (python/%s; requests/%s)" % (COLLECTION_VERSION, platform.python_version(), requests_version)


class RetryPolicy:
    """How long one call may keep retrying, and how long to wait between attempts (seconds).

    ``timeout`` is the call's budget: waits never end past it, and no attempt starts after it. ``max_attempts``
    optionally caps the attempts as well (None: the budget alone decides).
    """

    def __init__(self, max_attempts: int | None = None, base_delay: float = 0.5, max_delay: float = 20.0,
                 timeout: float = DEFAULT_RETRY_TIMEOUT) -> None:
        if max_attempts is not None and (isinstance(max_attempts, bool) or not isinstance(max_attempts, int)
                                         or max_attempts < 1):
            raise ValidationError("max_attempts", "must be a whole number of at least 1, or unset for no limit")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 1 <= timeout <= MAX_RETRY_TIMEOUT:
            raise ValidationError("retry_timeout", "must be between 1 and %d seconds" % MAX_RETRY_TIMEOUT)
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout

    def attempts_left(self, failed: int) -> bool:
        """Whether the cap, if any, allows another attempt after ``failed`` failed ones."""
        return self.max_attempts is None or failed < self.max_attempts

    def jitter_delay(self, attempt: int, rand: _random.Random) -> float:
        """Full jitter: uniform in ``[0, min(max_delay, base_delay * 2**attempt)]``; ``attempt`` counts from 0."""
        # 2**64 already passes any sane cap; a larger power would overflow a float.
        return rand.uniform(0, min(self.max_delay, self.base_delay * (2 ** min(attempt, 64))))


class Backoff:
    """A pause shared by every caller holding this object.

    A throttled answer pushes the end of the pause forward; every attempt first
    waits until the pause is over, so a pool of workers backs off together.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self._lock = threading.Lock()
        self._deadline = 0.0
        self._clock = clock
        self._sleep = sleep

    def push(self, seconds: float) -> None:
        """Make every caller wait at least ``seconds`` from now."""
        with self._lock:
            self._deadline = max(self._deadline, self._clock() + seconds)

    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self._deadline - self._clock())

    def wait(self, within: float | None = None) -> float | None:
        """Sleep until the pause is over (it may be pushed again while sleeping); return the time slept.

        With ``within`` (seconds), return None instead of sleeping on once the pause would end more than ``within``
        seconds after this call began.
        """
        slept = 0.0
        while True:
            left = self.remaining()
            if left <= 0:
                return slept
            if within is not None and slept + left > within:
                return None
            self._sleep(left)
            slept += left


class FixedCredentials:
    """A credentials provider around one fixed :class:`Credentials` (used for STS AssumeRole)."""

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials

    def get(self) -> Credentials:
        return self._credentials

    def invalidate(self) -> None:
        """Fixed credentials cannot be refreshed."""


class NoCredentials:
    """The credentials of an unsigned call (STS AssumeRoleWithOIDC): no AccessKey, no signature."""

    def get(self) -> None:
        return None

    def invalidate(self) -> None:
        return None


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

    def __init__(self, credentials: CredentialsProvider | FixedCredentials | Credentials,
                 endpoints: Mapping[str, str | None] | None = None, timeout: float = 30, validate_certs: bool = True,
                 ca_bundle: str | None = None, retry: RetryPolicy | None = None, backoff: Backoff | None = None,
                 user_agent: str | None = None, pool_size: int = 10, environ: Mapping[str, str] | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 random: _random.Random | None = None, allow_insecure_http: bool = False) -> None:
        if not HAS_REQUESTS:
            raise ImportError("the requests library is required: %s" % REQUESTS_IMPORT_ERROR)
        self.credentials = credentials if hasattr(credentials, "get") else FixedCredentials(credentials)
        self.endpoints = resolve_endpoints(endpoints, environ, allow_insecure_http)
        self.timeout = timeout
        if validate_certs and ca_bundle:
            check_ca_bundle(ca_bundle)
        self.verify = ca_bundle if (validate_certs and ca_bundle) else bool(validate_certs)
        self.retry = retry or RetryPolicy()
        self.backoff = backoff or Backoff(clock=clock, sleep=sleep)
        self.user_agent = user_agent or default_user_agent()
        self._sleep = sleep
        self._clock = clock
        self._random = random or _random.Random()
        self._stats_lock = threading.Lock()
        # longest_wait: the longest time (seconds) one call waited before an attempt, backoff and shared pause together.
        self.stats = {"calls": 0, "attempts": 0, "retries": 0, "throttled": 0, "longest_wait": 0.0}
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=len(PRODUCTS), pool_maxsize=pool_size, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def close(self) -> None:
        self.session.close()

    def _count(self, name):
        with self._stats_lock:
            self.stats[name] += 1

    def _record_wait(self, seconds):
        with self._stats_lock:
            self.stats["longest_wait"] = max(self.stats["longest_wait"], seconds)

    def stats_snapshot(self) -> dict[str, float]:
        with self._stats_lock:
            return dict(self.stats)

    def call(self, product: str, action: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run ``action`` on ``product`` and return the decoded JSON answer; raise :class:`RamApiError`.

        Retryable failures are retried until ``retry.timeout`` seconds have passed since the first attempt began (or
        ``retry.max_attempts`` attempts failed): a wait that would end past that budget is not started, and the last
        error is raised instead.
        """
        if product not in PRODUCTS:
            raise ValueError("unknown product %r" % (product,))
        query = encode_params(params)
        secrets = [query[name] for name in SECRET_PARAMS if name in query]
        self._count("calls")
        reached_server = False
        refreshed_token = False
        failed = 0
        error = None
        deadline = None
        waited = 0.0
        while True:
            if error is None:
                # The first attempt waits out any pause other callers set; the budget starts when it begins.
                paused = self.backoff.wait()
                deadline = self._clock() + self.retry.timeout
            else:
                # A retry waits only for a pause that ends within the budget.
                paused = self.backoff.wait(max(0.0, deadline - self._clock()))
                if paused is None:
                    raise error
            self._record_wait(waited + paused)
            outcome = self._attempt(product, action, query, secrets)
            if outcome.error is None:
                return outcome.body
            error = outcome.error
            error.retried = reached_server
            if outcome.throttled:
                self._count("throttled")
            if error.code == EXPIRED_TOKEN_CODE and not refreshed_token:
                # Cached STS credentials ran out early: fetch new ones and try once more, at once.
                refreshed_token = True
                self.credentials.invalidate()
                self._count("retries")
                waited = 0.0
                continue
            failed += 1
            if not outcome.retryable or not self.retry.attempts_left(failed):
                raise error
            delay = self._retry_delay(outcome, failed - 1, deadline)
            if delay is None:
                raise error
            reached_server = reached_server or outcome.reached_server
            self._count("retries")
            if outcome.throttled:
                # Every caller sharing the backoff waits; this call waits at the top of the loop.
                self.backoff.push(delay)
                waited = 0.0
            else:
                self._sleep(delay)
                waited = delay

    def _retry_delay(self, outcome, failed_attempt, deadline):
        """Seconds to wait before the next attempt, or None when no wait fits the budget left."""
        remaining = deadline - self._clock()
        if remaining <= 0:
            return None
        if outcome.retry_after_ms is not None:
            # The server said when to come back: retrying earlier would be throttled again, so a wait past the
            # budget is not shortened; the call gives up instead.
            delay = outcome.retry_after_ms / 1000.0
            return delay if delay <= remaining else None
        # Our own backoff: shortened to end at the budget, so the last attempt still happens within it.
        return min(self.retry.jitter_delay(failed_attempt, self._random), remaining)

    def _signed_request(self, product, action, query):
        version = PRODUCTS[product][0]
        scheme, host = self.endpoints[product]
        creds = self.credentials.get()
        if creds is None:
            # Unsigned (NoCredentials), as the official SDK sends AssumeRoleWithOIDC (fact sheet part 2, 8.1): the
            # action and version in the query and the headers, a timestamp and a nonce, and no AccessKey, token or
            # signature.
            headers = {"host": host, "x-acs-action": action, "x-acs-version": version, "user-agent": self.user_agent}
            common_params = {"Action": action, "Format": "json", "Version": version,
                             "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                             "SignatureNonce": "%032x" % self._random.getrandbits(128)}
            common_params.update(query)
            return "%s://%s/?%s" % (scheme, host, signing.canonical_query_string(common_params)), headers, creds
        check_header_credentials(creds)
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
        except (ValueError, OSError) as exc:
            # Raised while the request was built or sent: a header http.client cannot encode, a CA file that went
            # away. The text can quote a header (a token) or the URL, so only the type is shown.
            return _Attempt(error=RamApiError("RequestError", "request to %s could not be sent (%s)" % (
                host, type(exc).__name__), action=action), reached_server=False)
        own = [] if creds is None else [creds.security_token, creds.access_key_secret]
        return _read_response(response, action, list(secrets) + own)


_HEADER_VALUE = re.compile(r"[\x21-\x7e]+")


def check_header_credentials(creds: Credentials) -> None:
    """Raise :class:`CredentialError` when a credential sent in a header is not printable ASCII without spaces.

    http.client would otherwise fail while encoding the header, with an error whose text quotes the value.
    """
    for option, value in (("access_key_id", creds.access_key_id), ("security_token", creds.security_token)):
        if value is not None and not _HEADER_VALUE.fullmatch(value):
            raise CredentialError(
                "%s (from %s) holds a character that cannot be sent in an HTTP header: only printable ASCII without "
                "spaces is allowed. The value is not shown." % (option, creds.source or "the credential chain"))


def check_ca_bundle(path: str) -> None:
    """Raise :class:`ValidationError` for ``ca_bundle`` unless it is a readable file or directory."""
    if not (os.path.isfile(path) or os.path.isdir(path)) or not os.access(path, os.R_OK):
        raise ValidationError("ca_bundle", "%s is not a readable file (or directory) of CA certificates" % path)


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


def _read_response(response, action, secrets=()):
    """The attempt's outcome; every form of the ``secrets`` is cut out of any error text."""
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
    error = RamApiError(code, scrub(message, secrets), request_id=body.get("RequestId") or body.get("requestId"),
                        http_status=status, recommend=scrub(body.get("Recommend"), secrets), action=action)
    retry_after = _retry_after_ms(response)
    # A throttling code or 429 means the request was turned away before the service acted on it.
    turned_away = error.is_throttling() or status == TOO_MANY_REQUESTS
    # Any error answer with x-acs-retry-after is throttling, as the official SDK reads it (fact sheet 4.1).
    throttled = turned_away or (retry_after is not None and status >= 400)
    retryable = throttled or status >= 500 or code in RETRYABLE_CODES
    return _Attempt(error=error, retryable=retryable, throttled=throttled,
                    retry_after_ms=retry_after if retryable else None, reached_server=not turned_away)
