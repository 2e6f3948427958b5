# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Side by side: Alibaba's own credentials library and our resolver, on every setup that needs no network.

The official library (PyPI ``alibabacloud-credentials``, a test-only dependency pinned in
tests/requirements-dev.txt and tests/requirements-oldest.txt) and ``resolve_credentials`` run on the same
environment, the same home directory and the same loopback stand-ins for the ECS metadata service and a
credentials URI. Both must name the same AccessKey ID, or both find nothing.

The library reads its environment variables when it is imported (``utils/auth_util.py``), so each setup
reloads that module and ``auth_constant`` (the home directory) after setting the environment. Its ECS provider
has the metadata host 100.100.100.200 written in; the tests point it at the stand-in instead.

OIDC (STS over HTTPS to sts.aliyuncs.com) is the one source that cannot run without the network; it is tested
end to end against the emulator instead (test_credentials_network.py). Where we differ on purpose, the last
tests of this file show the difference, and docs/authentication.md lists it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import importlib
import itertools
import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from alibabacloud_credentials.exceptions import CredentialException
from alibabacloud_credentials.provider import default as official_default
from alibabacloud_credentials.provider import ecs_ram_role as official_ecs
from alibabacloud_credentials.utils import auth_constant as official_constant
from alibabacloud_credentials.utils import auth_util as official_env

from ansible_collections.aliyun.ram.plugins.module_utils.credentials import resolve_credentials
from ansible_collections.aliyun.ram.plugins.module_utils.errors import CredentialError, ValidationError

ROLE = "ecsrole"
KEYS = {"env": "env-key", "cli": "cli-key", "ini": "ini-key", "ecs": "STS.ecs-key", "uri": "STS.uri-key"}
# The official default chain's order (provider/default.py), OIDC left out (it needs the network).
ORDER = ("env", "cli", "ini", "ecs", "uri")
PREFIXES = ("ALIBABA_CLOUD_", "ALIBABACLOUD_", "ALICLOUD_")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def _document(key_id):
    expiration = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=6)
    return json.dumps({"Code": "Success", "AccessKeyId": key_id, "AccessKeySecret": "stand-in-secret",
                       "SecurityToken": "stand-in-token", "Expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "LastUpdated": "2025-01-01T00:00:00Z"})


class StandIn:
    """A loopback ECS metadata service (IMDSv2 and/or v1) and a credentials URI, switched per setup."""

    def __init__(self):
        self.ecs = False        # whether an instance role is there at all
        self.imds_v2 = True     # PUT /latest/api/token answers a token
        self.uri = False
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return None

            def _send(self, status, body):
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self):
                if stand_in.ecs and stand_in.imds_v2 and self.path == "/latest/api/token":
                    return self._send(200, "imds-session-token")
                return self._send(403 if stand_in.ecs else 404, "")

            def do_GET(self):
                if self.path == "/creds" and stand_in.uri:
                    return self._send(200, _document(KEYS["uri"]))
                if stand_in.ecs and self.path.startswith("/latest/meta-data/ram/security-credentials/"):
                    if stand_in.imds_v2 and self.headers.get("X-aliyun-ecs-metadata-token") != "imds-session-token":
                        return self._send(401, "")
                    role = self.path[len("/latest/meta-data/ram/security-credentials/"):]
                    if role == "":
                        return self._send(200, ROLE)
                    if role == ROLE:
                        return self._send(200, _document(KEYS["ecs"]))
                return self._send(404, "")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = "127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return "127.0.0.1:%d" % sock.getsockname()[1]


@pytest.fixture(scope="module")
def stand_in():
    server = StandIn()
    yield server
    server.close()


class Setup:
    """One setup: environment variables and files under a fresh home directory."""

    def __init__(self, home, stand_in):
        self.home = home
        self.stand_in = stand_in
        self.env = {}
        stand_in.ecs, stand_in.imds_v2, stand_in.uri = False, True, False

    # -- the sources
    def add(self, source):
        getattr(self, "add_" + source)()
        return self

    def add_env(self):
        self.env.update(ALIBABA_CLOUD_ACCESS_KEY_ID=KEYS["env"], ALIBABA_CLOUD_ACCESS_KEY_SECRET="env-secret")

    def add_cli(self, profiles=None, current="default"):
        profiles = profiles or [{"name": "default", "mode": "AK", "access_key_id": KEYS["cli"], "access_key_secret": "s"}]
        config = {"profiles": profiles}
        if current is not None:
            config["current"] = current
        (self.home / ".aliyun").mkdir(exist_ok=True)
        (self.home / ".aliyun" / "config.json").write_text(json.dumps(config))
        return self

    def add_ini(self, text=None, path=None):
        text = text or "[default]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = s\n" % KEYS["ini"]
        target = path or self.home / ".alibabacloud" / "credentials.ini"
        target.parent.mkdir(exist_ok=True)
        target.write_text(text)
        return self

    def add_ecs(self):
        self.stand_in.ecs = True

    def add_uri(self):
        self.stand_in.uri = True
        self.env["ALIBABA_CLOUD_CREDENTIALS_URI"] = "http://%s/creds" % self.stand_in.host

    def set(self, **env):
        self.env.update(env)
        return self


@pytest.fixture
def make_setup(tmp_path, stand_in, monkeypatch):
    for name in list(os.environ):
        if name.startswith(PREFIXES) or name in PROXY_VARIABLES:
            monkeypatch.delenv(name)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))

    # The official ECS provider: the stand-in instead of 100.100.100.200, and no background refresh thread.
    original_init = official_ecs.EcsRamRoleCredentialsProvider.__init__

    def init(self, **kwargs):
        kwargs["async_update_enabled"] = False
        original_init(self, **kwargs)
        self._EcsRamRoleCredentialsProvider__metadata_service_host = (
            stand_in.host if stand_in.ecs else stand_in.closed_host)

    stand_in.closed_host = _closed_port()
    monkeypatch.setattr(official_ecs.EcsRamRoleCredentialsProvider, "__init__", init)
    yield lambda: Setup(home, stand_in)
    # The library reads the environment and HOME when imported: reload it once they are back to what they were.
    monkeypatch.undo()
    importlib.reload(official_env)
    importlib.reload(official_constant)


