# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Both signature schemes against every official vector, plus the encoding rules they rest on."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import re

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils import signing

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
VECTORS_PATH = os.path.join(REPO_ROOT, "tests", "unit", "emulator", "fixtures", "signature_vectors.json")
# The reference copies the project was given (from the official SDK); the repository keeps its own copies so the
# suite runs anywhere. Where the reference folder is expected (CI, or ALIYUN_RAM_REFERENCE_DIR set), a missing one
# fails instead of skipping, so the comparison cannot silently stop happening.
REFERENCE_DIR = os.environ.get("ALIYUN_RAM_REFERENCE_DIR") or os.path.normpath(
    os.path.join(REPO_ROOT, "..", "shared", "reference"))
REFERENCE_REQUIRED = bool(os.environ.get("ALIYUN_RAM_REFERENCE_DIR")) or os.environ.get("CI") == "true"
FIXTURES = os.path.join(REPO_ROOT, "tests", "unit", "emulator", "fixtures")
REFERENCE_COPIES = [("signature-vectors.json", "signature_vectors.json"),
                    ("sdk-captured-requests.json", "sdk_captured_requests.json")]


def load_vectors():
    with open(VECTORS_PATH, encoding="utf-8") as handle:
        return json.load(handle)


VECTORS = load_vectors()
CLASSIC = [v for v in VECTORS if v["kind"] == "rpc-v1-hmac-sha1"]
V3 = [v for v in VECTORS if v["kind"] == "acs3-hmac-sha256"]


def vector_id(vector):
    return "%s-%s-%s" % (vector["kind"], vector["method"], VECTORS.index(vector))


def test_every_vector_is_of_a_known_scheme():
    assert len(CLASSIC) + len(V3) == len(VECTORS)
    assert CLASSIC and V3


@pytest.mark.parametrize("reference, copy", REFERENCE_COPIES)
def test_repository_copies_match_the_reference(reference, copy):
    path = os.path.join(REFERENCE_DIR, reference)
    if not os.path.exists(path):
        if REFERENCE_REQUIRED:
            pytest.fail("the reference file %s is missing (CI, or ALIYUN_RAM_REFERENCE_DIR, expects it)" % path)
        pytest.skip("the reference folder %s is not on this machine; CI compares it" % REFERENCE_DIR)
    with open(path, encoding="utf-8") as handle, open(os.path.join(FIXTURES, copy), encoding="utf-8") as ours:
        assert json.load(ours) == json.load(handle)


@pytest.mark.parametrize("vector", CLASSIC, ids=vector_id)
def test_classic_signature_reproduces_vector(vector):
    assert signing.rpc_signature(vector["method"], vector["params"], vector["access_key_secret"]) == vector["signature"]


@pytest.mark.parametrize("vector", CLASSIC, ids=vector_id)
def test_classic_signature_depends_on_method_secret_and_every_parameter(vector):
    method, params, secret = vector["method"], vector["params"], vector["access_key_secret"]
    other_method = "GET" if method == "POST" else "POST"
    assert signing.rpc_signature(other_method, params, secret) != vector["signature"]
    assert signing.rpc_signature(method, params, secret + "x") != vector["signature"]
    for name in params:
        changed = dict(params, **{name: params[name] + "x"})
        assert signing.rpc_signature(method, changed, secret) != vector["signature"], name


@pytest.mark.parametrize("vector", V3, ids=vector_id)
def test_v3_authorization_reproduces_vector(vector):
    authorization = signing.v3_authorization(vector["access_key_id"], vector["access_key_secret"], vector["method"],
                                             vector["path"], vector["query"], vector["headers"])
    assert authorization == vector["authorization"]


@pytest.mark.parametrize("vector", V3, ids=vector_id)
def test_v3_verifier_path_reproduces_vector_from_the_signed_header_list(vector):
    """What a verifier does: take SignedHeaders from the client, rebuild, compare the signature."""
    credential, signed_headers, signature = signing.parse_v3_authorization(vector["authorization"])
    assert credential == vector["access_key_id"]
    # Extra unsigned headers on the wire must not change the result.
    headers = dict(vector["headers"], **{"X-Unsigned-Extra": "ignored", "Authorization": vector["authorization"]})
    canonical = signing.v3_canonical_request(vector["method"], vector["path"], vector["query"], headers,
                                             signed_headers, vector["headers"]["x-acs-content-sha256"])
    assert signing.v3_signature(vector["access_key_secret"], canonical) == signature


@pytest.mark.parametrize("vector", V3, ids=vector_id)
def test_v3_signature_depends_on_every_signed_input(vector):
    def sign(method=vector["method"], query=vector["query"], headers=vector["headers"], secret=vector["access_key_secret"]):
        return signing.v3_authorization(vector["access_key_id"], secret, method, vector["path"], query, headers)

    expected = vector["authorization"]
    assert sign(method="GET") != expected
    assert sign(secret=vector["access_key_secret"] + "x") != expected
    for name in vector["query"]:
        assert sign(query=dict(vector["query"], **{name: vector["query"][name] + "x"})) != expected, name
    for name in vector["headers"]:
        assert sign(headers=dict(vector["headers"], **{name: vector["headers"][name] + "x"})) != expected, name


