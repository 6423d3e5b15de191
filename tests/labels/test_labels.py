"""Label schemas: hierarchy mapping, exclusions and CheXpert's aggregation rule."""

from __future__ import annotations

import pytest

from medkg.errors import ConfigError
from medkg.labels import CHESTXRAY14, label_mapper, label_report


def test_chestxray14_values(onto, extractor):
    r = extractor.extract(
        {
            "indication": "Pneumonia.",
            "findings": "No pneumothorax. Possible effusion. Cardiomegaly.",
            "impression": "No cardiomegaly.",
        }
    )
    labels = label_report(r, "chestxray14", onto)
    assert list(labels) == [label.name for label in CHESTXRAY14]
    assert (labels["Pneumothorax"], labels["Effusion"], labels["Cardiomegaly"], labels["Pneumonia"]) == (
        0,
        -1,
        1,
        None,
    )


def test_conflict_positive_then_uncertain_wins(onto, extractor):
    r = extractor.extract("No effusion. Possible effusion. Atelectasis may be present. Atelectasis.")
    labels = label_report(r, "chestxray14", onto)
    assert (labels["Effusion"], labels["Atelectasis"]) == (-1, 1)


def test_hierarchy_and_exclusion(onto, extractor):
    mapper = label_mapper("chestxray14", onto)
    assert mapper.labels_of("C3489393") == ("Hernia",)  # ChestX-ray14's Hernia is a hiatal hernia
    assert mapper.labels_of("C0019270") == ("Hernia",)
    assert mapper.labels_of("C0032285") == ("Pneumonia",)


def test_chexpert_no_finding(onto, extractor):
    normal = label_report(extractor.extract("No effusion or pneumothorax."), "chexpert", onto)
    assert (normal["No Finding"], normal["Pleural Effusion"], normal["Pneumothorax"]) == (1, 0, 0)
    sick = label_report(extractor.extract("Small pleural effusion."), "chexpert", onto)
    assert (sick["No Finding"], sick["Pleural Effusion"]) == (None, 1)
    assert list(sick)[0] == "No Finding" and len(sick) == 14


def test_unknown_schema(onto):
    with pytest.raises(ConfigError, match="unknown label schema 'nih'"):
        label_mapper("nih", onto)
