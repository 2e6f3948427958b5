# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""transport.py: what a caller sees of endpoints, errors, retries and scrubbed messages, against the mutants
``make mutation`` found alive (docs/mutation.md).

The HTTP session is a stub that answers from a list (no socket, no sleep): these tests look at what the transport
makes of an answer, not at the wire, which test_transport.py covers with a real server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from ansible_collections.aliyun.ram.plugins.module_utils import transport as t
from ansible_collections.aliyun.ram.plugins.module_utils.credentials import Credentials
from ansible_collections.aliyun.ram.plugins.module_utils.errors import CredentialError, RamApiError, ValidationError

SECRET = "very-secret-value-123"


class Clock:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Answer:
    def __init__(self, status=200, body=None, headers=None, raw=None):
        self.status_code = status
        self._text = raw if raw is not None else json.dumps({"RequestId": "R"} if body is None else body)
        self.headers = CaseInsensitiveDict(headers or {})

    def json(self):
        return json.loads(self._text)


class Session:
    """Answers (or raises) from ``script`` in order; the last entry repeats."""

    def __init__(self, script):
        self.script = list(script)
        self.posts = []

    def post(self, url, **kwargs):
        self.posts.append((url, kwargs))
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, BaseException):
            raise step
        return step

    def close(self):
        pass


class Top:
    def uniform(self, low, high):
        return high


def transport(script, credentials=None, clock=None, **kwargs):
    clock = clock or Clock()
    kwargs.setdefault("retry", t.RetryPolicy(max_attempts=3, timeout=60))
    made = t.Transport(credentials or Credentials("LTAI-id", SECRET, source="test"), environ={}, sleep=clock.sleep,
                       clock=clock, random=Top(), **kwargs)
    made.session = Session(script)
    return made


def api_error(code=None, status=400, message=None, headers=None, **body):
    if code is not None:
        body["Code"] = code
    if message is not None:
        body["Message"] = message
    return Answer(status, dict(body, RequestId=body.get("RequestId", "REQ")), headers)


def failure(script, action="GetUser", **kwargs):
    with pytest.raises(RamApiError) as info:
        transport(script, **kwargs).call("ims", action, {"UserPrincipalName": "a@x"})
    return info.value


# ---------------------------------------------------------------- endpoints


@pytest.mark.parametrize("value, message", [
    (None, "ims_endpoint: must be a host name, host:port or http(s)://host[:port]"),
    ("  ", "ims_endpoint: must be a host name, host:port or http(s)://host[:port]"),
    ("ftp://h", "ims_endpoint: scheme must be https or http, not ftp"),
    ("h/x", "ims_endpoint: must be a host name, host:port or http(s)://host[:port] with no path or query"),
    ("h:0", "ims_endpoint: port must be between 1 and 65535"),
    ("h:65536", "ims_endpoint: port must be between 1 and 65535"),
])
def test_endpoint_refusals(value, message):
    with pytest.raises(ValidationError) as info:
        t.parse_endpoint(value, "ims_endpoint")
    assert str(info.value) == message


def test_endpoint_forms():
    assert t.parse_endpoint(" HTTP://Host:1/ ") == ("http", "Host:1")
    assert t.parse_endpoint("h:65535") == ("https", "h:65535")
    assert t.parse_endpoint("h") == ("https", "h")
    with pytest.raises(ValidationError) as info:
        t.parse_endpoint("h//")
    assert info.value.option == "endpoint"


@pytest.mark.parametrize("host, loopback", [
    ("localhost", True), ("LocalHost:8080", True), ("127.0.0.1", True), ("127.9.9.9:1", True),
    ("128.0.0.1", False), ("example.com", False), ("example.com:80", False), ("localhost.example", False),
])
def test_loopback_hosts(host, loopback):
    assert t.is_loopback(host) is loopback


