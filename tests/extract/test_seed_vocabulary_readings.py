"""How the shipped seed reads pulmonary vascular congestion as reports phrase it, the
enlarged cardiac silhouette as a qualified anatomy finding, thoracic-spine and spine qualifiers
that a normal spine does not trigger, spurring as an osteophyte, central venous lines."""

from __future__ import annotations

import pytest

from medkg.extract import Extractor
from medkg.extract.relations import finding_indexes


@pytest.fixture(scope="module")
def seed() -> Extractor:
    return Extractor(fuzzy=False)


def _findings(extractor, text):
    """(text, concept name, assertion, method, severity) of each finding, in report order."""
    r = extractor.extract({"findings": text})
    keep = finding_indexes(r.mentions, r.relations)
    return [(m.text, m.name, m.assertion.value, m.method, m.severity)
            for i, m in enumerate(r.mentions) if i in keep]


PVC = "Pulmonary vascular congestion"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mild vascular prominence in both lungs.",
         [("vascular prominence", PVC, "present", "exact", "mild")]),
        ("The pulmonary vasculature looks moderately prominent.",
         [("pulmonary vasculature looks moderately prominent", PVC, "present", "rule", "moderate")]),
        ("There is prominence of the central vasculature.",
         [("prominence of the central vasculature", PVC, "present", "rule", None)]),
        ("Central vascular congestive changes have improved.",
         [("vascular congestive changes", PVC, "present", "exact", None)]),
        ("Cephalization of pulmonary vessels.",
         [("Cephalization of pulmonary vessels", PVC, "present", "rule", None)]),
        ("Upper lobe vascular redistribution.",
         [("vascular redistribution", PVC, "present", "exact", None)]),
        # statements that the vessels are normal
        ("Pulmonary vascularity is within normal limits.",
         [("Pulmonary vascularity is within normal limits", PVC, "absent", "rule", None)]),
        ("The pulmonary vessels are not engorged.",
         [("pulmonary vessels are not engorged", PVC, "absent", "rule", None)]),
        ("Pulmonary vascular engorgement is within limits of normal.",
         [("Pulmonary vascular engorgement is within limits of normal", PVC, "absent", "rule", None)]),
    ],
)
def test_pulmonary_vascular_congestion(seed, text, expected):
    assert _findings(seed, text) == expected


def test_normal_heart_statement_does_not_reach_across_an_enlarged_heart(seed):
    assert _findings(seed, "Heart size is enlarged, vasculature within normal limits.") == [
        ("Heart size is enlarged", "Cardiomegaly", "present", "rule", None),
        ("vasculature within normal limits", PVC, "absent", "rule", None),
    ]
    # a list of normal structures still reaches the heart
    assert _findings(seed, "The heart, mediastinum and hila are normal.") == [
        ("heart, mediastinum and hila are normal", "Cardiomegaly", "absent", "rule", None)]


CS = "Cardiac silhouette"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The cardiac silhouette looks enlarged.",
         [("cardiac silhouette looks enlarged", CS, "present", "qualifier", None)]),
        ("Mildly enlarged cardiac silhouette.",
         [("Mildly enlarged cardiac silhouette", CS, "present", "qualifier", "mild")]),
        ("Heart silhouette is markedly enlarged.",
         [("Heart silhouette is markedly enlarged", CS, "present", "qualifier", "severe")]),
        ("Interval enlargement of the cardiac silhouette.",
         [("enlargement of the cardiac silhouette", CS, "present", "qualifier", None)]),
        ("The cardiac silhouette is not enlarged.",
         [("cardiac silhouette is not enlarged", CS, "absent", "qualifier", None)]),
        # the heart itself enlarged stays cardiomegaly
        ("The heart is enlarged.", [("heart is enlarged", "Cardiomegaly", "present", "rule", None)]),
        # a normal-sized silhouette is a normal heart; a bare silhouette is a place, not a finding
        ("Cardiac silhouette is at the upper limits of normal.",
         [("Cardiac silhouette is at the upper limits of normal", "Cardiomegaly", "absent", "rule", None)]),
        ("The cardiac silhouette is normal, large left effusion.",
         [("cardiac silhouette is normal", "Cardiomegaly", "absent", "rule", None),
          ("effusion", "Pleural Effusion", "present", "exact", "large")]),
        # the cardiomediastinal silhouette enlarged has a concept of its own
        ("Cardiomediastinal silhouette appears widened.",
         [("Cardiomediastinal silhouette appears widened", "Enlarged cardiomediastinum", "present", "rule",
           None)]),
        # a normal mediastinum says Enlarged Cardiomediastinum is absent (LABELLING.md)
        ("Normal cardiomediastinal silhouette.",
         [("Normal", "Enlarged cardiomediastinum", "absent", "rule", None)]),
        # a size word that belongs to another subject
        ("Normal cardiac silhouette and enlarged hila.",
         [("Normal cardiac silhouette", "Cardiomegaly", "absent", "rule", None)]),
        ("Left atrial enlargement as evidenced by the cardiac contour.", []),
    ],
)
def test_cardiac_silhouette(seed, text, expected):
    assert _findings(seed, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Degenerative changes of the spine.",
         [("Degenerative changes of the spine", "Spine", "present", "qualifier", None)]),
        ("Mild degenerative changes of the midthoracic spine.",
         [("degenerative changes of the midthoracic spine", "Thoracic Vertebrae", "present", "qualifier",
           "mild")]),
        ("T-spine spondylosis.",
         [("T-spine spondylosis", "Thoracic Vertebrae", "present", "qualifier", None)]),
        # the spine named after the qualifier but called normal is not the qualified one
        ("Degenerative changes of both shoulders, spine is unremarkable.", []),
        ("The visualized spine is intact.", []),
        ("No degenerative changes of the spine.",
         [("degenerative changes of the spine", "Spine", "absent", "qualifier", None)]),
        # spurring is an osteophyte (its own concept), located at the spine
        ("Degenerative spurring of the thoracic spine.",
         [("Degenerative spurring", "Osteophyte", "present", "exact", None)]),
    ],
)
def test_spine_qualifiers(seed, text, expected):
    assert _findings(seed, text) == expected


@pytest.mark.parametrize(
    "text, relation, place",
    [
        ("Degenerative spurring of the thoracic spine.",
         ("Degenerative spurring", "located_at", "thoracic spine"), "Thoracic Vertebrae"),
        ("Scoliosis of the thoracic spine.",
         ("Scoliosis", "located_at", "thoracic spine"), "Thoracic Vertebrae"),
    ],
)
def test_findings_located_at_the_thoracic_spine(seed, text, relation, place):
    r = seed.extract({"findings": text})
    assert [(r.mentions[x.source].text, x.kind, r.mentions[x.target].text) for x in r.relations] == [relation]
    assert r.mentions[r.relations[0].target].name == place


def test_central_venous_line_is_a_central_venous_catheter(seed):
    assert _findings(seed, "Right central venous line with its tip in the SVC.") == [
        ("central venous line", "Central Venous Catheters", "present", "exact", None)]
