# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator backend: users through IMS and RAM, tags, paging, site differences, delete conflicts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.aliyun.ram.tests.emulator.ram_backend import IMS, RAM, ApiFault, RamBackend
from ansible_collections.aliyun.ram.tests.unit.emulator.backend_support import DOMAIN, call, fault_of, upn


@pytest.fixture
def backend():
    return RamBackend(account_alias="example")


def create(backend, name, **extra):
    params = {"UserPrincipalName": upn(name), "DisplayName": name.title()}
    params.update(extra)
    return call(backend, IMS, "CreateUser", **params)["User"]


def test_create_user_response_has_documented_shape(backend):
    user = create(backend, "alice", Email="alice@corp.example", MobilePhone="86-18600008888", Comments="dev",
                  **{"Tag.1.Key": "team", "Tag.1.Value": "infra"})
    assert user["UserPrincipalName"] == upn("alice")
    assert user["DisplayName"] == "Alice"
    assert user["Email"] == "alice@corp.example"
    assert user["MobilePhone"] == "86-18600008888"
    assert user["Comments"] == "dev"
    assert user["ProvisionType"] == "Manual"
    assert user["LastLoginDate"] == ""
    assert user["UserId"].isdigit()
    assert user["Tags"] == {"Tag": [{"TagKey": "team", "TagValue": "infra"}]}
    assert "UserName" not in user
    assert user["CreateDate"].endswith("Z") and len(user["CreateDate"]) == 20


def test_ims_and_ram_see_the_same_user(backend):
    created = create(backend, "bob", Email="bob@corp.example")
    ims = call(backend, IMS, "GetUser", UserPrincipalName=upn("bob"))["User"]
    ram = call(backend, RAM, "GetUser", UserName="bob")["User"]
    assert ims["UserName"] == ram["UserName"] == "bob"
    assert ims["UserId"] == ram["UserId"] == created["UserId"]
    assert ram["Email"] == ims["Email"] == "bob@corp.example"
    # A user created through RAM is visible to IMS under the default domain.
    call(backend, RAM, "CreateUser", UserName="carol", DisplayName="Carol C")
    assert call(backend, IMS, "GetUser", UserPrincipalName=upn("carol"))["User"]["DisplayName"] == "Carol C"


@pytest.mark.parametrize("selector", ["UserPrincipalName", "UserId", "UserAccessKeyId"])
def test_get_user_by_each_identifier(backend, selector):
    created = create(backend, "dave")
    key = call(backend, IMS, "CreateAccessKey", UserPrincipalName=upn("dave"))["AccessKey"]
    value = {"UserPrincipalName": upn("dave"), "UserId": created["UserId"], "UserAccessKeyId": key["AccessKeyId"]}[selector]
    assert call(backend, IMS, "GetUser", **{selector: value})["User"]["UserId"] == created["UserId"]


def test_get_user_needs_exactly_one_identifier(backend):
    created = create(backend, "erin")
    assert fault_of(backend, IMS, "GetUser") == ("MissingParameter.UserPrincipalName", 400)
    assert fault_of(backend, IMS, "GetUser", UserPrincipalName=upn("erin"), UserId=created["UserId"])[1] == 400


@pytest.mark.parametrize("version, action, params", [
    (IMS, "GetUser", {"UserPrincipalName": upn("ghost")}),
    (IMS, "GetUser", {"UserId": "12345"}),
    (IMS, "GetUser", {"UserPrincipalName": "ghost@other.onaliyun.com"}),
    (IMS, "UpdateUser", {"UserPrincipalName": upn("ghost"), "NewDisplayName": "x"}),
    (IMS, "DeleteUser", {"UserPrincipalName": upn("ghost")}),
    (RAM, "GetUser", {"UserName": "ghost"}),
    (RAM, "UpdateUser", {"UserName": "ghost", "NewDisplayName": "x"}),
    (RAM, "DeleteUser", {"UserName": "ghost"}),
])
def test_missing_user_is_404(backend, version, action, params):
    assert fault_of(backend, version, action, **params) == ("EntityNotExist.User", 404)


def test_duplicate_user_is_409_in_both_apis(backend):
    create(backend, "frank")
    assert fault_of(backend, IMS, "CreateUser", UserPrincipalName=upn("frank"), DisplayName="F") == \
        ("EntityAlreadyExists.User", 409)
    assert fault_of(backend, RAM, "CreateUser", UserName="frank") == ("EntityAlreadyExists.User", 409)
    # Names are unique regardless of case (an assumption of this emulator).
    assert fault_of(backend, RAM, "CreateUser", UserName="FRANK") == ("EntityAlreadyExists.User", 409)


