"""Evaluate the factuality checker with contradictions built from the gold codes on real sentences.

For each test report (never in the graph) and each real sentence of its FINDINGS/IMPRESSION:

- *unmodified*: the sentence as written; a contradicted statement is a false alarm;
- *negated*: a finding the codes say is present, restated negated (``No <mention>.``; not for
  "no acute disease" statements, which negate nothing);
- *unlisted*: a common finding the codes do not list (nor any is_a relative) and are complete
  for (the reference's vocabulary, by default the ChestX-ray14 findings), asserted
  (``There is <finding>.``);
- *flipped*: a sentence whose present finding is coded on one side only, with left/right swapped.

A modification is detected when the statement about the modified concept is contradicted. The
reference is :func:`~medkg.rag.factuality.reference_from_codes` with ``vocabulary``: outside it,
an unlisted finding is unknown (open world), so findings the coders record under another head
("sternotomy" coded as Surgical Instruments) are not false alarms.

Examples
--------
>>> flip_sides("Left lower lobe opacity, right effusion.")
'Right lower lobe opacity, left effusion.'
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from medkg.rag.factuality import (
    NO_FINDING_CUI,
    Reference,
    mention_verdict,
    reference_from_codes,
    related_concepts,
    suggested_mentions,
)

#: Findings asserted when a report's codes do not list them (names resolved through the ontology).
UNLISTED = (
    "pneumothorax",
    "pleural effusion",
    "cardiomegaly",
    "pulmonary edema",
    "consolidation",
    "pneumonia",
    "atelectasis",
    "emphysema",
    "pulmonary nodule",
    "rib fracture",
    "pulmonary fibrosis",
    "pleural thickening",
)
_SIDE = re.compile(r"\b(left|right)\b", re.IGNORECASE)


def flip_sides(sentence: str) -> str:
    """Swap left and right, keeping capitalisation."""

    def swap(m: re.Match) -> str:
        word = "right" if m.group(0).lower() == "left" else "left"
        return word.capitalize() if m.group(0)[0].isupper() else word

    return _SIDE.sub(swap, sentence)


@dataclass
class FactualityResult:
    detected: Counter = field(default_factory=Counter)
    built: Counter = field(default_factory=Counter)
    false_alarms: int = 0
    unmodified: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)

    def metrics(self) -> dict[str, float | int]:
        total_built = sum(self.built.values())
        out: dict[str, float | int] = {
            "detection": round(sum(self.detected.values()) / total_built, 4) if total_built else 0.0,
            "false_alarm_rate": round(self.false_alarms / self.unmodified, 4) if self.unmodified else 0.0,
            "modified": total_built,
            "unmodified": self.unmodified,
        }
        for kind, n in sorted(self.built.items()):
            out[f"detection_{kind}"] = round(self.detected[kind] / n, 4) if n else 0.0
            out[f"built_{kind}"] = n
        return out


def format_examples(result: FactualityResult) -> list[str]:
    """``kind: report id: sentence`` per kept example (false alarms, missed modifications), by kind.

    Examples
    --------
    >>> result = FactualityResult(examples={"missed_negated": ["7: No effusion."],
    ...                                     "false_alarm": ["3: Clear."]})
    >>> format_examples(result)
    ['false_alarm: 3: Clear.', 'missed_negated: 7: No effusion.']
    """
    return [f"{key}: {item}" for key, items in sorted(result.examples.items()) for item in items]


def evaluate_factuality(
    test: str | Path,
    *,
    id_column: str = "uid",
    text_columns=("findings", "impression"),
    gold_column: str = "MeSH",
    extractor=None,
    examples: int = 3,
    vocabulary: str | None = "chestxray14",
) -> FactualityResult:
    """Build and check the three kinds of contradiction plus unmodified sentences (module docstring)."""
    from medkg.evaluation.rag import read_records

    if extractor is None:
        from medkg.extract import default_extractor

        extractor = default_extractor()
    onto = extractor.ontology
    unlisted = []  # (name, the CUI the extractor links the asserted sentence to)
    for name in UNLISTED:
        found = extractor.extract({"findings": f"There is {name}."}, "probe").mentions
        if found:
            unlisted.append((name, found[0].cui))
    result = FactualityResult()
    for n_report, (rec, codes) in enumerate(read_records(test, id_column, list(text_columns), gold_column)):
        ref = reference_from_codes(codes, onto, vocabulary)
        if not ref.present:
            continue
        ext = extractor.extract(rec.sections, rec.report_id)
        hypotheses = suggested_mentions(ext)
        for span in ext.sentences:
            sentence = ext.text[span.start : span.end].strip()
            numbered = [(n, m) for n, m in enumerate(ext.mentions) if m.sentence == span.index]
            mentions = [m for _, m in numbered]
            verdicts = [mention_verdict(m, ref, onto, n in hypotheses)[0] for n, m in numbered]
            if not any(v != "not_checked" for v in verdicts):
                continue
            result.unmodified += 1
            if "contradicted" in verdicts:
                result.false_alarms += 1
                _example(result, "false_alarm", f"{rec.report_id}: {sentence}", examples)
            for m, v in zip(mentions, verdicts, strict=True):
                if v != "supported" or m.assertion.value != "present" or m.cui == NO_FINDING_CUI:
                    continue  # "No <no acute disease>." negates nothing
                _try(result, "negated", f"No {m.text}.", m.cui, ref, extractor, rec.report_id, examples)
                sides = ref.present.get(m.cui) or set().union(
                    *(ref.present[c] for c in related_concepts(m.cui, ref.present, onto))
                )
                if m.laterality in ("left", "right") and sides == {m.laterality}:
                    _try(
                        result,
                        "flipped",
                        flip_sides(sentence),
                        m.cui,
                        ref,
                        extractor,
                        rec.report_id,
                        examples,
                    )
        candidates = [
            (name, cui)
            for name, cui in unlisted
            if not related_concepts(cui, ref.present, onto) and ref.closed_for(cui, onto)
        ]
        if candidates:
            name, cui = candidates[n_report % len(candidates)]
            _try(result, "unlisted", f"There is {name}.", cui, ref, extractor, rec.report_id, examples)
    return result


def _try(
    result: FactualityResult,
    kind: str,
    text: str,
    cui: str,
    ref: Reference,
    extractor,
    rid: str,
    examples: int,
) -> None:
    result.built[kind] += 1
    ext = extractor.extract({"findings": text}, rid)
    onto = extractor.ontology
    hypotheses = suggested_mentions(ext)
    hit = any(
        mention_verdict(m, ref, onto, n in hypotheses)[0] == "contradicted"
        for n, m in enumerate(ext.mentions)
        if m.cui == cui or related_concepts(m.cui, [cui], onto)
    )
    if hit:
        result.detected[kind] += 1
    else:
        _example(result, f"missed_{kind}", f"{rid}: {text}", examples)


def _example(result: FactualityResult, key: str, text: str, limit: int) -> None:
    items = result.examples.setdefault(key, [])
    if len(items) < limit:
        items.append(text)