def test_classic_string_to_sign_matches_the_documented_example():
    vector = CLASSIC[0]
    assert vector["signature"] == "02heLegtw4+BFamznl1Ltj+vJ4A="
    assert signing.rpc_string_to_sign("get", vector["params"]) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DCreateUser%26DisplayName%3Dtest%26Format%3DJSON"
        "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3f6b4e80-56f7-11eb-a256-a9f756ea7e85"
        "%26SignatureVersion%3D1.0%26Timestamp%3D2021-01-15T06%253A02%253A28Z"
        "%26UserPrincipalName%3Dtest%2540example.onaliyun.com%26Version%3D2019-08-15")


def test_v3_canonical_request_matches_the_documented_ims_example():
    vector = next(v for v in V3 if v["headers"]["host"] == "ims.aliyuncs.com" and "x-acs-security-token" not in v["headers"]
                  and v["query"].get("Tag.1.Value") == "a b")
    names = sorted(vector["headers"])
    canonical = signing.v3_canonical_request("POST", "/", vector["query"], vector["headers"], names,
                                             signing.EMPTY_BODY_SHA256)
    assert canonical.split("\n")[2] == "DisplayName=test&Tag.1.Key=team&Tag.1.Value=a%20b&UserPrincipalName=test%40example.onaliyun.com"
    # Canonical headers end in a newline and are followed by the separator: one blank line.
    assert "\nx-acs-version:2019-08-15\n\nhost;x-acs-action;" in canonical
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == \
        "5213666abc45d5148e2dbca9b675ce0983be34e774af78ca83e7b0d3b8a9120f"


# --- encoding rules --------------------------------------------------------------


@pytest.mark.parametrize("raw, encoded", [
    ("AZaz09-_.~", "AZaz09-_.~"),
    (" ", "%20"),
    ("*", "%2A"),
    ("+", "%2B"),
    ("/", "%2F"),
    ("=&", "%3D%26"),
    ("@:", "%40%3A"),
    ("%", "%25"),
    ("é", "%C3%A9"),
    ("中", "%E4%B8%AD"),
    ("", ""),
    (7, "7"),
])
def test_percent_encode_keeps_only_unreserved_characters(raw, encoded):
    assert signing.percent_encode(raw) == encoded


def test_percent_encode_uses_upper_case_hex_for_every_other_byte():
    for code in range(0x20, 0x7f):
        char = chr(code)
        result = signing.percent_encode(char)
        if re.match(r"[A-Za-z0-9\-_.~]", char):
            assert result == char
        else:
            assert result == "%%%02X" % code


def test_canonical_query_string_sorts_by_name_and_keeps_empty_values():
    params = {"b": "2", "a": "", "B": "x y", "a.1": "*"}
    assert signing.canonical_query_string(params) == "B=x%20y&a=&a.1=%2A&b=2"


def test_canonical_query_string_of_no_parameters_is_empty():
    assert signing.canonical_query_string({}) == ""


def test_v3_header_values_are_trimmed_and_names_lower_cased():
    headers = {"Host": " ims.aliyuncs.com ", "X-Acs-Action": "GetUser"}
    canonical = signing.v3_canonical_request("post", "", {}, headers, ["HOST", "x-acs-action"], signing.EMPTY_BODY_SHA256)
    assert canonical == "POST\n/\n\nhost:ims.aliyuncs.com\nx-acs-action:GetUser\n\nhost;x-acs-action\n" + \
        signing.EMPTY_BODY_SHA256


def test_v3_authorization_never_signs_the_authorization_header_itself():
    headers = {"host": "h", "x-acs-action": "A", "Authorization": "old"}
    value = signing.v3_authorization("id", "secret", "POST", "/", {}, headers)
    assert "SignedHeaders=host;x-acs-action," in value


def test_parse_v3_authorization_rejects_malformed_values():
    assert signing.parse_v3_authorization(None) is None
    assert signing.parse_v3_authorization("acs id:sig") is None
    assert signing.parse_v3_authorization("ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host") is None
    assert signing.parse_v3_authorization("ACS3-HMAC-SHA256 Credential=a,SignedHeaders,Signature=x") is None


def test_v3_request_headers_carry_a_token_with_the_key_id_and_fresh_nonces():
    first = signing.v3_request_headers("h", "GetUser", "2019-08-15", "STS.id", security_token="tok")
    second = signing.v3_request_headers("h", "GetUser", "2019-08-15", "STS.id", security_token="tok")
    assert first["x-acs-security-token"] == "tok" and first["x-acs-accesskey-id"] == "STS.id"
    assert first["x-acs-signature-nonce"] != second["x-acs-signature-nonce"]
    assert re.match(r"^[0-9a-f]{32}$", first["x-acs-signature-nonce"])
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", first["x-acs-date"])
    plain = signing.v3_request_headers("h", "GetUser", "2019-08-15", "id")
    assert "x-acs-security-token" not in plain and "x-acs-accesskey-id" not in plain


def test_classic_common_parameters_add_the_token_only_when_given():
    params = signing.rpc_common_params("AssumeRole", "2015-04-01", "id", timestamp="2021-01-15T06:02:28Z", nonce="n")
    assert params["SignatureMethod"] == "HMAC-SHA1" and params["SignatureVersion"] == "1.0"
    assert "SecurityToken" not in params and "Signature" not in params
    with_token = signing.rpc_common_params("AssumeRole", "2015-04-01", "STS.id", security_token="t")
    assert with_token["SecurityToken"] == "t"
