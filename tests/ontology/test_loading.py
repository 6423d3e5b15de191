import logging
import shutil
from pathlib import Path

import pytest

from medkg.errors import CacheError, ConfigError, InputFileError
from medkg.ontology import load
from medkg.ontology.cache import cache_key, cache_root, read_cache
from medkg.ontology.loading import convert, detect_format, parse

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ontology-sources"


@pytest.fixture()
def meta(tmp_path):
    return Path(shutil.copytree(FIXTURES / "meta", tmp_path / "META"))


def _cache_files(cache_dir):
    return sorted(Path(cache_dir).glob("*.onto"))


def test_detect_format(tmp_path):
    assert detect_format(FIXTURES / "meta") == "rrf"
    assert detect_format(SOURCES / "hp_2025-01-16.obo") == "obo"
    assert detect_format(FIXTURES / "chest.owl") == "rdf"
    assert detect_format(FIXTURES / "chest-skos.ttl") == "rdf"
    (tmp_path / "kb.jsonl").write_text("")
    assert detect_format(tmp_path / "kb.jsonl") == "scispacy"
    (tmp_path / "x.csv").write_text("")
    with pytest.raises(ConfigError):
        detect_format(tmp_path / "x.csv")
    with pytest.raises(InputFileError):
        detect_format(tmp_path)  # a directory without MRCONSO.RRF
    with pytest.raises(InputFileError):
        load(tmp_path / "missing.obo", cache_dir=tmp_path / "cache")


def test_cache_hit_is_equal_and_complete(meta, tmp_path, caplog):
    cache_dir = tmp_path / "cache"
    cold = load(meta, cache_dir=cache_dir)
    files = _cache_files(cache_dir)
    assert len(files) == 1 and files[0].name.startswith("rrf-")
    warm = load(meta, cache_dir=cache_dir)
    assert warm == cold == parse(meta)  # compares the private indexes too
    assert warm is not cold
    assert [c.cui for c in warm.lookup("pleural effusions")] == ["C0032227"]
    assert warm.ancestors("C0004626") == {"C0032285", "C0024115"}
    assert [c.cui for c in warm.by_code("MSH", "D010996")] == ["C0032227"]
    # loader options are part of the key
    hpo_only = load(meta, cache_dir=cache_dir, sabs={"HPO"})
    assert len(hpo_only) == 6 and len(load(meta, cache_dir=cache_dir, sabs={"HPO"})) == 6
    # different options share one source: only the newest compiled form is kept per source
    assert len(_cache_files(cache_dir)) == 1


def test_cache_invalidated_when_source_changes(meta, tmp_path):
    cache_dir = tmp_path / "cache"
    assert load(meta, cache_dir=cache_dir)["C0032326"].name == "Pneumothorax"
    old = _cache_files(cache_dir)
    text = (meta / "MRCONSO.RRF").read_text(encoding="utf-8")
    (meta / "MRCONSO.RRF").write_text(
        text.replace("|Pneumothorax|", "|Pneumothorax (changed)|"), encoding="utf-8"
    )
    assert load(meta, cache_dir=cache_dir)["C0032326"].name == "Pneumothorax (changed)"
    new = _cache_files(cache_dir)
    assert len(new) == 1 and new != old


def test_corrupted_cache_detected_and_rebuilt(meta, tmp_path, caplog):
    cache_dir = tmp_path / "cache"
    good = load(meta, cache_dir=cache_dir)
    (path,) = _cache_files(cache_dir)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CacheError, match="checksum"):
        read_cache(path, key=_full_key(meta))
    with caplog.at_level(logging.WARNING, logger="medkg.ontology.loading"):
        again = load(meta, cache_dir=cache_dir)
    assert again == good
    assert any("checksum" in r.getMessage() and "rebuilding" in r.getMessage() for r in caplog.records)
    # rebuilt: the next load reads the repaired cache without a warning
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="medkg.ontology.loading"):
        assert load(meta, cache_dir=cache_dir) == good
    assert not caplog.records
    # a truncated file and a file that is not a cache at all are rejected too
    path.write_bytes(path.read_bytes()[:100])
    with caplog.at_level(logging.WARNING, logger="medkg.ontology.loading"):
        assert load(meta, cache_dir=cache_dir) == good
    path.write_bytes(b"garbage")
    with pytest.raises(CacheError, match="bad magic"):
        read_cache(path, key="0")


def _full_key(meta):
    sources = [meta / n for n in ("MRCONSO.RRF", "MRSTY.RRF", "MRDEF.RRF", "MRREL.RRF")]
    return cache_key("rrf", sources, {})


def test_stale_key_rejected(meta, tmp_path):
    load(meta, cache_dir=tmp_path)
    (path,) = _cache_files(tmp_path)
    with pytest.raises(CacheError, match="stale"):
        read_cache(path, key="f" * 64)


def test_refresh_and_no_cache(meta, tmp_path):
    first = load(meta, cache_dir=tmp_path)
    assert load(meta, cache_dir=tmp_path, refresh=True) == first
    assert load(meta, cache_dir=tmp_path / "unused", use_cache=False) == first
    assert not (tmp_path / "unused").exists()


def test_cache_root_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("MEDKG_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "medkg" / "ontology"
    monkeypatch.setenv("MEDKG_CACHE_DIR", str(tmp_path / "mk"))
    assert cache_root() == tmp_path / "mk" / "ontology"
    assert cache_root(tmp_path / "explicit") == tmp_path / "explicit"
    assert cache_key("rrf", [], {"sabs": {"B", "A"}}) == cache_key("rrf", [], {"sabs": ["A", "B"]})


def test_every_format_through_load(tmp_path):
    cache_dir = tmp_path / "cache"
    assert len(load(FIXTURES / "chest.owl", cache_dir=cache_dir)) == 4
    assert len(load(FIXTURES / "chest-skos.ttl", cache_dir=cache_dir)) == 3
    kb = convert(FIXTURES / "meta", to="scispacy-jsonl", output=tmp_path / "kb.jsonl")
    assert len(load(kb, cache_dir=cache_dir)) == 9
    hpo = load(SOURCES / "hp_2025-01-16.obo", cache_dir=cache_dir)
    assert load(SOURCES / "hp_2025-01-16.obo", cache_dir=cache_dir) == hpo
    out = convert(FIXTURES / "chest.owl", to="rrf", output=tmp_path / "owl-rrf")
    assert load(out, cache_dir=cache_dir).concepts == load(FIXTURES / "chest.owl", use_cache=False).concepts
    with pytest.raises(ConfigError):
        convert(FIXTURES / "chest.owl", to="csv", output=tmp_path / "x")
