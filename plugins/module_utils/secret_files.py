# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secret files at rest: one writer and one reader for every secret the collection keeps on disk.

Generated initial passwords (and, later, AccessKey secrets) are written to a
directory the user names. Another local user must not be able to read them,
replace them, or plant a file whose text then becomes someone's password. So:

* the directory is opened once and every file is reached through that open
  directory (``dir_fd``), never by a path that could be swapped for a symlink;
* the directory must be a real directory owned by the user running the module,
  with no permission for group or others (mode 0700); one created here is;
* a file is created with ``O_CREAT | O_EXCL | O_NOFOLLOW``, mode 0600, so an
  existing file (or symlink) is never written through;
* a file is trusted (read) only if it is a regular file, not a symlink, owned
  by the user running the module, with mode 0600.

Anything else is refused with :class:`~errors.ValidationError` naming the
path and the rule, before the caller writes anything to the API.
"""

from __future__ import annotations

import errno
import os
import stat

from ansible_collections.aliyun.ram.plugins.module_utils.errors import ValidationError

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class UntrustedFileError(ValidationError):
    """A secret file exists but fails a trust rule; ``path`` names it."""

    def __init__(self, option: str, path: str, rule: str) -> None:
        self.path = path
        super(UntrustedFileError, self).__init__(option, "%s %s" % (path, rule))


def _owner_rule(info, what):
    """The broken rule for a file or directory we are about to trust, or None."""
    if info.st_uid != os.geteuid():
        return "is owned by uid %d, not by the user running the module (uid %d)" % (info.st_uid, os.geteuid())
    if stat.S_IMODE(info.st_mode) & 0o077:
        return "has mode %04o; a %s holding secrets must be accessible by its owner only (%04o)" % (
            stat.S_IMODE(info.st_mode), what, DIRECTORY_MODE if what == "directory" else FILE_MODE)
    return None


class SecretDirectory:
    """An owner-only directory of secret files; see the module docstring for the rules.

    ``option`` is the module option that named the directory; every error names it.
    Use :meth:`check` in check mode (it creates nothing) and :meth:`open` before writing.
    """

    def __init__(self, path: str, option: str) -> None:
        if not isinstance(path, str) or not path.strip():
            raise ValidationError(option, "must be a directory path, not an empty string")
        self.option = option
        self.path = os.path.abspath(os.path.expanduser(path))
        self._fd: int | None = None
        # opened with create=False and not there: it holds nothing
        self._missing = False

    # -- the directory ---------------------------------------------------------------

    def _refuse(self, rule):
        raise ValidationError(self.option, "%s %s" % (self.path, rule))

    def _check_directory(self, info):
        if not stat.S_ISDIR(info.st_mode):
            self._refuse("exists and is not a directory")
        rule = _owner_rule(info, "directory")
        if rule:
            self._refuse(rule + "; fix it (chmod 700) or choose another directory")

    def check(self) -> SecretDirectory:
        """Check mode: open an existing directory read-only and check it; a missing one would be created."""
        return self.open(create=False)

    def open(self, create: bool = True) -> SecretDirectory:
        """Open the directory and check it, creating it (0700) first when ``create``; idempotent.

        With ``create=False`` a missing directory is not an error: it holds no file, and reads find nothing.
        """
        if self._fd is not None:
            return self
        if create:
            try:
                os.makedirs(self.path, DIRECTORY_MODE)
            except OSError as exc:
                if exc.errno != errno.EEXIST:
                    self._refuse("cannot be created (%s)" % exc.strerror)
        elif not os.path.lexists(self.path):
            self._missing = True
            return self
        try:
            descriptor = os.open(self.path, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        except OSError as exc:
            if exc.errno == errno.ENOTDIR:
                self._refuse("exists and is not a directory")
            self._refuse("cannot be opened (%s)" % exc.strerror)
        try:
            self._check_directory(os.fstat(descriptor))
        except ValidationError:
            os.close(descriptor)
            raise
        self._fd = descriptor
        return self

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def path_of(self, name: str) -> str:
        return os.path.join(self.path, name)

    def _need_open(self):
        """True when the directory is open; False when it is known to be missing (check mode)."""
        if self._fd is None and not self._missing:
            raise RuntimeError("SecretDirectory.open() must be called first")
        return self._fd is not None

    # -- files ------------------------------------------------------------------------

    def create(self, name: str, text: str) -> str:
        """Write ``text`` to a new file ``name`` (0600); an existing file or link of that name is refused."""
        if not self._need_open():
            raise RuntimeError("the directory was opened without create=True")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
        try:
            descriptor = os.open(name, flags, FILE_MODE, dir_fd=self._fd)
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                raise UntrustedFileError(self.option, self.path_of(name), "already exists; it is never overwritten")
            raise
        try:
            # the umask may have taken bits away, never added any; make the mode exact
            os.fchmod(descriptor, FILE_MODE)
            data = text.encode("utf-8")
            while data:
                data = data[os.write(descriptor, data):]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        return self.path_of(name)

    def exists(self, name: str) -> bool:
        """True when anything (a file, a link, ...) called ``name`` is in the directory."""
        return self.mtime(name) is not None

    def read(self, name: str) -> str | None:
        """The text of file ``name``, or None when there is none; a file that breaks a trust rule raises."""
        if not self._need_open():
            return None
        try:
            descriptor = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC, dir_fd=self._fd)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return None
            if exc.errno == errno.ELOOP:
                raise UntrustedFileError(self.option, self.path_of(name), "is a symbolic link; it is not trusted, remove it")
            raise UntrustedFileError(self.option, self.path_of(name), "cannot be read (%s)" % exc.strerror)
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise UntrustedFileError(self.option, self.path_of(name), "is not a regular file; it is not trusted, remove it")
            rule = _owner_rule(info, "file")
            if rule:
                raise UntrustedFileError(self.option, self.path_of(name), rule + "; it is not trusted, remove it")
            chunks = []
            while True:
                chunk = os.read(descriptor, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(descriptor)
        try:
            return b"".join(chunks).decode("utf-8")
        except UnicodeDecodeError:
            raise UntrustedFileError(self.option, self.path_of(name), "is not UTF-8 text; it is not trusted, remove it")

    def mtime(self, name: str) -> float | None:
        """The modification time of file ``name`` (seconds since the epoch), or None."""
        if not self._need_open():
            return None
        try:
            return os.stat(name, dir_fd=self._fd, follow_symlinks=False).st_mtime
        except OSError:
            return None

    def rename(self, source: str, target: str) -> str:
        """Rename ``source`` to ``target`` inside the directory (replacing ``target``); returns the new path."""
        if not self._need_open():
            raise RuntimeError("the directory was opened without create=True")
        os.replace(source, target, src_dir_fd=self._fd, dst_dir_fd=self._fd)
        return self.path_of(target)

    def remove(self, name: str) -> None:
        """Remove file ``name`` if it is there."""
        if not self._need_open():
            return
        try:
            os.unlink(name, dir_fd=self._fd)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise


PASSWORD_SUFFIX = ".password"
# Written just before CreateLoginProfile and renamed after it, so an interrupted run never leaves a
# console login whose password nobody has: the next run reuses or restores the pending file.
PENDING_SUFFIX = ".pending"


class _Vault:
    """A kind of secret file in one :class:`SecretDirectory`, named after the module option that chose it."""

    def __init__(self, directory: str, option: str) -> None:
        self.files = SecretDirectory(directory, option)

    @property
    def directory(self) -> str:
        return self.files.path

    def check(self) -> None:
        """Check mode: check an existing directory, create nothing."""
        self.files.check()

    def prepare(self) -> None:
        """Before a write: open (creating it if needed) and check the directory."""
        self.files.open()

    def close(self) -> None:
        self.files.close()


class PasswordVault(_Vault):
    """Generated initial passwords: ``<directory>/<upn>.password`` and its ``.pending`` twin, in a :class:`SecretDirectory`."""

    def __init__(self, directory: str, option: str = "password_dir") -> None:
        super(PasswordVault, self).__init__(directory, option)

    @staticmethod
    def name_for(upn: str) -> str:
        return upn + PASSWORD_SUFFIX

    @classmethod
    def pending_name_for(cls, upn: str) -> str:
        return cls.name_for(upn) + PENDING_SUFFIX

    def path_for(self, upn: str) -> str:
        return self.files.path_of(self.name_for(upn))

    def pending_path_for(self, upn: str) -> str:
        return self.files.path_of(self.pending_name_for(upn))

    def has_password_file(self, upn: str) -> bool:
        return self.files.exists(self.name_for(upn))

    def read_pending(self, upn: str) -> str | None:
        """The password an interrupted run wrote just before CreateLoginProfile, or None; an untrusted file raises."""
        text = self.files.read(self.pending_name_for(upn))
        return (text or "").strip() or None

    def pending_written_at(self, upn: str) -> float | None:
        """When the pending file was written (seconds since the epoch), or None when there is none."""
        return self.files.mtime(self.pending_name_for(upn))

    def write_pending(self, upn: str, password: str) -> str:
        """Before CreateLoginProfile: keep the password where a crash cannot lose it (a new file, 0600)."""
        return self.files.create(self.pending_name_for(upn), password + "\n")

    def discard_pending(self, upn: str) -> None:
        self.files.remove(self.pending_name_for(upn))

    def promote(self, upn: str) -> str:
        """After CreateLoginProfile: the pending file becomes the password file."""
        return self.files.rename(self.pending_name_for(upn), self.name_for(upn))


ACCESS_KEY_SUFFIX = ".credentials"
# Written just before CreateAccessKey and removed once the new secret is delivered. It names the keys the user had
# before, so the next run can tell a key whose secret an interrupted run never delivered. It holds no secret.
ACCESS_KEY_PENDING_SUFFIX = ".accesskey.pending"


def credentials_file_text(access_key_id: str, secret: str) -> str:
    """The INI credentials file of Alibaba's tools (``ALIBABA_CLOUD_CREDENTIALS_FILE``): usable as it is."""
    return "[default]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n" % (access_key_id, secret)


