# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS: the emulator serves HTTPS with a self-signed certificate made here with the openssl CLI.

The modules must refuse it by default, accept it with ca_bundle, and accept it with validate_certs=false
only with a warning. The refused call must not reach the API at all.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess

import pytest

from conftest import keep_output, playrun

PLAYBOOK = """---
- name: TLS verification
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Default settings against a self-signed certificate
      aliyun.ram.ram_user_info:
        name_prefix: tls
      register: tls_default
      ignore_errors: true

    - name: With the certificate as CA bundle
      aliyun.ram.ram_group:
        name: tls-group
      register: tls_ca_bundle
      module_defaults:
        group/aliyun.ram.ram:
          ca_bundle: "{{ tls_ca_file }}"

    - name: A write with the CA bundle as a module option
      aliyun.ram.ram_user:
        name: tlsuser
        ca_bundle: "{{ tls_ca_file }}"
      register: tls_ca_write

    - name: Without verification
      aliyun.ram.ram_user_info:
        name: tlsuser
        validate_certs: false
      register: tls_unverified

    - name: Write the results
      ansible.builtin.copy:
        content: "{{ {'default': tls_default, 'ca_bundle': tls_ca_bundle, 'ca_write': tls_ca_write,
                      'unverified': tls_unverified} | to_nice_json }}"
        dest: "{{ tls_results_file }}"
        mode: "0600"
"""


def make_certificate(directory):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


@pytest.fixture(scope="module")
def tls_run(emulators, workdir):
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    cert, key = make_certificate(workdir)
    emulator = emulators(["--certfile", cert, "--keyfile", key])
    assert emulator.url.startswith("https://127.0.0.1:")
    results_file = os.path.join(workdir, "tls-results.json")
    extra = playrun.write_json(os.path.join(workdir, "tls-vars.json"),
                               {"tls_ca_file": cert, "tls_results_file": results_file})
    playbook = playrun.write(os.path.join(workdir, "tls.yml"), PLAYBOOK)
    run = playrun.run_playbook(playbook, playrun.environment(emulator.url, workdir), extra, verbosity=1)
    log_name = keep_output("tls", run)
    assert run.returncode == 0, "TLS playbook failed; see %s\n%s" % (log_name, run.tail())
    with open(results_file, encoding="utf-8") as handle:
        return json.load(handle), emulator.log_entries()


def test_self_signed_certificate_is_refused_by_default(tls_run):
    results, entries = tls_run
    refused = results["default"]
    assert refused["failed"] is True
    assert refused["error"]["code"] == "SSLError", refused
    # nothing got through: the first request the emulator saw is the CA-bundle task's
    assert entries and entries[0]["action"] != "ListUsers"


def test_refusal_message_names_certificate_verification(tls_run):
    results, _entries = tls_run
    message = results["default"]["msg"].lower()
    assert "certificate" in message and "verif" in message and "ca_bundle" in message, message


def test_ca_bundle_makes_it_trusted_without_warning(tls_run):
    results, _entries = tls_run
    for name in ("ca_bundle", "ca_write"):
        assert results[name]["changed"] is True and not results[name].get("failed")
        assert not results[name].get("warnings"), results[name].get("warnings")


def test_validate_certs_false_works_and_warns(tls_run):
    results, _entries = tls_run
    unverified = results["unverified"]
    assert not unverified.get("failed")
    assert unverified["users"][0]["user_name"] == "tlsuser"
    assert any("validate_certs" in warning for warning in unverified.get("warnings", [])), unverified.get("warnings")
