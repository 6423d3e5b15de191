"""IPython extension: ``%load_ext medkg`` gives ``%medkg_store PATH`` and a ``%%cypher`` cell magic.

``%%cypher`` runs the cell against the current store (the last one passed to :func:`use_store`
or opened with ``%medkg_store``; embedded or Neo4j) and shows a pandas DataFrame. The function
:func:`load_ipython_extension` is re-exported by ``medkg/__init__.py``.

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

    store = store or current_store()
    if store is None:
        raise StoreError(
            "no current store", hint="call medkg.rag.magics.use_store(store) or %medkg_store PATH"
        )
    return pd.DataFrame(store.cypher(query.strip()))


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%%cypher`` and ``%medkg_store`` (called by ``%load_ext medkg``)."""

    def cypher(line: str, cell: str):
        return run_cypher(cell)

    def medkg_store(line: str):
        from medkg.store.ladybug import LadybugStore

        use_store(LadybugStore(line.strip()))
        return None

    ipython.register_magic_function(cypher, magic_kind="cell", magic_name="cypher")
    ipython.register_magic_function(medkg_store, magic_kind="line", magic_name="medkg_store")
