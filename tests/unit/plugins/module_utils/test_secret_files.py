# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one writer and reader of secret files: each test is an attack a local user or a careless admin could try."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest

from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError
from ansible_collections.aliyun.ram.plugins.module_utils.secret_files import (
    PasswordVault,
    SecretDirectory,
    UntrustedFileError,
)


def mode_of(path):
    return stat.S_IMODE(os.lstat(str(path)).st_mode)


@pytest.fixture
def loose_umask():
    old = os.umask(0)
    yield
    os.umask(old)


def test_a_missing_directory_is_created_owner_only_even_with_a_loose_umask(tmp_path, loose_umask):
    files = SecretDirectory(str(tmp_path / "a" / "b"), "password_dir").open()
    path = files.create("x.password", "S3cret-value\n")
    assert mode_of(tmp_path / "a" / "b") == 0o700
    assert mode_of(path) == 0o600
    with open(path) as handle:
        assert handle.read() == "S3cret-value\n"
    files.close()


def test_check_creates_nothing_and_reads_nothing_from_a_missing_directory(tmp_path):
    files = SecretDirectory(str(tmp_path / "missing"), "password_dir").check()
    assert files.read("x") is None and files.exists("x") is False
    assert not os.path.exists(str(tmp_path / "missing"))


def test_an_existing_file_is_never_written_through(tmp_path):
    files = SecretDirectory(str(tmp_path / "d"), "password_dir").open()
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    os.symlink(str(victim), str(tmp_path / "d" / "link"))
    (tmp_path / "d" / "plain").write_text("attacker's")
    for name in ("link", "plain"):
        with pytest.raises(UntrustedFileError) as info:
            files.create(name, "S3cret-value")
        assert "already exists" in str(info.value) and info.value.option == "password_dir"
    assert victim.read_text() == "keep me"
    assert (tmp_path / "d" / "plain").read_text() == "attacker's"
    files.close()


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o750, 0o705, 0o701])
def test_a_directory_others_can_use_is_refused_by_open_and_check(tmp_path, mode):
    directory = tmp_path / "d"
    directory.mkdir()
    os.chmod(str(directory), mode)
    for use in ("open", "check"):
        with pytest.raises(ValidationError) as info:
            getattr(SecretDirectory(str(directory), "password_dir"), use)()
        assert str(directory) in str(info.value) and "%04o" % mode in str(info.value)
    assert mode_of(directory) == mode


def test_a_directory_of_another_user_is_refused(tmp_path, monkeypatch):
    directory = tmp_path / "d"
    directory.mkdir(mode=0o700)
    real = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: real + 1)
    with pytest.raises(ValidationError) as info:
        SecretDirectory(str(directory), "password_dir").open()
    assert "is owned by uid %d, not by the user running the module (uid %d)" % (real, real + 1) in str(info.value)


def test_a_path_that_is_a_file_is_refused(tmp_path):
    blocker = tmp_path / "f"
    blocker.write_text("x")
    for use in ("open", "check"):
        with pytest.raises(ValidationError) as info:
            getattr(SecretDirectory(str(blocker), "password_dir"), use)()
        assert "is not a directory" in str(info.value)


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_path_is_refused(value):
    with pytest.raises(ValidationError) as info:
        SecretDirectory(value, "password_dir")
    assert str(info.value) == "password_dir: must be a directory path, not an empty string"


def test_read_trusts_only_a_regular_owner_only_file(tmp_path):
    files = SecretDirectory(str(tmp_path / "d"), "password_dir").open()
    files.create("good", "S3cret-value\n")
    assert files.read("good") == "S3cret-value\n"
    assert files.read("absent") is None
    loose = tmp_path / "d" / "loose"
    loose.write_text("x")
    os.chmod(str(loose), 0o644)
    os.mkdir(str(tmp_path / "d" / "adir"), 0o700)
    os.symlink(str(tmp_path / "d" / "good"), str(tmp_path / "d" / "link"))
    for name, rule in (("loose", "has mode 0644"), ("adir", "not a regular file"), ("link", "symbolic link")):
        with pytest.raises(UntrustedFileError) as info:
            files.read(name)
        assert rule in str(info.value) and info.value.path == str(tmp_path / "d" / name)
    files.close()


def test_the_vault_keeps_pending_and_final_files_apart(tmp_path):
    vault = PasswordVault(str(tmp_path / "pw"))
    vault.prepare()
    upn = "alice@corp.onaliyun.com"
    assert vault.read_pending(upn) is None and vault.pending_written_at(upn) is None
    vault.write_pending(upn, "S3cret-value")
    assert vault.read_pending(upn) == "S3cret-value"
    assert vault.pending_written_at(upn) is not None
    assert vault.promote(upn) == str(tmp_path / "pw" / (upn + ".password"))
    assert vault.has_password_file(upn) and vault.read_pending(upn) is None
    vault.discard_pending(upn)  # nothing there: no error
    vault.close()
