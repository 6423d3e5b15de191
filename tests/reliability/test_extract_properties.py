"""Property tests: any report text ends in a ReportExtraction or a typed ExtractionError, never a crash.

Checked invariants: offsets index the report text (``text[start:end] == mention.text``), mentions lie
inside their sentence and section, and the graph built from the same input validates and is
identical when built twice.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.errors import ExtractionError, GraphError
from medkg.extract import default_extractor
from medkg.extract.pipeline import MAX_CHARS
from medkg.extract.types import ReportExtraction
from medkg.graph import build_graph, checksum

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = [
    "No", "pleural", "effusion", "pneumothorax", "cardiomegaly", "Heart", "size", "normal", "left",
    "right", "lower", "lobe", "opacity", "may", "represent", "atelectasis", "IMPRESSION:", "FINDINGS:",
    "COMPARISON:", "INDICATION:", "XXXX", "r/o", "w/", "CHF", "PICC", "(", ")", "[", "]", ".", ",", ";",
    ":", "?", "-", "--", "...", "\n", "\n\n", "\t", "\r\n", "\x00", "\x0b", "\u2028", "\u00e9", "\u0301",
    "\ufeff", "İ", "ß", "ﬁ", "\U0001f600", "١٢", "肺",
]  # fmt: skip
#: Report-like text: radiology words, headers, punctuation, control and odd Unicode characters.
report_text = st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=60).map(" ".join)
any_text = st.text() | report_text
#: Sections named by odd headers (empty, Unicode, punctuation) with any text.
headers = st.sampled_from(["findings", "impression", "indication", "FINDINGS", ""]) | st.text()
sections = st.dictionaries(headers, any_text, max_size=5)


@pytest.fixture(scope="module")
def extractor():
    return default_extractor()


def _check(result: ReportExtraction) -> None:
    text = result.text
    for m in result.mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        sent = result.sentences[m.sentence]
        assert sent.start <= m.start and m.end <= sent.end
    for r in result.relations:
        assert 0 <= r.source < len(result.mentions) and 0 <= r.target < len(result.mentions)


@SETTINGS
@given(text=any_text)
def test_any_text_report(extractor, text):
    _check(extractor.extract(text, "r1"))


@SETTINGS
@given(report=sections)
def test_any_sections_mapping(extractor, report):
    try:
        result = extractor.extract(report, "r2")
    except ExtractionError as exc:
        assert exc.record == "r2"
        return
    _check(result)


@SETTINGS
@given(depth=st.integers(1, 20_000), inner=st.sampled_from(["effusion", "", "no effusion.", "(("]))
def test_deeply_nested_punctuation(extractor, depth, inner):
    _check(extractor.extract("(" * depth + inner + ")" * depth + " [" * depth + "." * depth, "deep"))


def test_empty_and_blank_reports(extractor):
    for report in ("", " ", "\n\n", {}, {"findings": ""}, {"findings": "   ", "impression": "\t"}):
        result = extractor.extract(report, "empty")
        assert result.mentions == () and result.relations == ()


def test_one_megabyte_report(extractor):
    text = ("Small left pleural effusion. No pneumothorax. " * 23_000)[:1_000_000]
    result = extractor.extract({"findings": text}, "big")
    _check(result)
    assert len(result.text) >= 1_000_000 and len(result.mentions) > 40_000


def test_over_limit_and_wrong_types_are_typed_errors(extractor):
    with pytest.raises(ExtractionError, match="limit") as err:
        extractor.extract("a" * (MAX_CHARS + 1), "huge")
    assert err.value.record == "huge"
    with pytest.raises(ExtractionError, match="not valid UTF-8") as err:
        extractor.extract(b"No effusion \xff\xfe", "bytes")
    assert err.value.record == "bytes"
    with pytest.raises(ExtractionError, match="not int"):
        extractor.extract(42, "int")  # type: ignore[arg-type]


@SETTINGS
@given(
    texts=st.lists(report_text, min_size=1, max_size=4),
    views=st.lists(st.sampled_from(["PA", "AP", "LATERAL", ""])),
)
def test_graph_build_from_fuzzed_reports(extractor, texts, views):
    records = [
        ReportRecord(
            f"r{i}", f"s{i}", {"findings": t, "impression": t[::-1]}, f"p{i % 2}",
            tuple(ImageRecord(f"i{i}-{j}", f"s{i}", None, v or None) for j, v in enumerate(views[:3])),
        )
        for i, t in enumerate(texts)
    ]
    kg = build_graph(records, extractor, extractor.ontology)
    kg.validate()
    assert len(kg.reports) == len(texts)
    assert checksum(kg) == checksum(build_graph(list(reversed(records)), extractor, extractor.ontology))


def test_lone_surrogate_in_record_is_a_typed_error(extractor):
    record = ReportRecord("sur", "s", {"findings": "No effusion \udcff."}, source="reports.csv:7")
    with pytest.raises(GraphError, match="report text is not valid Unicode") as err:
        build_graph([record], extractor, extractor.ontology)
    assert (err.value.record, err.value.path) == ("sur", "reports.csv:7")
