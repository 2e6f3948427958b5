# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client fake keeps to the service model: the same scenarios against FakeRamClient and against RamClient +
Transport + the RAM API emulator must give the same results.

Each scenario is a sequence of RamClient calls and of things people or the platform do (``api.world(...)``). Both
sides record, step by step, what each call returned (the normalised dicts, IDs replaced by ``<id>``) or which error
it raised (code and HTTP status, or the option and rule of a local ValidationError), and after the last step the
whole account as RamClient reads it. The two records must be equal. Dates are compared as they are: the emulator
runs with ``--fixed-time`` and the fake with the same clock.

The emulator is the reference (it follows Alibaba's documents; its assumptions are listed in
docs/emulator-fidelity.md). When this test fails, fix the fake, or, if the emulator is wrong against Alibaba's
documents, say so where the emulator is kept.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools
import json
import time

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.api import NewAccessKey
from ansible_collections.aliyun.ram.plugins.module_utils.errors import RamApiError, ValidationError
from ansible_collections.aliyun.ram.tests.unit.plugins.fake_ram_client import (
    DEFAULT_PASSWORD_POLICY,
    SYSTEM_POLICIES,
    FakeRamClient,
    PersonRefused,
)

DOMAIN = "example.onaliyun.com"     # the emulator's default account alias is "example"
ALIAS = "corp.example.com"          # a verified domain alias of the account
FOREIGN = "elsewhere.example.org"   # a domain that is not the account's
PASSWORD = "Initial-Pa55word!"
OTHER_PASSWORD = "Another-Pa55word!"
CHOSEN_PASSWORD = "Chosen-By-Me-2468!"
IDS = ("user_id", "group_id", "access_key_id", "role_id")
POLICY_DOCUMENT = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:Describe*",
                                                             "Resource": "*"}]})


def upn(name):
    return "%s@%s" % (name, DOMAIN)


def normalised(value):
    """IDs are the service's to choose: ``<id>`` where one was given. Everything else is compared as it is."""
    if isinstance(value, dict):
        return dict((key, "<id>" if key in IDS and item else normalised(item)) for key, item in value.items())
    if isinstance(value, list):
        return [normalised(item) for item in value]
    return value


# ---------------------------------------------------------------- one side of the contract


class FakeWorld:
    """What people, the platform and other tools do, in the fake."""

    def __init__(self, fake):
        self.fake = fake

    def create_access_key(self, user):
        return self.fake.add_access_key(user)

    def create_policy(self, name, description):
        self.fake.add_policy(name, "Custom", description)

    def key(self, action, access_key_id, **details):
        try:
            getattr(self.fake, action)(access_key_id, **details)
        except PersonRefused as refusal:
            return refusal.status
        return 200

    def person(self, action, user, **details):
        doing = {"login": self.fake.person_login, "change_password": self.fake.person_change_password,
                 "bind_mfa": self.fake.person_bind_mfa, "idle_disable": self.fake.idle_disable,
                 "freeze": self.fake.freeze, "unfreeze": self.fake.unfreeze, "age": self.fake.age_user}[action]
        try:
            doing(user, **details)
        except PersonRefused as refusal:
            return refusal.status
        return 200


class EmulatorWorld:
    """The same, in the emulator: CreateAccessKey and CreatePolicy (no RamClient method) and its people paths."""

    def __init__(self, handle, client):
        self.handle = handle
        self.client = client

    def create_access_key(self, user):
        return self.client.transport.call("ims", "CreateAccessKey", {"UserPrincipalName": user})["AccessKey"]["AccessKeyId"]

    def create_policy(self, name, description):
        self.client.transport.call("ram", "CreatePolicy", {"PolicyName": name, "PolicyDocument": POLICY_DOCUMENT,
                                                           "Description": description})

    def key(self, action, access_key_id, **details):
        """``use_key`` (POST /_emulator/people/use_key) or ``age_key`` (POST /_emulator/keys/age): the HTTP status."""
        try:
            getattr(self.handle, action)(access_key_id, **details)
        except Exception as error:  # the client's AdminError
            status = getattr(error, "status", None)
            if status is None:
                raise
            return status
        return 200

    def person(self, action, user, **details):
        return self.handle.people(action, dict(details, user=user))[0]


