"""Re-running ontologies/build_seed.py reproduces the committed seed byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "ontologies" / "seed"
FILES = ("MRCONSO.RRF", "MRDEF.RRF", "MRREL.RRF", "MRSTY.RRF")


@pytest.mark.slow
def test_build_reproduces_committed_seed(tmp_path: Path, shared_dir: Path) -> None:
    out = tmp_path / "seed"
    sources = shared_dir / "data" / "ontology-sources"
    done = subprocess.run(
        [sys.executable, str(REPO / "ontologies" / "build_seed.py"), str(sources), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "concepts: " in done.stdout
    assert sorted(p.name for p in out.iterdir()) == list(FILES)
    for name in FILES:
        assert (out / name).read_bytes() == (SEED / name).read_bytes(), name
