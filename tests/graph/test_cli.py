from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from medkg.cli import app
from medkg.graph import build_graph, naf
from medkg.store.ladybug import LadybugStore

runner = CliRunner()


def _store(records, extractor, ontology, path):
    kg = build_graph(records, extractor, ontology)
    naf(kg)
    with LadybugStore(path, read_only=False) as store:
        store.write(kg)
    return kg


def test_stats_cypher_export(records, extractor, ontology, tmp_path, C):
    store = tmp_path / "kg"
    _store(records, extractor, ontology, store)

    res = runner.invoke(app, ["stats", str(store), "--json"])
    assert res.exit_code == 0, res.output
    st = json.loads(res.output)
    assert (st["finding_edges"], st["finding_edges_kept"], st["images_kept"], st["triples"]) == (
        15,
        14,
        5,
        19,
    )

    res = runner.invoke(app, ["stats", str(store)])
    assert "image→concept edges" in res.output and "15 (NaF kept 14)" in res.output

    q = "MATCH (i:Image)-[:POSITIVE]->(c:Concept {cui:$cui}) RETURN count(i) AS n"
    res = runner.invoke(app, ["cypher", str(store), q, "--param", f"cui={C.EFFUSION}", "--json"])
    assert res.exit_code == 0, res.output
    assert res.output.strip() == '{"n": 2}'

    res = runner.invoke(app, ["cypher", str(store), "MATCH (c:Concept) SET c.name = 'x'"])
    assert res.exit_code != 0 and "read-only" in str(res.exception)

    out = tmp_path / "kg.csv"
    res = runner.invoke(app, ["export", str(store), "--format", "medmkg-csv", "--output", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["Head", "Relation", "Tail", "Head_Name", "Tail_Name"]
    assert len(rows) == 1 + 19
    assert ["C0264490", "isa", "C0024115", "respiratory failure", "lung disease"] in rows
    assert [C.SPONT_PTX, "isa", C.PNEUMOTHORAX, "Spontaneous pneumothorax", "Pneumothorax"] in rows
    assert ["I3", "POSITIVE", C.EDEMA, "Image_I3", "pulmonary edema"] in rows
    assert not any(r[0] == "I4L" for r in rows)  # left out by NaF

    res = runner.invoke(app, ["export", str(store), "--list"])
    assert "medmkg-csv" in res.output
