"""examples/build_and_query.ipynb runs from top to bottom (nbclient)."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "build_and_query.ipynb"


@pytest.mark.slow
def test_notebook_executes(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    from medkg.demo import openi_archive
    from medkg.errors import InputFileError
    from medkg.ontology import load

    if openi_archive() is None:
        pytest.skip("torchxrayvision (the Open-i archive) is not installed")
    try:
        load()
    except InputFileError as exc:
        pytest.skip(f"the shipped seed ontology is not built yet: {exc}")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