def official_key(setup, monkeypatch):
    """The AccessKey ID the official default chain finds in ``setup``, or None."""
    for name, value in setup.env.items():
        monkeypatch.setenv(name, value)
    importlib.reload(official_env)
    importlib.reload(official_constant)
    try:
        return official_default.DefaultCredentialsProvider().get_credentials().get_access_key_id()
    except CredentialException:
        return None
    finally:
        for name in setup.env:
            monkeypatch.delenv(name)


def our_key(setup, options=None):
    """The AccessKey ID our resolver finds in ``setup``, or None."""
    environ = dict(setup.env)
    environ["ALIBABA_CLOUD_IMDS_ENDPOINT"] = setup.stand_in.host if setup.stand_in.ecs else setup.stand_in.closed_host
    try:
        return resolve_credentials(options or {}, environ=environ, home=str(setup.home)).get().access_key_id
    except CredentialError:
        return None


def both(setup, monkeypatch):
    return official_key(setup, monkeypatch), our_key(setup)


# ---------------------------------------------------------------- the matrix


SOURCE_SETUPS = [(source,) for source in ORDER] + list(itertools.permutations(ORDER, 2))


@pytest.mark.parametrize("sources", SOURCE_SETUPS, ids=["+".join(s) for s in SOURCE_SETUPS])
def test_sources_alone_and_in_pairs_both_orders(make_setup, monkeypatch, sources):
    setup = make_setup()
    for source in sources:
        setup.add(source)
    winner = min(sources, key=ORDER.index)
    assert both(setup, monkeypatch) == (KEYS[winner], KEYS[winner])