class Side:
    """Runs a scenario's steps against one client (and its world) and records what each step gave."""

    def __init__(self, client, world):
        self.client = client
        self._world = world
        self.record = []

    def __call__(self, method, *args, **kwargs):
        """A RamClient call; returns its value, or None when it raised (the error is recorded)."""
        return self._step(method, getattr(self.client, method), args, kwargs)

    def world(self, action, *args, **kwargs):
        if action in ("create_access_key", "create_policy"):
            return self._step(action, getattr(self._world, action), args, kwargs)
        if action in ("use_key", "age_key"):
            return self._step(action, self._world.key, (action,) + args, kwargs)
        return self._step("person " + action, self._world.person, (action,) + args, kwargs)

    def _step(self, label, function, args, kwargs):
        try:
            value = function(*args, **kwargs)
        except RamApiError as exc:
            self.record.append((label, "error", exc.code, exc.http_status))
            return None
        except ValidationError as exc:
            self.record.append((label, "refused before any call", exc.option, exc.rule))
            return None
        shown = {"access_key_id": value} if label == "create_access_key" else value
        if isinstance(value, NewAccessKey):
            # the secret is the service's to choose: its length and alphabet are compared, and that it is no ID
            shown = {"key": value.key, "secret_length": len(value.secret), "secret_alphanumeric": value.secret.isalnum(),
                     "secret_is_the_id": value.secret == value.key.get("access_key_id")}
        self.record.append((label, "ok", normalised(shown)))
        return value

    def account(self):
        """The whole account, as RamClient reads it."""
        client = self.client
        users = []
        for user in client.list_users():
            name = user["user_principal_name"]
            users.append({"listed": user, "user": client.get_user(upn=name), "groups": client.list_groups_for_user(name),
                          "policies": client.list_policies_for_user(user["user_name"]),
                          "login_profile": client.get_login_profile(name), "access_keys": client.list_access_keys(name),
                          "mfa": client.get_user_mfa_info(name)})
        groups = []
        for group in client.list_groups():
            name = group["group_name"]
            groups.append({"listed": group, "group": client.get_group(name), "members": client.list_users_for_group(name),
                           "policies": client.list_policies_for_group(name)})
        return normalised({"users": users, "groups": groups, "password_policy": client.get_password_policy()})


# ---------------------------------------------------------------- scenarios

SCENARIOS = {}


def scenario(site="cn"):
    def register(steps):
        SCENARIOS[steps.__name__] = (steps, site)
        return steps
    return register


@scenario()
def a_new_account(api):
    """Nothing created: the default domain, no user, no group, the documented default password policy."""
    api("get_default_domain")
    for name in ("alice", "alice@" + ALIAS, "", None):
        api("upn_for", name)


@scenario()
def users_created_read_updated_renamed_and_deleted(api):
    alice = api("create_user", upn("alice"), "Alice", email="alice@example.com", mobile_phone="86-18600008888",
                comments="first") or {}
    api("get_user", upn=upn("alice"))
    api("get_user", user_id=alice.get("user_id"))
    api("get_user", upn=upn("ALICE"))                    # names are found whatever their case
    api("get_user", upn="alice@" + ALIAS)                # a verified domain alias names the same user
    api("get_user", upn="alice@" + FOREIGN)              # another domain names nobody of this account
    api("get_user", upn=upn("nobody"))
    api("get_user")
    api("create_user", upn("alice"), "Again")
    api("create_user", upn("Alice"), "Again")
    api("create_user", "bob@" + FOREIGN, "Bob")
    api("create_user", upn("bad name"), "Bad")
    api("create_user", upn("carol"), "")
    api("create_user", upn("carol"), "c" * 25)
    api("create_user", upn("carol"), "Carol", comments="")
    api("create_user", upn("carol"), "Carol", email="not-an-e-mail")
    api("create_user", upn("carol"), "Carol", mobile_phone="12345")
    api("create_user", "bob@" + ALIAS, "Bob")            # created through the alias, reported in the default domain
    api("update_user", upn=upn("alice"), new_display_name="Alice B", new_comments="second",
        new_email="b@example.com", new_mobile_phone="1-5550100")
    api("update_user", upn=upn("alice"), new_comments="")
    api("update_user", upn=upn("alice"), new_display_name="")
    api("update_user", upn=upn("alice"), new_email="x")
    api("update_user", upn=upn("nobody"), new_comments="x")
    api("update_user", upn=upn("alice"), new_upn=upn("bob"))
    api("update_user", upn=upn("alice"), new_upn="alice2@" + FOREIGN)
    api("update_user", upn=upn("alice"), new_upn=upn("alicia"))
    api("get_user", upn=upn("alice"))
    api("update_user", user_id=alice.get("user_id"), new_display_name="By Id")
    api("update_user", user_id="10000000000000999", new_display_name="Nobody")
    api("list_users")
    api("delete_user", upn("bob"))
    api("delete_user", upn("bob"))
    api("get_user", upn=upn("bob"))


