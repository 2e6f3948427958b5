# -*- coding: utf-8 -*-
# Copyright (c) aliyun.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    # Connection options shared by every module; the code half is connection_argument_spec() in module_utils/common.py.
    DOCUMENTATION = r"""
options:
  access_key_id:
    description:
      - The AccessKey ID used to sign requests.
      - Credentials are looked up in this order, and the first complete set wins.
        1) the O(access_key_id) and O(access_key_secret) options (with O(security_token) for STS credentials);
        2) the environment variables E(ALIBABA_CLOUD_ACCESS_KEY_ID), E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) and
        E(ALIBABA_CLOUD_SECURITY_TOKEN), then E(ALICLOUD_ACCESS_KEY), E(ALICLOUD_SECRET_KEY) and E(ALICLOUD_SECURITY_TOKEN);
        3) OIDC (RRSA) with O(oidc_provider_arn) and O(oidc_token_file), else E(ALIBABA_CLOUD_ROLE_ARN),
        E(ALIBABA_CLOUD_OIDC_PROVIDER_ARN) and E(ALIBABA_CLOUD_OIDC_TOKEN_FILE), through STS AssumeRoleWithOIDC;
        4) the aliyun CLI file C(~/.aliyun/config.json), unless E(ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true);
        5) the INI file named by E(ALIBABA_CLOUD_CREDENTIALS_FILE), else C(~/.alibabacloud/credentials.ini);
        6) the RAM role of the ECS instance, from the instance metadata service, unless
        E(ALIBABA_CLOUD_ECS_METADATA_DISABLED=true);
        7) the URL in E(ALIBABA_CLOUD_CREDENTIALS_URI).
      - Steps 2 to 7 follow the order of the official Alibaba Cloud credentials library's default chain; step 2 also
        reads the E(ALICLOUD_*) variables, which that library ignores. The collection's documentation lists every
        difference (docs/authentication.md).
      - An empty environment variable counts as unset.
      - Setting O(profile), O(ecs_role_name), O(oidc_provider_arn) or O(oidc_token_file) chooses that source, and the
        environment variables of step 2 are not read.
    type: str
    aliases: [alicloud_access_key]
  access_key_secret:
    description:
      - The AccessKey secret that goes with O(access_key_id).
      - See O(access_key_id) for the other places credentials are read from.
    type: str
    aliases: [alicloud_secret_key]
  security_token:
    description:
      - The STS security token, when O(access_key_id) and O(access_key_secret) are temporary STS credentials.
    type: str
    aliases: [alicloud_security_token]
  profile:
    description:
      - The profile to read from the aliyun CLI file C(~/.aliyun/config.json), or else the section of the INI
        credentials file.
      - When not set, E(ALIBABA_CLOUD_PROFILE) is used, then the CLI file's current profile or the INI section C(default).
    type: str
  ecs_role_name:
    description:
      - The RAM role attached to the ECS instance the task runs on; its temporary credentials are read from the
        instance metadata service.
      - When not set, E(ALIBABA_CLOUD_ECS_METADATA) names the role; otherwise the role is discovered as the last
        step of the credential chain.
    type: str
  assume_role_arn:
    description:
      - The ARN of a RAM role to assume with STS AssumeRole, for example C(acs:ram::123456789012****:role/admin).
      - The credentials found through the chain described in O(access_key_id) are then used only to call STS.
      - When not set, E(ALIBABA_CLOUD_ROLE_ARN) is used.
    type: str
  assume_role_session_name:
    description:
      - The session name for O(assume_role_arn), 2 to 32 characters from letters, digits, C(.), C(@), C(_) and C(-).
      - When not set, E(ALIBABA_CLOUD_ROLE_SESSION_NAME) is used, else a name with the current time.
    type: str
  oidc_provider_arn:
    description:
      - The ARN of the OIDC identity provider, for example C(acs:ram::123456789012****:oidc-provider/ack-rrsa-c1234),
        to assume the role O(assume_role_arn) (else E(ALIBABA_CLOUD_ROLE_ARN)) with STS AssumeRoleWithOIDC and the
        token in O(oidc_token_file). This is how a pod of an ACK cluster with RRSA gets credentials.
      - Set both O(oidc_provider_arn) and O(oidc_token_file), or neither. With them, the other O(assume_role_session_name),
        O(assume_role_duration) and O(assume_role_policy) options apply to the OIDC session (its session name may be
        up to 64 characters).
      - O(oidc_provider_arn) and O(oidc_token_file) cannot be combined with O(access_key_id), O(access_key_secret),
        O(security_token), O(profile) or O(ecs_role_name); such a task fails before any call, naming the options.
      - When not set, E(ALIBABA_CLOUD_OIDC_PROVIDER_ARN) is used, together with E(ALIBABA_CLOUD_ROLE_ARN) and
        E(ALIBABA_CLOUD_OIDC_TOKEN_FILE) (all three must be set).
    type: str
  oidc_token_file:
    description:
      - The file that holds the OIDC token for O(oidc_provider_arn). It is read again at every refresh, since
        Kubernetes rotates the token.
      - When not set, E(ALIBABA_CLOUD_OIDC_TOKEN_FILE) is used.
    type: path
  assume_role_duration:
    description:
      - How long the assumed role's credentials are valid, in seconds (900 to 43200, and at most the role's
        maximum session duration).
    type: int
    default: 3600
  assume_role_external_id:
    description:
      - The external ID the role's trust policy expects, if any.
    type: str
  assume_role_policy:
    description:
      - A JSON policy that further restricts the permissions of the assumed role's session.
    type: json
  ims_endpoint:
    description:
      - The IMS endpoint, as C(host), C(host:port), C(https://host) or C(http://host:port). HTTPS is used unless
        C(http://) is given.
      - Plain C(http://) is refused for any host but loopback (C(localhost), C(127.0.0.0/8)) unless
        O(allow_insecure_http=true); see there.
      - When not set, E(ALIBABA_CLOUD_IMS_ENDPOINT) is used, else C(ims.aliyuncs.com).
    type: str
  ram_endpoint:
    description:
      - The RAM endpoint, in the same forms as O(ims_endpoint).
      - When not set, E(ALIBABA_CLOUD_RAM_ENDPOINT) is used, else C(ram.aliyuncs.com).
    type: str
  sts_endpoint:
    description:
      - The STS endpoint used by O(assume_role_arn), in the same forms as O(ims_endpoint).
      - When not set, E(ALIBABA_CLOUD_STS_ENDPOINT) is used, else C(sts.<region>.aliyuncs.com) for the region in
        E(ALIBABA_CLOUD_STS_REGION) (C(sts-vpc.<region>.aliyuncs.com) when E(ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true)),
        else C(sts.aliyuncs.com).
    type: str
  allow_insecure_http:
    description:
      - Whether to accept a plain C(http://) endpoint (option or environment variable) on a host other than loopback.
      - Requests carry their parameters in the URL, passwords included, so over plain HTTP anyone on the network path
        can read them. When V(false), such an endpoint fails the task before any call; when V(true), the module warns
        for each one.
      - C(http://localhost) and C(http://127.x.x.x), for example a local emulator, are always accepted without a warning.
    type: bool
    default: false
  validate_certs:
    description:
      - Whether to check the TLS certificates of the endpoints.
      - Set to V(false) only for a local test endpoint; the module then warns.
    type: bool
    default: true
  ca_bundle:
    description:
      - A file of CA certificates (PEM), or a directory of them prepared with C(c_rehash), to check the endpoints'
        certificates against instead of the system ones.
      - The task fails before any call when the path is not a readable file or directory.
    type: path
  timeout:
    description:
      - The time limit for connecting and for each read of one HTTP request, in seconds.
    type: int
    default: 30
  retry_timeout:
    description:
      - The time budget of one API call, in seconds (1 to 3600), counted from its first attempt. Within it the call
        is retried as long as it fails with a retryable error; a wait that would end past the budget is not started
        and the call fails with its last error. An attempt already started is bounded by O(timeout), so a call can
        end up to O(timeout) seconds after the budget.
      - Retried are throttling (error codes containing C(Throttling), such as C(Throttling.User) and
        C(Rejected.Throttling); HTTP 429; any error answer with C(x-acs-retry-after)), C(ServiceUnavailable),
        C(InternalError), C(UnknownError), any HTTP 5xx, network errors and timeouts. Other client errors are never
        retried.
      - Waits follow C(x-acs-retry-after) when the server sends it (the call fails at once if that wait does not fit
        the budget left), otherwise full-jitter exponential backoff from 0.5 s up to 20 s, shortened to end at the
        budget. A throttled answer pauses every concurrent call of the task.
    type: int
    default: 60
  max_attempts:
    description:
      - An optional cap on the attempts of one API call, the first included, on top of O(retry_timeout).
      - When not set, O(retry_timeout) alone ends the retries. Set V(1) to turn retries off.
    type: int
requirements:
  - requests
"""