def test_endpoint_choices_say_where_each_value_came_from():
    choices = t.endpoint_choices({"ims": "http://127.0.0.1:1", "ram": None},
                                 {"ALIBABA_CLOUD_RAM_ENDPOINT": "ram.example", "ALIBABA_CLOUD_STS_ENDPOINT": ""})
    assert choices == {"ims": ("ims_endpoint", "http", "127.0.0.1:1"),
                       "ram": ("ALIBABA_CLOUD_RAM_ENDPOINT", "https", "ram.example"),
                       "sts": (None, "https", "sts.aliyuncs.com")}
    assert t.plain_http_endpoints(choices) == []
    assert t.plain_http_endpoints({"ims": ("ims_endpoint", "http", "10.0.0.1"), "ram": (None, "https", "r")}) == \
        [("ims_endpoint", "10.0.0.1")]


def test_plain_http_to_another_host_says_why():
    with pytest.raises(ValidationError) as info:
        t.resolve_endpoints({"ram": "http://ram.example"}, {})
    assert str(info.value) == ("ram_endpoint: http:// to ram.example would send every request, passwords included, "
                               "unencrypted; use https://, or set allow_insecure_http: true to accept that")
    assert t.resolve_endpoints({"ram": "http://ram.example"}, {}, allow_insecure_http=True)["ram"] == ("http", "ram.example")


def test_encode_params_shapes_and_the_bug_it_refuses():
    assert t.encode_params({"F": 1.5, "B": False, "N": None}) == {"F": "1.5", "B": "false"}
    assert t.encode_params(None) == {}
    with pytest.raises(TypeError) as info:
        t.encode_params({"Tags": {"a": 1}})
    assert str(info.value) == "parameter Tags must be a scalar, not dict"


# ---------------------------------------------------------------- scrub


@pytest.mark.parametrize("form", [
    "p%40ss+w%C3%B6rd%2F", "p%40ss%20w%C3%B6rd%2F", "p%40ss+w%c3%b6rd%2f", "p%2540ss%2Bw%25C3%25B6rd%252F",
    "p@ss w\\u00f6rd\\/", "p@ss w\\u00F6rd/",
])
def test_scrub_cuts_encoded_forms_and_keeps_the_rest(form):
    assert t.scrub("bad value %s here" % form, ["p@ss wörd/"]) == "bad value *** here"


@pytest.mark.parametrize("form", ["it&#x27;s&quot;", "it&#39;s&#34;", "it&apos;s&quot;", "it's\\\""])
def test_scrub_knows_the_quote_spellings(form):
    assert t.scrub("[%s]" % form, ["it's\""]) == "[***]"


def test_scrub_withholds_what_it_cannot_cut_and_leaves_other_text_alone():
    # letters percent-encoded (no encoder does that) and a character as an HTML number: no listed form, so withheld
    assert t.scrub("x=%70%61ss-w0rd", ["pass-w0rd"]) == t.WITHHELD_MESSAGE
    assert t.scrub("p@ss w&#246;rd/", ["p@ss wörd/"]) == t.WITHHELD_MESSAGE
    assert t.scrub("nothing secret", ["pass-w0rd", None, ""]) == "nothing secret"
    assert t.scrub("pass-w0rd", []) == "pass-w0rd"
    assert t.scrub(None, ["pass-w0rd"]) is None
    assert t.scrub("id 12345", [12345]) == "id ***"
    assert t.WITHHELD_MESSAGE == "(the server's message is not shown: it quoted a secret value of the request)"


def test_a_secret_hidden_three_decodings_deep_withholds_the_message():
    # JSON-escaped, then HTML-escaped, then percent-encoded: no listed form, three layers to undo
    text = "msg %5Cu0073ecret-1"
    assert t.scrub(text, ["secret-1"]) == t.WITHHELD_MESSAGE


def test_secret_forms_are_longest_first_and_skip_empty_values():
    forms = t.secret_forms(["a b", None, ""])
    assert forms[-1] == "a b" or len(forms[-1]) <= len(forms[0])
    assert [len(f) for f in forms] == sorted((len(f) for f in forms), reverse=True)
    assert "a+b" in forms and "a%20b" in forms and "a%2520b" in forms and "a%2Bb" in forms


def test_user_agent_names_the_collection_python_and_requests():
    agent = t.default_user_agent()
    assert agent.startswith("aliyun.ram/") and "(python/" in agent and agent.endswith("; requests/%s)" % requests.__version__)


