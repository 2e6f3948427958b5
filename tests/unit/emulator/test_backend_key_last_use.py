# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator backend: GetAccessKeyLastUsed (IMS and RAM), recorded key use, and the AccessKey admin actions."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.aliyun.ram.tests.emulator.ram_backend import IMS, RAM, RamBackend, iso
from ansible_collections.aliyun.ram.tests.unit.emulator.backend_support import Clock, call, fault_of, upn

DAY = 86400
ALICE = {"UserPrincipalName": upn("alice")}


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def backend(clock):
    backend = RamBackend(clock=clock)
    for name in ("alice", "bob"):
        call(backend, IMS, "CreateUser", UserPrincipalName=upn(name), DisplayName=name)
    return backend


@pytest.fixture
def key(backend):
    return call(backend, IMS, "CreateAccessKey", **ALICE)["AccessKey"]


def last_used(backend, version, akid, **user):
    return call(backend, version, "GetAccessKeyLastUsed", UserAccessKeyId=akid, **user)


# ----------------------------------------------------------------------------- GetAccessKeyLastUsed


def test_a_key_never_used_answers_an_empty_object(backend, key):
    # A52
    assert last_used(backend, IMS, key["AccessKeyId"], **ALICE) == {"AccessKeyLastUsed": {}}
    assert last_used(backend, RAM, key["AccessKeyId"], UserName="alice") == {"AccessKeyLastUsed": {}}


def test_a_recorded_use_is_reported_ims_with_service_ram_without(backend, clock, key):
    akid = key["AccessKeyId"]
    clock.now += 60
    backend.record_access_key_use(akid, "ims")
    assert last_used(backend, IMS, akid, **ALICE) == {
        "AccessKeyLastUsed": {"LastUsedDate": iso(clock.now), "ServiceName": "ims"}}
    # The RAM 2015-05-01 answer has LastUsedDate only.
    assert last_used(backend, RAM, akid, UserName="alice") == {"AccessKeyLastUsed": {"LastUsedDate": iso(clock.now)}}


def test_the_caller_names_no_user_for_its_own_key(backend, clock, key):
    akid = key["AccessKeyId"]
    own = {"access_key_id": akid, "is_sts": False}
    backend.record_access_key_use(akid, "ram")
    answer = backend.handle(IMS, "GetAccessKeyLastUsed", {"UserAccessKeyId": akid}, own)
    assert answer["AccessKeyLastUsed"]["ServiceName"] == "ram"
    assert backend.handle(RAM, "GetAccessKeyLastUsed", {"UserAccessKeyId": akid}, own) == {
        "AccessKeyLastUsed": {"LastUsedDate": iso(clock.now)}}
    # A27: a caller that is not a RAM user's key must name the user.
    assert fault_of(backend, IMS, "GetAccessKeyLastUsed", UserAccessKeyId=akid) == \
        ("MissingParameter.UserPrincipalName", 400)
    assert fault_of(backend, RAM, "GetAccessKeyLastUsed", UserAccessKeyId=akid) == ("MissingParameter.UserName", 400)


def test_errors_as_the_other_key_actions(backend, key):
    akid = key["AccessKeyId"]
    # A missing UserAccessKeyId is reported before the user is looked up.
    assert fault_of(backend, IMS, "GetAccessKeyLastUsed", UserPrincipalName=upn("nobody")) == \
        ("MissingParameter.UserAccessKeyId", 400)
    assert fault_of(backend, IMS, "GetAccessKeyLastUsed", UserPrincipalName=upn("nobody"), UserAccessKeyId=akid) == \
        ("EntityNotExist.User", 404)
    assert fault_of(backend, RAM, "GetAccessKeyLastUsed", UserName="nobody", UserAccessKeyId=akid) == \
        ("EntityNotExist.User", 404)
    assert fault_of(backend, IMS, "GetAccessKeyLastUsed", UserPrincipalName=upn("bob"), UserAccessKeyId=akid) == \
        ("EntityNotExist.User.AccessKey", 404)
    assert fault_of(backend, RAM, "GetAccessKeyLastUsed", UserName="alice", UserAccessKeyId="LTAI5tnothere") == \
        ("EntityNotExist.User.AccessKey", 404)


def test_get_access_key_last_used_is_a_read(backend):
    assert not backend.is_write("GetAccessKeyLastUsed")
    assert backend.has_action(IMS, "GetAccessKeyLastUsed") and backend.has_action(RAM, "GetAccessKeyLastUsed")


def test_only_an_active_user_key_is_recorded(backend, clock, key):
    akid = key["AccessKeyId"]
    call(backend, IMS, "UpdateAccessKey", UserAccessKeyId=akid, Status="Inactive", **ALICE)
    backend.record_access_key_use(akid, "ims")
    backend.record_access_key_use("LTAI5tunknown", "ims")
    assert last_used(backend, IMS, akid, **ALICE) == {"AccessKeyLastUsed": {}}


