#!/usr/bin/env bash
# Create .venv-peer: Alibaba's published Ansible modules (ansible-alicloud + footmark) for the side-by-side bench.
#   tests/bench/peer/setup_peer.sh [VENV_DIR]      (default: .venv-peer at the repository root)
# Needs a Python 3.11 (found like the oldest toolchain: .ci/find-python oldest) and access to PyPI.
# The only addition to that venv is redirect_endpoint.py + a .pth line: with RAM_PEER_ENDPOINT set,
# RAM/STS requests go to that host and protocol (see redirect_endpoint.py). The modules are not modified.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
venv=${1:-$repo/.venv-peer}
stamp=$venv/.peer-stamp
want_stamp=$(cat "$here/requirements-peer.txt" "$here/redirect_endpoint.py" | sha256sum | cut -c1-16)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] && [ -x "$venv/bin/ansible-playbook" ]; then
    exit 0
fi

python=$("$repo/.ci/find-python" oldest)
if [ -z "$python" ]; then
    echo "No Python 3.11 found for the peer venv" >&2
    exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
    echo "==> Creating $venv with $python"
    "$python" -m venv "$venv"
fi
echo "==> Installing the peer (ansible-alicloud, footmark) into $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements-peer.txt"

site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cp "$here/redirect_endpoint.py" "$site/ram_peer_redirect_endpoint.py"
echo "import ram_peer_redirect_endpoint; ram_peer_redirect_endpoint.install()" > "$site/ram_peer_redirect_endpoint.pth"
# The modules ship as an old-style tree inside the ansible package; ANSIBLE_LIBRARY points here.
if [ ! -f "$site/ansible/modules/cloud/alicloud/ali_ram_user.py" ]; then
    echo "ali_ram_user.py not found under $site/ansible/modules/cloud/alicloud" >&2
    exit 1
fi
echo "$want_stamp" > "$stamp"
echo "==> Peer ready: $venv (modules in $site/ansible/modules/cloud/alicloud)"
