"""Triples from a real built graph and from MEDMKG's CSV format; the seeded 8:1:1 split."""

from __future__ import annotations

import numpy as np
import pytest

from medkg.errors import InputFileError, ParseError
from medkg.graph.export import export
from medkg.kge import from_rows, read_medmkg_csv, split_triples, triples_from_graph


def test_graph_triples_naf_view(built_kg):
    ts = triples_from_graph(built_kg)
    assert len(ts) == 15  # 10 NaF-kept image edges + 4 ISA + SUGGESTIVE_OF
    assert ts.relations == ("NEGATIVE", "POSITIVE", "UNCERTAIN", "isa", "suggestive_of")
    rows = set(ts.labelled(ts.triples))
    assert ("I1a", "POSITIVE", "C0032227") in rows
    assert ("C0149781", "isa", "C0032326") in rows
    assert ("C0004144", "suggestive_of", "C0032285") in rows
    assert ("I2", "NEGATIVE", "C0032227") not in rows
    assert ts.names["C0032227"] == "Pleural effusion"
    assert ts.names["I1a"] == "Image_I1a"
    assert len(triples_from_graph(built_kg, naf_only=False)) == 20


def test_graph_and_its_medmkg_csv_export_give_the_same_triples(built_kg, tmp_path):
    export(built_kg, "medmkg-csv", tmp_path / "kg.csv")
    from_csv = read_medmkg_csv(tmp_path / "kg.csv")
    from_graph = triples_from_graph(built_kg)
    assert from_csv.entities == from_graph.entities
    assert from_csv.relations == from_graph.relations
    assert np.array_equal(from_csv.triples, from_graph.triples)
    assert from_csv.names["C0032326"] == "Pneumothorax"


def test_split_sizes_and_determinism():
    ts = from_rows([(f"I{i}", "POSITIVE", f"C{i % 7:07d}") for i in range(103)])
    split = split_triples(ts, seed=3)
    assert split.sizes == (82, 10, 11)
    again = split_triples(ts, seed=3)
    assert np.array_equal(split.train, again.train) and np.array_equal(split.test, again.test)
    other = split_triples(ts, seed=4)
    assert not np.array_equal(split.train, other.train)
    together = np.concatenate([split.train, split.valid, split.test])
    assert sorted(map(tuple, together.tolist())) == sorted(map(tuple, ts.triples.tolist()))


def test_split_of_the_built_graph(built_kg):
    split = split_triples(triples_from_graph(built_kg, naf_only=False), seed=0)
    assert split.sizes == (16, 2, 2)


def test_duplicates_and_order_do_not_matter():
    a = from_rows([("I1", "POSITIVE", "C0032227"), ("C0149781", "isa", "C0032326")])
    b = from_rows([("C0149781", "isa", "C0032326"), ("I1", "POSITIVE", "C0032227")] * 2)
    assert a.entities == b.entities == ("C0032227", "C0032326", "C0149781", "I1")
    assert np.array_equal(a.triples, b.triples)
    assert a.triples.tolist() == [[2, 1, 1], [3, 0, 0]]


def test_csv_errors(tmp_path):
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("Head,Rel,Tail\nC0032227,isa,C0032326\n")
    with pytest.raises(ParseError) as err:
        read_medmkg_csv(bad_header)
    assert err.value.line == 1 and "Relation" in str(err.value)
    empty_field = tmp_path / "empty.csv"
    empty_field.write_text("Head,Relation,Tail\nC0149781,isa,C0032326\nI1,,C0032227\n")
    with pytest.raises(ParseError) as err:
        read_medmkg_csv(empty_field)
    assert err.value.line == 3
    with pytest.raises(InputFileError):
        read_medmkg_csv(tmp_path / "missing.csv")