def _profiles(*names, mode="AK"):
    return [{"name": name, "mode": mode, "access_key_id": "cli-%s" % name, "access_key_secret": "s"} for name in names]


def _ini_sections(*names):
    return "".join("[%s]\ntype = access_key\naccess_key_id = ini-%s\naccess_key_secret = s\n" % (n, n) for n in names)


SELECTION = {
    # name: (build(setup), expected key)
    "nothing": (lambda s: s, None),
    "cli-current-names-the-profile": (lambda s: s.add_cli(_profiles("default", "work"), current="work"), "cli-work"),
    "env-profile-beats-current": (
        lambda s: s.add_cli(_profiles("default", "work"), current="default").set(ALIBABA_CLOUD_PROFILE="work"), "cli-work"),
    "env-profile-found-only-in-ini": (
        lambda s: s.add_cli(_profiles("default")).add_ini(_ini_sections("default", "work")).set(ALIBABA_CLOUD_PROFILE="work"),
        "ini-work"),
    "env-profile-in-both-files-cli-wins": (
        lambda s: s.add_cli(_profiles("work")).add_ini(_ini_sections("work")).set(ALIBABA_CLOUD_PROFILE="work"), "cli-work"),
    "ini-default-section": (lambda s: s.add_ini(_ini_sections("other", "default")), "ini-default"),
    "ini-env-profile-section": (lambda s: s.add_ini(_ini_sections("default", "work")).set(ALIBABA_CLOUD_PROFILE="work"),
                                "ini-work"),
    "credentials-file-variable": (
        lambda s: s.add_ini(_ini_sections("default")).add_ini(
            _ini_sections("custom").replace("[custom]", "[default]").replace("ini-custom", "ini-file"),
            path=s.home / "elsewhere" / "creds.ini").set(
            ALIBABA_CLOUD_CREDENTIALS_FILE=str(s.home / "elsewhere" / "creds.ini")), "ini-file"),
    "cli-sts-token-mode": (lambda s: s.add_cli([{"name": "default", "mode": "StsToken", "access_key_id": "STS.cli-sts",
                                                "access_key_secret": "s", "sts_token": "t"}]), "STS.cli-sts"),
    "cli-ak-mode-with-empty-key-falls-through": (
        lambda s: s.add_cli([{"name": "default", "mode": "AK", "access_key_id": "", "access_key_secret": ""}]).add_ini(),
        KEYS["ini"]),
    "cli-current-not-in-file-falls-through": (lambda s: s.add_cli(_profiles("default"), current="gone").add_ini(), KEYS["ini"]),
    "cli-ecs-ram-role-mode": (
        lambda s: s.add_cli([{"name": "default", "mode": "EcsRamRole", "ram_role_name": ROLE}]).add("ecs"), KEYS["ecs"]),
    "ini-ecs-ram-role-type": (
        lambda s: s.add_ini("[default]\ntype = ecs_ram_role\nrole_name = %s\n" % ROLE).add("ecs"), KEYS["ecs"]),
    "empty-environment-variables-count-as-unset": (
        lambda s: s.add_cli().set(ALIBABA_CLOUD_ACCESS_KEY_ID="", ALIBABA_CLOUD_ACCESS_KEY_SECRET=""), KEYS["cli"]),
    "environment-sts-token": (
        lambda s: s.set(ALIBABA_CLOUD_ACCESS_KEY_ID="STS.env", ALIBABA_CLOUD_ACCESS_KEY_SECRET="s",
                        ALIBABA_CLOUD_SECURITY_TOKEN="t").add_cli(), "STS.env"),
    "ini-value-ends-at-a-hash": (
        lambda s: s.add_ini("[default]\ntype = access_key\naccess_key_id = ini-hash#comment\naccess_key_secret = s#x\n"),
        "ini-hash"),
    "incomplete-oidc-variables-are-skipped": (
        lambda s: s.add_cli().set(ALIBABA_CLOUD_OIDC_PROVIDER_ARN="acs:ram::1:oidc-provider/p",
                                  ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(s.home / "token")), KEYS["cli"]),
}

