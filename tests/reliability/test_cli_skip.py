"""``--on-error skip`` through the real CLI: the batch finishes and a rejects file says what and why."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from medkg.cli import app
from medkg.store.ladybug import LadybugStore

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "openi" / "dev.csv"
runner = CliRunner()


def _bad_table(path: Path) -> Path:
    """Six good Open-i rows plus a short row, bytes that are not UTF-8, an empty (valid) report, a stray
    quote."""
    with DEV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:6]
    out = [b"id,findings,impression,images"]
    for r in rows:
        line = [r["uid"], r["findings"], r["impression"], f"{r['uid']}-pa.png"]
        out.append(",".join('"' + v.replace('"', '""') + '"' for v in line).encode())
    out[3:3] = [b"bad1,only three,fields"]
    out[5:5] = [b'bad2,"No effusion \xff\xfe.",Normal.,x.png']
    out += [b"bad3,,,y.png", b'bad4,"unterminated quote,x,z.png']
    path.write_bytes(b"\n".join(out) + b"\n")
    return path


def test_extract_skip_writes_rejects(tmp_path):
    src = _bad_table(tmp_path / "reports.csv")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["extract", str(src), "-o", str(out), "--on-error", "skip", "--no-fuzzy"])
    assert res.exit_code == 0, res.output
    written = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert len(written) == 7 and "bad1" not in written and "bad3" in written
    rejects = [json.loads(line) for line in (tmp_path / "out.jsonl.rejects.jsonl").read_text().splitlines()]
    by_line = {r["line"]: r for r in rejects}
    assert by_line[4]["error"] == "3 fields, the header has 4"
    assert by_line[6]["error"] == "text is not valid UTF-8"
    assert not any(r["id"] == "bad3" for r in rejects)  # an empty report is valid: no mentions


def test_extract_raise_names_file_line_record(tmp_path):
    src = _bad_table(tmp_path / "reports.csv")
    res = runner.invoke(app, ["extract", str(src), "-o", str(tmp_path / "o.jsonl"), "--no-fuzzy"])
    assert res.exit_code != 0
    err = res.exception
    assert (err.path, err.line) == (str(src), 4) and "3 fields" in err.message


def test_label_skip_writes_rejects(tmp_path):
    src = _bad_table(tmp_path / "reports.csv")
    out, rejects = tmp_path / "labels.csv", tmp_path / "why.jsonl"
    args = ["label", str(src), "-o", str(out), "--on-error", "skip", "--rejects", str(rejects), "--no-fuzzy"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    with out.open() as fh:
        assert len(list(csv.DictReader(fh))) == 7
    assert len(rejects.read_text().splitlines()) >= 2


def test_build_generic_recipe_skip_writes_rejects(tmp_path):
    src = _bad_table(tmp_path / "reports.csv")
    rejects = tmp_path / "build-rejects.jsonl"
    recipe = tmp_path / "my_recipe.py"
    recipe.write_text(
        "from medkg.datasets import Recipe\n"
        "RECIPE = Recipe(name='mine', reader='generic', reader_options={'id_column': 'id', "
        "'text_columns': ['findings', 'impression'], 'image_column': 'images', "
        f"'on_error': 'skip', 'rejects': {str(rejects)!r}}})\n"
    )
    res = runner.invoke(app, ["build", str(recipe), "--data", str(src), "--out", str(tmp_path / "kg")])
    assert res.exit_code == 0, res.output
    with LadybugStore(tmp_path / "kg") as store:
        assert store.cypher("MATCH (r:Report) RETURN count(r) AS n") == [{"n": 7}]  # 6 + bad3 (no text)
    entries = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert {e["line"] for e in entries} >= {4, 6}
    assert all(e["path"] == str(src) for e in entries)
