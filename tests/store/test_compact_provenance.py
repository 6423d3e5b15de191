"""The compact provenance layout (Neo4j's default): encoding, decoding and the JSON it writes."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from medkg.graph.model import Evidence, FindingEdge
from medkg.store import schema as S

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(
    st.lists(
        st.builds(
            Evidence, texts, texts, st.integers(0, 99), st.integers(0, 10**6), st.integers(0, 10**6), texts,
            st.none() | texts, st.none() | texts, st.none() | texts,
        ),
        min_size=1, max_size=4,
    )
)  # fmt: skip
def test_compact_layout_round_trips_and_writes_plain_json(records):
    evidence = tuple(records)
    props = S.edge_properties(FindingEdge("POSITIVE", "I1", "C0032227", evidence, False), "compact")
    assert set(props) == {p for p, _ in S.rel_properties("finding", "compact")}
    spans = json.loads(props["ev_spans"])
    expected = []
    for e in evidence:
        span = {"section": e.section, "sentence": e.sentence, "start": e.start, "end": e.end,
                "sentence_sha256": e.sentence_sha256}  # fmt: skip
        mods = (("laterality", e.laterality), ("severity", e.severity))
        span.update({k: v for k, v in mods if v is not None})
        expected.append(span)
    assert spans == expected
    assert props["ev_spans"] == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))
    back = S.edge_from_properties("POSITIVE", "I1", "C0032227", props)
    keep_text = any(e.text is not None for e in evidence)
    assert back.evidence == tuple(
        Evidence(e.report_id, e.section, e.sentence, e.start, e.end, e.sentence_sha256,
                 (e.text or None) if keep_text else None, e.laterality, e.severity)
        for e in evidence
    )  # fmt: skip


def test_compact_layout_without_text_has_no_text_property():
    ev = Evidence("R1", "findings", 0, 4, 12, "ab" * 32, None, "left", None)
    props = S.edge_properties(FindingEdge("POSITIVE", "I1", "C0032227", (ev, ev), True), "compact")
    assert props["ev_text"] is None and props["support"] == 1 and props["naf_kept"] is True
    assert props["ev_report"] == ["R1", "R1"]
    assert props["ev_spans"].count('"laterality":"left"') == 2