SWITCHES = {
    "cli-profile-disabled-skips-to-ini": (
        lambda s: s.add_cli().add_ini().set(ALIBABA_CLOUD_CLI_PROFILE_DISABLED="true"), KEYS["ini"]),
    "cli-profile-disabled-any-case": (
        lambda s: s.add_cli().add_ini().set(ALIBABA_CLOUD_CLI_PROFILE_DISABLED="TRUE"), KEYS["ini"]),
    "cli-profile-disabled-skips-to-uri": (
        lambda s: s.add_cli().add("uri").set(ALIBABA_CLOUD_CLI_PROFILE_DISABLED="true"), KEYS["uri"]),
    "cli-profile-disabled-false-keeps-cli": (
        lambda s: s.add_cli().add_ini().set(ALIBABA_CLOUD_CLI_PROFILE_DISABLED="false"), KEYS["cli"]),
    "cli-profile-disabled-with-env-profile": (
        lambda s: s.add_cli(_profiles("work")).add_ini(_ini_sections("work")).set(
            ALIBABA_CLOUD_CLI_PROFILE_DISABLED="true", ALIBABA_CLOUD_PROFILE="work"), "ini-work"),
    "ecs-metadata-disabled-skips-to-uri": (
        lambda s: s.add("ecs").add("uri").set(ALIBABA_CLOUD_ECS_METADATA_DISABLED="true"), KEYS["uri"]),
    "ecs-metadata-disabled-alone-finds-nothing": (
        lambda s: s.add("ecs").set(ALIBABA_CLOUD_ECS_METADATA_DISABLED="true"), None),
    "ecs-metadata-disabled-skips-a-cli-ecs-profile": (
        lambda s: s.add_cli([{"name": "default", "mode": "EcsRamRole", "ram_role_name": ROLE}]).add_ini().add("ecs").set(
            ALIBABA_CLOUD_ECS_METADATA_DISABLED="true"), KEYS["ini"]),
    "ecs-metadata-disabled-false-keeps-ecs": (
        lambda s: s.add("ecs").add("uri").set(ALIBABA_CLOUD_ECS_METADATA_DISABLED="false"), KEYS["ecs"]),
    "ecs-metadata-names-the-role": (lambda s: s.add("ecs").set(ALIBABA_CLOUD_ECS_METADATA=ROLE), KEYS["ecs"]),
    "imdsv1-only-instance": (lambda s: (s.add("ecs"), setattr(s.stand_in, "imds_v2", False), s)[-1], KEYS["ecs"]),
    "imdsv1-disabled-on-a-v1-only-instance-skips-to-uri": (
        lambda s: (s.add("ecs"), s.add("uri"), setattr(s.stand_in, "imds_v2", False),
                   s.set(ALIBABA_CLOUD_IMDSV1_DISABLED="true"))[-1], KEYS["uri"]),
    "imdsv1-disabled-on-a-v2-instance-keeps-ecs": (
        lambda s: s.add("ecs").add("uri").set(ALIBABA_CLOUD_IMDSV1_DISABLED="true"), KEYS["ecs"]),
    "credentials-uri-empty-counts-as-unset": (
        lambda s: s.add_ini().set(ALIBABA_CLOUD_CREDENTIALS_URI=""), KEYS["ini"]),
}


@pytest.mark.parametrize("name", sorted(SELECTION), ids=sorted(SELECTION))
def test_profile_selection(make_setup, monkeypatch, name):
    build, expected = SELECTION[name]
    setup = build(make_setup())
    assert both(setup, monkeypatch) == (expected, expected)


@pytest.mark.parametrize("name", sorted(SWITCHES), ids=sorted(SWITCHES))
def test_switches(make_setup, monkeypatch, name):
    build, expected = SWITCHES[name]
    setup = build(make_setup())
    assert both(setup, monkeypatch) == (expected, expected)