@pytest.mark.parametrize("params, code", [
    ({"DisplayName": "X"}, "MissingParameter.UserPrincipalName"),
    ({"UserPrincipalName": upn("a")}, "MissingParameter.DisplayName"),
    ({"UserPrincipalName": upn("a" * 65), "DisplayName": "X"}, "InvalidParameter.UserPrincipalName.Length"),
    ({"UserPrincipalName": "a" * 110 + "@" + DOMAIN, "DisplayName": "X"}, "InvalidParameter.UserPrincipalName.Length"),
    ({"UserPrincipalName": upn("bad name"), "DisplayName": "X"}, "InvalidParameter.UserPrincipalName.InvalidChars"),
    ({"UserPrincipalName": upn("bad*name"), "DisplayName": "X"}, "InvalidParameter.UserPrincipalName.InvalidChars"),
    ({"UserPrincipalName": "a@other.onaliyun.com", "DisplayName": "X"}, "InvalidParameter.UserPrincipalName.Domain"),
    ({"UserPrincipalName": "plainname", "DisplayName": "X"}, "InvalidParameter.UserPrincipalName.Domain"),
    ({"UserPrincipalName": upn("a"), "DisplayName": "X" * 25}, "InvalidParameter.DisplayName.Length"),
    ({"UserPrincipalName": upn("a"), "DisplayName": ""}, "MissingParameter.DisplayName"),
    ({"UserPrincipalName": upn("a"), "DisplayName": "X", "Comments": "c" * 129}, "InvalidParameter.Comments.Length"),
    ({"UserPrincipalName": upn("a"), "DisplayName": "X", "Email": "not-an-email"}, "InvalidParameter.Email.Format"),
    ({"UserPrincipalName": upn("a"), "DisplayName": "X", "MobilePhone": "18600008888"}, "InvalidParameter.MobilePhone.Format"),
    ({"UserPrincipalName": upn("a"), "DisplayName": "X", "MobilePhone": "86-1860abc"}, "InvalidParameter.MobilePhone.Format"),
    ({"UserPrincipalName": upn("a"), "DisplayName": "X", "Tag.1.Key": "acs:x", "Tag.1.Value": "v"}, "InvalidParameter.Tag.Key.InvalidChars"),
    ({"UserPrincipalName": upn("a"), "DisplayName": "X", "Tag.1.Key": "k", "Tag.1.Value": "https://x"}, "InvalidParameter.Tag.Value.InvalidChars"),
])
def test_ims_create_user_validation(backend, params, code):
    assert fault_of(backend, IMS, "CreateUser", **params) == (code, 400)
    assert call(backend, IMS, "ListUsers")["Users"]["User"] == []


@pytest.mark.parametrize("params, code", [
    ({}, "MissingParameter.UserName"),
    ({"UserName": "x" * 65}, "InvalidParameter.UserName.Length"),
    ({"UserName": "has space"}, "InvalidParameter.UserName.InvalidChars"),
    ({"UserName": "ok", "DisplayName": "D" * 129}, "InvalidParameter.DisplayName.Length"),
    ({"UserName": "ok", "Comments": "c" * 129}, "InvalidParameter.Comments.Length"),
    ({"UserName": "ok", "Email": "x@"}, "InvalidParameter.Email.Format"),
])
def test_ram_create_user_validation(backend, params, code):
    assert fault_of(backend, RAM, "CreateUser", **params) == (code, 400)


def test_ram_display_name_allows_128_chars(backend):
    user = call(backend, RAM, "CreateUser", UserName="long", DisplayName="D" * 128)["User"]
    assert user["DisplayName"] == "D" * 128
    assert "UpdateDate" not in user


def test_ims_update_user_changes_fields(backend):
    created = create(backend, "gina", Email="g@corp.example", MobilePhone="86-1234567", Comments="old")
    updated = call(backend, IMS, "UpdateUser", UserId=created["UserId"], NewUserPrincipalName=upn("gina2"),
                   NewDisplayName="Gina Two", NewComments="new", NewEmail="g2@corp.example",
                   NewMobilePhone="86-7654321")["User"]
    assert updated["UserPrincipalName"] == upn("gina2")
    assert updated["DisplayName"] == "Gina Two"
    assert (updated["Comments"], updated["Email"], updated["MobilePhone"]) == ("new", "g2@corp.example", "86-7654321")
    assert call(backend, RAM, "GetUser", UserName="gina2")["User"]["UserId"] == created["UserId"]
    assert fault_of(backend, IMS, "GetUser", UserPrincipalName=upn("gina")) == ("EntityNotExist.User", 404)


