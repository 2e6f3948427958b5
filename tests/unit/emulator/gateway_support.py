# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers of the emulator gateway tests: modules loaded by path, fixtures data, request builders."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.client
import importlib.util
import json
import os
import sys
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
EMULATOR_DIR = os.path.join(ROOT, "tests", "emulator")
FAKE_BACKEND_PATH = os.path.join(HERE, "gateway_fake_backend.py")
REAL_BACKEND_PATH = os.path.join(EMULATOR_DIR, "ram_backend.py")
FIXTURES = os.path.join(HERE, "fixtures")

# The moment the SDK requests in fixtures/sdk_captured_requests.json were recorded.
CAPTURE_TIME = "2026-11-22T07:32:29Z"
STS_TOKEN = "tok+en/="


def load(name, path):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


emulator = load("ram_emulator_under_test", os.path.join(EMULATOR_DIR, "ram_emulator.py"))
client = load("ram_emulator_client_under_test", os.path.join(EMULATOR_DIR, "client.py"))
fake_backend = load("gateway_fake_backend", FAKE_BACKEND_PATH)
signing = emulator.signing
CAPTURE_EPOCH = emulator.parse_timestamp(CAPTURE_TIME)


def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return json.load(handle)


def captured_requests():
    return fixture("sdk_captured_requests.json")["requests"]


def static_keys():
    """The keys the captured requests were signed with: testid and the STS key STS.testid."""
    return dict([emulator.parse_access_key("testid:testsecret"),
                 emulator.parse_access_key("STS.testid:testsecret:" + STS_TOKEN)])


def lookup_in(keys):
    return keys.get


def v3_request(action, params=None, version="2019-08-15", access_key_id="testid", secret="testsecret",
               token=None, date=None, nonce=None, host="127.0.0.1", method="POST", body=b"", content_type=None,
               signed_headers=None):
    """(method, target, headers, body) of a V3-signed request built with the project's signing module."""
    params = dict(params or {})
    extra = {"content-type": content_type} if content_type else None
    headers = signing.v3_request_headers(host, action, version, access_key_id, security_token=token, date=date,
                                         nonce=nonce, payload_hash=signing.hashlib.sha256(body).hexdigest(),
                                         extra=extra)
    headers["Authorization"] = signing.v3_authorization(access_key_id, secret, method, "/", params, headers,
                                                        signed_headers=signed_headers,
                                                        payload_hash=headers["x-acs-content-sha256"])
    target = "/?" + urlencode(params) if params else "/"
    return method, target, headers, body


def classic_request(action, params=None, version="2019-08-15", access_key_id="testid", secret="testsecret",
                    token=None, timestamp=None, nonce=None, method="POST"):
    """(method, target, headers, body) of a classic HMAC-SHA1 request, parameters in the query."""
    params = dict(params or {})
    params.update(signing.rpc_common_params(action, version, access_key_id, security_token=token,
                                            timestamp=timestamp, nonce=nonce))
    params["Signature"] = signing.rpc_signature(method, params, secret)
    return method, "/?" + urlencode(params), {"host": "127.0.0.1"}, b""


def raw_http(method, target, headers, body=b""):
    """Bytes of an HTTP/1.1 request exactly as given (used to replay captured requests)."""
    lines = ["%s %s HTTP/1.1" % (method, target)] + ["%s: %s" % (k, v) for k, v in headers.items()]
    if not any(k.lower() == "content-length" for k in headers):
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def read_http_response(sock):
    """Read one HTTP response from a socket: (status, headers dict with lower-case names, body bytes)."""
    reader = sock.makefile("rb")
    status_line = reader.readline()
    if not status_line:
        return None
    status = int(status_line.split()[1])
    headers = {}
    while True:
        line = reader.readline().decode("latin-1").strip()
        if not line:
            break
        name, value = line.split(":", 1)
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers.get("content-length", 0)))
    return status, headers, body


class MemoryLog:
    """A request log kept in memory; each entry goes through JSON, as the file log's would."""

    def __init__(self):
        self.entries = []

    def write(self, entry):
        self.entries.append(json.loads(json.dumps(entry)))

    def close(self):
        pass


def signed_call(emu, action, params=None, version="2019-08-15"):
    """``(status, body)`` of one V3-signed request to a running emulator (dated CAPTURE_TIME, for --fixed-time)."""
    return send_http(emu, v3_request(action, params, version=version, date=CAPTURE_TIME))


def send_http(emu, request):
    """``(status, body)`` of one ``(method, target, headers, body)`` request sent to a running emulator."""
    method, target, headers, body = request
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    try:
        conn.request(method, target, body=body or None, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read().decode("utf-8"))
    finally:
        conn.close()
