"""Cypher text and values on the client side of the Neo4j store: read-only checks, safe URIs,
plain Python values from driver records.

Examples
--------
>>> write_clause("MATCH (n) RETURN n")
>>> safe_uri("bolt://u:p@localhost:7687")
'bolt://localhost:7687'
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from medkg.store import schema as S

#: Clauses that write; rejected client-side in read-only mode (strings and comments are blanked first).
_WRITE_CLAUSE = re.compile(
    r"(?<![.\w$])(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|ALTER|RENAME|GRANT|DENY|REVOKE"
    r"|IN\s+TRANSACTIONS|LOAD\s+CSV)(?![\w:])",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL)


def safe_uri(uri: str) -> str:
    """``uri`` without any ``user:password@`` part, for logs and messages.

    Examples
    --------
    >>> safe_uri("neo4j://neo4j:secret@db.example:7687")
    'neo4j://db.example:7687'
    """
    parts = urlsplit(uri)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def write_clause(query: str) -> str | None:
    """The first write clause in ``query`` outside strings and comments, or None.

    Examples
    --------
    >>> write_clause("MATCH (c:Concept {name: 'SET'}) RETURN c.name")
    >>> write_clause("match (n) detach delete n")
    'detach'
    """
    found = _WRITE_CLAUSE.search(_QUOTED.sub(" ", query))
    return found.group(1) if found else None


def plain_value(value: Any) -> Any:
    """A driver value as plain Python: nodes and relationships as property dicts, paths as node lists,
    temporal values as ISO strings."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node | Relationship):
        return {k: plain_value(v) for k, v in value.items()}
    if isinstance(value, Path):
        return [plain_value(n) for n in value.nodes]
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {k: plain_value(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def medkg_rel_type(name: str) -> bool:
    """Whether ``name`` passes medkg's relationship-type check (a shared database may hold others).

    >>> medkg_rel_type("POSITIVE"), medkg_rel_type("knows you")
    (True, False)
    """
    try:
        S.validate_rel_type(name)
    except Exception:  # noqa: BLE001 - any non-medkg type in a shared database
        return False
    return True
