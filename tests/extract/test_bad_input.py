"""Bad input: empty text, wrong types, undecodable bytes, oversized reports."""

from __future__ import annotations

import pytest

from medkg.errors import ExtractionError
from medkg.extract.pipeline import MAX_CHARS


def test_empty_report_has_no_mentions(extractor):
    r = extractor.extract("", "e")
    assert (r.text, r.mentions, r.sentences) == ("", (), ())
    assert extractor.extract({"findings": None, "impression": "  "}).text == ""


def test_non_utf8_bytes(extractor):
    with pytest.raises(ExtractionError, match=r"record 'b1': report is not valid UTF-8 \(byte 3\)"):
        extractor.extract(b"No \xff effusion", "b1")
    assert extractor.extract(b"No effusion.", "b2").mentions[0].text == "effusion"


def test_wrong_types(extractor):
    with pytest.raises(ExtractionError, match="not int"):
        extractor.extract(42, "x")
    with pytest.raises(ExtractionError, match="section 'findings' is a int"):
        extractor.extract({"findings": 3}, "x")


def test_one_megabyte_report(extractor):
    text = "FINDINGS: " + "No pleural effusion. Cardiomegaly. " * 30_000
    r = extractor.extract(text)
    assert len(text) > 1_000_000
    assert len(r.mentions) == 60_000
    assert {m.assertion.value for m in r.mentions[:2]} == {"absent", "present"}
    with pytest.raises(ExtractionError, match="limit 2,000,000"):
        extractor.extract("x" * (MAX_CHARS + 1))