@scenario()
def a_user_with_attachments_cannot_be_deleted(api):
    api("create_group", "dev")
    api("create_user", upn("dave"), "Dave")
    api("add_user_to_group", upn("dave"), "dev")
    key = api.world("create_access_key", upn("dave"))
    api("create_login_profile", upn("dave"), password=PASSWORD)
    api.world("bind_mfa", upn("dave"))
    api("attach_policy_to_user", "dave", "ReadOnlyAccess", "System")
    # one conflict at a time, in the order of DeleteUser's error table
    for undo, args in (("remove_user_from_group", (upn("dave"), "dev")), ("delete_access_key", (upn("dave"), key)),
                       ("delete_login_profile", (upn("dave"),)), ("unbind_mfa_device", (upn("dave"),)),
                       ("detach_policy_from_user", ("dave", "ReadOnlyAccess", "System"))):
        api("delete_user", upn("dave"))
        api(undo, *args)
    api("delete_user", upn("dave"))
    api("get_user", upn=upn("dave"))


@scenario()
def tags_added_removed_and_limited(api):
    api("create_user", upn("tess"), "Tess", tags={"team": "a b", "env": ""})
    api("get_user", upn=upn("tess"))
    api("tag_user", upn("tess"), {"cost": "42", "team": "core"})
    api("untag_user", upn("tess"), ["env", "not-there"])
    api("tag_user", upn("tess"), {})
    api("untag_user", upn("tess"), [])
    api("tag_user", upn("tess"), {"aliyun:x": "v"})
    api("tag_user", upn("tess"), {"acs:x": "v"})
    api("tag_user", upn("tess"), {"k": "see https://example.com"})
    api("tag_user", upn("tess"), {"k": "v" * 129})
    api("tag_user", upn("tess"), {"k" * 129: "v"})
    api("tag_user", upn("tess"), dict(("k%02d" % index, "v") for index in range(21)))
    api("tag_user", upn("tess"), dict(("k%02d" % index, "v") for index in range(19)))   # 2 + 19 > 20
    api("tag_user", upn("tess"), dict(("k%02d" % index, "v") for index in range(18)))   # exactly 20
    api("untag_user", upn("tess"), ["k%02d" % index for index in range(21)])
    api("tag_user", upn("nobody"), {"a": "b"})
    api("untag_user", upn("nobody"), ["a"])
    api("create_user", upn("tom"), "Tom", tags=dict(("k%02d" % index, "v") for index in range(21)))
    api("create_user", upn("tom"), "Tom", tags={"acs:x": "v"})
    api("get_user", upn=upn("tess"))


@scenario()
def groups_created_read_updated_renamed_and_deleted(api):
    api("get_group", "dev")
    api("create_group", "dev", display_name="Developers", comments="c")
    api("create_group", "DEV")
    api("create_group", "bad name")
    api("create_group", "ops", display_name="")
    api("create_group", "ops", display_name="o" * 25)
    api("create_group", "ops", comments="c" * 129)
    api("create_group", "ops")
    api("get_group", "Dev")
    api("get_group", "bad name")
    api("update_group", "dev", new_comments="")
    api("update_group", "dev", new_display_name="")
    api("update_group", "dev", new_group_name="OPS")
    api("update_group", "nosuch", new_comments="x")
    api("update_group", "dev", new_group_name="platform", new_display_name="Platform")
    api("get_group", "dev")
    api("list_groups")
    api("delete_group", "platform")
    api("delete_group", "platform")
    api("list_groups")


