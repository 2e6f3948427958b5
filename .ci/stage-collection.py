"""Prepare an ansible-test run without network access beyond PyPI.

1. Copy the collection (tracked files plus untracked files git does not ignore) into
   DEST/ansible_collections/aliyun/ram, fresh each time: ansible-test needs that path layout.
2. Write the pip bootstrap stand-in ansible-test looks for in ~/.ansible/test/cache/get_pip_<ver>.py.
   ansible-test normally downloads get-pip.py from a host we cannot reach; running ensurepip and then
   `pip install <args>` does the same job. --no-setuptools/--no-wheel are get-pip options pip lacks.

Usage: python .ci/stage-collection.py REPO_ROOT DEST   (run with the venv that holds ansible-test)
"""

import os
import re
import shutil
import subprocess
import sys

STANDIN = '''"""Stand-in for get-pip.py written by the aliyun.ram Makefile (no download needed)."""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
'''


def stage(repo, dest):
    target = os.path.join(dest, "ansible_collections", "aliyun", "ram")
    shutil.rmtree(target, ignore_errors=True)
    listing = subprocess.run(
        ["git", "ls-files", "-z", "-co", "--exclude-standard"],
        cwd=repo, check=True, stdout=subprocess.PIPE,
    ).stdout.decode("utf-8")
    copied = 0
    for rel in sorted(set(filter(None, listing.split("\0")))):
        src = os.path.join(repo, rel)
        if not os.path.isfile(src) and not os.path.islink(src):
            continue  # deleted in the work tree but still in the index
        dst = os.path.join(target, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst, follow_symlinks=False)
        copied += 1
    # The copy lives under the repository's ignored .build/; without a repository of its own, ansible-test
    # would ask the outer one, which ignores every file here, and skip all targets.
    subprocess.run(["git", "init", "-q", target], check=True)
    print("Staged %d files in %s" % (copied, target))
    return target


def pip_version_wanted():
    import ansible_test
    source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(source, encoding="utf-8") as handle:
        match = re.search(r"pip='([0-9.]+)'", handle.read())
    if not match:
        sys.exit("cannot find the pip version ansible-test wants in %s" % source)
    return match.group(1)


def write_standin():
    version = pip_version_wanted()
    path = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % version.replace(".", "_"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    existing = None
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            existing = handle.read()
    if existing != STANDIN:
        if existing is not None and "aliyun.ram" not in existing:
            print("Keeping the real get-pip script already at %s" % path)
            return
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(STANDIN)
    print("pip %s bootstrap stand-in: %s" % (version, path))


def main():
    repo, dest = sys.argv[1], sys.argv[2]
    stage(repo, dest)
    write_standin()


if __name__ == "__main__":
    main()