def test_list_access_keys_does_not_show_the_last_use(backend, key):
    backend.record_access_key_use(key["AccessKeyId"], "ims")
    listed = call(backend, IMS, "ListAccessKeys", **ALICE)["AccessKeys"]["AccessKey"]
    assert sorted(listed[0]) == ["AccessKeyId", "CreateDate", "Status", "UpdateDate"]


# ----------------------------------------------------------------------------- admin: use_key, age


def test_use_key_records_a_use_by_another_product(backend, clock, key):
    akid = key["AccessKeyId"]
    status, view = backend.person("use_key", {"access_key_id": akid})
    assert status == 200
    assert view["LastUsed"] == {"LastUsedDate": iso(clock.now), "ServiceName": "ecs"}
    assert view["UserPrincipalName"] == upn("alice") and "secret" not in view
    assert key["AccessKeySecret"] not in json.dumps(view)
    status, view = backend.person("use_key", {"access_key_id": akid, "service": "oss", "days_ago": 30})
    assert status == 200
    assert last_used(backend, IMS, akid, **ALICE) == {
        "AccessKeyLastUsed": {"LastUsedDate": iso(clock.now - 30 * DAY), "ServiceName": "oss"}}


def test_use_key_refusals(backend, key):
    akid = key["AccessKeyId"]
    assert backend.person("use_key", {"access_key_id": "LTAI5tunknown"})[0] == 404
    assert backend.person("use_key", {})[0] == 400
    assert backend.person("use_key", {"access_key_id": akid, "user": "alice"})[0] == 400
    for days_ago in (-1, 1.5, "3", True):
        assert backend.person("use_key", {"access_key_id": akid, "days_ago": days_ago})[0] == 400
    assert backend.person("use_key", {"access_key_id": akid, "service": ""})[0] == 400
    call(backend, IMS, "UpdateAccessKey", UserAccessKeyId=akid, Status="Inactive", **ALICE)
    status, body = backend.person("use_key", {"access_key_id": akid})
    assert status == 409 and "Inactive" in body["error"]
    assert last_used(backend, IMS, akid, **ALICE) == {"AccessKeyLastUsed": {}}


def test_age_moves_every_date_of_the_key_into_the_past(backend, clock, key):
    akid = key["AccessKeyId"]
    backend.person("use_key", {"access_key_id": akid, "days_ago": 2})
    status, view = backend.access_key_admin("age", {"access_key_id": akid, "days": 100})
    assert status == 200
    assert (view["CreateDate"], view["UpdateDate"]) == (iso(clock.now - 100 * DAY), iso(clock.now - 100 * DAY))
    assert view["LastUsed"]["LastUsedDate"] == iso(clock.now - 102 * DAY)
    listed = call(backend, IMS, "ListAccessKeys", **ALICE)["AccessKeys"]["AccessKey"][0]
    assert listed["CreateDate"] == iso(clock.now - 100 * DAY)
    # A key never used stays never used.
    other = call(backend, IMS, "CreateAccessKey", UserPrincipalName=upn("bob"))["AccessKey"]["AccessKeyId"]
    assert backend.access_key_admin("age", {"access_key_id": other, "days": 1})[1]["LastUsed"] is None


def test_age_refusals(backend, key):
    akid = key["AccessKeyId"]
    assert backend.access_key_admin("age", {"access_key_id": "LTAI5tunknown", "days": 3})[0] == 404
    for days in (0, -3, None, 2.5, "3", False):
        assert backend.access_key_admin("age", {"access_key_id": akid, "days": days})[0] == 400
    assert backend.access_key_admin("age", {"access_key_id": akid})[0] == 400
    assert backend.access_key_admin("rejuvenate", {"access_key_id": akid, "days": 3})[0] == 404
    assert backend.access_key_admin("age", ["not", "an", "object"])[0] == 400


def test_the_snapshot_shows_the_last_use_never_the_secret(backend, clock, key):
    akid = key["AccessKeyId"]
    snapshot = backend.snapshot()
    alice = [u for u in snapshot["users"] if u["UserName"] == "alice"][0]
    assert alice["AccessKeys"][0]["LastUsed"] is None
    backend.record_access_key_use(akid, "sts")
    alice = [u for u in backend.snapshot()["users"] if u["UserName"] == "alice"][0]
    assert alice["AccessKeys"][0]["LastUsed"] == {"LastUsedDate": iso(clock.now), "ServiceName": "sts"}
    assert key["AccessKeySecret"] not in json.dumps(backend.snapshot())


def test_the_last_use_survives_a_restart(tmp_path, clock):
    state = str(tmp_path / "state.json")
    first = RamBackend(clock=clock, state_file=state)
    call(first, IMS, "CreateUser", **dict(ALICE, DisplayName="alice"))
    akid = call(first, IMS, "CreateAccessKey", **ALICE)["AccessKey"]["AccessKeyId"]
    first.person("use_key", {"access_key_id": akid, "days_ago": 5})
    first.save()
    second = RamBackend(clock=clock, state_file=state)
    assert last_used(second, IMS, akid, **ALICE)["AccessKeyLastUsed"]["LastUsedDate"] == iso(clock.now - 5 * DAY)