@scenario()
def memberships_and_the_five_group_limit(api):
    api("create_user", upn("mia"), "Mia")
    api("create_user", upn("ned"), "Ned")
    for index in range(1, 7):
        api("create_group", "g%d" % index)
    api("list_groups_for_user", upn("mia"))
    for index in range(1, 6):
        api("add_user_to_group", upn("mia"), "g%d" % index)
    api("add_user_to_group", upn("mia"), "g6")
    api("add_user_to_group", upn("mia"), "g1")
    api("add_user_to_group", upn("mia"), "nosuch")
    api("add_user_to_group", upn("nobody"), "g6")
    api("add_user_to_group", upn("nobody"), "nosuch")     # the group is checked first
    api("add_user_to_group", upn("ned"), "g1")
    api("list_groups_for_user", upn("mia"))
    api("list_groups_for_user", upn("nobody"))
    api("list_users_for_group", "g1")
    api("list_users_for_group", "nosuch")
    api("remove_user_from_group", upn("mia"), "g6")
    api("remove_user_from_group", upn("mia"), "nosuch")
    api("remove_user_from_group", upn("nobody"), "g1")
    api("delete_group", "g1")
    api("remove_user_from_group", upn("mia"), "g1")
    api("remove_user_from_group", upn("ned"), "g1")
    api("attach_policy_to_group", "g1", "ReadOnlyAccess", "System")
    api("attach_policy_to_group", "g1", "ReadOnlyAccess", "System")
    api("list_policies_for_group", "g1")
    api("list_policies_for_group", "nosuch")
    api("delete_group", "g1")
    api("detach_policy_from_group", "g1", "ReadOnlyAccess", "System")
    api("detach_policy_from_group", "g1", "ReadOnlyAccess", "System")
    api("delete_group", "g1")
    api("add_user_to_group", upn("mia"), "g6")


@scenario()
def policies_attached_detached_and_limited(api):
    api("get_policy", "ReadOnlyAccess", "System")
    api("get_policy", "NoSuchPolicy", "Custom")
    api("get_policy", "ReadOnlyAccess", "Managed")
    api("get_policy", "Bad Name", "System")
    api("create_user", upn("pat"), "Pat")
    api("list_policies_for_user", "pat")
    api("list_policies_for_user", "nobody")
    api("attach_policy_to_user", "pat", "ReadOnlyAccess", "System")
    api("attach_policy_to_user", "pat", "ReadOnlyAccess", "System")
    api("attach_policy_to_user", "pat", "NoSuchPolicy", "Custom")
    api("attach_policy_to_user", "nobody", "ReadOnlyAccess", "System")
    api("attach_policy_to_user", "nobody", "NoSuchPolicy", "System")   # the policy is checked first
    api("list_policies_for_user", upn("pat"))                          # RamClient sends the name part of a UPN
    api("detach_policy_from_user", "pat", "AliyunECSFullAccess", "System")
    for index in range(11):
        api.world("create_policy", "deploy-%02d" % index, "Deploy %d" % index)
    for index in range(10):
        api("attach_policy_to_user", "pat", "deploy-%02d" % index, "Custom")
    api("attach_policy_to_user", "pat", "deploy-10", "Custom")
    api("get_policy", "deploy-00", "Custom")
    api("list_policies_for_user", "pat")
    api("detach_policy_from_user", "pat", "ReadOnlyAccess", "System")
    api("detach_policy_from_user", "pat", "ReadOnlyAccess", "System")


@scenario()
def custom_policies_with_versions_descriptions_and_holders(api):
    def doc(action):
        return json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})
    api("create_policy", "ecs-read", doc("ecs:Describe*"), description="ECS")
    api("create_policy", "ecs-read", doc("ecs:Describe*"))
    api("create_policy", "bad name", doc("ecs:Describe*"))
    api("create_policy", "broken", "{not json")
    api("create_policy", "no-statement", json.dumps({"Version": "1"}))
    api("create_policy", "AdministratorAccess", doc("*"))
    api("get_policy_detail", "ecs-read", "Custom")
    api("get_policy_detail", "missing", "Custom")
    for index in range(2, 6):
        api("create_policy_version", "ecs-read", doc("ecs:Describe%d" % index), set_as_default=index % 2 == 0)
    api("create_policy_version", "ecs-read", doc("ecs:Describe6"))
    api("create_policy_version", "missing", doc("ecs:Describe6"))
    api("list_policy_versions", "ecs-read", "Custom")
    api("delete_policy_version", "ecs-read", "v4")
    api("delete_policy_version", "ecs-read", "v4")
    api("delete_policy_version", "ecs-read", "four")
    api("delete_policy_version", "ecs-read", "v2")
    api("set_default_policy_version", "ecs-read", "v5")
    api("delete_policy_version", "ecs-read", "v2")
    api("create_policy_version", "ecs-read", doc("ecs:Describe7"))
    api("list_policy_versions", "ecs-read", "Custom")
    api("get_policy_detail", "ecs-read", "Custom")
    api("update_policy_description", "ecs-read", "ECS read")
    api("update_policy_description", "ecs-read", "")
    api("update_policy_description", "missing", "x")
    api("create_user", upn("pat"), "Pat")
    api("create_group", "dev")
    api("attach_policy_to_user", "pat", "ecs-read", "Custom")
    api("attach_policy_to_group", "dev", "ecs-read", "Custom")
    api("list_entities_for_policy", "ecs-read", "Custom")
    api("list_policies_for_group", "dev")
    api("delete_policy", "ecs-read")
    api("detach_policy_from_user", "pat", "ecs-read", "Custom")
    api("delete_policy", "ecs-read")
    api("detach_policy_from_group", "dev", "ecs-read", "Custom")
    api("delete_policy", "ecs-read")
    for version in ("v2", "v3", "v5"):
        api("delete_policy_version", "ecs-read", version)
    api("list_policy_versions", "ecs-read", "Custom")
    api("delete_policy", "ecs-read")
    api("get_policy_detail", "ecs-read", "Custom")
    api("list_policies", "Custom")


