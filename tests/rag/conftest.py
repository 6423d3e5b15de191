"""A small hand-built graph with known co-occurrences, and the same graph in a LadybugStore."""

from __future__ import annotations

import pytest

from medkg.graph.model import ReportRelation
from tests.rag.graphs import graph_of

# image -> positive concepts (CUIs of the shipped seed; names as there)
CASES = {
    "i1": ["C0018800", "C0032227"],
    "i2": ["C0018800", "C0032227"],
    "i3": ["C0018800", "C0004144"],
    "i4": ["C0032227", "C0004144"],
    "i5": ["C0004144"],
}
NAMES = {"C0018800": "Cardiomegaly", "C0032227": "Pleural effusion", "C0004144": "Atelectasis"}


def small_graph():
    return graph_of(
        {cui: (name, ()) for cui, name in NAMES.items()},
        CASES,
        [(ReportRelation.SUGGESTIVE_OF, "C0018800", "C0004144", ("ri3",), "findings")],
        text=lambda name, report: f"{name} in {report}.",
        side=lambda cui: "left" if cui == "C0032227" else None,
    )


@pytest.fixture()
def kg():
    return small_graph()


@pytest.fixture()
def ladybug_store(tmp_path):
    from medkg.store.ladybug import LadybugStore

    with LadybugStore(tmp_path / "store", read_only=False) as store:
        store.write(small_graph())
    with LadybugStore(tmp_path / "store") as store:
        yield store
