# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A loopback HTTP server that answers from a script, for transport tests.

Each request takes the next entry of the script (the last entry repeats):
``Reply(status, body, headers)`` or ``DROP`` (close the connection without
answering). Every request is recorded with its arrival time.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import time

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

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