@scenario()
def roles_trust_policies_sessions_and_policies(api):
    trust = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                       "Principal": {"Service": ["ecs.aliyuncs.com"]}}]})
    api("create_role", "ecs-reader", trust, description="ECS", max_session_duration=7200)
    api("create_role", "ecs-reader", trust)
    api("create_role", "bad name", trust)
    api("create_role", "broken", "{oops")
    api("create_role", "too-long", trust, max_session_duration=50000)
    api("get_role", "ecs-reader")
    api("get_role", "missing")
    api("update_role", "ecs-reader", new_description="ECS instances")
    api("update_role", "ecs-reader", new_max_session_duration=3600 * 5)
    api("update_role", "ecs-reader", new_description="")
    api("update_role", "missing", new_description="x")
    api("attach_policy_to_role", "ecs-reader", "ReadOnlyAccess", "System")
    api("attach_policy_to_role", "ecs-reader", "ReadOnlyAccess", "System")
    api("attach_policy_to_role", "ecs-reader", "NoSuchPolicy", "Custom")
    api("list_policies_for_role", "ecs-reader")
    api("list_entities_for_policy", "ReadOnlyAccess", "System")
    api("delete_role", "ecs-reader")
    api("detach_policy_from_role", "ecs-reader", "ReadOnlyAccess", "System")
    api("detach_policy_from_role", "ecs-reader", "ReadOnlyAccess", "System")
    api("delete_role", "ecs-reader")
    api("delete_role", "ecs-reader")
    api("get_role", "ecs-reader")


@scenario()
def login_profiles_and_what_people_do_with_them(api):
    api("create_user", upn("lee"), "Lee")
    api("get_login_profile", upn("lee"))
    api("get_login_profile", upn("nobody"))
    api("create_login_profile", upn("nobody"), password=PASSWORD)
    api("create_login_profile", upn("lee"), password="short")
    api("create_login_profile", upn("lee"), password=PASSWORD, status="Disabled")
    api("create_login_profile", upn("lee"), password=PASSWORD, password_reset_required=True, mfa_bind_required=True)
    api("get_login_profile", upn("lee"))
    api("create_login_profile", upn("lee"), password=PASSWORD)
    api("update_login_profile", upn("lee"), status="Inactive", mfa_bind_required=False)
    api("update_login_profile", upn("lee"), password="short")
    api("update_login_profile", upn("lee"), password=OTHER_PASSWORD)
    api("get_login_profile", upn("lee"))
    api("delete_login_profile", upn("lee"))
    api("delete_login_profile", upn("lee"))
    api("update_login_profile", upn("lee"), status="Active")
    api("create_login_profile", upn("lee"))                       # no password: not an initial one
    api("get_login_profile", upn("lee"))
    api.world("login", upn("lee"))
    api("update_login_profile", upn("lee"), password=PASSWORD, password_reset_required=True, mfa_bind_required=True)
    api.world("change_password", upn("lee"), password="short")
    api.world("change_password", upn("lee"), password=CHOSEN_PASSWORD)
    api.world("bind_mfa", upn("lee"))
    api.world("login", upn("lee"))
    api("get_login_profile", upn("lee"))
    api("get_user", upn=upn("lee"))
    api.world("idle_disable", upn("lee"))
    api.world("login", upn("lee"))
    api.world("change_password", upn("lee"), password=OTHER_PASSWORD)
    api("get_login_profile", upn("lee"))
    api.world("login", upn("nobody"))
    api("create_user", upn("liz"), "Liz")
    api.world("login", upn("liz"))
    api.world("idle_disable", upn("liz"))


