"""IPython extension: ``%load_ext medkg`` gives ``%medkg_store`` and a ``%%cypher`` cell magic.

``%%cypher`` runs the cell (read-only) against the current store — the last one passed to
:func:`use_store` or opened with ``%medkg_store PATH`` (a LadybugDB store directory) or
``%medkg_store bolt://host:7687`` (Neo4j; credentials from ``$NEO4J_USERNAME`` /
``$NEO4J_PASSWORD``) — and returns a pandas DataFrame. ``%%cypher NAME`` also stores the frame
in the variable ``NAME``. Queries are in the store's dialect (LadybugDB: ``label(r)``; Neo4j:
``type(r)``). :func:`load_ipython_extension` is re-exported by ``medkg/__init__.py``.

Examples
--------
>>> from medkg.rag.magics import use_store, current_store
>>> use_store(None); current_store() is None
True
"""

from __future__ import annotations

from typing import Any

_STATE: dict[str, Any] = {"store": None}


def use_store(store: Any) -> None:
    """Make ``store`` (any GraphStore) the one ``%%cypher`` runs against."""
    _STATE["store"] = store


def current_store() -> Any:
    return _STATE["store"]


def run_cypher(query: str, store: Any = None):
    """Run ``query`` (read-only) on ``store`` or the current store; a DataFrame of the rows."""
    import pandas as pd

    from medkg.errors import StoreError

    store = current_store() if store is None else store
    if store is None:
        raise StoreError(
            "no current store", hint="call medkg.rag.magics.use_store(store) or %medkg_store PATH"
        )
    return pd.DataFrame(store.cypher(query.strip()))


def open_store(target: str) -> Any:
    """A store for ``target``: a ``bolt://``/``neo4j://`` URI (Neo4j) or a LadybugDB store directory."""
    if target.split("://", 1)[0] in ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"):
        from medkg.store.neo4j import Neo4jStore

        return Neo4jStore(target)
    from medkg.store.ladybug import LadybugStore

    return LadybugStore(target)


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%%cypher`` and ``%medkg_store`` (called by ``%load_ext medkg``)."""

    def cypher(line: str, cell: str):
        frame = run_cypher(cell)
        name = line.strip()
        if name:
            if not name.isidentifier():
                from medkg.errors import ConfigError

                raise ConfigError(f"%%cypher {name!r}: not a variable name", hint="use %%cypher NAME")
            ipython.user_ns[name] = frame
        return frame

    def medkg_store(line: str):
        target = line.strip()
        if target:  # the previous store stays open: the user may still hold it
            use_store(open_store(target))
        return current_store()

    ipython.register_magic_function(cypher, magic_kind="cell", magic_name="cypher")
    ipython.register_magic_function(medkg_store, magic_kind="line", magic_name="medkg_store")
