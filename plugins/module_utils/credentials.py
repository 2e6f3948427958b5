# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the collection's Alibaba Cloud credentials come from.

:func:`resolve_credentials` walks a chain of sources and returns a
:class:`CredentialsProvider` for the first complete one:

1. module options ``access_key_id`` + ``access_key_secret`` (+ ``security_token``);
2. environment ``ALIBABA_CLOUD_ACCESS_KEY_ID`` / ``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` /
   ``ALIBABA_CLOUD_SECURITY_TOKEN``, then the Terraform-style ``ALICLOUD_ACCESS_KEY`` /
   ``ALICLOUD_SECRET_KEY`` / ``ALICLOUD_SECURITY_TOKEN``; an empty value counts as unset;
3. OIDC (RRSA): the ``oidc_provider_arn`` + ``oidc_token_file`` options, else ``ALIBABA_CLOUD_ROLE_ARN`` +
   ``ALIBABA_CLOUD_OIDC_PROVIDER_ARN`` + ``ALIBABA_CLOUD_OIDC_TOKEN_FILE``, through the unsigned STS
   AssumeRoleWithOIDC; the token file is read again at every refresh;
4. the aliyun CLI file ``~/.aliyun/config.json`` (modes ``AK``, ``StsToken``, ``RamRoleArn``, ``EcsRamRole``,
   ``OIDC``, ``ChainableRamRoleArn``), unless ``ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true``;
5. the INI file named by ``ALIBABA_CLOUD_CREDENTIALS_FILE``, else ``~/.alibabacloud/credentials.ini``
   (types ``access_key``, ``ram_role_arn``, ``ecs_ram_role``, ``oidc_role_arn``);
6. the ECS instance RAM role, read from the instance metadata service;
7. ``ALIBABA_CLOUD_CREDENTIALS_URI``, a URL that answers temporary credentials.

Steps 2 to 7 follow the order of the official ``alibabacloud-credentials`` default chain, with our module options in
front and the legacy ``ALICLOUD_*`` variables after ``ALIBABA_CLOUD_*``. Where the official chain catches a source's
error and tries the next one, we mostly stop with the error (a named file, role or profile that does not work);
docs/authentication.md lists each difference and tests/unit/plugins/module_utils/test_credentials_official_chain.py
runs both side by side.

The OIDC options choose their source: with ``access_key_id``, ``access_key_secret``, ``security_token``,
``profile`` or ``ecs_role_name`` they are a ValidationError before any call.

The profile used in steps 4 and 5 is the ``profile`` option, else ``ALIBABA_CLOUD_PROFILE``, else the CLI
file's ``current`` (CLI) or ``default`` (INI). A ``profile`` or ``ecs_role_name`` module option is an
explicit choice, so it skips the environment step (as boto3 does for an explicit profile).

ECS metadata: the base URL is ``http://100.100.100.200``; the environment variable
``ALIBABA_CLOUD_IMDS_ENDPOINT`` overrides it (``host:port`` or ``http://host:port``), which tests use to
point at a local emulator. IMDSv2 (a session token) is tried first; IMDSv1 is the fallback unless
``ALIBABA_CLOUD_IMDSV1_DISABLED=true``. ``ALIBABA_CLOUD_ECS_METADATA=<role>`` names the role;
``ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`` turns off the environment-triggered and the automatic lookup.
As the automatic last step the lookup uses 1 s timeouts and counts any failure as "not found".
Metadata requests never use a proxy (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and their lowercase forms
are ignored for them) and never follow a redirect.

When the ``assume_role_arn`` option (or ``ALIBABA_CLOUD_ROLE_ARN``) is set, the credentials found above
only serve to call STS AssumeRole, and the provider hands out the role's temporary credentials.

Temporary credentials (ECS role, assumed role) are fetched again when they expire within three minutes.
Nothing here puts a secret or a token into a message, a repr or an exception.
"""

from __future__ import annotations

import calendar
import configparser
import datetime
import json
import os
import re
import threading
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from ansible_collections.aliyun.ram.plugins.module_utils.errors import CredentialError, ValidationError

try:
    import requests
except ImportError as exc:  # pragma: no cover - exercised only without requests installed
    requests = None
    REQUESTS_IMPORT_ERROR = str(exc)
else:
    REQUESTS_IMPORT_ERROR = None

DEFAULT_IMDS_ENDPOINT = "http://100.100.100.200"
IMDS_TIMEOUT = (1, 1)  # connect, read (seconds): an instance answers at once, anything else is not ECS
IMDS_TOKEN_TTL_SECONDS = "21600"
REFRESH_MARGIN = datetime.timedelta(minutes=3)
DEFAULT_ROLE_DURATION = 3600
MIN_ROLE_DURATION = 900
MAX_ROLE_DURATION = 43200
SESSION_NAME_PREFIX = "aliyun-ram-ansible-"
# Metadata requests never go through a proxy, whatever HTTP_PROXY, HTTPS_PROXY or ALL_PROXY say: the service
# is link-local to the instance (a proxy cannot reach it, or reaches another instance's) and it answers in
# plain HTTP, so a proxy would see the role's secret and token. A None value makes requests drop the
# environment's proxy for that scheme; "all" covers ALL_PROXY.
NO_PROXIES = {"http": None, "https": None, "all": None}

# Used with fullmatch() only: "$" with match() would let a trailing newline through.
ROLE_ARN_PATTERN = re.compile(r"acs:ram::[0-9]+:role/[A-Za-z0-9._@-]{1,64}")
ECS_ROLE_NAME_PATTERN = re.compile(r"[A-Za-z0-9._@-]{1,64}")
SESSION_NAME_PATTERN = re.compile(r"[A-Za-z0-9.@_-]{2,32}")
_ISO_TIME_PATTERN = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:?[0-9]{2})?")

ENV_FAMILIES = (
    ("ALIBABA_CLOUD_*", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"),
    ("ALICLOUD_*", "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN"),
)
CLI_MODES = ("AK", "StsToken", "RamRoleArn", "EcsRamRole", "OIDC", "ChainableRamRoleArn")
INI_TYPES = ("access_key", "ram_role_arn", "ecs_ram_role", "oidc_role_arn")
OIDC_ENV = ("ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE")
# Used with fullmatch() only.
OIDC_PROVIDER_ARN_PATTERN = re.compile(r"acs:ram::[0-9]+:oidc-provider/[A-Za-z0-9._-]{1,128}")
OIDC_SESSION_NAME_PATTERN = re.compile(r"[A-Za-z0-9.@_-]{2,64}")
MAX_OIDC_TOKEN_CHARS = 20000
URI_TIMEOUT = (5, 10)  # connect, read (seconds), as the official library's credentials URI provider
MAX_CHAINED_PROFILES = 10
MAX_CODE_CHARS = 64  # a server-chosen Code is cut to this length before it goes into a message
# Credentials that already expire within the refresh margin when they arrive are used for at least this long
# (unless they expire first), so a source that hands out short-lived answers is not called at every get().
MIN_REFETCH_INTERVAL = datetime.timedelta(seconds=30)
# Module options that choose a source themselves; none of them goes with the OIDC options.
OIDC_CONFLICTS = ("access_key_id", "access_key_secret", "security_token", "profile", "ecs_role_name")


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class Credentials:
    """One immutable set of credentials; its repr shows the key id, source and expiry only."""

    __slots__ = ("access_key_id", "access_key_secret", "security_token", "expiration", "source")
    access_key_id: str
    access_key_secret: str
    security_token: str | None
    expiration: datetime.datetime | None
    source: str

    def __init__(self, access_key_id: str, access_key_secret: str, security_token: str | None = None,
                 expiration: datetime.datetime | None = None, source: str = "") -> None:
        if expiration is not None and expiration.tzinfo is None:
            raise ValueError("expiration must be a timezone-aware datetime")
        for name, value in (("access_key_id", access_key_id), ("access_key_secret", access_key_secret),
                            ("security_token", security_token or None), ("expiration", expiration), ("source", source)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError("Credentials are immutable")

    def __delattr__(self, name):
        raise AttributeError("Credentials are immutable")

    def _fields(self):
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other):
        return isinstance(other, Credentials) and self._fields() == other._fields()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self._fields())

    def __repr__(self):
        expiry = self.expiration.isoformat() if self.expiration else None
        return "Credentials(access_key_id=%r, source=%r, expiration=%r)" % (self.access_key_id, self.source, expiry)

    __str__ = __repr__

    def expires_within(self, margin: datetime.timedelta, now: datetime.datetime) -> bool:
        """True when these credentials expire before ``now + margin`` (never for long-term keys)."""
        return self.expiration is not None and self.expiration - margin <= now


class CredentialsProvider:
    """Hands out credentials from ``fetch()``, fetching again when they are close to expiry; thread-safe.

    ``fetch`` is called lazily on the first :meth:`get` unless ``initial`` is given. If a refresh fails
    while the cached credentials have not yet expired, the cached ones are still used. Credentials that arrive
    already inside the refresh margin are kept for MIN_REFETCH_INTERVAL (or until they expire, if sooner).
    """

    def __init__(self, fetch: Callable[[], Credentials], initial: Credentials | None = None,
                 clock: Callable[[], datetime.datetime] | None = None, margin: datetime.timedelta = REFRESH_MARGIN) -> None:
        self._fetch = fetch
        self._current = initial
        self._clock = clock or _utcnow
        self._margin = margin
        self._forced = False
        self._fetched_at = self._clock()
        self._arrived_in_margin = initial is not None and initial.expires_within(margin, self._fetched_at)
        self._lock = threading.Lock()

    def _still_good(self, current, now):
        if current is None or self._forced or current.expires_within(datetime.timedelta(0), now):
            return False
        if not current.expires_within(self._margin, now):
            return True
        # They arrived inside the margin: that is what the source hands out, so keep them a while.
        return self._arrived_in_margin and now - self._fetched_at < MIN_REFETCH_INTERVAL

    def get(self) -> Credentials:
        with self._lock:
            current = self._current
            now = self._clock()
            if self._still_good(current, now):
                return current
            try:
                fresh = self._fetch()
            except Exception:
                if current is None or self._forced or current.expires_within(datetime.timedelta(0), now):
                    raise
                return current  # still valid for a little while; the next get() tries again
            self._current = fresh
            self._fetched_at = now
            self._arrived_in_margin = fresh.expires_within(self._margin, now)
            self._forced = False
            return fresh

    def invalidate(self) -> None:
        """Make the next :meth:`get` fetch new credentials (for example after ``InvalidSecurityToken.Expired``)."""
        with self._lock:
            self._forced = True

    def __repr__(self):
        return "CredentialsProvider(%r)" % (self._current,)


class _Lookup:
    """What the sources may read (options, environment, home, STS, HTTP) and a record of where they looked."""

    def __init__(self, options, environ, home, sts_call, http, clock, oidc_call=None):
        self.options = dict(options or {})
        self.oidc_call = oidc_call
        self.environ = environ
        self.home = home if home is not None else os.path.expanduser("~")
        self.sts_call = sts_call
        self._http = http
        self.clock = clock or _utcnow
        self.tried = []

    def option(self, name):
        value = self.options.get(name)
        return None if value is None or value == "" else value

    def env(self, name):
        return self.environ.get(name) or None

    def env_true(self, name):
        return (self.environ.get(name) or "").strip().lower() == "true"

    def note(self, place, outcome):
        self.tried.append("%s: %s" % (place, outcome))

    def profile_name(self):
        """(name, setting that named it) or (None, None) when no profile was asked for."""
        if self.option("profile"):
            return self.option("profile"), "option profile"
        if self.env("ALIBABA_CLOUD_PROFILE"):
            return self.env("ALIBABA_CLOUD_PROFILE"), "ALIBABA_CLOUD_PROFILE"
        return None, None

    def http(self):
        if self._http is None:
            if requests is None:
                raise _MetadataUnavailable("the requests library is not installed (%s)" % REQUESTS_IMPORT_ERROR)
            self._http = metadata_session()
        return self._http


def metadata_session() -> requests.Session:
    """A requests session for the metadata service that ignores the environment (proxies, .netrc)."""
    session = requests.Session()
    session.trust_env = False
    session.proxies = {}
    return session


def parse_expiration(value: str | None) -> datetime.datetime:
    """Parse an API timestamp such as ``2025-01-01T00:00:00Z`` into an aware datetime (UTC if no offset)."""
    match = _ISO_TIME_PATTERN.fullmatch((value or "").strip())
    if not match:
        raise CredentialError("cannot parse the credentials' Expiration %r" % (value,))
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz = datetime.timezone.utc
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = datetime.timezone(sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz)


def _key_pair(where, id_name, id_value, secret_name, secret_value):
    """(id, secret), None when both are empty, CredentialError naming the missing half otherwise."""
    if id_value and secret_value:
        return id_value, secret_value
    if id_value or secret_value:
        missing = secret_name if id_value else id_name
        given = id_name if id_value else secret_name
        raise CredentialError("%s: %s is set but %s is missing" % (where, given, missing))
    return None


# ---------------------------------------------------------------- sources: each returns Credentials or None


def credentials_from_options(lookup: _Lookup) -> Credentials | None:
    """Step 1: ``access_key_id`` + ``access_key_secret`` (+ ``security_token``) module options."""
    pair = _key_pair("module options", "access_key_id", lookup.option("access_key_id"),
                     "access_key_secret", lookup.option("access_key_secret"))
    if pair is None:
        if lookup.option("security_token"):
            raise CredentialError("module options: security_token is set but access_key_id and access_key_secret are missing")
        lookup.note("module options access_key_id/access_key_secret", "not set")
        return None
    return Credentials(pair[0], pair[1], lookup.option("security_token"), source="module options")


def credentials_from_environment(lookup: _Lookup) -> Credentials | None:
    """Step 2: the ``ALIBABA_CLOUD_*`` variables, then the legacy ``ALICLOUD_*`` ones."""
    for family, id_var, secret_var, token_var in ENV_FAMILIES:
        pair = _key_pair("environment", id_var, lookup.env(id_var), secret_var, lookup.env(secret_var))
        if pair is not None:
            return Credentials(pair[0], pair[1], lookup.env(token_var), source="environment %s" % family)
        if lookup.env(token_var):
            raise CredentialError("environment: %s is set but %s and %s are missing" % (token_var, id_var, secret_var))
        lookup.note("environment %s/%s" % (id_var, secret_var), "not set")
    return None


def credentials_from_cli_profile(lookup: _Lookup) -> Credentials | None:
    """Step 3: a profile of the aliyun CLI's ``<home>/.aliyun/config.json``."""
    path = os.path.join(lookup.home, ".aliyun", "config.json")
    place = "CLI profile file %s" % path
    if lookup.env_true("ALIBABA_CLOUD_CLI_PROFILE_DISABLED"):
        lookup.note(place, "skipped (ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true)")
        return None
    if not os.path.isfile(path):
        lookup.note(place, "not found")
        return None
    try:
        with open(path, "rb") as handle:
            config = json.loads(handle.read().decode("utf-8"))
    except (IOError, OSError, ValueError) as exc:
        # json's messages give a position only, never the file's content.
        raise CredentialError("cannot read %s: %s" % (path, exc))
    if not isinstance(config, dict):
        raise CredentialError("cannot read %s: the top level is not a JSON object" % path)
    name, named_by = lookup.profile_name()
    if name is None:
        # As the aliyun CLI: no "current" means "default" (the Python library reads no profile then).
        name = config.get("current") or "default"
    profile = _cli_profile_named(config, name)
    if profile is None:
        lookup.note(place, "no profile %r" % name)
        return None
    return _cli_profile_credentials(lookup, config, profile, path, named_by, [name])


def _cli_profile_named(config, name):
    profiles = [p for p in config.get("profiles") or [] if isinstance(p, dict) and p.get("name") == name]
    return profiles[0] if profiles else None


def _cli_profile_credentials(lookup, config, profile, path, named_by, chain):
    """The credentials of one CLI profile; ``chain`` holds the names followed so far (ChainableRamRoleArn)."""
    name = chain[-1]
    mode = profile.get("mode")
    label = "CLI profile %r (%s)" % (name, path)
    if not mode:
        # The aliyun CLI refuses such a profile too ("not configure yet"); the official library skips it.
        raise CredentialError("%s has no mode; the aliyun CLI counts it as not configured yet (run aliyun configure "
                              "--profile %s, or set mode, for example AK)" % (label, name))
    if mode not in CLI_MODES:
        raise CredentialError("%s uses mode %r, which is not supported (it needs a person or a program this collection "
                              "does not run); supported modes: %s" % (label, mode, ", ".join(CLI_MODES)))
    if mode == "EcsRamRole":
        if lookup.env_true("ALIBABA_CLOUD_ECS_METADATA_DISABLED"):
            lookup.note(label, "mode EcsRamRole skipped (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)")
            return None
        role_name = _checked_role_name(profile.get("ram_role_name") or None, "ram_role_name in %s" % label)
        return _ecs_credentials(lookup, role_name, explicit=True)
    if mode == "OIDC":
        request = oidc_request(
            profile.get("ram_role_arn"), profile.get("oidc_provider_arn"), profile.get("oidc_token_file"),
            profile.get("role_session_name"), profile.get("expired_seconds"), profile.get("policy"), lookup.clock(),
            names=tuple("%s in %s" % (key, label) for key in (
                "ram_role_arn", "oidc_provider_arn", "oidc_token_file", "role_session_name", "expired_seconds")))
        return assume_role_with_oidc(lookup.oidc_call, request)
    if mode == "ChainableRamRoleArn":
        source_name = profile.get("source_profile")
        if not source_name:
            raise CredentialError("%s: mode ChainableRamRoleArn needs source_profile" % label)
        if source_name in chain:
            raise CredentialError("%s: source_profile makes a loop: %s" % (label, " -> ".join(chain + [source_name])))
        if len(chain) >= MAX_CHAINED_PROFILES:
            raise CredentialError("%s: the chain of source_profile settings is longer than %d profiles: %s"
                                  % (label, MAX_CHAINED_PROFILES, " -> ".join(chain + [source_name])))
        source_profile = _cli_profile_named(config, source_name)
        if source_profile is None:
            raise CredentialError("%s: its source_profile %r is not in the file" % (label, source_name))
        base = _cli_profile_credentials(lookup, config, source_profile, path, "source_profile", chain + [source_name])
        if base is None:
            raise CredentialError("%s: its source_profile %r gave no credentials" % (label, source_name))
        return assume_role(lookup.sts_call, base, _cli_role_request(lookup, profile, label))
    pair = _key_pair(label, "access_key_id", profile.get("access_key_id"), "access_key_secret", profile.get("access_key_secret"))
    if pair is None:
        if named_by is None and mode == "AK":
            lookup.note(label, "mode AK with an empty AccessKey")
            return None
        raise CredentialError("%s: mode %s needs access_key_id and access_key_secret" % (label, mode))
    if mode == "AK":
        return Credentials(pair[0], pair[1], source=label)
    if mode == "StsToken":
        if not profile.get("sts_token"):
            raise CredentialError("%s: mode StsToken needs sts_token" % label)
        return Credentials(pair[0], pair[1], profile["sts_token"], source=label)
    return assume_role(lookup.sts_call, Credentials(pair[0], pair[1], source=label), _cli_role_request(lookup, profile, label))


def _cli_role_request(lookup, profile, label):
    return role_request(
        profile.get("ram_role_arn"), profile.get("ram_session_name"), profile.get("expired_seconds"),
        profile.get("external_id"), profile.get("policy"), lookup.clock(),
        names=("ram_role_arn in %s" % label, "ram_session_name in %s" % label, "expired_seconds in %s" % label))


def _ini_path(lookup):
    """(path, None) for the INI file to read, or (None, reason) when there is none."""
    default_path = os.path.join(lookup.home, ".alibabacloud", "credentials.ini")
    configured = lookup.env("ALIBABA_CLOUD_CREDENTIALS_FILE")
    if configured:
        path = os.path.expanduser(configured)
        if not os.path.isfile(path):
            raise CredentialError("ALIBABA_CLOUD_CREDENTIALS_FILE names %s, which is not a readable file" % path)
        return path, None
    if os.path.isfile(default_path):
        return default_path, None
    return None, "ALIBABA_CLOUD_CREDENTIALS_FILE not set and %s not found" % default_path


def credentials_from_ini_file(lookup: _Lookup) -> Credentials | None:
    """Step 4: a section of the INI credentials file."""
    path, reason = _ini_path(lookup)
    if path is None:
        lookup.note("INI credentials file", reason)
        return None
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=("#", ";"))
    try:
        with open(path) as handle:
            parser.read_file(handle)
    except (IOError, OSError, UnicodeDecodeError, configparser.Error) as exc:
        # configparser's messages can quote the offending line, which may hold a secret.
        raise CredentialError("cannot parse the INI credentials file %s (%s)" % (path, type(exc).__name__)) from None
    name = lookup.profile_name()[0] or "default"
    if not parser.has_section(name):
        lookup.note("INI credentials file %s" % path, "no section [%s]" % name)
        return None
    # As the official library: a value ends at its first '#' (an AccessKey never holds one).
    section = {key: value.split("#")[0].strip() for key, value in parser[name].items()}
    label = "INI profile [%s] (%s)" % (name, path)
    kind = section.get("type", "access_key")
    if kind not in INI_TYPES:
        raise CredentialError("%s has type %r, which is not supported; supported types: %s" % (label, kind, ", ".join(INI_TYPES)))
    if kind == "ecs_ram_role":
        if lookup.env_true("ALIBABA_CLOUD_ECS_METADATA_DISABLED"):
            lookup.note(label, "type ecs_ram_role skipped (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)")
            return None
        return _ecs_credentials(lookup, _checked_role_name(section.get("role_name") or None, "role_name in %s" % label), explicit=True)
    if kind == "oidc_role_arn":
        request = oidc_request(
            section.get("role_arn"), section.get("oidc_provider_arn"), section.get("oidc_token_file_path"),
            section.get("role_session_name"), None, section.get("policy"), lookup.clock(),
            names=tuple("%s in %s" % (key, label) for key in (
                "role_arn", "oidc_provider_arn", "oidc_token_file_path", "role_session_name", "duration")))
        return assume_role_with_oidc(lookup.oidc_call, request)
    pair = _key_pair(label, "access_key_id", section.get("access_key_id"), "access_key_secret", section.get("access_key_secret"))
    if pair is None:
        raise CredentialError("%s: type %s needs access_key_id and access_key_secret" % (label, kind))
    if kind == "access_key":
        return Credentials(pair[0], pair[1], source=label)
    request = role_request(
        section.get("role_arn"), section.get("role_session_name"), None, None, section.get("policy"), lookup.clock(),
        names=("role_arn in %s" % label, "role_session_name in %s" % label, "duration"))
    return assume_role(lookup.sts_call, Credentials(pair[0], pair[1], source=label), request)


def named_profile_missing(lookup: _Lookup) -> None:
    """Between steps 4 and 5: a profile that was asked for by name must exist somewhere."""
    name, named_by = lookup.profile_name()
    if name is not None:
        raise CredentialError("profile %r (from %s) was not found. Looked at: %s" % (name, named_by, "; ".join(lookup.tried)))
    return None


def credentials_from_ecs_metadata(lookup: _Lookup) -> Credentials | None:
    """Step 5: the RAM role of the ECS instance, from the ``ecs_role_name`` option or the environment."""
    role = _checked_role_name(lookup.option("ecs_role_name"), "ecs_role_name")
    if role:
        return _ecs_credentials(lookup, role, explicit=True)
    if lookup.env_true("ALIBABA_CLOUD_ECS_METADATA_DISABLED"):
        lookup.note("ECS instance RAM role", "skipped (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)")
        return None
    role = _checked_role_name(lookup.env("ALIBABA_CLOUD_ECS_METADATA"), "ALIBABA_CLOUD_ECS_METADATA")
    return _ecs_credentials(lookup, role, explicit=bool(role))


# ---------------------------------------------------------------- ECS instance metadata


class _MetadataUnavailable(Exception):
    """The metadata service gave no credentials; the message says why and holds no secret."""


def _checked_role_name(role_name, setting):
    """A configured ECS role name, checked before it becomes part of a metadata URL; None stays None."""
    if role_name is not None and not ECS_ROLE_NAME_PATTERN.fullmatch(str(role_name)):
        raise ValidationError(setting, "must be 1 to 64 characters from A-Z a-z 0-9 . _ @ -, got %r" % (role_name,))
    return role_name


def imds_base_url(lookup: _Lookup) -> str:
    value = (lookup.env("ALIBABA_CLOUD_IMDS_ENDPOINT") or DEFAULT_IMDS_ENDPOINT).strip().rstrip("/")
    return value if "://" in value else "http://" + value


def _ecs_credentials(lookup, role_name, explicit):
    """Credentials of an ECS role; a failure raises when the role was configured, else counts as not found."""
    base = imds_base_url(lookup)
    try:
        return _fetch_ecs_credentials(lookup, base, role_name, explicit)
    except _MetadataUnavailable as exc:
        place = "ECS instance RAM role %s(metadata %s)" % ("%r " % role_name if role_name else "", base)
        if explicit:
            raise CredentialError("%s: %s" % (place, exc))
        lookup.note(place, str(exc))
        return None


def _imds_token(http, base):
    """(token, None) or (None, (reason, host_unreachable))."""
    try:
        response = http.put(base + "/latest/api/token", headers={"X-aliyun-ecs-metadata-token-ttl-seconds": IMDS_TOKEN_TTL_SECONDS},
                            timeout=IMDS_TIMEOUT, proxies=dict(NO_PROXIES), allow_redirects=False)
    except Exception as exc:  # the session is injectable; any failure means "no token"
        return None, ("IMDSv2 token request failed (%s)" % type(exc).__name__, True)
    if response.status_code != 200 or not (response.text or "").strip():
        return None, ("IMDSv2 token request answered HTTP %s" % response.status_code, False)
    return response.text.strip(), None


def _imds_get(http, url, headers, what):
    try:
        response = http.get(url, headers=headers, timeout=IMDS_TIMEOUT, proxies=dict(NO_PROXIES), allow_redirects=False)
    except Exception as exc:  # the session is injectable; any failure means "unavailable"
        raise _MetadataUnavailable("%s failed (%s)" % (what, type(exc).__name__))
    if response.status_code != 200:
        raise _MetadataUnavailable("%s answered HTTP %s" % (what, response.status_code))
    return response.text or ""


def _fetch_ecs_credentials(lookup, base, role_name, explicit):
    http = lookup.http()
    token, failure = _imds_token(http, base)
    headers = {}
    if token is not None:
        headers["X-aliyun-ecs-metadata-token"] = token
    else:
        reason, unreachable = failure
        if lookup.env_true("ALIBABA_CLOUD_IMDSV1_DISABLED"):
            raise _MetadataUnavailable("%s and IMDSv1 is disabled (ALIBABA_CLOUD_IMDSV1_DISABLED=true)" % reason)
        if unreachable and not explicit:
            # As the automatic last step, fail fast: a host that cannot answer a PUT will not answer a GET.
            raise _MetadataUnavailable(reason)
    prefix = base + "/latest/meta-data/ram/security-credentials/"
    if not role_name:
        listing = _imds_get(http, prefix, headers, "role discovery").strip()
        role_name = listing.splitlines()[0].strip() if listing else None
        if not role_name:
            raise _MetadataUnavailable("no RAM role is attached to this instance")
        if not ECS_ROLE_NAME_PATTERN.fullmatch(role_name):
            # Never echo an unexpected answer: it could be anything, credentials included.
            raise _MetadataUnavailable("role discovery answered something that is not a role name")
    body = _imds_get(http, prefix + role_name, headers, "credentials of role %r" % role_name)
    try:
        document = json.loads(body)
    except ValueError:
        raise _MetadataUnavailable("credentials of role %r are not JSON" % role_name)
    if not isinstance(document, dict) or document.get("Code") != "Success":
        code = document.get("Code") if isinstance(document, dict) else None
        raise _MetadataUnavailable("credentials of role %r answered Code %s instead of 'Success'" % (role_name, _code_for_message(code)))
    return _temporary_credentials(document, "ECS RAM role %r" % role_name)


def _code_for_message(code):
    """A server-chosen ``Code`` for a message: its repr, cut to MAX_CODE_CHARS characters."""
    text = code if isinstance(code, str) else repr(code)
    if len(text) > MAX_CODE_CHARS:
        return "%r (cut to %d characters)" % (text[:MAX_CODE_CHARS], MAX_CODE_CHARS)
    return repr(text)


def _temporary_credentials(document, source):
    missing = [key for key in ("AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration") if not document.get(key)]
    if missing:
        raise CredentialError("%s: the answer lacks %s" % (source, ", ".join(missing)))
    return Credentials(document["AccessKeyId"], document["AccessKeySecret"], document["SecurityToken"],
                       parse_expiration(document["Expiration"]), source=source)


# ---------------------------------------------------------------- STS AssumeRole


class RoleRequest:
    """Validated AssumeRole parameters."""

    __slots__ = ("role_arn", "session_name", "duration", "external_id", "policy")

    def __init__(self, role_arn: str, session_name: str, duration: int, external_id: str | None = None,
                 policy: str | None = None) -> None:
        self.role_arn = role_arn
        self.session_name = session_name
        self.duration = duration
        self.external_id = external_id
        self.policy = policy

    def params(self) -> dict[str, Any]:
        params = {"RoleArn": self.role_arn, "RoleSessionName": self.session_name, "DurationSeconds": self.duration}
        if self.external_id:
            params["ExternalId"] = self.external_id
        if self.policy:
            params["Policy"] = self.policy
        return params


def default_session_name(now: datetime.datetime) -> str:
    return "%s%d" % (SESSION_NAME_PREFIX, calendar.timegm(now.utctimetuple()))


def role_request(role_arn: str | None, session_name: str | None, duration: int | str | None, external_id: str | None,
                 policy: str | None, now: datetime.datetime,
                 names: tuple[str, str, str] = ("assume_role_arn", "assume_role_session_name", "assume_role_duration"),
                 session_pattern: re.Pattern = SESSION_NAME_PATTERN) -> RoleRequest:
    """Check AssumeRole parameters locally; ``names`` are the settings named in a ValidationError."""
    arn_name, session_option, duration_name = names
    if not role_arn or not ROLE_ARN_PATTERN.fullmatch(str(role_arn)):
        raise ValidationError(arn_name, "must look like acs:ram::<account id>:role/<role name>, got %r" % (role_arn,))
    session_name = session_name or default_session_name(now)
    if not session_pattern.fullmatch(str(session_name)):
        longest = 64 if session_pattern is OIDC_SESSION_NAME_PATTERN else 32
        raise ValidationError(session_option, "must be 2 to %d characters from A-Z a-z 0-9 . @ _ -" % longest)
    if duration in (None, ""):
        duration = DEFAULT_ROLE_DURATION
    try:
        duration = int(duration)
    except (TypeError, ValueError):
        raise ValidationError(duration_name, "must be a whole number of seconds, got %r" % (duration,))
    if not MIN_ROLE_DURATION <= duration <= MAX_ROLE_DURATION:
        raise ValidationError(duration_name, "must be between %d and %d seconds, got %d" % (MIN_ROLE_DURATION, MAX_ROLE_DURATION, duration))
    return RoleRequest(role_arn, session_name, duration, external_id or None, policy or None)


def assume_role(sts_call: Callable[[Credentials, dict[str, Any]], dict[str, Any]] | None, source_credentials: Credentials,
                request: RoleRequest) -> Credentials:
    """Call STS AssumeRole with ``source_credentials`` and return the role's temporary credentials."""
    source = "assume role %s" % request.role_arn
    if sts_call is None:
        raise CredentialError("%s: no STS client was supplied to make the call" % source)
    response = sts_call(source_credentials, request.params())
    document = response.get("Credentials") if isinstance(response, dict) else None
    if not isinstance(document, dict):
        raise CredentialError("%s: the STS answer has no Credentials" % source)
    return _temporary_credentials(document, source)


def _top_level_role(lookup):
    """The assume_role_* options (or ALIBABA_CLOUD_ROLE_ARN / _SESSION_NAME) as a RoleRequest, or None.

    With the OIDC options the assume_role_* options describe the OIDC role, and with the three OIDC variables
    ALIBABA_CLOUD_ROLE_ARN is the OIDC role: neither is then assumed a second time."""
    if _oidc_options_set(lookup):
        return None
    if _oidc_environment_complete(lookup):
        role_arn = lookup.option("assume_role_arn")
    else:
        role_arn = lookup.option("assume_role_arn") or lookup.env("ALIBABA_CLOUD_ROLE_ARN")
    if not role_arn:
        return None
    arn_name = "assume_role_arn" if lookup.option("assume_role_arn") else "ALIBABA_CLOUD_ROLE_ARN"
    if lookup.option("assume_role_session_name"):
        session_name, session_option = lookup.option("assume_role_session_name"), "assume_role_session_name"
    else:
        session_name, session_option = lookup.env("ALIBABA_CLOUD_ROLE_SESSION_NAME"), "ALIBABA_CLOUD_ROLE_SESSION_NAME"
    return role_request(role_arn, session_name, lookup.option("assume_role_duration"), lookup.option("assume_role_external_id"),
                        lookup.option("assume_role_policy"), lookup.clock(), names=(arn_name, session_option, "assume_role_duration"))


# ---------------------------------------------------------------- OIDC (RRSA): STS AssumeRoleWithOIDC


class OidcRequest:
    """Validated AssumeRoleWithOIDC parameters; the token is read from ``token_file`` at each call."""

    __slots__ = ("role_arn", "provider_arn", "token_file", "session_name", "duration", "policy")

    def __init__(self, role_arn: str, provider_arn: str, token_file: str, session_name: str, duration: int,
                 policy: str | None = None) -> None:
        self.role_arn = role_arn
        self.provider_arn = provider_arn
        self.token_file = token_file
        self.session_name = session_name
        self.duration = duration
        self.policy = policy

    def params(self, token: str) -> dict[str, Any]:
        params = {"RoleArn": self.role_arn, "OIDCProviderArn": self.provider_arn, "OIDCToken": token,
                  "RoleSessionName": self.session_name, "DurationSeconds": self.duration}
        if self.policy:
            params["Policy"] = self.policy
        return params


def oidc_request(role_arn: str | None, provider_arn: str | None, token_file: str | None, session_name: str | None,
                 duration: int | str | None, policy: str | None, now: datetime.datetime,
                 names: tuple[str, ...] = ("assume_role_arn", "oidc_provider_arn", "oidc_token_file",
                                           "assume_role_session_name", "assume_role_duration")) -> OidcRequest:
    """Check AssumeRoleWithOIDC parameters locally; ``names`` are the settings named in a ValidationError."""
    arn_name, provider_name, file_name, session_option, duration_name = names
    if not provider_arn or not OIDC_PROVIDER_ARN_PATTERN.fullmatch(str(provider_arn)):
        raise ValidationError(provider_name, "must look like acs:ram::<account id>:oidc-provider/<name>")
    if not token_file:
        raise ValidationError(file_name, "must name the file that holds the OIDC token")
    base = role_request(role_arn, session_name or default_session_name(now), duration, None, policy, now,
                        names=(arn_name, session_option, duration_name), session_pattern=OIDC_SESSION_NAME_PATTERN)
    return OidcRequest(base.role_arn, str(provider_arn), os.path.expanduser(str(token_file)), base.session_name,
                       base.duration, base.policy)


def read_oidc_token(path: str) -> str:
    """The token in ``path``, read afresh (Kubernetes rotates it); errors name the file, never its content."""
    try:
        with open(path, "rb") as handle:
            token = handle.read(MAX_OIDC_TOKEN_CHARS * 4 + 1).decode("utf-8").strip()
    except (IOError, OSError) as exc:
        raise CredentialError("cannot read the OIDC token file %s (%s)" % (path, type(exc).__name__)) from None
    except UnicodeDecodeError:
        raise CredentialError("the OIDC token file %s is not UTF-8 text" % path) from None
    if not 4 <= len(token) <= MAX_OIDC_TOKEN_CHARS:
        raise CredentialError("the OIDC token file %s holds %d characters; a token has 4 to %d"
                              % (path, len(token), MAX_OIDC_TOKEN_CHARS))
    return token


def assume_role_with_oidc(oidc_call: Callable[[dict[str, Any]], dict[str, Any]] | None, request: OidcRequest) -> Credentials:
    """Call STS AssumeRoleWithOIDC (unsigned) with the token file's current token; the role's credentials."""
    source = "OIDC role %s" % request.role_arn
    if oidc_call is None:
        raise CredentialError("%s: no STS client was supplied to make the call" % source)
    response = oidc_call(request.params(read_oidc_token(request.token_file)))
    document = response.get("Credentials") if isinstance(response, dict) else None
    if not isinstance(document, dict):
        raise CredentialError("%s: the STS answer has no Credentials" % source)
    return _temporary_credentials(document, source)


def _oidc_options_set(lookup):
    return bool(lookup.option("oidc_provider_arn") or lookup.option("oidc_token_file"))


def _check_oidc_conflicts(lookup):
    """The OIDC options assume a role with the pod's token: no other source option goes with them."""
    oidc = [name for name in ("oidc_provider_arn", "oidc_token_file") if lookup.option(name)]
    others = [name for name in OIDC_CONFLICTS if lookup.option(name)]
    if oidc and others:
        raise ValidationError(", ".join(oidc), "cannot be combined with %s: the OIDC options assume the role with the "
                              "OIDC token and need no other credentials; set one or the other" % ", ".join(others))


def _oidc_environment_complete(lookup):
    return all(lookup.env(name) for name in OIDC_ENV)


def credentials_from_oidc(lookup: _Lookup) -> Credentials | None:
    """After the environment: the OIDC options, else ALIBABA_CLOUD_ROLE_ARN + _OIDC_PROVIDER_ARN + _OIDC_TOKEN_FILE."""
    now = lookup.clock()
    if _oidc_options_set(lookup):
        role_arn = lookup.option("assume_role_arn") or lookup.env("ALIBABA_CLOUD_ROLE_ARN")
        request = oidc_request(role_arn, lookup.option("oidc_provider_arn"), lookup.option("oidc_token_file"),
                               lookup.option("assume_role_session_name") or lookup.env("ALIBABA_CLOUD_ROLE_SESSION_NAME"),
                               lookup.option("assume_role_duration"), lookup.option("assume_role_policy"), now)
        return assume_role_with_oidc(lookup.oidc_call, request)
    missing = [name for name in OIDC_ENV if not lookup.env(name)]
    if missing:
        outcome = "not set" if len(missing) == len(OIDC_ENV) else "incomplete (%s not set)" % ", ".join(missing)
        lookup.note("OIDC role %s" % "/".join(OIDC_ENV), outcome)
        return None
    request = oidc_request(
        lookup.env("ALIBABA_CLOUD_ROLE_ARN"), lookup.env("ALIBABA_CLOUD_OIDC_PROVIDER_ARN"),
        lookup.env("ALIBABA_CLOUD_OIDC_TOKEN_FILE"), lookup.env("ALIBABA_CLOUD_ROLE_SESSION_NAME"),
        lookup.option("assume_role_duration"), None, now,
        names=OIDC_ENV[:1] + OIDC_ENV[1:] + ("ALIBABA_CLOUD_ROLE_SESSION_NAME", "assume_role_duration"))
    return assume_role_with_oidc(lookup.oidc_call, request)


# ---------------------------------------------------------------- credentials URI


def uri_for_messages(uri: str) -> str:
    """``scheme://host[:port]/path`` of a credentials URI: user info and the query may hold a secret."""
    parts = urlsplit(uri)
    host = parts.hostname or ""
    if parts.port:
        host = "%s:%d" % (host, parts.port)
    return "%s://%s%s" % (parts.scheme, host, parts.path)


def credentials_from_uri(lookup: _Lookup) -> Credentials | None:
    """Last step: ``ALIBABA_CLOUD_CREDENTIALS_URI``, a URL answering ``{"Code": "Success", "AccessKeyId", ...}``."""
    uri = (lookup.env("ALIBABA_CLOUD_CREDENTIALS_URI") or "").strip()
    if not uri:
        lookup.note("credentials URI ALIBABA_CLOUD_CREDENTIALS_URI", "not set")
        return None
    try:
        parts = urlsplit(uri)
        parts.port  # pylint: disable=pointless-statement  # raises ValueError for a bad port
    except ValueError:
        raise ValidationError("ALIBABA_CLOUD_CREDENTIALS_URI", "is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("ALIBABA_CLOUD_CREDENTIALS_URI", "must be an http:// or https:// URL")
    place = "credentials URI %s" % uri_for_messages(uri)
    try:
        http = lookup.http()
        response = http.get(uri, timeout=URI_TIMEOUT, proxies=dict(NO_PROXIES), allow_redirects=False)
    except Exception as exc:  # the session is injectable; the text of an error could quote the URL
        lookup.note(place, "request failed (%s)" % type(exc).__name__)
        raise CredentialError(_not_found_message(lookup.tried)) from None
    if response.status_code != 200:
        lookup.note(place, "answered HTTP %s" % response.status_code)
        raise CredentialError(_not_found_message(lookup.tried))
    try:
        document = json.loads(response.text or "")
    except ValueError:
        document = None
    if not isinstance(document, dict) or document.get("Code") != "Success":
        code = document.get("Code") if isinstance(document, dict) else None
        lookup.note(place, "answered Code %s instead of 'Success'" % _code_for_message(code) if code else "answered something "
                    "that is not a credentials document")
        raise CredentialError(_not_found_message(lookup.tried))
    return _temporary_credentials(document, place)


# ---------------------------------------------------------------- the chain


def credential_chain(lookup: _Lookup) -> list[Callable[[_Lookup], Credentials | None]]:
    """The sources to try, in order, for these options."""
    if lookup.option("profile"):
        return [credentials_from_options, credentials_from_cli_profile, credentials_from_ini_file, named_profile_missing]
    if lookup.option("ecs_role_name"):
        return [credentials_from_options, credentials_from_ecs_metadata]
    if _oidc_options_set(lookup):
        return [credentials_from_options, credentials_from_oidc]
    return [credentials_from_options, credentials_from_environment, credentials_from_oidc, credentials_from_cli_profile,
            credentials_from_ini_file, named_profile_missing, credentials_from_ecs_metadata, credentials_from_uri]


def _not_found_message(tried):
    steps = "; ".join("%d) %s" % (index, entry) for index, entry in enumerate(tried, 1))
    return ("No Alibaba Cloud credentials found. Tried, in order: %s. Set access_key_id and access_key_secret, "
            "the ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET environment variables, or a profile." % steps)


def _refetch(source, lookup):
    def fetch():
        lookup.tried = []
        credentials = source(lookup)
        if credentials is None:
            raise CredentialError(_not_found_message(lookup.tried))
        return credentials
    return fetch


def resolve_credentials(options: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None,
                        home: str | None = None,
                        sts_call: Callable[[Credentials, dict[str, Any]], dict[str, Any]] | None = None,
                        http: requests.Session | None = None,
                        clock: Callable[[], datetime.datetime] | None = None,
                        oidc_call: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> CredentialsProvider:
    """Find credentials for ``options`` and return a :class:`CredentialsProvider` for them.

    ``sts_call(credentials, params) -> dict`` performs STS AssumeRole; ``http`` is a requests-like session
    used for ECS metadata (:func:`metadata_session` makes one when needed). Its ``put`` and ``get`` are called
    with ``proxies=NO_PROXIES`` and ``allow_redirects=False``, so even a session that trusts the environment
    sends nothing to the metadata service through a proxy; ``clock`` returns the current aware
    datetime (for tests); ``oidc_call(params) -> dict`` performs the unsigned STS AssumeRoleWithOIDC.
    ``environ`` defaults to ``os.environ``. Raises CredentialError or ValidationError;
    neither message holds a secret.
    """
    lookup = _Lookup(options, os.environ if environ is None else environ, home, sts_call, http, clock, oidc_call)
    _check_oidc_conflicts(lookup)
    role = _top_level_role(lookup)  # validated before any call
    for source in credential_chain(lookup):
        found = source(lookup)
        if found is not None:
            base = CredentialsProvider(_refetch(source, lookup), initial=found, clock=lookup.clock)
            break
    else:
        raise CredentialError(_not_found_message(lookup.tried))
    if role is None:
        return base
    return CredentialsProvider(lambda: assume_role(sts_call, base.get(), role), clock=lookup.clock)