@scenario()
def the_password_policy_and_the_passwords_it_refuses(api):
    api("get_password_policy")
    api("set_password_policy", minimum_password_length=14, require_symbols=True, max_login_attemps=5, hard_expire=True,
        initial_password_age=7)
    api("get_password_policy")
    api("set_password_policy", minimum_password_length=12)         # every field not given returns to its default
    api("get_password_policy")
    api("set_password_policy", minimum_password_length=7)
    api("set_password_policy", max_password_age=1096)
    api("set_password_policy", password_reuse_prevention=-1)
    api("set_password_policy", initial_password_age=91)
    api("set_password_policy", max_login_attempts=3)
    api("get_password_policy")
    api("set_password_policy")
    api("get_password_policy")
    api("set_password_policy", minimum_password_length=10, require_numbers=True, require_uppercase_characters=True,
        password_not_contain_user_name=True, minimum_password_different_character=6, password_reuse_prevention=2)
    api("create_user", upn("quinn"), "Quinn")
    for password in ("No-Digits-Here!", "quinn-Pass-12345", "lower-12345!", "Aa1Aa1Aa1Aa1", "Sturdy-12345"):
        api("create_login_profile", upn("quinn"), password=password)
    api.world("change_password", upn("quinn"), password="Sturdy-12345")     # used a moment ago
    api.world("change_password", upn("quinn"), password="Fresh-Choice-678")
    api("get_login_profile", upn("quinn"))


@scenario()
def the_security_preference_merged_and_refused(api):
    api("get_security_preference")
    api("set_security_preference", mfa_operation_for_login="mandatory", login_session_duration=8,
        login_network_masks=["10.0.0.0/8", "192.168.0.0/16"], verification_types=["sms", "email"],
        allow_user_to_manage_access_keys=True, max_idle_days_for_users=90, enable_save_mfa_ticket=True)
    api("get_security_preference")
    api("set_security_preference", login_session_duration=12)      # every field not given returns to its default
    api("get_security_preference")
    api("set_security_preference", login_session_duration=0)
    api("set_security_preference", login_session_duration=25)
    api("set_security_preference", max_idle_days_for_access_keys=100)
    api("set_security_preference", mfa_operation_for_login="always")
    api("set_security_preference", login_network_masks=["10.0.0.0/8", "not-a-mask"])
    api("set_security_preference", login_network_masks=["10.%d.0.0/16" % n for n in range(41)])
    api("set_security_preference", verification_types=["pigeon"])
    api("set_security_preference", allow_user_to_fly=True)
    api("set_security_preference", login_network_masks=[], verification_types=[], login_session_duration=24,
        max_idle_days_for_access_keys=180, operation_for_risk_login="enforceVerify")
    api("get_security_preference")


@scenario()
def the_credential_report_from_the_accounts_own_users(api):
    api("get_credential_report")                                   # none yet
    api("create_user", upn("rae"), "Rae")
    api("create_user", upn("quin"), "Quin")
    api("create_user", upn("pat"), "Pat")
    api("create_login_profile", upn("rae"), password=PASSWORD)
    api("create_login_profile", upn("quin"))                       # a console login without a password
    api.world("login", upn("rae"))
    api.world("bind_mfa", upn("rae"))
    api.world("age", upn("rae"), days=120)
    api.world("age", upn("nobody"), days=1)
    api.world("age", upn("rae"), days=0)
    first = key_id(api("create_access_key", upn("pat")))
    second = key_id(api("create_access_key", upn("pat")))
    api.world("use_key", first, days_ago=3)
    api.world("age_key", first, days=200)
    api("update_access_key", upn("pat"), second, "Inactive")
    api.world("freeze", upn("pat"))
    api("set_password_policy", max_password_age=90)
    api("generate_credential_report")
    api("get_credential_report")
    api("get_credential_report", max_items=2)
    api("get_credential_report", max_items=0)
    api("get_credential_report", max_items=3502)
    api("generate_credential_report")                              # within 4 hours: the same report
    api.world("idle_disable", upn("rae"))
    api("get_credential_report")


