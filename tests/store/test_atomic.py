"""A build killed midway leaves the previous store intact and readable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from medkg.graph import checksum
from medkg.store.ladybug import LadybugStore

# A big graph without concepts (no CUIs needed): studies with images, written by a child process.
_WRITER = """
import sys
from medkg.graph.model import ImageNode, KnowledgeGraph, Structure, StructureEdge, StudyNode
from medkg.store.ladybug import LadybugStore
kg = KnowledgeGraph()
for i in range(400_000):
    kg.studies[f"s{i}"] = StudyNode(f"s{i}")
    kg.images[f"i{i}"] = ImageNode(f"i{i}", f"s{i}", f"files/i{i}.png", "PA")
    kg.add_edge(StructureEdge(Structure.HAS_IMAGE, f"s{i}", f"i{i}"))
print("ready", flush=True)
LadybugStore(sys.argv[1], read_only=False).write(kg)
"""


def test_killed_build_keeps_previous_store(kg, tmp_path):
    path = tmp_path / "s"
    with LadybugStore(path, read_only=False) as store:
        before = store.write(kg).checksum
    child = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    while not list((path / "builds").glob("*.partial")):
        assert time.monotonic() < deadline and child.poll() is None, "the writer never started its build"
        time.sleep(0.005)
    time.sleep(0.2)  # let it get into the bulk load
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    assert list((path / "builds").glob("*.partial"))  # the dead build is still there...
    with LadybugStore(path) as store:  # ...and the previous graph is what readers see
        assert checksum(store.read_graph()) == before
        assert store.cypher("MATCH (i:Image) RETURN count(i) AS n") == [{"n": 6}]
    with LadybugStore(path, read_only=False) as store:
        store.write(kg)  # the next writer removes the dead partial build
    assert not list((path / "builds").glob("*.partial"))
