"""Fixtures: the small real-CUI chest ontology and extractors (defined once in tests/chest_fixtures.py)."""

from tests.chest_fixtures import extractor, fuzzy_extractor, onto  # noqa: F401
