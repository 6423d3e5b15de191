"""``medkg build`` options: ``--engine dask`` (a real LocalCluster), ``--on-error skip --rejects``,
and the combinations that are refused. Reports: 12 Open-i dev rows read in place from ../shared."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medkg.cli import app
from medkg.errors import ConfigError, ParseError
from medkg.store.ladybug import LadybugStore

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "openi" / "dev.csv"
runner = CliRunner()


def _table(path: Path, bad_line: bool) -> Path:
    """12 dev reports as a generic CSV; with ``bad_line``, a row with 3 fields becomes line 5."""
    with DEV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:12]
    lines = ["id,findings,impression,images"]
    for r in rows:
        cells = [r["uid"], r["findings"], r["impression"], f"{r['uid']}-pa.png"]
        lines.append(",".join('"' + v.replace('"', '""') + '"' for v in cells))
    if bad_line:
        lines.insert(4, "broken,only three,fields")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def recipe(tmp_path) -> Path:
    path = tmp_path / "dev_recipe.py"
    path.write_text(
        "from medkg.datasets import Recipe\n"
        "RECIPE = Recipe(name='dev', reader='generic', reader_options={'id_column': 'id', "
        "'text_columns': ['findings', 'impression'], 'image_column': 'images'})\n"
    )
    return path


def _build(recipe: Path, data: Path, out: Path, *extra: str):
    args = ["build", str(recipe), "--data", str(data), "--out", str(out), "--naf", *extra]
    return runner.invoke(app, args)


def _checksum(store: Path) -> str:
    with LadybugStore(store) as s:
        return s.manifest()["checksum"]


@pytest.mark.skipif(not DEV.exists(), reason="needs ../shared/data/openi/dev.csv")
def test_skip_with_rejects_then_dask_equals_local(tmp_path, recipe):
    pytest.importorskip("dask.distributed")
    data = _table(tmp_path / "reports.csv", bad_line=True)
    rejects = tmp_path / "rejects.jsonl"

    res = _build(recipe, data, tmp_path / "raise")
    assert res.exit_code != 0 and isinstance(res.exception, ParseError)
    assert (res.exception.path, res.exception.line) == (str(data), 5)

    res = _build(recipe, data, tmp_path / "local", "--on-error", "skip", "--rejects", str(rejects))
    assert res.exit_code == 0, res.output
    [entry] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert (entry["path"], entry["line"]) == (str(data), 5)
    assert entry["message"] == "row has 3 fields, the header has 4"
    assert "CPU" in res.output  # per-stage times with CPU seconds
    with LadybugStore(tmp_path / "local") as store:
        assert store.cypher("MATCH (r:Report) RETURN count(r) AS n") == [{"n": 12}]

    rejects_dask = tmp_path / "rejects-dask.jsonl"
    res = _build(
        recipe, data, tmp_path / "dask", "--engine", "dask", "--workers", "2",
        "--on-error", "skip", "--rejects", str(rejects_dask),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "extract + build (dask)" in res.output
    assert _checksum(tmp_path / "dask") == _checksum(tmp_path / "local")
    assert rejects_dask.read_text() == rejects.read_text()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--engine", "dask", "--add"], "--add is not supported with --engine dask"),
        (["--engine", "dask", "--encoder", "pixel-stats"], "--encoder is not supported"),
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --engine dask"),
        (["--engine", "spark"], "unknown --engine 'spark'"),
        (["--on-error", "ignore"], "unknown --on-error 'ignore'"),
        (["--anatomy-edges", "some"], "unknown anatomy_edges 'some'"),
    ],
)
def test_refused_option_combinations(tmp_path, recipe, extra, message):
    data = _table(tmp_path / "reports.csv", bad_line=False)
    res = _build(recipe, data, tmp_path / "kg", *extra)
    assert isinstance(res.exception, ConfigError) and message in str(res.exception)
    assert not (tmp_path / "kg").exists()  # refused before anything is read or written
