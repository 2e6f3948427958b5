# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start and stop the RAM API emulator from tests and harnesses (standard library only).

Usage::

    from client import start_emulator          # tests/emulator on sys.path, or load this file by path

    with start_emulator(["--seed", "1"]) as emu:
        emu.url             # "http://127.0.0.1:PORT" (https:// with --certfile/--keyfile)
        emu.port            # the port it picked (it always starts with --port 0 unless args give --port)
        emu.request_log     # path of the JSON-lines request log (a temporary file unless args give one)
        emu.log_entries()   # the request log, parsed
        emu.stats(); emu.reset_stats(); emu.state()
        emu.set_faults(throttle_rate=1.0); emu.inject("GetLoginProfile", "NoPermission", 403, times=1)
        emu.person_login("alice"); emu.person_change_password("alice", "N3w-Passw0rd!")
        emu.person_bind_mfa("alice"); emu.idle_disable("alice"); emu.freeze("alice"); emu.unfreeze("alice")
        emu.use_key(akid, service="ecs", days_ago=0); emu.age_key(akid, 90)
    # leaving the block stops it (SIGTERM, then SIGKILL after a timeout); emu.stop() does the same

``start_emulator(args=None, env=None, timeout=15)``: ``args`` are extra command-line arguments of
``ram_emulator.py`` (default credentials ``testid`` / ``testsecret``); ``env`` holds extra environment
variables merged over ``os.environ``. It returns once the emulator printed its ``ready`` line and raises
``RuntimeError`` (with the emulator's stderr) if it does not within ``timeout`` seconds.
``handle.stop()`` returns the exit code (0 on a clean exit) and is safe to call twice.

The people helpers (``person_login`` ... ``unfreeze``) call ``POST /_emulator/people/<action>`` and return its
JSON (``user_principal_name``, ``user``, ``login_profile``); a refusal raises :class:`AdminError` with the HTTP
``status`` and the decoded ``body``. ``emu.people(action, payload)`` returns ``(status, body)`` without raising.

The AccessKey helpers also exist as functions of a base URL, for an emulator this process did not start:
``use_key(base_url, access_key_id, service="ecs", days_ago=0)`` (``POST /_emulator/people/use_key``: a program
uses the key) and ``age_key(base_url, access_key_id, days)`` (``POST /_emulator/keys/age``: the key's dates move
``days`` into the past). Both return the key's view, never its secret, and raise :class:`AdminError` on a refusal.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import select
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

EMULATOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ram_emulator.py")
DEFAULT_ACCESS_KEY_ID = "testid"
DEFAULT_ACCESS_KEY_SECRET = "testsecret"


class AdminError(RuntimeError):
    """An emulator admin path answered with an error status."""

    def __init__(self, status, body):
        super(AdminError, self).__init__("emulator admin path answered %s: %s" % (status, body))
        self.status = status
        self.body = body


def _option_value(args, name):
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


class EmulatorHandle:
    """A running emulator subprocess; see the module docstring."""

    def __init__(self, process, url, request_log, stderr_path, workdir):
        self.process = process
        self.url = url
        self.port = int(url.rsplit(":", 1)[1])
        self.request_log = request_log
        self._stderr_path = stderr_path
        self._workdir = workdir
        self.returncode = None

    # -- lifecycle --

    def stop(self, timeout=10):
        if self.returncode is None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.returncode = self.process.returncode
            self.process.stdout.close()
            self.process.stdin.close()
        return self.returncode

    def cleanup(self):
        """Stop, then remove the temporary directory holding the default request log and stderr."""
        self.stop()
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def stderr(self):
        with open(self._stderr_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.cleanup()

    # -- admin helpers --

    def admin(self, method, path, payload=None):
        """Call an unsigned ``/_emulator/...`` path and return its decoded JSON."""
        return admin_call(self.url, method, path, payload)

    def stats(self):
        return self.admin("GET", "/_emulator/stats")

    def reset_stats(self):
        return self.admin("POST", "/_emulator/stats/reset")

    def state(self):
        return self.admin("GET", "/_emulator/state")

    def set_faults(self, **settings):
        """Any of latency_ms, throttle_rate, error_rate, drop_rate, visibility_delay_ms."""
        return self.admin("POST", "/_emulator/faults", settings)

    def inject(self, action, code, http_status, message=None, times=1):
        """Make the next ``times`` requests for ``action`` fail with this error (after authentication)."""
        spec = {"action": action, "code": code, "http_status": http_status, "message": message, "times": times}
        return self.admin("POST", "/_emulator/inject", spec)

    def inject_drop(self, action, times=1):
        """Apply the next ``times`` requests for ``action``, then close the connection without answering."""
        return self.admin("POST", "/_emulator/inject", {"action": action, "drop": True, "times": times})

    # -- people: what a person or the platform does to a user --

    def people(self, action, payload):
        """``POST /_emulator/people/<action>``: (HTTP status, decoded JSON body), errors included."""
        try:
            return 200, self.admin("POST", "/_emulator/people/" + action, payload)
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.loads(error.read().decode("utf-8") or "null")
            finally:
                error.close()

    def _person(self, action, payload):
        status, body = self.people(action, payload)
        if status != 200:
            raise AdminError(status, body)
        return body

    def person_login(self, user):
        """The person signs in to the console: LastLoginDate / LastLoginTime become now."""
        return self._person("login", {"user": user})

    def person_change_password(self, user, password):
        """The person sets a new password (policy-checked); PasswordResetRequired becomes false."""
        return self._person("change_password", {"user": user, "password": password})

    def person_bind_mfa(self, user):
        """The person binds a virtual MFA device named after the user."""
        return self._person("bind_mfa", {"user": user})

    def idle_disable(self, user):
        """The platform disables the idle user's console logon (login profile Status Inactive)."""
        return self._person("idle_disable", {"user": user})

    def freeze(self, user):
        return self._person("freeze", {"user": user})

    def unfreeze(self, user):
        return self._person("unfreeze", {"user": user})

    # -- AccessKeys: a program uses one, time passes --

    def use_key(self, access_key_id, service="ecs", days_ago=0):
        """See the module-level :func:`use_key`."""
        return use_key(self.url, access_key_id, service, days_ago)

    def age_key(self, access_key_id, days):
        """See the module-level :func:`age_key`."""
        return age_key(self.url, access_key_id, days)

    def log_entries(self):
        if not self.request_log or not os.path.exists(self.request_log):
            return []
        with open(self.request_log, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]


def admin_call(base_url, method, path, payload=None):
    """Call the unsigned ``/_emulator/...`` path of the emulator at ``base_url``; its decoded JSON.

    An error status raises ``urllib.error.HTTPError``.
    """
    data = json.dumps(payload).encode("utf-8") if payload is not None else None
    request = urllib.request.Request(base_url.rstrip("/") + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    context = ssl._create_unverified_context() if base_url.startswith("https") else None  # loopback test cert
    with urllib.request.urlopen(request, timeout=10, context=context) as response:
        return json.loads(response.read().decode("utf-8"))


def _admin_or_raise(base_url, path, payload):
    try:
        return admin_call(base_url, "POST", path, payload)
    except urllib.error.HTTPError as error:
        try:
            body = json.loads(error.read().decode("utf-8") or "null")
        except ValueError:
            body = None
        finally:
            error.close()
        raise AdminError(error.code, body)


def use_key(base_url, access_key_id, service="ecs", days_ago=0):
    """A program uses the AccessKey: ``POST /_emulator/people/use_key``.

    GetAccessKeyLastUsed then reports ``LastUsedDate`` = now minus ``days_ago`` days and ``ServiceName`` =
    ``service``. Returns the key's view (``AccessKeyId``, ``UserPrincipalName``, ``Status``, ``CreateDate``,
    ``UpdateDate``, ``LastUsed``; never the secret). An unknown key (404), an Inactive key (409) or a bad
    body (400) raises :class:`AdminError`.
    """
    return _admin_or_raise(base_url, "/_emulator/people/use_key",
                           {"access_key_id": access_key_id, "service": service, "days_ago": days_ago})


def age_key(base_url, access_key_id, days):
    """The AccessKey gets ``days`` days older: ``POST /_emulator/keys/age``.

    Its ``CreateDate``, ``UpdateDate`` and last use (if any) move ``days`` days into the past. Returns the
    key's view as :func:`use_key` does; an unknown key (404) or ``days`` < 1 (400) raises :class:`AdminError`.
    """
    return _admin_or_raise(base_url, "/_emulator/keys/age", {"access_key_id": access_key_id, "days": days})


def start_emulator(args=None, env=None, timeout=15, python=None):
    args = [str(a) for a in (args or [])]
    workdir = tempfile.mkdtemp(prefix="ram-emulator-")
    if _option_value(args, "--port") is None:
        args = ["--port", "0"] + args
    if "--exit-with-parent" not in args:
        args.append("--exit-with-parent")
    request_log = _option_value(args, "--request-log")
    if request_log is None:
        request_log = os.path.join(workdir, "requests.jsonl")
        args += ["--request-log", request_log]
    stderr_path = os.path.join(workdir, "stderr.txt")
    environ = dict(os.environ)
    environ.update(env or {})
    environ["PYTHONUNBUFFERED"] = "1"
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen([python or sys.executable, EMULATOR] + args, stdout=subprocess.PIPE,
                                   stderr=stderr, stdin=subprocess.PIPE, env=environ)
    line = _read_ready_line(process, timeout)
    if not line.startswith("ready "):
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()
        with open(stderr_path, encoding="utf-8", errors="replace") as handle:
            detail = handle.read()
        shutil.rmtree(workdir, ignore_errors=True)
        raise RuntimeError("emulator did not start (got %r): %s" % (line, detail.strip()))
    return EmulatorHandle(process, line.split(" ", 1)[1].strip(), request_log, stderr_path, workdir)


def _read_ready_line(process, timeout):
    deadline = time.monotonic() + timeout
    buffered = b""
    fd = process.stdout.fileno()
    while b"\n" not in buffered:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        if not select.select([fd], [], [], remaining)[0]:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buffered += chunk
    return buffered.decode("utf-8", "replace").split("\n", 1)[0]
