import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medkg.cli import app
from medkg.cli.ontology import find_concepts
from medkg.ontology import load

FIXTURES = Path(__file__).parent / "fixtures"
META = FIXTURES / "meta"
REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "ontologies" / "seed" / "MRCONSO.RRF"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDKG_CACHE_DIR", str(tmp_path / "cache"))


def test_help_for_every_command():
    for command in ("stats", "lookup", "coverage", "convert"):
        result = runner.invoke(app, ["ontology", command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_stats():
    result = runner.invoke(app, ["ontology", "stats", "--ontology", str(META)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "concepts        9" in lines
    assert "synonyms        11" in lines
    assert "relations       8" in lines
    assert any(line.split() == ["isa", "5"] for line in lines)
    assert any(line.split() == ["T047", "Disease", "or", "Syndrome", "7"] for line in lines)


def test_lookup_exact_and_misspelled():
    result = runner.invoke(app, ["ontology", "lookup", "pleural effusions", "-o", str(META), "--limit", "1"])
    assert result.exit_code == 0, result.output
    row = result.output.splitlines()[1].split()
    assert row[:4] == ["C0032227", "100", "Pleural", "Effusion"]
    assert "MSH:D010996" in result.output
    typo = runner.invoke(app, ["ontology", "lookup", "pnuemothorax", "-o", str(META)])
    assert typo.output.splitlines()[1].split()[0] == "C0032326"
    none = runner.invoke(app, ["ontology", "lookup", "zzzz qqqq", "-o", str(META)])
    assert none.exit_code == 1 and "no concept found" in none.output


def test_find_concepts_function():
    onto = load(META)
    matches = find_concepts(onto, "wet lungs")
    assert (matches[0].concept.cui, matches[0].matched, matches[0].score) == ("C0034063", "Wet lung", 100.0)
    fuzzy = find_concepts(onto, "cardiomegally", limit=1)
    assert fuzzy[0].concept.cui == "C0018800" and fuzzy[0].score < 100


def test_convert_both_formats(tmp_path):
    out = tmp_path / "rrf"
    result = runner.invoke(
        app, ["ontology", "convert", str(FIXTURES / "chest.owl"), "--to", "rrf", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["MRCONSO.RRF", "MRDEF.RRF", "MRREL.RRF", "MRSTY.RRF"]
    kb = tmp_path / "kb.jsonl"
    result = runner.invoke(
        app, ["ontology", "convert", str(out), "--to", "scispacy-jsonl", "--output", str(kb)]
    )
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["concept_id"] for line in kb.read_text().splitlines()] == [
        "C0013604", "C0032227", "C0032326", "C4025726",
    ]  # fmt: skip


def test_errors_are_one_line_with_exit_code_2(tmp_path):
    bad = tmp_path / "META"
    bad.mkdir()
    (bad / "MRCONSO.RRF").write_text("C0032227|ENG|P|\n")
    out = subprocess.run(
        [sys.executable, "-m", "medkg", "ontology", "stats", "-o", str(bad)], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert out.stderr.strip() == (
        f"error: {bad / 'MRCONSO.RRF'}:1, record 'C0032227': expected 18 '|'-terminated fields, found 3 "
        "(the file may be truncated or not RRF; re-extract it from the UMLS release)"
    )


@pytest.mark.skipif(
    not SEED.is_file(), reason="the shipped seed ontology is built by ontologies/build_seed.py"
)
def test_lookup_on_shipped_seed():
    result = runner.invoke(app, ["ontology", "lookup", "pleural effusion"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].split()[0] == "C0032227"


def test_coverage_command(tmp_path):
    coverage = pytest.importorskip("medkg.ontology.coverage")
    split = REPO.parent / "shared" / "data" / "openi" / "dev.csv"
    result = runner.invoke(app, ["ontology", "coverage", "--split", str(split), "-o", str(META)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.splitlines()[-1])
    expected = coverage.mesh_head_coverage(load(META), split).as_dict()
    assert figures == json.loads(json.dumps(expected, sort_keys=True, default=str))