class KeyVault(_Vault):
    """New AccessKey secrets: ``<directory>/<upn>.<access key id>.credentials``, plus the pending marker of a create."""

    def __init__(self, directory: str, option: str = "secret_dir") -> None:
        super(KeyVault, self).__init__(directory, option)

    @staticmethod
    def name_for(upn: str, access_key_id: str) -> str:
        return "%s.%s%s" % (upn, access_key_id, ACCESS_KEY_SUFFIX)

    @staticmethod
    def pending_name_for(upn: str) -> str:
        return upn + ACCESS_KEY_PENDING_SUFFIX

    def has_secret_file(self, upn: str, access_key_id: str) -> bool:
        return self.files.exists(self.name_for(upn, access_key_id))

    def pending_keys_before(self, upn: str) -> list[str] | None:
        """The key IDs the user had when an interrupted create began, or None when no create is pending."""
        text = self.files.read(self.pending_name_for(upn))
        if text is None:
            return None
        return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]

    def begin_create(self, upn: str, existing_ids: list[str]) -> None:
        """Before CreateAccessKey: remember which keys existed (replacing the marker of an earlier attempt)."""
        self.files.remove(self.pending_name_for(upn))
        self.files.create(self.pending_name_for(upn), "# keys of %s before CreateAccessKey\n%s" % (
            upn, "".join(key_id + "\n" for key_id in existing_ids)))

    def end_create(self, upn: str) -> None:
        self.files.remove(self.pending_name_for(upn))

    def write_secret(self, upn: str, access_key_id: str, secret: str) -> str:
        return self.files.create(self.name_for(upn, access_key_id), credentials_file_text(access_key_id, secret))
