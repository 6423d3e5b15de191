"""examples/neo4j.ipynb runs top to bottom against the session's real Neo4j server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.neo4j
NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "neo4j.ipynb"


def test_notebook_runs(neo4j_db, neo4j_server, monkeypatch, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from medkg.datasets import find_torchxrayvision_archive

    try:
        find_torchxrayvision_archive()
    except Exception as exc:  # noqa: BLE001 - the notebook reads real Open-i reports
        pytest.skip(f"Open-i archive of torchxrayvision not found: {exc}")
    uri, auth = neo4j_server
    monkeypatch.setenv("NEO4J_URI", uri)
    if auth:
        monkeypatch.setenv("NEO4J_PASSWORD", auth[1])
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute(env=dict(os.environ))
    outputs = "".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        for o in c.get("outputs", [])
    )
    assert "refused:" in outputs and "write clause 'DETACH'" in outputs
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
