"""``store_text=False`` (``medkg build --no-text``): no report sentence in the store, exports, logs or
errors; Neo4j credentials never in errors or logs."""

from __future__ import annotations

import csv
import logging
import re
import traceback
from pathlib import Path

import pytest
from typer.testing import CliRunner

import medkg.export  # noqa: F401 - registers the RDF, GraphML and PyG exporters
from medkg.cli import app
from medkg.datasets.types import ReportRecord
from medkg.errors import GraphError, MedkgError
from medkg.extract import Extractor
from medkg.graph import GraphOptions, build_graph, export, exporters
from medkg.ontology import load
from medkg.store.ladybug import LadybugStore
from medkg.workflows import build_store

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "openi" / "dev.csv"


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with DEV.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))[:40]


@pytest.fixture(scope="module")
def sentences(rows) -> set[str]:
    """Every report sentence long enough not to be a concept name (>= 20 characters)."""
    out = set()
    for r in rows:
        for text in (r["findings"], r["impression"]):
            out.update(s.strip() for s in re.split(r"(?<=\.)\s+", text) if len(s.strip()) >= 20)
    assert len(out) > 100
    return out


def _leaks(blob: str, sentences: set[str]) -> list[str]:
    return sorted(s for s in sentences if s in blob)


@pytest.fixture(scope="module")
def store(tmp_path_factory, rows) -> Path:
    folder = tmp_path_factory.mktemp("private")
    src = folder / "reports.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "findings", "impression", "images"])
        w.writerows([r["uid"], r["findings"], r["impression"], f"{r['uid']}-pa.png"] for r in rows)
    recipe = folder / "recipe.py"
    recipe.write_text(
        "from medkg.datasets import Recipe\n"
        "RECIPE = Recipe(name='p', reader='generic', reader_options={'id_column': 'id', "
        "'text_columns': ['findings', 'impression'], 'image_column': 'images', 'view_column': None})\n"
    )
    res = CliRunner().invoke(
        app, ["build", str(recipe), "--data", str(src), "--out", str(folder / "kg"), "--no-text", "--naf"]
    )
    assert res.exit_code == 0, res.output
    return folder / "kg"


def test_no_sentence_in_any_stored_property(store, sentences):
    values: list[str] = []
    with LadybugStore(store) as db:
        labels = [r["name"] for r in db.cypher("CALL show_tables() RETURN name, type") if r["type"] == "NODE"]
        for label in labels:
            for row in db.cypher(f"MATCH (n:{label}) RETURN n"):
                values += [str(v) for v in row["n"].values()]
        for rel in db.rel_types():
            for row in db.cypher(f"MATCH ()-[r:{rel}]->() RETURN r"):
                values += [str(v) for v in row["r"].values()]
        reports = db.cypher("MATCH (r:Report) RETURN r.text AS t, r.text_sha256 AS h")
    assert len(reports) == 40 and all(r["t"] is None and len(r["h"]) == 64 for r in reports)
    assert len(values) > 1000
    assert _leaks("\n".join(values), sentences) == []


def test_no_sentence_in_any_export(store, sentences, tmp_path):
    with LadybugStore(store) as db:
        kg = db.read_graph()
    written = []
    for name in exporters():
        try:
            result = export(kg, name, tmp_path / name, naf_only=False)
        except (MedkgError, ImportError) as exc:  # an optional dependency (torch for pyg) is missing
            assert "torch" in str(exc) or name == "pyg", exc
            continue
        files = [result.path] if result.path.is_file() else [p for p in result.path.rglob("*") if p.is_file()]
        blob = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in files)
        assert _leaks(blob, sentences) == [], name
        written.append(name)
    assert {"medmkg-csv", "nt", "graphml"} <= set(written)


def test_no_sentence_in_debug_logs(rows, sentences, caplog):
    records = [
        ReportRecord(r["uid"], r["uid"], {"findings": r["findings"], "impression": r["impression"]})
        for r in rows
    ]
    onto = load()
    with caplog.at_level(logging.DEBUG):
        build_store(
            records,
            None,
            extractor=Extractor(onto, fuzzy=False),
            ontology=onto,
            options=GraphOptions(store_text=False),
        )
    assert _leaks(caplog.text, sentences) == []


def test_no_sentence_in_error_messages(rows, sentences, tmp_path):
    onto = load()
    extractor = Extractor(onto, fuzzy=False)
    a, b = rows[0], rows[1]
    clash = [
        ReportRecord("same", "s1", {"findings": a["findings"]}),
        ReportRecord("same", "s2", {"findings": b["findings"]}),
    ]
    with pytest.raises(GraphError) as err:
        build_graph(clash, extractor, onto, GraphOptions(store_text=False))
    text = "".join(traceback.format_exception(err.value))
    assert _leaks(text, sentences) == [] and "record 'same'" in text


NEO4J_SECRET = "pw-S3cr3t-7f2c"


@pytest.mark.parametrize(
    "uri",
    [
        "bolt://127.0.0.1:9",
        f"neo4j://neo4j:{NEO4J_SECRET}@127.0.0.1:9",
        f"bolt://neo4j:{NEO4J_SECRET}@127.0.0.1:9",
    ],
)
def test_neo4j_password_never_in_errors_or_logs(uri, caplog, monkeypatch):
    neo4j = pytest.importorskip("medkg.store.neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", NEO4J_SECRET)
    for password in (NEO4J_SECRET, None):  # as an argument, then from the environment
        caplog.clear()
        with caplog.at_level(logging.DEBUG), pytest.raises(MedkgError) as err:
            neo4j.Neo4jStore(uri, password=password, connection_timeout=1)
        shown = "".join(traceback.format_exception(err.value)) + repr(err.value) + caplog.text
        assert NEO4J_SECRET not in shown
        assert "127.0.0.1" in str(err.value)