# ---------------------------------------------------------------- retry policy and backoff


def test_jitter_bound_doubles_from_the_base_delay():
    policy = t.RetryPolicy(base_delay=0.5, max_delay=20.0)
    assert [policy.jitter_delay(n, Top()) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0]
    assert t.RetryPolicy(max_attempts=1).attempts_left(0) and not t.RetryPolicy(max_attempts=1).attempts_left(1)
    assert t.RetryPolicy(timeout=1).timeout == 1 and t.RetryPolicy(timeout=3600).timeout == 3600
    assert t.RetryPolicy(timeout=1.5).timeout == 1.5


def test_backoff_waits_out_a_pushed_pause_unless_it_outlasts_the_limit():
    clock = Clock()
    backoff = t.Backoff(clock=clock, sleep=clock.sleep)
    assert backoff.wait() == 0.0 and backoff.remaining() == 0.0
    backoff.push(3)
    backoff.push(1)
    assert backoff.remaining() == 3
    assert backoff.wait(within=2.5) is None and clock.sleeps == []
    assert backoff.wait(within=3) == 3 and clock.sleeps == [3]
    assert backoff.remaining() == 0.0


def test_fixed_credentials_are_handed_out_as_they_are():
    creds = Credentials("id", "secret", source="x")
    fixed = t.FixedCredentials(creds)
    fixed.invalidate()
    assert fixed.get() is creds


# ---------------------------------------------------------------- answers and errors


def test_a_successful_answer_and_the_stats():
    made = transport([Answer(body={"RequestId": "R", "User": {}})])
    assert made.call("ims", "GetUser", {"UserPrincipalName": "a@x", "Skip": None}) == {"RequestId": "R", "User": {}}
    url, kwargs = made.session.posts[0]
    assert url.startswith("https://ims.aliyuncs.com/?") and "UserPrincipalName=a%40x" in url and "Skip" not in url
    assert kwargs["data"] == b"" and kwargs["allow_redirects"] is False and kwargs["timeout"] == 30
    assert kwargs["verify"] is True and kwargs["headers"]["x-acs-action"] == "GetUser"
    assert made.stats_snapshot() == {"calls": 1, "attempts": 1, "retries": 0, "throttled": 0, "longest_wait": 0.0}
    made.close()


def test_a_call_without_params_has_no_query():
    made = transport([Answer()])
    made.call("sts", "GetCallerIdentity")
    assert made.session.posts[0][0] == "https://sts.aliyuncs.com/"


def test_an_unknown_product_names_it():
    with pytest.raises(ValueError) as info:
        transport([Answer()]).call("ecs", "DescribeInstances")
    assert str(info.value) == "unknown product 'ecs'"


@pytest.mark.parametrize("answer, code, message, request_id", [
    (Answer(404, raw="not json"), "HTTP404", "HTTP 404 without an error body", None),
    (Answer(200, raw="[1]"), "InvalidResponse", "the answer was not a JSON object", None),
    (Answer(403, {"code": "NoPermission", "message": "denied", "requestId": "r-1"}), "NoPermission", "denied", "r-1"),
    (Answer(403, {"Code": "", "Message": "", "RequestId": "R-2"}), "HTTP403", "HTTP 403 without an error body", "R-2"),
])
def test_error_answers_become_ram_api_errors(answer, code, message, request_id):
    error = failure([answer])
    assert (error.code, error.message, error.request_id, error.http_status, error.action) == \
        (code, message, request_id, answer.status_code, "GetUser")
    assert error.retried is False


def test_an_error_message_never_shows_the_secrets_of_the_call():
    made = transport([api_error("InvalidParameter", 400, message="bad Password=Pa55-word! for " + SECRET,
                                Recommend="see Pa55-word!")])
    with pytest.raises(RamApiError) as info:
        made.call("ims", "CreateLoginProfile", {"UserPrincipalName": "a@x", "Password": "Pa55-word!"})
    assert info.value.message == "bad Password=*** for ***" and info.value.recommend == "see ***"


