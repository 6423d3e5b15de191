"""Assertion: negation and uncertainty scopes, lists, pseudo-negation, history, hypotheticals."""

from __future__ import annotations

import pytest

from medkg.extract.types import Assertion

A, N, U = Assertion.PRESENT, Assertion.ABSENT, Assertion.UNCERTAIN


def _asserted(extractor, text):
    r = extractor.extract({"findings": text})
    return [(m.text, m.assertion, m.historical, m.hypothetical) for m in r.mentions]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "No effusion, pneumothorax, or atelectasis.",
            [("effusion", N), ("pneumothorax", N), ("atelectasis", N)],
        ),
        (
            "No pneumothorax but there is a small pleural effusion.",
            [("pneumothorax", N), ("pleural effusion", A)],
        ),
        ("No pneumothorax, however mild atelectasis is present.", [("pneumothorax", N), ("atelectasis", A)]),
        ("Lungs are clear without effusion.", [("effusion", N)]),
        ("The lungs are free of pneumonia.", [("pneumonia", N)]),
        ("Negative for pneumothorax.", [("pneumothorax", N)]),
        ("Pneumothorax is not seen.", [("Pneumothorax", N)]),
        ("Cannot exclude pneumonia.", [("pneumonia", U)]),
        ("Pneumonia cannot be excluded.", [("Pneumonia", U)]),
        ("Opacity may represent pneumonia.", [("pneumonia", U)]),
        ("Possible small pleural effusion.", [("pleural effusion", U)]),
        ("Findings consistent with pneumonia.", [("pneumonia", A)]),
        ("No change in the small pleural effusion.", [("pleural effusion", A)]),
        ("Not only effusion but atelectasis.", [("effusion", A), ("atelectasis", A)]),
        ("No evidence of pneumothorax.", [("pneumothorax", N)]),
        ("Pneumonia has resolved.", [("Pneumonia", N)]),
        ("Atelectasis, possibly pneumonia.", [("Atelectasis", A), ("pneumonia", U)]),
        ("No pneumothorax. Cardiomegaly.", [("pneumothorax", N), ("Cardiomegaly", A)]),
    ],
)
def test_assertion(extractor, text, expected):
    got = [(t, a) for t, a, _, _ in _asserted(extractor, text)]
    assert got == expected


def test_history_and_resolution(extractor):
    got = _asserted(extractor, "Unchanged cardiomegaly. Resolved pneumonia.")
    assert got == [("cardiomegaly", A, True, False), ("pneumonia", N, True, False)]


def test_hypothetical_rule_out(extractor):
    got = _asserted(extractor, "Rule out pneumonia.")
    assert got == [("pneumonia", U, False, True)]


def test_normal_heart_size_and_enlarged(extractor):
    r = extractor.extract({"findings": "Normal heart size. ", "impression": "The heart size is enlarged."})
    got = [(m.text, m.cui, m.assertion, m.method) for m in r.mentions]
    assert got == [
        ("Normal heart size", "C0018800", N, "rule"),
        ("heart size is enlarged", "C0018800", A, "rule"),
    ]


def test_heart_not_enlarged(extractor):
    r = extractor.extract("The heart is not enlarged.")
    assert [(m.text, m.assertion) for m in r.mentions] == [("heart is not enlarged", N)]


def test_enlarged_silhouette_is_not_cardiomegaly(extractor):
    r = extractor.extract("There is enlarged heart silhouette. The cardiac silhouette is enlarged.")
    assert r.mentions == ()
