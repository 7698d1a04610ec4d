"""SQL identifiers, validated and quoted in one place.

The rules match the pipeline schema on the TypeScript side: lower-case names, so a quoted and an
unquoted reference name the same object on Redshift (which folds unquoted names to lower case).
"""

from __future__ import annotations

import re

IDENTIFIER = re.compile(r"[a-z_][a-z0-9_$]*")
IDENTIFIER_HINT = "a lower-case SQL identifier: letters, digits, _ and $, not starting with a digit"
MAX_IDENTIFIER_LENGTH = 127


def is_identifier(name: object) -> bool:
    return isinstance(name, str) and len(name) <= MAX_IDENTIFIER_LENGTH and IDENTIFIER.fullmatch(name) is not None


def quote_identifier(name: str) -> str:
    """``"name"`` for a validated identifier; raises ``ValueError`` for anything else."""
    if not is_identifier(name):
        raise ValueError(f"{name!r} is not {IDENTIFIER_HINT}")
    return f'"{name}"'


def quote_table(name: str) -> str:
    """``"schema"."table"`` or ``"table"`` for a ``schema.table`` or ``table`` name."""
    parts = name.split(".") if isinstance(name, str) else []
    if not 1 <= len(parts) <= 2:
        raise ValueError(f"{name!r} is not a table name such as analytics.users")
    return ".".join(quote_identifier(part) for part in parts)