# ---------------------------------------------------------------- where we differ on purpose (docs/authentication.md)


def test_difference_module_options_come_first(make_setup, monkeypatch):
    setup = make_setup().add("env").add_cli()
    assert official_key(setup, monkeypatch) == KEYS["env"]
    options = {"access_key_id": "option-key", "access_key_secret": "s"}
    assert our_key(setup, options) == "option-key"


def test_difference_legacy_alicloud_variables(make_setup, monkeypatch):
    setup = make_setup().add_ini().set(ALICLOUD_ACCESS_KEY="legacy-key", ALICLOUD_SECRET_KEY="s")
    assert both(setup, monkeypatch) == (KEYS["ini"], "legacy-key")


def test_difference_a_named_profile_that_exists_nowhere_is_an_error(make_setup, monkeypatch):
    # The library goes on to the metadata service and the URI; we stop rather than act as another identity.
    setup = make_setup().add_cli().add("uri").set(ALIBABA_CLOUD_PROFILE="ghost")
    assert official_key(setup, monkeypatch) == KEYS["uri"]
    with pytest.raises(CredentialError, match="'ghost'"):
        resolve_credentials({}, environ=dict(setup.env), home=str(setup.home))


def test_difference_half_an_environment_pair_is_an_error(make_setup, monkeypatch):
    setup = make_setup().add_cli().set(ALIBABA_CLOUD_ACCESS_KEY_ID="env-key")
    assert official_key(setup, monkeypatch) == KEYS["cli"]
    with pytest.raises(CredentialError, match="ALIBABA_CLOUD_ACCESS_KEY_SECRET is missing"):
        resolve_credentials({}, environ=dict(setup.env), home=str(setup.home))


def test_difference_ini_section_without_type_is_an_access_key(make_setup, monkeypatch):
    setup = make_setup().add_ini("[default]\naccess_key_id = ini-untyped\naccess_key_secret = s\n")
    assert both(setup, monkeypatch) == (None, "ini-untyped")


def test_difference_cli_file_without_current_uses_default_as_the_aliyun_cli(make_setup, monkeypatch):
    setup = make_setup().add_cli(current=None)
    assert both(setup, monkeypatch) == (None, KEYS["cli"])


def test_difference_an_unsupported_cli_mode_is_an_error_naming_it(make_setup, monkeypatch):
    setup = make_setup().add_cli([{"name": "default", "mode": "RsaKeyPair"}]).add_ini()
    assert official_key(setup, monkeypatch) == KEYS["ini"]
    with pytest.raises(CredentialError, match="mode 'RsaKeyPair', which is not supported"):
        resolve_credentials({}, environ=dict(setup.env), home=str(setup.home))


def test_difference_role_arn_alone_assumes_that_role(make_setup, monkeypatch):
    # Without the two OIDC variables the library ignores ALIBABA_CLOUD_ROLE_ARN; we assume the role with what we found.
    setup = make_setup().add("env").set(ALIBABA_CLOUD_ROLE_ARN="acs:ram::1234567890123456:role/deployer")
    assert official_key(setup, monkeypatch) == KEYS["env"]
    calls = []

    def sts_call(source, params):
        calls.append((source.access_key_id, params["RoleArn"]))
        return {"Credentials": {"AccessKeyId": "STS.assumed", "AccessKeySecret": "s", "SecurityToken": "t",
                                "Expiration": "2999-01-01T00:00:00Z"}}
    provider = resolve_credentials({}, environ=dict(setup.env), home=str(setup.home), sts_call=sts_call)
    assert provider.get().access_key_id == "STS.assumed"
    assert calls == [(KEYS["env"], "acs:ram::1234567890123456:role/deployer")]


def _our_error(setup):
    environ = dict(setup.env, ALIBABA_CLOUD_IMDS_ENDPOINT=setup.stand_in.closed_host)
    with pytest.raises(CredentialError) as info:
        resolve_credentials({}, environ=environ, home=str(setup.home), oidc_call=lambda params: pytest.fail("called STS"))
    assert not isinstance(info.value, ValidationError)
    return str(info.value)


