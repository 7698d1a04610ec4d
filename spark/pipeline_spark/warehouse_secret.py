"""The warehouse's credentials from AWS Secrets Manager, read by the job itself.

On EMR no password travels in step arguments, the spec or the environment: the job reads the
secret with the cluster's (or job run's) role. The secret is the Redshift secret JSON
(``engine``, ``host``, ``port``, ``username``, ``password``, ``dbname``). The region is the one in
the ARN, else boto3's own (``AWS_REGION``…); boto3 honours ``AWS_ENDPOINT_URL_SECRETS_MANAGER`` and
``AWS_ENDPOINT_URL`` (VPC endpoints, stand-ins).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pipeline_spark.errors import JobError

SECRET_FIELDS = ("host", "port", "username", "password", "dbname")
_ARN_REGION = re.compile(r"arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):")

# Failures that retrying the same read cannot fix, with what to do about them.
_ADVICE = {
    "ResourceNotFoundException": "not found; check the ARN and the region",
    "AccessDeniedException": "access denied; allow secretsmanager:GetSecretValue on it for this role",
    "UnrecognizedClientException": "AWS rejected the credentials; check the profile or role in use",
    "DecryptionFailure": "cannot be decrypted; allow kms:Decrypt on the secret's key for this role",
}


@dataclass(frozen=True)
class WarehouseSecret:
    engine: str
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    dbname: str

    def describe(self) -> str:
        return f"{self.username}@{self.host}:{self.port}/{self.dbname}"


class SecretReadError(JobError):
    """The secret could not be read or does not hold the credentials.

    ``reason`` is the part after "secret <id>: ". A secret that is missing, forbidden or malformed
    stays so on retry (exit code 2, like a bad spec); throttling and network trouble may pass
    (exit code 1).
    """

    code = "E_SPARK_SECRET"

    def __init__(self, secret_id: str, reason: str, *, retryable: bool = False) -> None:
        super().__init__(f"secret {secret_id}: {reason}")
        self.secret_id = secret_id
        self.reason = reason
        self.exit_code = 1 if retryable else 2


def secret_region(secret_id: str, region: str | None = None) -> str | None:
    match = _ARN_REGION.match(secret_id)
    return region or (match.group(1) if match else None)


def read_warehouse_secret(secret_id: str, region: str | None = None, *, client: Any = None) -> WarehouseSecret:
    """Reads and checks the secret; raises ``SecretReadError`` saying what is wrong and what to do."""
    # Imported here: only jobs that read a secret need boto3 on the cluster.
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

    try:
        client = client or boto3.client("secretsmanager", region_name=secret_region(secret_id, region))
        response = client.get_secret_value(SecretId=secret_id)
    except NoRegionError:
        raise SecretReadError(secret_id, "no AWS region; pass --region or set AWS_REGION") from None
    except NoCredentialsError:
        raise SecretReadError(secret_id, "no AWS credentials; configure a profile or role, or set AWS_ACCESS_KEY_ID") from None
    except EndpointConnectionError as err:
        raise SecretReadError(
            secret_id, f"cannot reach Secrets Manager ({err}); check the network or AWS_ENDPOINT_URL_SECRETS_MANAGER", retryable=True
        ) from None
    except ClientError as err:
        error = err.response.get("Error", {})
        code = error.get("Code", "ClientError")
        if code in _ADVICE:
            raise SecretReadError(secret_id, _ADVICE[code]) from None
        transient = code in ("ThrottlingException", "InternalServiceError") or err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500
        raise SecretReadError(secret_id, f"{code}: {error.get('Message', '')}", retryable=transient) from None
    except BotoCoreError as err:
        raise SecretReadError(secret_id, f"{type(err).__name__}: {err}", retryable=True) from None
    return parse_warehouse_secret(secret_id, response.get("SecretString"))


def parse_warehouse_secret(secret_id: str, text: str | None) -> WarehouseSecret:
    if text is None:
        raise SecretReadError(secret_id, "holds binary data; store the credentials as JSON text")
    expected = ", ".join(("engine",) + SECRET_FIELDS)
    try:
        fields: Any = json.loads(text)
    except json.JSONDecodeError:
        raise SecretReadError(secret_id, f"is not JSON; store {expected} as a JSON object") from None
    if not isinstance(fields, dict):
        raise SecretReadError(secret_id, f"is not a JSON object; store {expected}")
    missing = [name for name in SECRET_FIELDS if fields.get(name) in (None, "")]
    if missing:
        raise SecretReadError(secret_id, f"lacks {', '.join(missing)}; add them to the secret JSON")
    try:
        port = int(fields["port"])
    except (TypeError, ValueError):
        raise SecretReadError(secret_id, f"has port {fields['port']!r}; it must be a number such as 5439") from None
    return WarehouseSecret(
        engine=str(fields.get("engine") or "unknown"),
        host=str(fields["host"]),
        port=port,
        username=str(fields["username"]),
        password=str(fields["password"]),
        dbname=str(fields["dbname"]),
    )
