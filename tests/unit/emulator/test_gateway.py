# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fidelity of the emulator gateway's authentication and error answers (in process, no sockets)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from ansible_collections.aliyun.ram.tests.unit.emulator import gateway_support as support
from ansible_collections.aliyun.ram.tests.unit.emulator.backend_support import Clock

emulator = support.emulator
CAPTURED = support.captured_requests()
CAPTURED_IDS = ["%d-%s-%s" % (i, "v3" if "Authorization" in r["headers"] else "v1",
                              r["headers"].get("x-acs-action")) for i, r in enumerate(CAPTURED)]
UUID_UPPER = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


def verify(method, target, headers, body=b"", now=support.CAPTURE_EPOCH, keys=None, nonces=None):
    keys = keys if keys is not None else support.static_keys()
    return emulator.verify_request(method, target, headers, body, keys.get, now, nonces)


def verify_error(*args, **kwargs):
    with pytest.raises(emulator.GatewayError) as caught:
        verify(*args, **kwargs)
    return caught.value


def epoch(text):
    return emulator.parse_timestamp(text)


def shift_time(text, seconds):
    moment = datetime.datetime.fromtimestamp(epoch(text), datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def mutate_value(name, value):
    """A different value for a signed field that keeps it well formed."""
    if name in ("x-acs-date", "Timestamp"):
        return shift_time(value, 1)
    return value[:-1] + ("A" if value[-1:] != "A" else "B") if value else "x"


def with_query(target, params):
    return "/?" + urlencode(params)


def query_pairs(target):
    return parse_qsl(urlsplit(target).query, keep_blank_values=True)


# --- captured SDK traffic ----------------------------------------------------------------


@pytest.mark.parametrize("request_data", CAPTURED, ids=CAPTURED_IDS)
def test_captured_sdk_request_verifies(request_data):
    caller = verify(request_data["method"], request_data["path"], request_data["headers"],
                    request_data["body"].encode("utf-8"))
    expected_key = "STS.testid" if "STS.testid" in json.dumps(request_data) else "testid"
    assert caller == {"access_key_id": expected_key, "is_sts": expected_key.startswith("STS.")}


def _mutations(request_data):
    """(label, method, target, headers, expected codes) for every signed byte group of a captured request."""
    method, target, headers = request_data["method"], request_data["path"], request_data["headers"]
    pairs = query_pairs(target)
    special = {"AccessKeyId": {"InvalidAccessKeyId.NotFound"},
               "SignatureMethod": {"IncompleteSignature"}, "SignatureVersion": {"IncompleteSignature"}}
    for index, (name, value) in enumerate(pairs):
        changed = list(pairs)
        changed[index] = (name, mutate_value(name, value))
        yield ("param " + name, method, with_query(target, changed), headers,
               special.get(name, {"SignatureDoesNotMatch"}))
    authorization = headers.get("Authorization")
    if authorization:
        signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
        for name in signed:
            original = [k for k in headers if k.lower() == name][0]
            changed = dict(headers)
            changed[original] = mutate_value(name, headers[original])
            yield ("header " + name, method, target, changed, {"SignatureDoesNotMatch"})
        changed = dict(headers)
        changed["Authorization"] = mutate_value("Authorization", authorization)
        yield ("signature", method, target, changed, {"SignatureDoesNotMatch"})
        changed = dict(headers)
        changed["Authorization"] = authorization.replace("Credential=", "Credential=x")
        yield ("credential", method, target, changed, {"InvalidAccessKeyId.NotFound"})
    yield ("method", "GET" if method == "POST" else "POST", target, headers, {"SignatureDoesNotMatch"})


ALL_MUTATIONS = [(m, r) for r in CAPTURED for m in _mutations(r)]


@pytest.mark.parametrize("mutation", [m for m, r in ALL_MUTATIONS],
                         ids=["%s:%s" % (CAPTURED.index(r), m[0]) for m, r in ALL_MUTATIONS])
def test_changing_any_signed_byte_fails_verification(mutation):
    label, method, target, headers, expected = mutation
    error = verify_error(method, target, headers)
    assert error.code in expected
    assert error.http_status == (404 if error.code == "InvalidAccessKeyId.NotFound" else 400)


@pytest.mark.parametrize("request_data", CAPTURED, ids=CAPTURED_IDS)
def test_unsigned_headers_do_not_matter(request_data):
    headers = dict(request_data["headers"])
    headers["Accept-Encoding"] = "gzip"
    headers["x-unsigned-extra"] = "anything"
    if "Authorization" not in headers:
        headers["x-acs-action"] = "SomethingElse"  # classic mode does not sign the x-acs-* headers
    assert verify(request_data["method"], request_data["path"], headers)


@pytest.mark.parametrize("request_data", CAPTURED, ids=CAPTURED_IDS)
def test_a_body_the_client_did_not_sign_fails(request_data):
    headers = dict(request_data["headers"], **{"Content-Type": "application/x-www-form-urlencoded"})
    error = verify_error(request_data["method"], request_data["path"], headers, body=b"Extra=1")
    assert error.code == "SignatureDoesNotMatch"


def test_signature_mismatch_message_echoes_the_server_string_to_sign():
    request_data = CAPTURED[2]  # classic CreateUser
    tampered = request_data["path"].replace("DisplayName=test", "DisplayName=tesT")
    error = verify_error(request_data["method"], tampered, request_data["headers"])
    prefix = "Specified signature is not matched with our calculation. server string to sign is:"
    assert error.message.startswith(prefix)
    assert error.message[len(prefix):].startswith("POST&%2F&AccessKeyId%3Dtestid%26Action%3DCreateUser")
    assert "DisplayName%3DtesT" in error.message


def test_v3_mismatch_echoes_the_v3_string_to_sign():
    method, target, headers, body = support.v3_request("GetUser", {"UserPrincipalName": "a@example.onaliyun.com"},
                                                       date=support.CAPTURE_TIME)
    error = verify_error(method, target.replace("a%40", "b%40"), headers, body)
    assert re.match(r"^.*server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$", error.message, re.S)


# --- replay, clock skew and keys ---------------------------------------------------------


@pytest.mark.parametrize("request_data", CAPTURED, ids=CAPTURED_IDS)
def test_replayed_nonce_is_refused(request_data):
    nonces = emulator.NonceCache()
    args = (request_data["method"], request_data["path"], request_data["headers"])
    verify(*args, nonces=nonces)
    assert verify_error(*args, nonces=nonces).code == "SignatureNonceUsed"


def test_a_bad_signature_does_not_burn_the_nonce():
    nonces = emulator.NonceCache()
    request_data = CAPTURED[0]
    bad = dict(request_data["headers"], Authorization=request_data["headers"]["Authorization"][:-1] + "0")
    assert verify_error(request_data["method"], request_data["path"], bad, nonces=nonces).code == \
        "SignatureDoesNotMatch"
    verify(request_data["method"], request_data["path"], request_data["headers"], nonces=nonces)


def test_nonce_is_forgotten_after_the_window():
    nonces = emulator.NonceCache()
    assert nonces.add("testid", "n1", 1000.0)
    assert nonces.seen("testid", "n1", 1000.0 + 60)
    assert not nonces.seen("testid", "n1", 1000.0 + emulator.TIME_WINDOW_SECONDS + 1)


@pytest.mark.parametrize("skew, accepted", [(14 * 60, True), (-14 * 60, True), (16 * 60, False), (-16 * 60, False)])
@pytest.mark.parametrize("request_data", [CAPTURED[0], CAPTURED[2]], ids=["v3", "v1"])
def test_clock_skew_limit_is_fifteen_minutes(request_data, skew, accepted):
    args = (request_data["method"], request_data["path"], request_data["headers"])
    now = support.CAPTURE_EPOCH + skew
    if accepted:
        assert verify(*args, now=now)
    else:
        error = verify_error(*args, now=now)
        assert (error.code, error.http_status) == ("InvalidTimeStamp.Expired", 400)


def test_unknown_access_key_is_404():
    error = verify_error(CAPTURED[0]["method"], CAPTURED[0]["path"], CAPTURED[0]["headers"],
                         keys={"other": {"secret": "x", "security_token": None, "expiration": None}})
    assert (error.code, error.http_status) == ("InvalidAccessKeyId.NotFound", 404)


def test_unsigned_request_is_missing_access_key_id():
    error = verify_error("POST", "/?Action=GetUser&Version=2019-08-15", {"host": "h"})
    assert (error.code, error.http_status) == ("MissingParameter", 400)
    assert error.message == ('The input parameter "AccessKeyId" that is mandatory for processing this request '
                             'is not supplied.')


@pytest.mark.parametrize("name", ["AccessKeyId", "SignatureNonce", "Timestamp", "SignatureMethod"])
def test_classic_request_missing_a_part(name):
    method, target, headers, body = support.classic_request("GetUser", timestamp=support.CAPTURE_TIME)
    params = [(k, v) for k, v in query_pairs(target) if k != name]
    error = verify_error(method, with_query(target, params), headers)
    assert (error.code, error.http_status) == ("MissingParameter", 400)
    assert '"%s"' % name in error.message


@pytest.mark.parametrize("name", list(emulator.V3_REQUIRED_SIGNED_HEADERS))
def test_v3_required_header_must_be_signed(name):
    names = [h for h in emulator.V3_REQUIRED_SIGNED_HEADERS if h != name]
    method, target, headers, body = support.v3_request("GetUser", date=support.CAPTURE_TIME, signed_headers=names)
    error = verify_error(method, target, headers, body)
    assert (error.code, error.http_status) == ("IncompleteSignature", 400)


@pytest.mark.parametrize("name", ["x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"])
def test_v3_required_header_absent(name):
    method, target, headers, body = support.v3_request("GetUser", date=support.CAPTURE_TIME)
    del headers[name]
    error = verify_error(method, target, headers, body)
    assert (error.code, error.http_status) == ("MissingParameter", 400)


def test_malformed_authorization_is_incomplete_signature():
    error = verify_error("POST", "/", {"Authorization": "ACS3-HMAC-SHA256 Credential=testid", "host": "h"})
    assert error.code == "IncompleteSignature"


def test_unparsable_date_is_refused():
    method, target, headers, body = support.v3_request("GetUser", date="yesterday")
    assert verify_error(method, target, headers, body).code == "InvalidTimeStamp.Format"


# --- bodies, GET, unicode ------------------------------------------------------------------


def test_v3_form_body_is_covered_by_the_content_hash():
    body = urlencode({"UserPrincipalName": "ü x@example.onaliyun.com"}).encode("utf-8")
    method, target, headers, body = support.v3_request("GetUser", date=support.CAPTURE_TIME, body=body,
                                                       content_type="application/x-www-form-urlencoded")
    assert verify(method, target, headers, body)
    lying = dict(headers, **{"x-acs-content-sha256": signing_sha256(b"")})
    assert verify_error(method, target, lying, body).code == "SignatureDoesNotMatch"


def signing_sha256(data):
    return support.signing.hashlib.sha256(data).hexdigest()


def test_classic_form_body_params_are_signed():
    method, target, headers, body = support.classic_request("GetUser", {"UserPrincipalName": "a b+c@x"},
                                                            timestamp=support.CAPTURE_TIME)
    form_headers = dict(headers, **{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert verify("POST", "/", form_headers, target[2:].encode("utf-8"))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_fresh_requests_with_reserved_and_unicode_characters(method):
    params = {"UserPrincipalName": "mxé LpQ_2_#*~@example.onaliyun.com", "Comments": "", "Note": "a+b/c=d&e"}
    for build in (support.v3_request, support.classic_request):
        kwargs = {"date": support.CAPTURE_TIME} if build is support.v3_request else {"timestamp": support.CAPTURE_TIME}
        assert verify(*build("UpdateUser", params, method=method, **kwargs))


def test_official_classic_vectors_verify_through_the_classic_path():
    vectors = [v for v in support.fixture("signature_vectors.json") if v["kind"] == "rpc-v1-hmac-sha1"]
    assert vectors
    for vector in vectors:
        params = dict(vector["params"], Signature=vector["signature"])
        keys = {vector["params"]["AccessKeyId"]: {"secret": vector["access_key_secret"], "security_token": None,
                                                  "expiration": None}}
        now = epoch(vector["params"]["Timestamp"])
        target = "/?" + urlencode(params)
        assert emulator.auth_kind(emulator.ApiRequest(vector["method"], target, {})) == "v1"
        assert verify(vector["method"], target, {}, keys=keys, now=now)["access_key_id"] == \
            vector["params"]["AccessKeyId"]
        tampered = "/?" + urlencode(dict(params, Signature="A" + vector["signature"][1:]))
        assert verify_error(vector["method"], tampered, {}, keys=keys, now=now).code == "SignatureDoesNotMatch"


def test_official_v3_vectors_verify_through_the_v3_path():
    vectors = [v for v in support.fixture("signature_vectors.json") if v["kind"] == "acs3-hmac-sha256"]
    assert vectors
    for vector in vectors:
        headers = dict(vector["headers"], Authorization=vector["authorization"])
        keys = {vector["access_key_id"]: {"secret": vector["access_key_secret"],
                                          "security_token": headers.get("x-acs-security-token"), "expiration": None}}
        target = "/?" + urlencode(vector["query"]) if vector["query"] else "/"
        now = epoch(vector["headers"]["x-acs-date"])
        assert verify(vector["method"], target, headers, keys=keys, now=now)["access_key_id"] == vector["access_key_id"]


# --- security tokens ------------------------------------------------------------------------


def sts_keys(expiration=None):
    return {"STS.k": {"secret": "s", "security_token": "good-token", "expiration": expiration}}


@pytest.mark.parametrize("kind", ["v3", "v1"])
@pytest.mark.parametrize("token, expiration, code", [
    (None, None, "InvalidSecurityToken.Malformed"),
    ("bad-token", None, "InvalidSecurityToken.MismatchWithAccessKey"),
    ("good-token", support.CAPTURE_EPOCH - 1, "InvalidSecurityToken.Expired"),
])
def test_security_token_errors(kind, token, expiration, code):
    build, when = (support.v3_request, "date") if kind == "v3" else (support.classic_request, "timestamp")
    request = build("GetUser", access_key_id="STS.k", secret="s", token=token, **{when: support.CAPTURE_TIME})
    error = verify_error(*request, keys=sts_keys(expiration))
    assert (error.code, error.http_status) == (code, 400)


def test_valid_security_token_is_accepted_until_expiry():
    request = support.v3_request("GetUser", access_key_id="STS.k", secret="s", token="good-token",
                                 date=support.CAPTURE_TIME)
    assert verify(*request, keys=sts_keys(support.CAPTURE_EPOCH + 1)) == {"access_key_id": "STS.k", "is_sts": True}


def test_parse_access_key_forms():
    assert emulator.parse_access_key("a:b") == ("a", {"secret": "b", "security_token": None, "expiration": None})
    assert emulator.parse_access_key("STS.a:b:t:o+k/=")[1]["security_token"] == "t:o+k/="
    for bad in ("a", "a:", ":b"):
        with pytest.raises(ValueError):
            emulator.parse_access_key(bad)


# --- the gateway's answers (fake backend) ----------------------------------------------------


MemoryLog = support.MemoryLog


@pytest.fixture
def gateway():
    clock = Clock(support.CAPTURE_EPOCH)
    backend = support.fake_backend.RamBackend(clock=clock)
    return emulator.Gateway(backend, support.fake_backend.ApiFault, static_keys=support.static_keys(),
                            request_log=MemoryLog(), clock=clock, sleep=lambda s: None)


def call(gateway, request):
    response = gateway.handle_api(emulator.ApiRequest(*request))
    return response, json.loads(response.body.decode("utf-8")) if response.body else None


def fresh(action, params=None, **kwargs):
    return support.v3_request(action, params, date=support.CAPTURE_TIME, **kwargs)


def assert_error_body(response, body, code, status, host="ims.aliyuncs.com", product="Ims"):
    assert response.status == status
    assert response.content_type == "application/json;charset=utf-8"
    assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert body["Code"] == code
    assert UUID_UPPER.match(body["RequestId"])
    assert body["HostId"] == host
    assert body["Recommend"] == "https://api.aliyun.com/troubleshoot?q=%s&product=%s&requestId=%s" % (
        code, product, body["RequestId"])


@pytest.mark.parametrize("request_data", CAPTURED, ids=CAPTURED_IDS)
def test_gateway_passes_captured_requests_to_the_backend(gateway, request_data):
    response, body = call(gateway, (request_data["method"], request_data["path"], request_data["headers"], b""))
    assert response.status in (200, 404, 409)
    assert body.get("Code", "").split(".")[0] in ("", "EntityNotExist", "EntityAlreadyExists")


def test_success_body_is_backend_result_plus_request_id(gateway):
    response, body = call(gateway, fresh("CreateUser", {"UserPrincipalName": "a@example.onaliyun.com"}))
    assert response.status == 200
    assert UUID_UPPER.match(body.pop("RequestId"))
    assert body == {"User": {"UserPrincipalName": "a@example.onaliyun.com", "DisplayName": None}}


def test_backend_fault_keeps_its_code_and_status(gateway):
    response, body = call(gateway, fresh("GetUser", {"UserPrincipalName": "nobody@example.onaliyun.com"}))
    assert_error_body(response, body, "EntityNotExist.User", 404)


@pytest.mark.parametrize("version, host, product", [("2019-08-15", "ims.aliyuncs.com", "Ims"),
                                                    ("2015-05-01", "ram.aliyuncs.com", "Ram"),
                                                    ("2015-04-01", "sts.aliyuncs.com", "Sts")])
def test_host_id_and_recommend_follow_the_version(gateway, version, host, product):
    request = support.v3_request("NoSuchAction", version=version, date=support.CAPTURE_TIME)
    response, body = call(gateway, request)
    assert_error_body(response, body, "InvalidAction.NotFound", 404, host, product)


def test_checks_run_in_order(gateway):
    # An unknown version is reported before the (missing) signature, an unknown action before a bad key.
    response, body = call(gateway, ("POST", "/?Action=GetUser&Version=2000-01-01", {}, b""))
    assert_error_body(response, body, "InvalidVersion", 400)
    assert body["Message"] == "Specified parameter Version is not valid."
    response, body = call(gateway, fresh("Nope", access_key_id="unknown"))
    assert body["Code"] == "InvalidAction.NotFound"
    response, body = call(gateway, fresh("GetUser", access_key_id="unknown"))
    assert_error_body(response, body, "InvalidAccessKeyId.NotFound", 404)


@pytest.mark.parametrize("target, missing_name", [("/?Action=GetUser", "Version"), ("/?Version=2019-08-15", "Action")])
def test_missing_action_or_version(gateway, target, missing_name):
    response, body = call(gateway, ("GET", target, {}, b""))
    assert_error_body(response, body, "MissingParameter", 400)
    assert '"%s"' % missing_name in body["Message"]


def test_action_and_version_come_from_headers_when_not_in_params(gateway):
    method, target, headers, body = fresh("GetUser", {"UserPrincipalName": "x@example.onaliyun.com"})
    response, decoded = call(gateway, (method, target, headers, body))
    assert decoded["Code"] == "EntityNotExist.User"  # reached the backend


@pytest.mark.parametrize("method, target", [("DELETE", "/"), ("GET", "/other")])
def test_other_methods_and_paths_are_404(gateway, method, target):
    response, body = call(gateway, (method, target, {}, b""))
    assert_error_body(response, body, "InvalidAction.NotFound", 404)


def test_expired_timestamp_through_the_gateway(gateway):
    gateway.clock.now += 20 * 60
    response, body = call(gateway, fresh("GetUser"))
    assert_error_body(response, body, "InvalidTimeStamp.Expired", 400)
    assert body["Message"] == "Specified time stamp or date value is expired."


def test_keys_issued_by_the_backend_are_accepted(gateway):
    response, body = call(gateway, fresh("AssumeRole", version="2015-04-01"))
    assert response.status == 200
    response, body = call(gateway, fresh("GetUser", {"UserPrincipalName": "x"}, access_key_id="STS.issued",
                                         secret="issuedsecret", token="issuedtoken"))
    assert body["Code"] == "EntityNotExist.User"
    gateway.clock.now += 901
    later = emulator.iso_utc(gateway.clock.now)[:19] + "Z"
    response, body = call(gateway, support.v3_request("GetUser", access_key_id="STS.issued", secret="issuedsecret",
                                                      token="issuedtoken", date=later))
    assert body["Code"] == "InvalidSecurityToken.Expired"


# --- faults ---------------------------------------------------------------------------------


def test_throttling_fault(gateway):
    gateway.faults.update({"throttle_rate": 1.0})
    response, body = call(gateway, fresh("CreateUser", {"UserPrincipalName": "t@example.onaliyun.com"}))
    assert_error_body(response, body, "Throttling.User", 400)
    assert body["Message"] == "Request was denied due to user flow control."
    assert 50 <= int(response.headers["x-acs-retry-after"]) <= 200
    assert gateway.backend.snapshot() == {"users": {}}


def test_error_fault(gateway):
    gateway.faults.update({"error_rate": 1.0})
    response, body = call(gateway, fresh("GetUser"))
    assert_error_body(response, body, "ServiceUnavailable", 503)


def test_drop_fault_applies_the_write_then_drops(gateway):
    gateway.faults.update({"drop_rate": 1.0})
    response = gateway.handle_api(emulator.ApiRequest(*fresh("CreateUser", {"UserPrincipalName": "d@x"})))
    assert response.drop
    assert "d@x" in gateway.backend.snapshot()["users"]
    assert gateway.stats.snapshot()["writes"] == 1


def test_faults_are_not_applied_before_authentication(gateway):
    gateway.faults.update({"throttle_rate": 1.0})
    response, body = call(gateway, fresh("GetUser", access_key_id="unknown"))
    assert body["Code"] == "InvalidAccessKeyId.NotFound"


def test_latency_sleeps(gateway):
    slept = []
    gateway.sleep = slept.append
    gateway.faults.update({"latency_ms": 250})
    call(gateway, fresh("GetUser"))
    assert slept == [0.25]


def test_seeded_faults_repeat():
    def outcomes(seed):
        faults = emulator.Faults(throttle_rate=0.3, error_rate=0.3, drop_rate=0.3, seed=seed)
        return [faults.roll() for dummy in range(50)]
    assert outcomes(7) == outcomes(7)
    assert outcomes(7) != outcomes(8)
    assert {o[0] for o in outcomes(7)} == {None, "throttle", "error", "drop"}


@pytest.mark.parametrize("settings", [{"throttle_rate": 1.5}, {"error_rate": -1}, {"latency_ms": "x"}, {"bogus": 1}])
def test_bad_fault_settings_are_refused(settings):
    with pytest.raises(ValueError):
        emulator.Faults().update(settings)


def test_injected_error_hits_the_next_requests_only(gateway):
    gateway.faults.inject({"action": "GetLoginProfile", "code": "NoPermission", "http_status": 403,
                           "message": "You are not authorized to do this action.", "times": 2})
    call(gateway, fresh("CreateUser", {"UserPrincipalName": "i@x"}))
    codes = []
    for dummy in range(3):
        response, body = call(gateway, fresh("GetLoginProfile", {"UserPrincipalName": "i@x"}))
        codes.append((response.status, body["Code"]))
    assert codes == [(403, "NoPermission"), (403, "NoPermission"), (404, "EntityNotExist.User.LoginProfile")]


# --- stats and request log ------------------------------------------------------------------


def test_stats_count_requests_writes_and_errors(gateway):
    call(gateway, fresh("CreateUser", {"UserPrincipalName": "s@x"}))
    call(gateway, fresh("CreateUser", {"UserPrincipalName": "s@x"}))  # 409
    call(gateway, fresh("GetUser", {"UserPrincipalName": "s@x"}))
    call(gateway, fresh("GetUser", access_key_id="unknown"))  # rejected before the backend
    stats = gateway.stats.snapshot()
    assert (stats["requests"], stats["writes"], stats["reads"], stats["errors"], stats["rejected"]) == (3, 2, 1, 1, 1)
    assert stats["by_action"] == {"CreateUser": {"requests": 2, "writes": 2, "write_attempts": 2},
                                  "GetUser": {"requests": 1, "writes": 0, "write_attempts": 0}}
    gateway.stats.reset()
    assert gateway.stats.snapshot()["requests"] == 0


def test_throttled_write_is_not_counted_as_a_write(gateway):
    gateway.faults.update({"throttle_rate": 1.0})
    call(gateway, fresh("CreateUser", {"UserPrincipalName": "s@x"}))
    stats = gateway.stats.snapshot()
    assert (stats["requests"], stats["writes"], stats["errors"], stats["faults"]["throttle"]) == (1, 0, 1, 1)


def test_request_log_entry_fields_and_redaction(gateway):
    params = {"UserPrincipalName": "p@x", "Password": "Sup3r-Secret-Pw", "NewPassword": "n3w-Secret",
              "AccessKeySecret": "aks-value", "MyTokenThing": "tok-value"}
    call(gateway, fresh("UpdateLoginProfile", params))
    call(gateway, support.classic_request("UpdateLoginProfile", params, timestamp=support.CAPTURE_TIME,
                                          access_key_id="STS.testid", token=support.STS_TOKEN))
    first, second = gateway.request_log.entries
    assert set(first) == {"time", "action", "version", "method", "auth", "status", "code", "write", "params",
                          "access_key_id", "fault", "duration_ms"}
    assert first["time"] == "2026-11-22T07:32:29.000Z"
    assert (first["action"], first["version"], first["method"], first["auth"]) == \
        ("UpdateLoginProfile", "2019-08-15", "POST", "v3")
    assert (first["status"], first["code"], first["write"], first["fault"]) == (404, "EntityNotExist.User", True, None)
    assert first["access_key_id"] == "testid"
    assert first["params"] == {"UserPrincipalName": "p@x", "Password": "***", "NewPassword": "***",
                               "AccessKeySecret": "***", "MyTokenThing": "***"}
    assert second["auth"] == "v1" and second["access_key_id"] == "STS.testid"
    assert second["params"] == first["params"]  # no Signature, SecurityToken or other common parameter
    text = json.dumps(gateway.request_log.entries)
    for secret in ("Sup3r-Secret-Pw", "n3w-Secret", "aks-value", "tok-value", "testsecret", support.STS_TOKEN):
        assert secret not in text


def test_request_log_hides_mfa_codes(gateway):
    params = {"UserPrincipalName": "p@x", "SerialNumber": "acs:ram::1:mfa/p", "AuthenticationCode1": "482913",
              "AuthenticationCode2": "730155"}
    call(gateway, fresh("BindMFADevice", params))
    logged = gateway.request_log.entries[0]["params"]
    assert logged == {"UserPrincipalName": "p@x", "SerialNumber": "acs:ram::1:mfa/p", "AuthenticationCode1": "***",
                      "AuthenticationCode2": "***"}


def test_request_log_records_auth_failures_without_a_key(gateway):
    call(gateway, ("POST", "/?Action=GetUser&Version=2019-08-15", {}, b""))
    entry = gateway.request_log.entries[0]
    assert (entry["auth"], entry["status"], entry["code"], entry["access_key_id"]) == \
        ("none", 400, "MissingParameter", None)


def test_request_log_file_appends_json_lines(tmp_path):
    path = str(tmp_path / "log.jsonl")
    log = emulator.RequestLog(path)
    log.write({"a": 1})
    log.write({"b": "é"})
    log.close()
    with open(path, encoding="utf-8") as handle:
        assert [json.loads(line) for line in handle] == [{"a": 1}, {"b": "é"}]


# --- admin and metadata paths ----------------------------------------------------------------


def admin(gateway, method, path, payload=None):
    response = gateway.handle_admin(method, path, json.dumps(payload).encode("utf-8") if payload is not None else b"")
    return response.status, json.loads(response.body.decode("utf-8"))


def test_admin_paths(gateway):
    call(gateway, fresh("CreateUser", {"UserPrincipalName": "adm@x"}))
    assert admin(gateway, "GET", "/_emulator/stats")[1]["requests"] == 1
    assert admin(gateway, "POST", "/_emulator/stats/reset")[1]["requests"] == 0
    assert admin(gateway, "GET", "/_emulator/state") == (200, {"users": {"adm@x": {"UserPrincipalName": "adm@x",
                                                                                   "DisplayName": None}}})
    status, settings = admin(gateway, "POST", "/_emulator/faults", {"error_rate": 0.5})
    assert (status, settings["error_rate"], settings["throttle_rate"]) == (200, 0.5, 0)
    assert admin(gateway, "POST", "/_emulator/faults", {"error_rate": 2})[0] == 400
    assert admin(gateway, "POST", "/_emulator/inject", {"action": "GetUser"})[0] == 400
    assert admin(gateway, "POST", "/_emulator/inject", {"action": "GetUser", "code": "X", "http_status": 403})[0] == 200
    assert admin(gateway, "GET", "/_emulator/nothing")[0] == 404
    assert gateway.request_log.entries == [gateway.request_log.entries[0]]  # admin calls are not logged


def test_metadata_paths(gateway):
    headers = emulator.Headers({})
    assert gateway.handle_metadata("PUT", "/latest/api/token", headers).status == 400
    token = gateway.handle_metadata("PUT", "/latest/api/token",
                                    emulator.Headers({"X-aliyun-ecs-metadata-token-ttl-seconds": "21600"}))
    assert token.status == 200 and len(token.body) == 32
    prefix = "/latest/meta-data/ram/security-credentials/"
    for headers in (emulator.Headers({}), emulator.Headers({"X-aliyun-ecs-metadata-token": token.body.decode()})):
        assert gateway.handle_metadata("GET", prefix, headers).body == b"EcsRole"
        credentials = json.loads(gateway.handle_metadata("GET", prefix + "EcsRole", headers).body.decode())
        assert credentials["Code"] == "Success" and credentials["AccessKeyId"] == "STS.ecs"
    assert gateway.handle_metadata("GET", prefix + "Other", emulator.Headers({})).status == 404


def test_request_log_keeps_flags_that_only_mention_passwords(gateway):
    params = {"UserPrincipalName": "p@x", "Password": "Sup3r-Secret-Pw", "PasswordResetRequired": "true",
              "MFABindRequired": "false"}
    call(gateway, fresh("CreateLoginProfile", params))
    call(gateway, fresh("SetPasswordPolicy", {"MinimumPasswordLength": "12", "PasswordNotContainUserName": "true"}))
    first, second = gateway.request_log.entries
    assert first["params"] == {"UserPrincipalName": "p@x", "Password": "***", "PasswordResetRequired": "true",
                               "MFABindRequired": "false"}
    assert second["params"] == {"MinimumPasswordLength": "12", "PasswordNotContainUserName": "true"}
