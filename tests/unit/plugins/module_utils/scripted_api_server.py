# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A loopback HTTP server that answers from a script, for the tests of the transport layer itself.

The transport's own behaviour (signing what really goes over the wire, connection reuse, timeouts, dropped
connections, retry-after headers, throttling pauses shared between threads, TLS and proxy settings) can only be seen
on a real socket with answers a test scripts exactly, so these tests use this server and not the client fake
(tests/unit/plugins/fake_ram_client.py, which stands in for RamClient one layer up).

Each request takes the next entry of the script (the last entry repeats):
``Reply(status, body, headers)`` or ``DROP`` (close the connection without
answering). Every request is recorded with its arrival time. :func:`v3_signature_check` recomputes a received
request's signature the way a server does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import threading
import time

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from ansible_collections.aliyun.ram.plugins.module_utils import signing

DROP = "drop"


class Reply:
    def __init__(self, status=200, body=None, headers=None, raw=None):
        self.status = status
        self.body = {"RequestId": "REQ-1"} if body is None else body
        self.headers = headers or {}
        self.raw = raw


class Received:
    def __init__(self, method, path, query, headers, body, arrived):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.arrived = arrived


class ScriptedServer:
    """Start with ``with ScriptedServer([...]) as server:``; ``server.endpoint`` is ``http://127.0.0.1:<port>``."""

    def __init__(self, script=None, responder=None):
        self.script = list(script or [Reply()])
        self.responder = responder
        self.received = []
        self._lock = threading.Lock()
        self._httpd = None
        self._thread = None

    def next_reply(self, request):
        with self._lock:
            self.received.append(request)
            index = len(self.received) - 1
            if self.responder is None:
                return self.script.pop(0) if len(self.script) > 1 else self.script[0]
        # Outside the lock: a responder may sleep without holding up other requests.
        return self.responder(request, index)

    def __enter__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Received(
                    "POST", parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)),
                    dict((k.lower(), v) for k, v in self.headers.items()), body, time.monotonic())
                reply = server.next_reply(request)
                if reply == DROP:
                    self.close_connection = True
                    return
                payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode("utf-8")
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    @property
    def host(self):
        return "127.0.0.1:%d" % self._httpd.server_address[1]

    @property
    def endpoint(self):
        return "http://" + self.host

    def endpoints(self):
        return {"ims": self.endpoint, "ram": self.endpoint, "sts": self.endpoint}


def api_error(code, status, message="failed", headers=None):
    return Reply(status, {"RequestId": "REQ-E", "HostId": "127.0.0.1", "Code": code, "Message": message,
                          "Recommend": "https://example.invalid/troubleshoot?q=%s" % code}, headers)


def v3_signature_check(request, secret):
    """(credential, signed headers, valid): the V3 signature of a received request, recomputed from what arrived."""
    credential, signed_headers, signature = signing.parse_v3_authorization(request.headers["authorization"])
    payload_hash = hashlib.sha256(request.body).hexdigest()
    canonical = signing.v3_canonical_request("POST", request.path, request.query, request.headers, signed_headers,
                                             payload_hash)
    return credential, signed_headers, signature == signing.v3_signature(secret, canonical)


def signed_by(request, secret):
    """(credential, valid) of a received request signed (or not) with ``secret``."""
    credential, _signed_headers, valid = v3_signature_check(request, secret)
    return credential, valid