def test_update_user_without_new_values_keeps_them(backend):
    create(backend, "hank", Comments="keep")
    updated = call(backend, IMS, "UpdateUser", UserPrincipalName=upn("hank"), NewDisplayName="H")["User"]
    assert updated["Comments"] == "keep"


@pytest.mark.parametrize("params, code", [
    ({"NewDisplayName": ""}, "InvalidParameter.NewDisplayName.Length"),
    ({"NewDisplayName": "n" * 25}, "InvalidParameter.NewDisplayName.Length"),
    ({"NewComments": "c" * 129}, "InvalidParameter.NewComments.Length"),
    ({"NewEmail": "nope"}, "InvalidParameter.NewEmail.Format"),
    ({"NewMobilePhone": "12"}, "InvalidParameter.NewMobilePhone.Format"),
    ({"NewUserPrincipalName": "x@elsewhere.com"}, "InvalidParameter.NewUserPrincipalName.Domain"),
    ({"NewUserPrincipalName": upn("x y")}, "InvalidParameter.NewUserPrincipalName.InvalidChars"),
])
def test_ims_update_user_validation(backend, params, code):
    create(backend, "ivy")
    assert fault_of(backend, IMS, "UpdateUser", UserPrincipalName=upn("ivy"), **params) == (code, 400)
    assert call(backend, IMS, "GetUser", UserPrincipalName=upn("ivy"))["User"]["DisplayName"] == "Ivy"


def test_rename_onto_existing_user_is_409(backend):
    create(backend, "jack")
    create(backend, "jill")
    assert fault_of(backend, IMS, "UpdateUser", UserPrincipalName=upn("jack"), NewUserPrincipalName=upn("jill")) == \
        ("EntityAlreadyExists.User", 409)
    assert fault_of(backend, RAM, "UpdateUser", UserName="jack", NewUserName="jill") == ("EntityAlreadyExists.User", 409)


def test_ram_update_user(backend):
    call(backend, RAM, "CreateUser", UserName="kate")
    user = call(backend, RAM, "UpdateUser", UserName="kate", NewUserName="kate2", NewDisplayName="Kate",
                NewMobilePhone="1-5550100", NewEmail="k@corp.example", NewComments="c")["User"]
    assert (user["UserName"], user["DisplayName"], user["MobilePhone"], user["Email"], user["Comments"]) == \
        ("kate2", "Kate", "1-5550100", "k@corp.example", "c")
    assert fault_of(backend, RAM, "UpdateUser", UserName="kate2", NewUserName="bad name") == \
        ("InvalidParameter.NewUserName.InvalidChars", 400)


@pytest.mark.parametrize("site, present", [("cn", True), ("intl", False)])
def test_contact_fields_depend_on_site(site, present):
    backend = RamBackend(site=site)
    create(backend, "lena", Email="l@corp.example", MobilePhone="86-1234567")
    views = [
        call(backend, IMS, "GetUser", UserPrincipalName=upn("lena"))["User"],
        call(backend, IMS, "ListUsers")["Users"]["User"][0],
        call(backend, RAM, "GetUser", UserName="lena")["User"],
        call(backend, RAM, "ListUsers")["Users"]["User"][0],
    ]
    for view in views:
        assert ("Email" in view) is present
        assert ("MobilePhone" in view) is present
    if present:
        assert views[0]["Email"] == "l@corp.example"


def test_cn_site_reports_unset_contacts_as_empty_strings(backend):
    create(backend, "mona")
    user = call(backend, IMS, "GetUser", UserPrincipalName=upn("mona"))["User"]
    assert user["Email"] == "" and user["MobilePhone"] == ""


