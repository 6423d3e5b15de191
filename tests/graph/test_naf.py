"""NaF on graphs small enough to compute by hand (the arithmetic is written out)."""

from __future__ import annotations

import math

import pytest

from medkg.errors import ConfigError
from medkg.graph import build_graph, clear_naf, export, naf, naf_select, stats
from medkg.graph.naf import image_scores

# The fixture graph's image edges (relation, concept) — see conftest.py:
#   I1a, I1b: (P,effusion) (N,ptx) (P,cardiomegaly) (P,atelectasis) (U,pneumonia)
#   I2: (N,effusion)   I3: (U,ptx) (P,edema)   I4, I4L: (P,spontaneous ptx)
# M = 6 images. df = 2 for every I1 pair and for (P,spont ptx); df = 1 for I2's and I3's pairs.
#   score(I1a) = score(I1b) = 5 * log(6/2) = 5 log 3 = 5.4931
#   score(I3) = 2 * log(6/1) = 3.5835;  score(I2) = log 6 = 1.7918
#   score(I4) = score(I4L) = log(6/2) = 1.0986
# Walk: I1a, I1b (tie broken by id), I3, I2, I4, I4L.
# 7 concepts. I1a covers 5; I1b adds none (kept anyway: Algorithm 1 keeps walking); I3 adds edema;
# I2 adds none; I4 adds spontaneous ptx -> all covered, stop. Kept: I1a I1b I3 I2 I4 (I4L left out).


def test_scores_by_hand(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology)
    naf(kg)
    expected = {
        "I1a": 5 * math.log(3),
        "I1b": 5 * math.log(3),
        "I2": math.log(6),
        "I3": 2 * math.log(6),
        "I4": math.log(3),
        "I4L": math.log(3),
    }
    for image_id, score in expected.items():
        assert kg.images[image_id].naf_score == pytest.approx(score, abs=1e-12)


def test_faithful_walk(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology)
    report = naf(kg)
    assert {i for i, n in kg.images.items() if n.naf_kept} == {"I1a", "I1b", "I3", "I2", "I4"}
    assert (report.images_before, report.images_after) == (6, 5)
    assert (report.finding_edges_before, report.finding_edges_after) == (15, 14)  # I4L's one edge
    assert (report.concepts_before, report.concepts_after, report.complete) == (7, 7, True)
    assert not kg.findings[("POSITIVE", "I4L", C.SPONT_PTX)].naf_kept
    assert kg.info.naf == {"budget": None, "k": 1, "skip_if_nothing_new": False}


def test_skip_if_nothing_new(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology)
    report = naf(kg, skip_if_nothing_new=True)
    # I1a (5 new), I1b skipped, I3 (edema), I2 skipped, I4 (spontaneous ptx) -> done
    assert {i for i, n in kg.images.items() if n.naf_kept} == {"I1a", "I3", "I4"}
    assert report.finding_edges_after == 5 + 2 + 1


def test_budget(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology)
    report = naf(kg, budget=2)
    assert {i for i, n in kg.images.items() if n.naf_kept} == {"I1a", "I1b"}
    assert (report.concepts_after, report.complete) == (5, False)


def test_k_coverage(records, extractor, ontology, C):
    kg = build_graph(records, extractor, ontology)
    naf(kg, k=2)
    # targets: min(2, images with the concept): edema 1 (only I3), every other concept 2.
    # I1a, I1b -> the five I1 concepts at 2; I3 -> edema 1; I2 adds nothing; I4, I4L -> spont ptx 2.
    assert all(n.naf_kept for n in kg.images.values())


def test_pure_selection_tie_break_and_validation(C):
    # M = 3; df(P,C1) = 3 -> log 1 = 0; df(N,C2) = 1 -> log 3. a, c score 0; b scores log 3.
    edges = {
        "c": {("POSITIVE", "C1")},
        "a": {("POSITIVE", "C1")},
        "b": {("POSITIVE", "C1"), ("NEGATIVE", "C2")},
    }
    assert image_scores(edges) == {"c": 0.0, "a": 0.0, "b": math.log(3)}
    assert naf_select(edges).kept == ("b",)
    assert naf_select(edges, k=2).kept == ("b", "a")  # a before c: equal scores, ties by id
    with pytest.raises(ConfigError):
        naf_select(edges, k=0)


def test_clear_and_views(records, extractor, ontology, tmp_path, C):
    kg = build_graph(records, extractor, ontology)
    naf(kg)
    s = stats(kg)
    assert (s.images_kept, s.finding_edges_kept, s.naf_applied) == (5, 14, True)
    assert s.triples == 14 + 4 + 1  # kept image edges + ISA (incl. 1-hop neighbourhood) + SUGGESTIVE_OF
    full = export(kg, "medmkg-csv", tmp_path / "all.csv", naf_only=False)
    kept = export(kg, "medmkg-csv", tmp_path / "kept.csv")
    assert (full.rows, kept.rows) == (20, 19)
    clear_naf(kg)
    assert stats(kg).finding_edges_kept == 15 and kg.info.naf is None
    assert kg.images["I3"].naf_score == 0.0 and kg.findings[("POSITIVE", "I3", C.EDEMA)].naf_kept
