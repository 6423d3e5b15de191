"""Embedded store under fuzzed inputs: exact round trip; a build killed mid-way keeps the old graph."""

from __future__ import annotations

import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.extract import Extractor
from medkg.graph import build_graph, checksum
from medkg.ontology import load
from medkg.store.ladybug import LadybugStore

ODD = ["\u00e9", "\u0301", "\u200b", "\ufeff", "\t", "\r\n", "\x0b", "'", '"', "\\", "`", "$", "{", "}",
       "'}) DETACH DELETE n //", "\U0001f600", "肺", "İ", "--", "//", "/*", "*/", ";"]  # fmt: skip
SENTENCES = ["No pleural effusion.", "Mild cardiomegaly.", "Left lower lobe opacity may be atelectasis.",
             "No pneumothorax.", "Heart size normal.", "Small right effusion, likely."]  # fmt: skip


@pytest.fixture(scope="module")
def extractor():
    return Extractor(load(), fuzzy=False)


def _fuzzed_records(rng: random.Random, n: int, prefix: str = "") -> list[ReportRecord]:
    records = []
    for i in range(n):
        words = [
            rng.choice(SENTENCES) if rng.random() < 0.6 else rng.choice(ODD)
            for _ in range(rng.randint(0, 12))
        ]
        rid = f"{prefix}{i}{rng.choice(ODD)}"
        images = tuple(
            ImageRecord(f"{rid}/{j}{rng.choice(ODD)}", rid, f"img/{rid}.png", rng.choice(["PA", "AP", None]))
            for j in range(rng.randint(0, 2))
        )
        records.append(
            ReportRecord(
                rid,
                rid,
                {"findings": " ".join(words), "impression": rng.choice(SENTENCES)},
                f"pat{rng.choice(ODD)}{i % 3}",
                images,
                f"fuzz.csv:{i}",
            )
        )
    return records


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1))
def test_fuzzed_graph_round_trips_exactly(tmp_path_factory, extractor, seed):
    kg = build_graph(_fuzzed_records(random.Random(seed), 25), extractor, extractor.ontology)
    out = tmp_path_factory.mktemp("store")
    with LadybugStore(out, read_only=False) as store:
        summary = store.write(kg)
    with LadybugStore(out) as store:
        assert checksum(store.read_graph()) == summary.checksum == checksum(kg)


_WRITER = """
import pickle, sys
from medkg.store.ladybug import LadybugStore
kg = pickle.loads(open(sys.argv[1], "rb").read())
with LadybugStore(sys.argv[2], read_only=False) as store:
    store.write(kg)
"""


def test_killed_build_leaves_previous_store_intact(tmp_path, extractor):
    rng = random.Random(7)
    old = build_graph(_fuzzed_records(rng, 40, "a"), extractor, extractor.ontology)
    new = build_graph(_fuzzed_records(rng, 2000, "b"), extractor, extractor.ontology)
    store_dir = tmp_path / "kg"
    with LadybugStore(store_dir, read_only=False) as store:
        old_sum = store.write(old).checksum
    blob = tmp_path / "new.pkl"
    blob.write_bytes(pickle.dumps(new))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(blob), str(store_dir)], env=env)
    deadline = time.monotonic() + 120
    try:
        while not list((store_dir / "builds").glob("*.partial/graph.lbug*")):
            assert proc.poll() is None, "the writer finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(0.2)  # well inside the bulk load
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert list((store_dir / "builds").glob("*.partial"))  # the half-written build is there ...
    with LadybugStore(store_dir) as store:  # ... and not visible
        assert checksum(store.read_graph()) == old_sum
        assert store.manifest()["checksum"] == old_sum
    with LadybugStore(store_dir, read_only=False) as store:
        assert store.write(new).checksum == checksum(new)
    assert not list((store_dir / "builds").glob("*.partial"))  # cleaned: its writer is dead
    with LadybugStore(store_dir) as store:
        assert checksum(store.read_graph()) == checksum(new)