def test_server_errors_are_retried_and_the_last_one_raised():
    clock = Clock()
    error = failure([api_error("InternalError", 500), api_error("InternalError", 502), api_error("Nope", 503)], clock=clock)
    assert error.code == "Nope" and error.retried is True
    assert clock.sleeps == [0.5, 1.0]


@pytest.mark.parametrize("code", ["ServiceUnavailable", "InternalError", "UnknownError"])
def test_published_transient_codes_are_retried_even_as_client_errors(code):
    made = transport([api_error(code, 400), Answer()])
    assert made.call("ims", "GetUser") == {"RequestId": "R"}
    assert made.stats_snapshot()["retries"] == 1 and made.stats_snapshot()["throttled"] == 0


def test_throttling_pushes_the_shared_pause_and_counts():
    clock = Clock()
    made = transport([api_error("Throttling.User", 400), Answer()], clock=clock)
    made.call("ims", "GetUser")
    stats = made.stats_snapshot()
    assert (stats["throttled"], stats["retries"], stats["attempts"]) == (1, 1, 2)
    assert clock.sleeps == [0.5] and stats["longest_wait"] == 0.5


def test_a_429_or_a_retry_after_header_is_throttling():
    made = transport([Answer(429, raw=""), api_error("Busy", 400, headers={"x-acs-retry-after": "1500"}), Answer()])
    made.call("ims", "GetUser")
    assert made.stats_snapshot()["throttled"] == 2


def test_a_retry_after_past_the_budget_fails_at_once():
    clock = Clock()
    error = failure([api_error("Throttling", 400, headers={"x-acs-retry-after": "61000"})], clock=clock,
                    retry=t.RetryPolicy(timeout=60))
    assert error.code == "Throttling" and clock.sleeps == []
    clock = Clock()
    made = transport([api_error("Throttling", 400, headers={"x-acs-retry-after": "60000"}), Answer()], clock=clock,
                     retry=t.RetryPolicy(timeout=60))
    made.call("ims", "GetUser")
    assert clock.sleeps == [60.0]


def test_backoff_is_cut_to_end_at_the_budget():
    clock = Clock()
    made = transport([api_error("InternalError", 500), Answer()], clock=clock, retry=t.RetryPolicy(timeout=1, base_delay=5))
    made.call("ims", "GetUser")
    assert clock.sleeps == [1]


def test_an_expired_token_refreshes_the_credentials_once_at_once():
    class Provider:
        def __init__(self):
            self.invalidations = 0

        def get(self):
            return Credentials("STS.id", "s", security_token="tok-%d" % self.invalidations, source="test")

        def invalidate(self):
            self.invalidations += 1
    provider, clock = Provider(), Clock()
    made = transport([api_error("InvalidSecurityToken.Expired", 400), Answer()], credentials=provider, clock=clock)
    made.call("ims", "GetUser")
    assert provider.invalidations == 1 and clock.sleeps == []
    assert [kwargs["headers"]["x-acs-security-token"] for _url, kwargs in made.session.posts] == ["tok-0", "tok-1"]
    error = failure([api_error("InvalidSecurityToken.Expired", 400)], credentials=Provider())
    assert error.code == "InvalidSecurityToken.Expired"


def test_other_client_errors_fail_at_once():
    clock = Clock()
    error = failure([api_error("EntityNotExist.User", 404)], clock=clock)
    assert error.code == "EntityNotExist.User" and clock.sleeps == []


def test_max_attempts_caps_the_retries():
    made = transport([api_error("InternalError", 500)], retry=t.RetryPolicy(max_attempts=2))
    with pytest.raises(RamApiError):
        made.call("ims", "GetUser")
    assert made.stats_snapshot()["attempts"] == 2 and made.stats_snapshot()["retries"] == 1


# ---------------------------------------------------------------- network failures


