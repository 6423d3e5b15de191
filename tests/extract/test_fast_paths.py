"""The fast paths give exactly the slow paths' results: sentence cache, label path, batching."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from medkg.extract import Extractor
from medkg.extract.parallel import batched, map_batches
from medkg.labels import label_mapper

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "openi" / "dev.csv"


def _dev(n: int) -> list[tuple[str, dict]]:
    with DEV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:n]
    return [(r["uid"], {"findings": r["findings"], "impression": r["impression"]}) for r in rows]


@pytest.fixture(scope="module")
def seed_pair():
    from medkg.ontology import load

    onto = load()
    return Extractor(onto), Extractor(onto, cache_size=0)


@pytest.mark.skipif(not DEV.is_file(), reason="Open-i dev split not in ../shared")
def test_sentence_cache_changes_nothing(seed_pair):
    cached, uncached = seed_pair
    reports = _dev(200)
    for rid, report in reports + reports:  # the second round is served from the cache
        assert cached.extract(report, rid) == uncached.extract(report, rid)
    info = cached.annotator.cache_info()
    assert info.hits > info.misses > 0
    assert uncached.annotator.cache_info() is None


@pytest.mark.skipif(not DEV.is_file(), reason="Open-i dev split not in ../shared")
@pytest.mark.parametrize("schema", ["chestxray14", "chexpert"])
def test_label_path_equals_label_of_extraction(seed_pair, schema):
    ex = seed_pair[0]
    mapper = label_mapper(schema, ex.ontology)
    for rid, report in _dev(200):
        inputs = ex.label_inputs(report, rid)
        fast = mapper.label_assertions(inputs)
        assert fast == mapper.label(ex.extract(report, rid))
        assert ex.concept_assertions(report, rid) == [t[:4] for t in inputs]


def test_report_defined_abbreviation_reaches_other_sentences(extractor):
    text = "FINDINGS: Pulmonary infiltrates (PI). Persistent PI."
    found = [(m.text, m.cui, m.method, m.sentence) for m in extractor.extract(text).mentions]
    assert found == [("Pulmonary infiltrates", "C0235896", "exact", 0), ("PI", "C0235896", "abbreviation", 0),
                     ("PI", "C0235896", "abbreviation", 1)]
    # the same sentence, cached, without the definition elsewhere in the report: no link
    assert extractor.extract("FINDINGS: Persistent PI.").mentions == ()


def test_map_batches_in_order_with_workers():
    assert list(batched("abcde", 2)) == [["a", "b"], ["c", "d"], ["e"]]
    assert list(map_batches(sum, range(100), n_process=2, batch_size=7)) == [
        sum(range(i, min(i + 7, 100))) for i in range(0, 100, 7)
    ]


def test_map_batches_reads_input_lazily():
    pulled = []

    def items():
        for i in range(10_000):
            pulled.append(i)
            yield i

    results = map_batches(len, items(), n_process=2, batch_size=10)
    assert next(results) == 10
    assert len(pulled) < 200  # at most 2 * n_process batches ahead, not the whole input
    results.close()
