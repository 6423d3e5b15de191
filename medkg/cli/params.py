"""Option values shared by several commands: ``--param key=value`` for Cypher parameters.

Examples
--------
>>> parse_params(["cui=C0018800", "k=5", "names=[\\"a\\", \\"b\\"]"])
{'cui': 'C0018800', 'k': 5, 'names': ['a', 'b']}
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from medkg.errors import ConfigError


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v``; v is read as JSON when it parses (numbers, true/false, lists), else a string."""
    if "=" not in text:
        raise ConfigError(f"--param {text!r} is not key=value", hint="e.g. --param cui=C0018800")
    key, value = text.split("=", 1)
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def parse_params(texts: Iterable[str] | None) -> dict[str, Any]:
    """Every ``--param`` of a command as one mapping (None: no parameters)."""
    return dict(parse_param(t) for t in texts or ())