@scenario()
def access_keys_listed_and_deleted(api):
    api("create_user", upn("kim"), "Kim")
    api("list_access_keys", upn("kim"))
    api("list_access_keys", upn("nobody"))
    first = api.world("create_access_key", upn("kim"))
    second = api.world("create_access_key", upn("kim"))
    api.world("create_access_key", upn("kim"))
    api.world("create_access_key", upn("nobody"))
    api("list_access_keys", upn("kim"))
    api("delete_access_key", upn("kim"), "LTAI5tNoSuchKey0000000000")
    api("delete_access_key", upn("kim"), first)
    api("delete_access_key", upn("kim"), first)
    api("delete_access_key", upn("nobody"), second)
    api("list_access_keys", upn("kim"))


def key_id(new_key):
    """The ID of a NewAccessKey (None when the create was refused)."""
    return new_key.key["access_key_id"] if new_key is not None else None


@scenario()
def access_keys_created_to_the_limit_updated_and_deleted(api):
    api("create_user", upn("ava"), "Ava")
    api("create_user", upn("bo"), "Bo")
    first = key_id(api("create_access_key", upn("ava")))
    api("create_access_key", upn("nobody"))
    api("create_access_key", "ava@" + FOREIGN)
    second = key_id(api("create_access_key", upn("ava")))
    api("create_access_key", upn("ava"))                     # a third: LimitExceeded.User.AccessKey
    other = key_id(api("create_access_key", upn("bo")))
    api("list_access_keys", upn("ava"))
    api("update_access_key", upn("ava"), first, "Inactive")
    api("update_access_key", upn("ava"), first, "Inactive")  # already Inactive: accepted again
    api("update_access_key", upn("ava"), first, "Disabled")
    api("update_access_key", upn("ava"), first, "inactive")
    api("update_access_key", upn("ava"), first, "")
    api("update_access_key", upn("ava"), "", "Active")
    api("update_access_key", upn("ava"), "LTAI5tNoSuchKey0000000000", "Active")
    api("update_access_key", upn("ava"), other, "Inactive")  # bo's key is not ava's
    api("update_access_key", upn("nobody"), first, "Active")
    api("update_access_key", upn("nobody"), first, "Bogus")  # the status is checked before the user
    api("list_access_keys", upn("ava"))
    api("update_access_key", upn("ava"), first, "Active")
    api("delete_access_key", upn("ava"), other)
    api("delete_access_key", upn("ava"), "")
    api("delete_access_key", upn("ava"), second)
    api("create_access_key", upn("ava"))                     # a slot is free again
    api("update_access_key", upn("ava"), second, "Active")
    api("list_access_keys", upn("ava"))
    api("list_access_keys", upn("bo"))


@scenario()
def access_keys_last_use_and_age(api):
    api("create_user", upn("uma"), "Uma")
    used = key_id(api("create_access_key", upn("uma")))
    idle = key_id(api("create_access_key", upn("uma")))
    api("get_access_key_last_used", upn("uma"), used)        # never used
    api.world("use_key", used, service="ecs", days_ago=3)
    api("get_access_key_last_used", upn("uma"), used)
    api.world("use_key", used, service="oss")                # the latest use replaces the last one
    api("get_access_key_last_used", upn("uma"), used)
    api("get_access_key_last_used", upn("uma"), idle)
    api("get_access_key_last_used", upn("uma"), "LTAI5tNoSuchKey0000000000")
    api("get_access_key_last_used", upn("uma"), "")
    api("get_access_key_last_used", upn("nobody"), used)
    api.world("use_key", "LTAI5tNoSuchKey0000000000")
    api.world("use_key", used, days_ago=-1)
    api.world("use_key", used, service="")
    api.world("age_key", idle, days=10)                      # the older key is listed first
    api.world("age_key", used, days=2)
    api.world("age_key", used, days=0)
    api.world("age_key", "LTAI5tNoSuchKey0000000000", days=1)
    api("list_access_keys", upn("uma"))
    api("get_access_key_last_used", upn("uma"), used)
    api("update_access_key", upn("uma"), used, "Inactive")
    api.world("use_key", used)                               # a disabled key cannot sign
    api("get_access_key_last_used", upn("uma"), used)
    api("delete_access_key", upn("uma"), used)
    api("delete_access_key", upn("uma"), used)
    api("get_access_key_last_used", upn("uma"), used)
    api("list_access_keys", upn("uma"))


@scenario()
def mfa_devices(api):
    api("create_user", upn("max"), "Max")
    api("get_user_mfa_info", upn("max"))
    api("get_user_mfa_info", upn("nobody"))
    api("unbind_mfa_device", upn("max"))
    api("unbind_mfa_device", upn("nobody"))
    api.world("bind_mfa", upn("max"))
    api.world("bind_mfa", upn("max"))
    api("get_user_mfa_info", upn("max"))
    api("unbind_mfa_device", upn("max"))
    api("get_user_mfa_info", upn("max"))
    api.world("bind_mfa", upn("max"))
    api("get_user_mfa_info", upn("max"))


