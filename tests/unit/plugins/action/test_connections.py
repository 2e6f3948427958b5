# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the controller path keeps between the items of a looped task: the transport and the default domain."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.common.parameters import PASS_VARS

from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError
from ansible_collections.aliyun.ram.plugins.modules import ram_login_profile, ram_user, ram_user_baseline


def internal(name):
    args = {"_ansible_check_mode": False, "_ansible_diff": False, "_ansible_module_name": "aliyun.ram." + name}
    if "inject_invocation" in PASS_VARS:
        args["_ansible_inject_invocation"] = True
    return args


@pytest.fixture
def account(emulator, monkeypatch):
    """The emulator, with the environment the harness gives ansible-playbook (credentials, endpoints)."""
    for name, value in (("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid"), ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret"),
                        ("ALIBABA_CLOUD_IMS_ENDPOINT", emulator.url), ("ALIBABA_CLOUD_RAM_ENDPOINT", emulator.url),
                        ("ALIBABA_CLOUD_STS_ENDPOINT", emulator.url), ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")):
        monkeypatch.setenv(name, value)
    return emulator


def run(cp, connections, module, args, reuse_domain=True):
    name = module.__name__.rsplit(".", 1)[1]
    output, _failed = cp.run_in_process(module, dict(args, **internal(name)), connections=connections,
                                        reuse_domain=reuse_domain)
    return json.loads(output)


def actions(emulator, since=0):
    return [entry["action"] for entry in emulator.log_entries()[since:]]


def test_the_items_of_a_loop_share_one_transport_and_one_default_domain(cp, account):
    connections = cp.Connections()
    results = [run(cp, connections, ram_user, {"name": "user%d" % index}) for index in range(3)]
    assert [r["changed"] for r in results] == [True, True, True]
    assert len(connections._transports) == 1
    created = len(account.log_entries())
    again = [run(cp, connections, ram_user, {"name": "user%d" % index}) for index in range(3)]
    assert [r["changed"] for r in again] == [False, False, False]
    # a no-op item: GetUser, ListGroupsForUser, ListPoliciesForUser; the domain comes from the first item
    assert actions(account, created) == ["GetUser", "ListGroupsForUser", "ListPoliciesForUser"] * 3
    assert actions(account)[:1] == ["GetDefaultDomain"]


def test_a_user_not_found_under_a_reused_domain_checks_the_domain_once(cp, account):
    connections = cp.Connections()
    run(cp, connections, ram_user, {"name": "first"})
    start = len(account.log_entries())
    result = run(cp, connections, ram_user, {"name": "second"})
    assert result["changed"] is True
    # the miss is confirmed against a fresh GetDefaultDomain before the user is created
    assert actions(account, start)[:3] == ["GetUser", "GetDefaultDomain", "CreateUser"]


def test_a_stale_domain_runs_the_item_again_with_the_fresh_one(cp, account):
    connections = cp.Connections()
    run(cp, connections, ram_user, {"name": "alice"})
    for key in connections._domains:
        connections._domains[key] = "renamed-account.onaliyun.com"
    start = len(account.log_entries())
    result = run(cp, connections, ram_user, {"name": "alice"})
    assert result["changed"] is False and result["user"]["user_principal_name"] == "alice@example.onaliyun.com"
    entries = account.log_entries()[start:]
    assert [e["action"] for e in entries] == ["GetUser", "GetDefaultDomain", "GetUser", "ListGroupsForUser",
                                              "ListPoliciesForUser"]
    assert entries[0]["params"]["UserPrincipalName"] == "alice@renamed-account.onaliyun.com"
    assert set(connections._domains.values()) == {"example.onaliyun.com"}
    assert not any(e["write"] for e in entries)


def test_without_domain_reuse_every_item_asks_for_the_domain(cp, account):
    connections = cp.Connections()
    run(cp, connections, ram_user_baseline, {"users": [{"name": "b1"}]}, reuse_domain=False)
    start = len(account.log_entries())
    run(cp, connections, ram_user_baseline, {"users": [{"name": "b1"}]}, reuse_domain=False)
    assert actions(account, start).count("GetDefaultDomain") == 1


def test_other_settings_get_another_transport(cp, account):
    connections = cp.Connections()
    run(cp, connections, ram_user, {"name": "alice"})
    run(cp, connections, ram_user, {"name": "alice", "timeout": 12})
    assert len(connections._transports) == 2
    for index in range(cp.MAX_KEPT_TRANSPORTS + 2):
        run(cp, connections, ram_user, {"name": "alice", "timeout": 20 + index})
    assert len(connections._transports) == cp.MAX_KEPT_TRANSPORTS
    assert set(connections._domains) <= set(connections._transports)


def test_every_item_gets_the_warnings_and_checks_of_its_settings(cp, account):
    connections = cp.Connections()
    results = [run(cp, connections, ram_login_profile, {"name": "alice", "validate_certs": False})
               for _item in range(2)]
    assert all(any("validate_certs is false" in w for w in r.get("warnings", [])) for r in results)
    bad = run(cp, connections, ram_user, {"name": "alice", "validate_certs": True, "ca_bundle": "/nonexistent/ca.pem"})
    assert bad["failed"] and "ca_bundle" in bad["msg"]
    again = run(cp, connections, ram_user, {"name": "alice", "timeout": 0})
    assert again["failed"] and again["msg"].startswith("timeout:")


class ScriptedTransport:
    """Answers GetDefaultDomain with ``domains`` in turn and GetUser with "not found" for any other domain."""

    def __init__(self, domains, known="alice@new.onaliyun.com"):
        self.domains = list(domains)
        self.known = known
        self.calls = []

    def call(self, product, action, params=None):
        self.calls.append((action, dict(params or {})))
        if action == "GetDefaultDomain":
            return {"DefaultDomainName": self.domains.pop(0)}
        if action == "GetUser" and params.get("UserPrincipalName") != self.known:
            raise RamApiError("EntityNotExist.User", "The user does not exist.", http_status=404, action=action)
        return {"User": {"UserPrincipalName": params.get("UserPrincipalName"), "UserName": "alice"}}


def test_the_client_confirms_a_miss_against_the_fresh_domain(cp):
    transport = ScriptedTransport(["old.onaliyun.com"])
    remembered = []
    client = cp.DomainReusingClient(transport, reused_domain="old.onaliyun.com", remember=remembered.append)
    assert client.get_user(upn=client.upn_for("bob")) is None
    assert client.get_user(upn=client.upn_for("carol")) is None  # confirmed once: no second GetDefaultDomain
    assert [c[0] for c in transport.calls] == ["GetUser", "GetDefaultDomain", "GetUser"]
    assert remembered == ["old.onaliyun.com"]


def test_the_client_raises_stale_domain_when_the_domain_changed(cp):
    transport = ScriptedTransport(["new.onaliyun.com"])
    remembered = []
    client = cp.DomainReusingClient(transport, reused_domain="old.onaliyun.com", remember=remembered.append)
    with pytest.raises(cp.StaleDomain):
        client.get_user(upn=client.upn_for("alice"))
    assert remembered == ["new.onaliyun.com"]


def test_a_full_upn_in_another_domain_is_not_a_reason_to_check(cp):
    transport = ScriptedTransport([])
    client = cp.DomainReusingClient(transport, reused_domain="old.onaliyun.com")
    assert client.get_user(upn="bob@corp.example.com") is None
    assert [c[0] for c in transport.calls] == ["GetUser"]


def test_a_client_that_read_the_domain_itself_never_checks_it_again(cp):
    transport = ScriptedTransport(["new.onaliyun.com"])
    remembered = []
    client = cp.DomainReusingClient(transport, remember=remembered.append)
    assert client.get_user(upn=client.upn_for("bob")) is None
    assert [c[0] for c in transport.calls] == ["GetDefaultDomain", "GetUser"]
    assert remembered == ["new.onaliyun.com"]
