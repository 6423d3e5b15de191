"""The compiled ontology cache: a corrupted or stale cache is detected and rebuilt, never silently used."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from medkg.ontology import load
from medkg.ontology.loading import parse

FIXTURE = Path(__file__).resolve().parents[2] / "tests" / "ontology" / "fixtures" / "meta"


@pytest.fixture()
def source(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MEDKG_CACHE_DIR", str(tmp_path / "cache"))
    meta = tmp_path / "meta"
    shutil.copytree(FIXTURE, meta)
    return meta


def _cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "ontology").glob("*.onto"))


def _summary(onto) -> list[tuple[str, str, tuple]]:
    return sorted((c.cui, c.name, tuple(c.names)) for c in onto)


def test_cache_is_written_then_used(source, tmp_path, caplog):
    first = load(source)
    [cache] = _cache_files(tmp_path)
    with caplog.at_level(logging.INFO, logger="medkg.ontology"):
        again = load(source)
    assert _summary(again) == _summary(first) == _summary(parse(source))
    assert f"from cache {cache}" in caplog.text


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b[:-40] + bytes(x ^ 0xFF for x in b[-40:]),  # payload bytes flipped
        lambda b: b"NOT-A-CACHE\n" + b[21:],  # bad magic
        lambda b: b.replace(b'"format": 1', b'"format": 9', 1),  # other cache format
        lambda b: b"",  # empty
    ],
    ids=["truncated", "flipped", "magic", "format", "empty"],
)
def test_corrupted_cache_is_rebuilt_with_a_warning(source, tmp_path, caplog, damage):
    expected = _summary(load(source))
    [cache] = _cache_files(tmp_path)
    cache.write_bytes(damage(cache.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="medkg.ontology"):
        onto = load(source)
    assert _summary(onto) == expected
    assert "ignoring ontology cache" in caplog.text and str(cache) in caplog.text
    assert _cache_files(tmp_path) == [cache]
    caplog.clear()
    load(source)  # rebuilt: read without a warning now
    assert "ignoring ontology cache" not in caplog.text


def test_cache_is_stale_when_the_source_changes(source, tmp_path):
    before = load(source)
    conso = source / "MRCONSO.RRF"
    lines = conso.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[0].split("|")
    renamed = "Renamed concept for the staleness test"
    first[14] = renamed
    conso.write_text("|".join(first) + "".join(lines[1:]), encoding="utf-8")
    after = load(source)
    assert _summary(after) == _summary(parse(source)) != _summary(before)
    assert renamed in {name for c in after for name in c.names}
    assert len(_cache_files(tmp_path)) == 1  # the stale file was removed


def test_cache_under_another_key_is_never_read(source, tmp_path):
    load(source)
    [cache] = _cache_files(tmp_path)
    other = load(source, sabs={"MSH"})  # options are part of the key: a second cache file
    assert _summary(other) == _summary(parse(source, sabs={"MSH"}))
    assert cache not in _cache_files(tmp_path) or len(_cache_files(tmp_path)) == 1