@scenario()
def frozen_users_are_listed_on_demand(api):
    for name in ("cat", "ann", "Ben"):
        api("create_user", upn(name), name.title())
    api.world("freeze", upn("ben"))
    api.world("freeze", upn("nobody"))
    api("list_users")
    api("list_users", status="active")
    api("list_users", status="freeze")
    api("list_users", status="frozen")
    api("get_user", upn=upn("ben"))
    api("create_login_profile", upn("Ben"), password=PASSWORD)
    api.world("login", upn("ben"))
    api.world("unfreeze", upn("ben"))
    api.world("login", upn("ben"))
    api("list_users", status="freeze")


@scenario(site="intl")
def the_international_site_hides_contact_fields(api):
    api("create_user", upn("ivy"), "Ivy", email="ivy@example.com", mobile_phone="86-18600008888")
    api("get_user", upn=upn("ivy"))
    api("update_user", upn=upn("ivy"), new_email="other@example.com", new_mobile_phone="1-5550100", new_comments="c")
    api("create_group", "dev")
    api("add_user_to_group", upn("ivy"), "dev")
    api("list_users_for_group", "dev")
    api("list_users")


# ---------------------------------------------------------------- the contract


def fixed_clock():
    """Now, to the second: the emulator's --fixed-time and the fake's clock."""
    now = int(time.time())
    return now, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))


def ram_client_without_patience(emulator_ram_client, handle):
    """RamClient waits for entities it created to become visible (replication lag); here nothing lags, so its clock
    makes every create more than a minute old and "does not exist" counts at once, as in the fake."""
    ticks = itertools.count(0, 61)
    return emulator_ram_client(handle, clock=lambda: float(next(ticks)))


def first_difference(fake, emulator):
    for index, (ours, theirs) in enumerate(zip(fake, emulator)):
        if ours != theirs:
            return "step %d differs:\n  fake:     %r\n  emulator: %r" % (index, ours, theirs)
    return "the fake recorded %d steps, the emulator %d" % (len(fake), len(emulator))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_fake_answers_as_the_emulator_does(name, emulator_client, emulator_ram_client):
    steps, site = SCENARIOS[name]
    epoch, stamp = fixed_clock()
    args = ["--host", "127.0.0.1", "--fixed-time", stamp, "--domain-alias", ALIAS, "--site", site]
    with emulator_client.start_emulator(args) as handle:
        client = ram_client_without_patience(emulator_ram_client, handle)
        system_policies = client.transport.call("ram", "ListPolicies", {"PolicyType": "System", "MaxItems": 1000})
        emulated = Side(client, EmulatorWorld(handle, client))
        steps(emulated)
        emulated_account = emulated.account()

    fake = FakeRamClient(domain=DOMAIN, domain_aliases=[ALIAS], site=site, system_policies=(), clock=lambda: epoch)
    for policy in system_policies["Policies"]["Policy"]:
        fake.add_policy(policy["PolicyName"], "System", policy["Description"])
    faked = Side(fake, FakeWorld(fake))
    steps(faked)

    assert faked.record == emulated.record, first_difference(faked.record, emulated.record)
    assert faked.account() == emulated_account


def test_the_fakes_own_system_policies_and_defaults_are_the_services(emulator, emulator_ram_client):
    client = emulator_ram_client(emulator)
    for name in SYSTEM_POLICIES:
        assert client.get_policy(name, "System") is not None, name
    assert client.get_password_policy() == DEFAULT_PASSWORD_POLICY
    assert client.get_default_domain() == DOMAIN
    assert FakeRamClient(domain=DOMAIN).get_password_policy() == DEFAULT_PASSWORD_POLICY


def test_a_scenario_that_parts_ways_is_caught():
    """The comparison itself: a fake that answers differently makes the records differ."""
    honest, lying = FakeRamClient(), FakeRamClient()
    lying.add_user("alice")
    records = []
    for client in (honest, lying):
        side = Side(client, FakeWorld(client))
        side("create_user", "alice@corp.onaliyun.com", "Alice")
        records.append(side.record)
    assert records[0] != records[1]
    assert "step 0 differs" in first_difference(*records)
