# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request signing for Alibaba Cloud RPC APIs.

Two schemes are implemented:

* ``ACS3-HMAC-SHA256`` (signature V3), which the client uses for every call;
* the classic ``HMAC-SHA1`` RPC signature (``SignatureVersion=1.0``), which
  older SDKs and STS clients still send and which the emulator must verify.

This file is standard library only: the RAM emulator under ``tests/emulator``
imports it too, and the official test vectors guard both users.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import os
from typing import Any, Iterable, Mapping

try:
    from urllib.parse import quote as _quote
except ImportError:  # pragma: no cover - Python 2 is not supported, kept for the import sanity test
    from urllib import quote as _quote

V3_ALGORITHM = "ACS3-HMAC-SHA256"
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()


def percent_encode(value: object) -> str:
    """RFC 3986 encoding as Alibaba Cloud specifies it: only ``A-Za-z0-9-_.~`` stay."""
    if not isinstance(value, str):
        value = str(value)
    return _quote(value.encode("utf-8"), safe="~")


def canonical_query_string(params: Mapping[str, Any]) -> str:
    """Sort by encoded name and join ``name=value`` pairs with ``&``; empty values are kept."""
    pairs = sorted((percent_encode(k), percent_encode(v)) for k, v in params.items())
    return "&".join("%s=%s" % pair for pair in pairs)


def utc_timestamp(now: datetime.datetime | None = None) -> str:
    """``yyyy-MM-ddTHH:mm:ssZ`` in UTC, the format both schemes use."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_nonce() -> str:
    """A fresh 32-hex-digit nonce; the server rejects a nonce it has seen."""
    return binascii.hexlify(os.urandom(16)).decode("ascii")


# --- classic RPC signature (HMAC-SHA1, SignatureVersion 1.0) -------------------


def rpc_string_to_sign(method: str, params: Mapping[str, Any]) -> str:
    """The string the classic scheme signs; ``params`` must not include ``Signature``."""
    return "%s&%s&%s" % (method.upper(), percent_encode("/"), percent_encode(canonical_query_string(params)))


def rpc_signature(method: str, params: Mapping[str, Any], access_key_secret: str) -> str:
    """Base64 HMAC-SHA1 over :func:`rpc_string_to_sign`, keyed with ``secret + '&'``."""
    key = (access_key_secret + "&").encode("utf-8")
    digest = hmac.new(key, rpc_string_to_sign(method, params).encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def rpc_common_params(action: str, version: str, access_key_id: str, security_token: str | None = None,
                      timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
    """The common parameters of a classic-signed request, without ``Signature``."""
    params = {
        "Action": action,
        "Version": version,
        "Format": "JSON",
        "AccessKeyId": access_key_id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": nonce or new_nonce(),
        "Timestamp": timestamp or utc_timestamp(),
    }
    if security_token:
        params["SecurityToken"] = security_token
    return params


# --- V3 signature (ACS3-HMAC-SHA256) --------------------------------------------


def _header_lookup(headers):
    merged = {}
    for name, value in headers.items():
        merged.setdefault(name.lower(), []).append(str(value).strip())
    return merged


def v3_canonical_request(method: str, path: str | None, query: Mapping[str, Any], headers: Mapping[str, Any],
                         signed_headers: Iterable[str], payload_hash: str) -> str:
    """The canonical request of signature V3.

    ``signed_headers`` is the list of lower-case header names to sign, exactly
    as it appears in ``SignedHeaders`` (a verifier takes it from the client).
    Repeated headers are joined with ``,`` after sorting their values.
    """
    lookup = _header_lookup(headers)
    names = sorted(name.lower() for name in signed_headers)
    canonical_headers = "".join("%s:%s\n" % (name, ",".join(sorted(lookup.get(name, [])))) for name in names)
    return "\n".join([
        method.upper(),
        path or "/",
        canonical_query_string(query),
        canonical_headers,
        ";".join(names),
        payload_hash,
    ])


def v3_string_to_sign(canonical_request: str) -> str:
    return "%s\n%s" % (V3_ALGORITHM, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest())


def v3_signature(access_key_secret: str, canonical_request: str) -> str:
    """Hex HMAC-SHA256 of the string to sign, keyed with the raw secret."""
    return hmac.new(access_key_secret.encode("utf-8"), v3_string_to_sign(canonical_request).encode("utf-8"),
                    hashlib.sha256).hexdigest()


def v3_authorization(access_key_id: str, access_key_secret: str, method: str, path: str | None, query: Mapping[str, Any],
                     headers: Mapping[str, Any], signed_headers: Iterable[str] | None = None,
                     payload_hash: str = EMPTY_BODY_SHA256) -> str:
    """The ``Authorization`` header value; signs every given header unless ``signed_headers`` narrows it."""
    names = sorted(set(h.lower() for h in (signed_headers or headers.keys())) - {"authorization"})
    canonical = v3_canonical_request(method, path, query, headers, names, payload_hash)
    return "%s Credential=%s,SignedHeaders=%s,Signature=%s" % (
        V3_ALGORITHM, access_key_id, ";".join(names), v3_signature(access_key_secret, canonical))


def parse_v3_authorization(value: str | None) -> tuple[str, list[str], str] | None:
    """Split an ``Authorization`` header into ``(credential, signed_headers, signature)``.

    Returns ``None`` when the value is not a well-formed V3 header.
    """
    if not value or not value.startswith(V3_ALGORITHM + " "):
        return None
    fields = {}
    for part in value[len(V3_ALGORITHM) + 1:].split(","):
        key, sep, val = part.strip().partition("=")
        if not sep:
            return None
        fields[key] = val
    if not all(k in fields for k in ("Credential", "SignedHeaders", "Signature")):
        return None
    return fields["Credential"], [h for h in fields["SignedHeaders"].split(";") if h], fields["Signature"]


def v3_request_headers(host: str, action: str, version: str, access_key_id: str, security_token: str | None = None,
                       date: str | None = None, nonce: str | None = None, payload_hash: str = EMPTY_BODY_SHA256,
                       extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The headers a V3 request carries before ``Authorization`` is added."""
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": date or utc_timestamp(),
        "x-acs-signature-nonce": nonce or new_nonce(),
        "x-acs-content-sha256": payload_hash,
        "accept": "application/json",
    }
    if security_token:
        headers["x-acs-security-token"] = security_token
        headers["x-acs-accesskey-id"] = access_key_id
    if extra:
        headers.update(extra)
    return headers
