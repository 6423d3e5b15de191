"""``medkg extract`` / ``medkg label`` on real Open-i dev reports, and malformed input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DEV = SHARED / "data" / "openi" / "dev.csv"
HPO = SHARED / "data" / "ontology-sources" / "hp_2025-01-16.obo"


def medkg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "medkg", *args], capture_output=True, text=True, cwd=REPO)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("cli")
    one, two = out / "w1.csv", out / "w2.csv"
    for path, workers in ((one, "1"), (two, "2")):
        proc = medkg(
            "label",
            str(DEV),
            "--id-column",
            "uid",
            "--text-columns",
            "findings,impression",
            "--schema",
            "chestxray14",
            "--output",
            str(path),
            "--workers",
            workers,
            "--ontology",
            str(HPO),
            "--on-error",
            "skip",
        )
        assert proc.returncode == 0, proc.stderr
    return one, two


def test_label_rows_and_workers_agree(labelled):
    one, two = labelled
    rows = list(csv.reader(one.open()))
    assert rows[0][:4] == ["uid", "Atelectasis", "Cardiomegaly", "Effusion"] and len(rows[0]) == 15
    # a report whose text columns are blank is valid: a row with no labels, not a reject
    assert not Path(str(one) + ".rejects.jsonl").exists()
    assert len(rows) == 1001
    assert one.read_text() == two.read_text()
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["1690"][1:] == [""] * 14
    assert by_id["17"][1:] == [""] * 14 or set(by_id["17"][1:]) <= {"", "0"}
    # uid 4: "... bullous emphysema and interstitial fibrosis" → Fibrosis 1
    assert by_id["4"][rows[0].index("Fibrosis")] == "1"


def test_extract_jsonl(tmp_path):
    out = tmp_path / "m.jsonl"
    proc = medkg(
        "extract",
        str(DEV),
        "--id-column",
        "uid",
        "--text-columns",
        "indication,findings,impression",
        "--output",
        str(out),
        "--ontology",
        str(HPO),
        "--on-error",
        "skip",
    )
    assert proc.returncode == 0, proc.stderr
    lines = out.read_text().splitlines()
    assert not Path(str(out) + ".rejects.jsonl").exists()  # blank reports are valid: empty mention lists
    assert len(lines) == 1000
    first = json.loads(lines[0])
    assert first["id"] == "4" and set(first) == {"id", "mentions", "relations"}
    m = first["mentions"][0]
    assert set(m) >= {
        "cui",
        "name",
        "text",
        "start",
        "end",
        "section",
        "sentence",
        "assertion",
        "laterality",
        "severity",
        "codes",
    }


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_missing_column(tmp_path):
    src = _write(tmp_path / "in.csv", b"uid,findings\n1,No effusion.\n")
    proc = medkg(
        "label",
        str(src),
        "--id-column",
        "uid",
        "--text-columns",
        "findings,impression",
        "--output",
        str(tmp_path / "o.csv"),
        "--ontology",
        str(HPO),
    )
    assert proc.returncode == 2
    assert "in.csv:1: missing column(s) impression (the header has: uid, findings)" in proc.stderr


def test_bad_records_raise_or_skip(tmp_path):
    data = (
        b"uid,findings,impression\n1,No effusion.,Normal.\n2,,\n3,Bad \xff byte,x\n"
        b'4,"Cardiomegaly.\nSmall effusion.",ok\n5,too,many,fields\n'
    )
    src = _write(tmp_path / "in.csv", data)
    out = tmp_path / "o.csv"
    base = [
        "label",
        str(src),
        "--id-column",
        "uid",
        "--text-columns",
        "findings,impression",
        "--output",
        str(out),
        "--ontology",
        str(HPO),
    ]
    proc = medkg(*base)
    assert proc.returncode == 2
    assert "in.csv:4, record '3': text is not valid UTF-8" in proc.stderr
    proc = medkg(*base, "--on-error", "skip")
    assert proc.returncode == 0, proc.stderr
    assert [r[0] for r in csv.reader(out.open())] == ["uid", "1", "2", "4"]  # 2 is empty: a row, no labels
    rejects = [json.loads(x) for x in (tmp_path / "o.csv.rejects.jsonl").read_text().splitlines()]
    assert rejects == [
        {"line": 4, "id": "3", "error": "text is not valid UTF-8"},
        {"line": 7, "id": "5", "error": "4 fields, the header has 3"},
    ]


def test_jsonl_input(tmp_path):
    src = _write(tmp_path / "in.jsonl", b'{"id": "a", "findings": "No pneumothorax."}\n{oops\n')
    out = tmp_path / "o.jsonl"
    proc = medkg(
        "extract",
        str(src),
        "--text-columns",
        "findings",
        "--output",
        str(out),
        "--on-error",
        "skip",
        "--ontology",
        str(HPO),
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(out.read_text())
    assert [(m["text"], m["assertion"], m["section"]) for m in got["mentions"]] == [
        ("pneumothorax", "absent", "findings")
    ]
    assert "invalid JSON" in (tmp_path / "o.jsonl.rejects.jsonl").read_text()
