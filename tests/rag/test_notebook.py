"""examples/kg_rag.ipynb runs from top to bottom (nbclient, python3 kernel) on the shared dev reports."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "kg_rag.ipynb"


@pytest.mark.slow
def test_kg_rag_notebook_executes(tmp_path, openi_dev, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")

    monkeypatch.setenv("MEDKG_OPENI_DEV", str(openi_dev))  # the kernel inherits the environment
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")  # shipped clean
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the facts picture
    assert any("data:image/png;base64," in h for h in html)  # the subgraph view
    assert any("<th>relation</th>" in h for h in html)  # the facts table
    assert any("contradicted" in h and "Pneumothorax" in h for h in html)  # the crafted wrong sentence
    assert any("<th>concept</th>" in h and "<th>images</th>" in h for h in html)  # %%cypher's DataFrame
    assert "Facts from the knowledge graph:\n[1] " in text
    assert "The image-specific triplets from the knowledge graph are: " in text
    assert "[1]." in text  # the template explanation cites its facts
    assert " suggestive_of pneumonia" in text  # KG-LLaVA's triplets of the evidence query
    assert "is described as suggestive of" in text  # its template explanation
    assert "non-semantic pixel-stats-16x16-h32 encoder" in text