@pytest.mark.parametrize("version, action, max_items, total", [
    (IMS, "ListUsers", 2, 5),
    (IMS, "ListUsers", 1, 3),
    (IMS, "ListUserBasicInfos", 2, 5),
    (RAM, "ListUsers", 3, 7),
])
def test_user_paging_reaches_every_user_once(backend, version, action, max_items, total):
    names = ["user%02d" % index for index in range(total)]
    for name in reversed(names):
        create(backend, name)
    seen, marker, pages = [], None, 0
    wrapper, item = ("UserBasicInfos", "UserBasicInfo") if action == "ListUserBasicInfos" else ("Users", "User")
    while True:
        params = {"MaxItems": max_items}
        if marker:
            params["Marker"] = marker
        body = call(backend, version, action, **params)
        pages += 1
        entries = body[wrapper][item]
        assert len(entries) <= max_items
        seen.extend(entry.get("UserName") or entry["UserPrincipalName"].split("@")[0] for entry in entries)
        if not body["IsTruncated"]:
            assert "Marker" not in body
            break
        marker = body["Marker"]
    assert sorted(seen) == names and len(seen) == len(set(seen))
    assert pages == -(-total // max_items)


@pytest.mark.parametrize("value", ["0", "1001", "abc"])
def test_list_users_rejects_bad_max_items(backend, value):
    assert fault_of(backend, IMS, "ListUsers", MaxItems=value)[1] == 400


def test_list_users_rejects_a_forged_marker(backend):
    assert fault_of(backend, IMS, "ListUsers", Marker="!!not-a-marker!!") == ("InvalidParameter.Marker", 400)


def test_list_users_filters_by_tag(backend):
    create(backend, "nick", **{"Tag.1.Key": "env", "Tag.1.Value": "prod"})
    create(backend, "olga", **{"Tag.1.Key": "env", "Tag.1.Value": "dev"})
    create(backend, "pete")
    users = call(backend, IMS, "ListUsers", **{"Tag.1.Key": "env", "Tag.1.Value": "prod"})["Users"]["User"]
    assert [u["UserPrincipalName"] for u in users] == [upn("nick")]
    users = call(backend, IMS, "ListUsers", **{"Tag.1.Key": "env"})["Users"]["User"]
    assert len(users) == 2


def test_user_limit(backend, monkeypatch):
    from ansible_collections.aliyun.ram.tests.emulator import ram_backend
    monkeypatch.setattr(ram_backend, "MAX_USERS", 3)
    for name in ("u1", "u2", "u3"):
        call(backend, RAM, "CreateUser", UserName=name)
    assert fault_of(backend, IMS, "CreateUser", UserPrincipalName=upn("u4"), DisplayName="U") == ("LimitExceeded.User", 409)


def test_default_domain(backend):
    assert call(backend, IMS, "GetDefaultDomain") == {"DefaultDomainName": DOMAIN}


# ----------------------------------------------------------------------------- tags


def tag(backend, names, **tags):
    params = {"ResourceType": "user"}
    for index, name in enumerate(names, 1):
        params["ResourcePrincipalName.%d" % index] = upn(name)
    for index, (key, value) in enumerate(sorted(tags.items()), 1):
        params["Tag.%d.Key" % index] = key
        params["Tag.%d.Value" % index] = value
    return call(backend, IMS, "TagResources", **params)


def user_tags(backend, name):
    user = call(backend, IMS, "GetUser", UserPrincipalName=upn(name))["User"]
    return dict((t["TagKey"], t["TagValue"]) for t in user.get("Tags", {}).get("Tag", []))


def test_tag_untag_and_list(backend):
    create(backend, "quinn")
    created = create(backend, "rosa")
    assert tag(backend, ["quinn", "rosa"], env="prod", team="a") == {}
    tag(backend, ["quinn"], env="dev")
    assert user_tags(backend, "quinn") == {"env": "dev", "team": "a"}
    call(backend, IMS, "UntagResources", ResourceType="user", **{"ResourceId.1": created["UserId"], "TagKey.1": "team"})
    assert user_tags(backend, "rosa") == {"env": "prod"}
    listing = call(backend, IMS, "ListTagResources", ResourceType="user",
                   **{"ResourcePrincipalName.1": upn("rosa")})
    assert listing["TagResources"]["TagResource"] == [
        {"ResourceType": "user", "ResourceId": created["UserId"], "TagKey": "env", "TagValue": "prod"}]
    assert listing["IsTruncated"] is False


def test_user_without_tags_has_no_tags_object(backend):
    create(backend, "sam")
    assert "Tags" not in call(backend, IMS, "GetUser", UserPrincipalName=upn("sam"))["User"]


def test_list_tag_resources_pages_with_next_token(backend):
    create(backend, "tess")
    tag(backend, ["tess"], **dict(("k%02d" % i, "v") for i in range(5)))
    keys, token = [], None
    while True:
        params = {"ResourceType": "user", "PageSize": 2}
        if token:
            params["NextToken"] = token
        body = call(backend, IMS, "ListTagResources", **params)
        keys.extend(t["TagKey"] for t in body["TagResources"]["TagResource"])
        if not body["IsTruncated"]:
            break
        token = body["NextToken"]
    assert keys == ["k%02d" % i for i in range(5)]


def test_twenty_tags_per_user(backend):
    create(backend, "uma")
    tag(backend, ["uma"], **dict(("k%02d" % i, "v") for i in range(20)))
    tag(backend, ["uma"], k00="changed")  # overwriting an existing key is not a new tag
    with pytest.raises(ApiFault) as info:
        tag(backend, ["uma"], extra="v")
    assert (info.value.code, info.value.http_status) == ("LimitExceeded.User.Tag", 409)
    assert len(user_tags(backend, "uma")) == 20


@pytest.mark.parametrize("params, code, status", [
    ({"ResourceType": "group", "ResourcePrincipalName.1": upn("vic"), "Tag.1.Key": "k"}, "InvalidParameter.ResourceType", 400),
    ({"ResourceType": "user", "Tag.1.Key": "k"}, "MissingParameter.ResourcePrincipalName", 400),
    ({"ResourceType": "user", "ResourcePrincipalName.1": upn("vic")}, "MissingParameter.Tag.1.Key", 400),
    ({"ResourceType": "user", "ResourcePrincipalName.1": upn("nobody"), "Tag.1.Key": "k"}, "EntityNotExist.User", 404),
    ({"ResourceType": "user", "ResourcePrincipalName.1": upn("vic"), "Tag.1.Key": "aliyun-x"}, "InvalidParameter.Tag.Key.InvalidChars", 400),
    ({"ResourceType": "user", "ResourcePrincipalName.1": upn("vic"), "Tag.1.Key": "k" * 129}, "InvalidParameter.Tag.Key.Length", 400),
    ({"ResourceType": "user", "ResourcePrincipalName.1": upn("vic"), "Tag.1.Key": "k", "Tag.1.Value": "v" * 129},
     "InvalidParameter.Tag.Value.Length", 400),
])
def test_tag_resources_errors(backend, params, code, status):
    create(backend, "vic")
    assert fault_of(backend, IMS, "TagResources", **params) == (code, status)


# ----------------------------------------------------------------------------- delete conflicts


def test_delete_user_conflicts_in_documented_order(backend):
    create(backend, "walt")
    who = {"UserPrincipalName": upn("walt")}
    call(backend, IMS, "CreateLoginProfile", Password="Passw0rd!x", **who)
    key = call(backend, IMS, "CreateAccessKey", **who)["AccessKey"]["AccessKeyId"]
    serial = call(backend, IMS, "CreateVirtualMFADevice", VirtualMFADeviceName="walt-mfa")["VirtualMFADevice"]["SerialNumber"]
    call(backend, IMS, "BindMFADevice", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321", **who)
    call(backend, IMS, "CreateGroup", GroupName="ops")
    call(backend, IMS, "AddUserToGroup", GroupName="ops", **who)
    call(backend, RAM, "AttachPolicyToUser", UserName="walt", PolicyName="ReadOnlyAccess", PolicyType="System")

    removals = [
        # The order of DeleteUser's error table in the reference.
        ("DeleteConflict.User.Group", lambda: call(backend, IMS, "RemoveUserFromGroup", GroupName="ops", **who)),
        ("DeleteConflict.User.AccessKey", lambda: call(backend, IMS, "DeleteAccessKey", UserAccessKeyId=key, **who)),
        ("DeleteConflict.User.LoginProfile", lambda: call(backend, IMS, "DeleteLoginProfile", **who)),
        ("DeleteConflict.User.MFADevice", lambda: call(backend, IMS, "UnbindMFADevice", **who)),
        ("DeleteConflict.User.Policy", lambda: call(backend, RAM, "DetachPolicyFromUser", UserName="walt",
                                                    PolicyName="ReadOnlyAccess", PolicyType="System")),
    ]
    for code, remove in removals:
        assert fault_of(backend, IMS, "DeleteUser", **who) == (code, 409)
        remove()
    assert call(backend, IMS, "DeleteUser", **who) == {}
    assert fault_of(backend, RAM, "GetUser", UserName="walt") == ("EntityNotExist.User", 404)


def test_ram_delete_user(backend):
    call(backend, RAM, "CreateUser", UserName="xena")
    call(backend, RAM, "CreateLoginProfile", UserName="xena", Password="Passw0rd!x")
    assert fault_of(backend, RAM, "DeleteUser", UserName="xena") == ("DeleteConflict.User.LoginProfile", 409)
    call(backend, RAM, "DeleteLoginProfile", UserName="xena")
    assert call(backend, RAM, "DeleteUser", UserName="xena") == {}


# ----------------------------------------------------------------------------- empty values


@pytest.mark.parametrize("field, code", [
    ("NewComments", "InvalidParameter.NewComments.Length"),
    ("NewEmail", "InvalidParameter.NewEmail.Format"),
    ("NewMobilePhone", "InvalidParameter.NewMobilePhone.Format"),
    ("NewDisplayName", "InvalidParameter.NewDisplayName.Length"),
])
def test_ims_update_user_refuses_an_empty_value(backend, field, code):
    create(backend, "olga", Email="o@corp.example", MobilePhone="86-1234567", Comments="keep")
    assert fault_of(backend, IMS, "UpdateUser", UserPrincipalName=upn("olga"), **{field: ""}) == (code, 400)
    user = call(backend, IMS, "GetUser", UserPrincipalName=upn("olga"))["User"]
    assert (user["Comments"], user["Email"], user["MobilePhone"], user["DisplayName"]) == \
        ("keep", "o@corp.example", "86-1234567", "Olga")


def test_ram_update_user_clears_a_field_with_an_empty_value(backend):
    call(backend, RAM, "CreateUser", UserName="pia", DisplayName="Pia", Email="p@corp.example",
         MobilePhone="86-1234567", Comments="old")
    user = call(backend, RAM, "UpdateUser", UserName="pia", NewComments="", NewEmail="", NewMobilePhone="",
                NewDisplayName="")["User"]
    assert (user["Comments"], user["Email"], user["MobilePhone"], user["DisplayName"]) == ("", "", "", "")
    assert call(backend, IMS, "GetUser", UserPrincipalName=upn("pia"))["User"]["Comments"] == ""
    assert fault_of(backend, RAM, "UpdateUser", UserName="pia", NewComments="c" * 129) == \
        ("InvalidParameter.NewComments.Length", 400)
    assert fault_of(backend, RAM, "UpdateUser", UserName="pia", NewEmail="nope") == \
        ("InvalidParameter.NewEmail.Format", 400)


@pytest.mark.parametrize("version, base", [
    (IMS, {"UserPrincipalName": upn("quin"), "DisplayName": "Quin"}),
    (RAM, {"UserName": "quin"}),
])
@pytest.mark.parametrize("field, code", [
    ("Comments", "InvalidParameter.Comments.Length"),
    ("Email", "InvalidParameter.Email.Format"),
    ("MobilePhone", "InvalidParameter.MobilePhone.Format"),
])
def test_create_user_refuses_an_empty_value_that_is_sent(backend, version, base, field, code):
    assert fault_of(backend, version, "CreateUser", **dict(base, **{field: ""})) == (code, 400)
    assert fault_of(backend, IMS, "GetUser", UserPrincipalName=upn("quin")) == ("EntityNotExist.User", 404)


def test_group_comments_follow_each_versions_limits(backend):
    call(backend, IMS, "CreateGroup", GroupName="g1", Comments="")
    call(backend, RAM, "CreateGroup", GroupName="g2", Comments="")
    call(backend, IMS, "UpdateGroup", GroupName="g1", NewComments="")
    assert fault_of(backend, RAM, "UpdateGroup", GroupName="g2", NewComments="") == \
        ("InvalidParameter.NewComments.Length", 400)


def test_a_verified_domain_alias_names_the_same_user():
    backend = RamBackend(domain_aliases=["corp.example.com"], clock=lambda: 1700000000.0)
    create(backend, "alice")
    answer = call(backend, IMS, "GetUser", UserPrincipalName="alice@corp.example.com")
    assert answer["User"]["UserPrincipalName"] == upn("alice")
    # a domain that is neither the default nor an alias names no user
    assert fault_of(backend, IMS, "GetUser", UserPrincipalName="alice@other.example.com") == ("EntityNotExist.User", 404)
