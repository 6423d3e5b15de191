"""The demo and `medkg build` on real Open-i reports (torchxrayvision's archive, read in place)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

import medkg.demo as demo
from medkg.cli import app
from medkg.graph import checksum
from medkg.store.ladybug import LadybugStore

HPO = "hp_2025-01-16.obo"


@pytest.fixture(scope="module")
def hpo():
    from medkg.ontology.obo import load_obo

    from_dir = pytest.importorskip("pathlib").Path(__file__).resolve().parents[2].parent / "shared"
    return load_obo(from_dir / "data" / "ontology-sources" / HPO)


def test_demo_on_open_i(tmp_path, hpo):
    if demo.openi_archive() is None:
        pytest.skip("torchxrayvision (the Open-i archive) is not installed")
    result = demo.run(tmp_path / "demo", ontology=hpo, limit=120)
    assert result.warning is None and result.source.endswith("NLMCXR_reports.tgz")
    assert result.stats.nodes["Report"] == 120 and result.stats.naf_applied
    assert result.naf.images_after < result.naf.images_before
    assert result.naf.concepts_after == result.naf.concepts_before  # NaF keeps every concept
    assert len(result.answers) == 2 and all(isinstance(rows, list) for rows in result.answers.values())
    assert result.picture.stat().st_size > 10_000 and result.picture.read_bytes()[:4] == b"\x89PNG"
    with LadybugStore(result.store) as store:
        assert checksum(store.read_graph()) == store.manifest()["checksum"]
    assert "NaF (before -> after)" in result.summary()


def test_demo_falls_back_to_the_sample_with_a_warning(tmp_path, hpo, monkeypatch):
    monkeypatch.setattr(demo, "openi_archive", lambda: None)
    result = demo.run(tmp_path / "demo", ontology=hpo)
    assert result.warning and "sample" in result.warning
    assert result.stats.nodes["Report"] == 6
    assert result.summary().startswith("WARNING:")


@pytest.mark.slow
def test_build_cli_on_open_i(tmp_path, shared_dir):
    if demo.openi_archive() is None:
        pytest.skip("torchxrayvision (the Open-i archive) is not installed")
    onto = shared_dir / "data" / "ontology-sources" / HPO
    out = tmp_path / "kg"
    args = ["build", "openi", "--data", "torchxrayvision", "--out", str(out), "--ontology", str(onto)]
    res = CliRunner().invoke(app, [*args, "--workers", "2"])
    assert res.exit_code == 0, res.output
    assert "NaF" in res.output and re.search(r"nodes: Report +3955\n", res.output)
    with LadybugStore(out) as store:
        first = store.manifest()["checksum"]
        assert store.cypher("MATCH (r:Report) RETURN count(r) AS n") == [{"n": 3955}]
    res = CliRunner().invoke(app, [*args, "--add"])  # the same input again: nothing new
    assert res.exit_code == 0, res.output
    with LadybugStore(out) as store:
        assert store.manifest()["checksum"] == first