def test_tls_failures_are_not_retried_and_say_what_to_do():
    error = failure([requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] Certificate Verify Failed")])
    assert error.code == "SSLError" and error.message == (
        "TLS certificate verification failed for ims.aliyuncs.com: its certificate is not trusted; give the CA that "
        "signed it with ca_bundle (or, for testing only, set validate_certs: false)")
    error = failure([requests.exceptions.SSLError("handshake failure")])
    assert error.message == "TLS error talking to ims.aliyuncs.com: SSLError" and error.retried is False


def test_connection_failures_are_retried_and_named():
    made = transport([requests.exceptions.ConnectTimeout("x"), requests.exceptions.ReadTimeout("y"), Answer()])
    made.call("ims", "GetUser")
    assert made.stats_snapshot()["retries"] == 2
    error = failure([requests.exceptions.ConnectTimeout("x")])
    assert (error.code, error.message, error.retried) == ("Timeout", "could not connect to ims.aliyuncs.com (ConnectTimeout)",
                                                          False)
    error = failure([requests.exceptions.ReadTimeout("x")])
    assert (error.code, error.message, error.retried) == ("Timeout", "no answer from ims.aliyuncs.com (ReadTimeout)", True)
    error = failure([requests.exceptions.ConnectionError("reset")])
    assert (error.code, error.message, error.retried) == ("ConnectionError", "no answer from ims.aliyuncs.com (ConnectionError)",
                                                          True)


class NewConnectionError(Exception):
    pass


@pytest.mark.parametrize("cause", [NewConnectionError("dns"), ConnectionRefusedError(111, "refused")])
def test_a_connection_that_was_never_made_is_found_in_the_cause_chain(cause):
    wrapper = Exception("max retries")
    wrapper.reason = cause
    error = requests.exceptions.ConnectionError(wrapper)
    failed = failure([error])
    assert failed.message == "could not connect to ims.aliyuncs.com (ConnectionError)" and failed.retried is False


def test_a_cause_chain_with_a_loop_ends():
    first, second = Exception("a"), Exception("b")
    first.reason, second.reason = second, first
    assert failure([requests.exceptions.ConnectionError(first)]).retried is True
    chained = requests.exceptions.ConnectionError("x")
    chained.__cause__ = ConnectionRefusedError()
    assert failure([chained]).retried is False
    context = requests.exceptions.ConnectionError("x")
    context.__context__ = NewConnectionError("dns")
    assert failure([context]).retried is False
    inner = requests.exceptions.ConnectionError("x", ConnectionRefusedError())
    assert failure([inner]).retried is False


@pytest.mark.parametrize("exc, message", [
    (requests.exceptions.InvalidURL("http://x/?Password=p"), "request to ims.aliyuncs.com failed (InvalidURL)"),
    (ValueError("header value 'tok\\n'"), "request to ims.aliyuncs.com could not be sent (ValueError)"),
    (OSError("no CA file"), "request to ims.aliyuncs.com could not be sent (OSError)"),
])
def test_errors_while_sending_show_their_type_only(exc, message):
    error = failure([exc])
    assert (error.code, error.message, error.action) == ("RequestError", message, "GetUser")


@pytest.mark.parametrize("header, wait", [("250", 0.25), ("0", 0.5), ("-1", 0.5), ("soon", 0.5)])
def test_retry_after_header_values(header, wait):
    clock = Clock()
    made = transport([api_error("Throttling", 400, headers={"x-acs-retry-after": header}), Answer()], clock=clock)
    made.call("ims", "GetUser")
    assert clock.sleeps == [wait]


# ---------------------------------------------------------------- credentials and settings


def test_a_header_credential_that_cannot_be_sent_is_named_not_shown():
    with pytest.raises(CredentialError) as info:
        t.check_header_credentials(Credentials("LTAI id", SECRET, source="env ALIBABA_CLOUD_ACCESS_KEY_ID"))
    assert str(info.value) == ("access_key_id (from env ALIBABA_CLOUD_ACCESS_KEY_ID) holds a character that cannot be "
                               "sent in an HTTP header: only printable ASCII without spaces is allowed. The value is not shown.")
    with pytest.raises(CredentialError) as info:
        t.check_header_credentials(Credentials("LTAI-id", SECRET, security_token="tök", source=None))
    assert str(info.value).startswith("security_token (from the credential chain) holds a character")
    t.check_header_credentials(Credentials("LTAI-id", SECRET, security_token="a+b/=", source="x"))


def test_an_unreadable_ca_bundle_is_named(tmp_path):
    missing = str(tmp_path / "ca.pem")
    with pytest.raises(ValidationError) as info:
        t.check_ca_bundle(missing)
    assert str(info.value) == "ca_bundle: %s is not a readable file (or directory) of CA certificates" % missing
    t.check_ca_bundle(str(tmp_path))


def test_transport_settings():
    made = transport([Answer()], timeout=7, validate_certs=False, user_agent="ua/1", pool_size=3)
    assert made.timeout == 7 and made.verify is False and made.user_agent == "ua/1"
    assert isinstance(made.retry, t.RetryPolicy) and isinstance(made.backoff, t.Backoff)
    made.call("ims", "GetUser")
    assert made.session.posts[0][1]["headers"]["user-agent"] == "ua/1"
    plain = t.Transport(Credentials("id", "s", source="x"), environ={})
    assert plain.retry.timeout == 60 and plain.verify is True and plain.user_agent == t.default_user_agent()
    assert plain.endpoints["ims"] == ("https", "ims.aliyuncs.com")
    adapter = plain.session.get_adapter("https://ims.aliyuncs.com/")
    assert adapter.max_retries.total == 0 and adapter._pool_maxsize == 10
    plain.close()


@pytest.mark.parametrize("name", ["ConnectTimeoutError", "NameResolutionError", "NewConnectionError", "ConnectionRefusedError"])
def test_each_kind_of_connection_that_was_never_made(name):
    cause = type(name, (Exception,), {})("no connection")
    wrapper = Exception("max retries")
    wrapper.reason = cause
    failed = failure([requests.exceptions.ConnectionError(wrapper)])
    assert failed.message == "could not connect to ims.aliyuncs.com (ConnectionError)" and failed.retried is False


def test_a_connection_error_about_something_else_may_have_reached_the_server():
    wrapper = Exception("max retries")
    wrapper.reason = type("ProtocolError", (Exception,), {})("reset by peer")
    failed = failure([requests.exceptions.ConnectionError(wrapper)])
    assert failed.message == "no answer from ims.aliyuncs.com (ConnectionError)" and failed.retried is True


@pytest.mark.parametrize("form", ["p@ss wörd\\/", "p@ss w\\u00f6rd/"])
def test_scrub_knows_json_with_and_without_ascii_escapes(form):
    assert t.scrub("bad value %s here" % form, ["p@ss wörd/"]) == "bad value *** here"


def test_scrub_knows_html_escaping_without_quotes():
    assert t.scrub("x a&amp;'\" y", ["a&'\""]) == "x *** y"


@pytest.mark.parametrize("text, secret", [
    ("x \\u20ac\\u0061", "€a"),   # JSON escapes of characters past U+0FFF, in a spelling no form lists
    ("x a\\n\\u0062", "a\nb"),    # a JSON short escape next to a long one
])
def test_json_escapes_that_no_form_lists_are_decoded_before_the_check(text, secret):
    assert t.scrub(text, [secret]) == t.WITHHELD_MESSAGE


def test_secret_forms_skip_an_empty_value_anywhere():
    assert t.secret_forms([None, "", "ab"])[-1] == "ab"
    assert t.secret_forms([None]) == []


# ---------------------------------------------------------------- more edges (second pass)


def test_endpoint_choices_read_the_process_environment_by_default(monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_IMS_ENDPOINT", "ims.example:8443")
    assert t.endpoint_choices()["ims"] == ("ALIBABA_CLOUD_IMS_ENDPOINT", "https", "ims.example:8443")


def test_without_requests_the_user_agent_says_none_and_no_transport_is_made(monkeypatch):
    monkeypatch.setattr(t, "HAS_REQUESTS", False)
    monkeypatch.setattr(t, "REQUESTS_IMPORT_ERROR", ImportError("No module named 'requests'"))
    assert t.default_user_agent().endswith("; requests/none)")
    with pytest.raises(ImportError) as info:
        t.Transport(Credentials("id", "s", source="x"), environ={})
    assert str(info.value) == "the requests library is required: No module named 'requests'"


def test_a_one_millisecond_retry_after_is_honoured():
    clock = Clock()
    made = transport([api_error("Throttling", 400, headers={"x-acs-retry-after": "1"}), Answer()], clock=clock)
    made.call("ims", "GetUser")
    assert clock.sleeps == [pytest.approx(0.001)]


def test_a_400_without_a_body_and_a_500_with_any_code():
    error = failure([Answer(400, raw="<html>")])
    assert (error.code, error.message) == ("HTTP400", "HTTP 400 without an error body")
    made = transport([api_error("Odd", 500), Answer()])
    made.call("ims", "GetUser")
    assert made.stats_snapshot()["retries"] == 1
    assert failure([api_error("Odd", 499)]).code == "Odd"


def test_a_new_backoff_has_no_pause_even_at_time_zero():
    assert t.Backoff(clock=lambda: 0.0, sleep=lambda s: None).remaining() == 0.0


def test_a_pause_pushed_while_waiting_is_waited_out_and_counted():
    clock = Clock()
    shared = []

    def sleep(seconds):
        clock.sleep(seconds)
        if len(clock.sleeps) == 1:
            shared[0].push(2)  # another caller is throttled meanwhile
    backoff = t.Backoff(clock=clock, sleep=sleep)
    shared.append(backoff)
    backoff.push(1)
    assert backoff.wait() == 3 and clock.sleeps == [1, 2]


def test_the_jitter_exponent_stops_at_64():
    assert t.RetryPolicy(base_delay=1, max_delay=1e30).jitter_delay(100, Top()) == 2.0 ** 64


def test_one_pool_per_product_and_plain_http_uses_it_too():
    plain = t.Transport(Credentials("id", "s", source="x"), environ={}, pool_size=4)
    adapter = plain.session.get_adapter("https://ims.aliyuncs.com/")
    assert adapter._pool_connections == 3 and adapter._pool_maxsize == 4
    assert plain.session.get_adapter("http://127.0.0.1:8080/") is adapter
    plain.close()


def test_a_token_refresh_is_no_wait():
    class Provider:
        def get(self):
            return Credentials("STS.id", "s", security_token="tok", source="test")

        def invalidate(self):
            pass
    made = transport([api_error("InvalidSecurityToken.Expired", 400), Answer()], credentials=Provider())
    made.call("ims", "GetUser")
    assert made.stats_snapshot()["longest_wait"] == 0.0


def test_the_request_is_signed_for_post_on_the_root_path():
    from urllib.parse import parse_qsl, urlsplit
    from ansible_collections.aliyun.ram.plugins.module_utils import signing
    made = transport([Answer()])
    made.call("ims", "GetUser", {"UserPrincipalName": "a@x"})
    url, kwargs = made.session.posts[0]
    headers = dict(kwargs["headers"])
    authorization = headers.pop("Authorization")
    query = dict(parse_qsl(urlsplit(url).query))
    assert authorization == signing.v3_authorization("LTAI-id", SECRET, "POST", "/", query, headers)


def test_errors_before_an_answer_name_the_action():
    for exc in (requests.exceptions.SSLError("handshake"), requests.exceptions.InvalidURL("x"), ValueError("x")):
        assert failure([exc], action="CreateUser").action == "CreateUser"


def test_a_shared_pause_that_outlasts_the_budget_left_stops_the_retry():
    clock, shared = Clock(), []

    def sleep(seconds):
        clock.sleep(seconds)
        if len(clock.sleeps) == 1:
            shared[0].push(0.8)  # another caller was throttled while this one backed off
    backoff = t.Backoff(clock=clock, sleep=sleep)
    shared.append(backoff)
    made = t.Transport(Credentials("LTAI-id", SECRET, source="test"), environ={}, sleep=sleep, clock=clock, random=Top(),
                       backoff=backoff, retry=t.RetryPolicy(timeout=1))
    made.session = Session([api_error("InternalError", 500), Answer()])
    with pytest.raises(RamApiError):
        made.call("ims", "GetUser")
    assert len(made.session.posts) == 1