def test_difference_half_a_cli_key_pair_is_a_credential_error_naming_the_half(make_setup, monkeypatch):
    setup = make_setup().add_cli([{"name": "default", "mode": "AK", "access_key_id": "x"}]).add_ini()
    assert official_key(setup, monkeypatch) == KEYS["ini"]
    assert "access_key_id is set but access_key_secret is missing" in _our_error(setup)


# The library catches any provider's error and goes on down the chain; in these cases we stop with the error.


def test_difference_a_credentials_file_variable_naming_no_file_is_an_error(make_setup, monkeypatch):
    setup = make_setup().add_cli().set(ALIBABA_CLOUD_CREDENTIALS_FILE="/nonexistent/creds.ini",
                                       ALIBABA_CLOUD_CLI_PROFILE_DISABLED="true").add("uri")
    assert official_key(setup, monkeypatch) == KEYS["uri"]
    assert "ALIBABA_CLOUD_CREDENTIALS_FILE names /nonexistent/creds.ini" in _our_error(setup)


def test_difference_a_malformed_cli_file_is_an_error(make_setup, monkeypatch):
    setup = make_setup().add_ini()
    (setup.home / ".aliyun").mkdir()
    (setup.home / ".aliyun" / "config.json").write_text('{"profiles": [')
    assert official_key(setup, monkeypatch) == KEYS["ini"]
    assert "cannot read %s" % (setup.home / ".aliyun" / "config.json") in _our_error(setup)


def test_difference_a_named_ecs_role_without_a_metadata_service_is_an_error(make_setup, monkeypatch):
    setup = make_setup().set(ALIBABA_CLOUD_ECS_METADATA=ROLE).add("uri")
    assert official_key(setup, monkeypatch) == KEYS["uri"]
    assert "ECS instance RAM role %r" % ROLE in _our_error(setup)


def test_difference_an_unreadable_oidc_token_file_is_an_error(make_setup, monkeypatch):
    setup = make_setup().add_cli().set(ALIBABA_CLOUD_ROLE_ARN="acs:ram::1234567890123456:role/deployer",
                                       ALIBABA_CLOUD_OIDC_PROVIDER_ARN="acs:ram::1234567890123456:oidc-provider/p",
                                       ALIBABA_CLOUD_OIDC_TOKEN_FILE="/nonexistent/token")
    assert official_key(setup, monkeypatch) == KEYS["cli"]
    assert "cannot read the OIDC token file /nonexistent/token" in _our_error(setup)


def test_difference_a_chainable_profile_loop_is_an_error(make_setup, monkeypatch):
    role = "acs:ram::1234567890123456:role/deployer"
    setup = make_setup().add_cli([
        {"name": "default", "mode": "ChainableRamRoleArn", "source_profile": "other", "ram_role_arn": role},
        {"name": "other", "mode": "ChainableRamRoleArn", "source_profile": "default", "ram_role_arn": role}]).add_ini()
    assert official_key(setup, monkeypatch) == KEYS["ini"]  # after a RecursionError, caught
    assert "source_profile makes a loop: default -> other -> default" in _our_error(setup)


def test_difference_a_cli_profile_without_mode_is_an_error(make_setup, monkeypatch):
    setup = make_setup().add_cli([{"name": "default", "access_key_id": "cli-nomode", "access_key_secret": "s"}]).add_ini()
    assert official_key(setup, monkeypatch) == KEYS["ini"]
    assert "has no mode" in _our_error(setup)


def test_difference_an_empty_profile_variable_counts_as_unset(make_setup, monkeypatch):
    setup = make_setup().add_ini().set(ALIBABA_CLOUD_PROFILE="")
    # The library looks for an INI section named "" (the CLI file would fall back to its current profile).
    assert both(setup, monkeypatch) == (None, KEYS["ini"])
