"""``medkg.ontology.load``: pick the right reader for a path and go through the compiled cache.

Examples
--------
>>> from medkg.ontology import load
>>> onto = load()                        # the shipped chest seed (UMLS RRF)
>>> hpo = load("hp.obo", prefix="HP")    # OBO, OWL/SKOS, RRF or scispacy JSONL
>>> hpo["C0032227"].name
'Pleural effusion'
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from medkg._resources import data_dir
from medkg.errors import CacheError, ConfigError, InputFileError
from medkg.ontology import cache
from medkg.ontology.model import Ontology
from medkg.ontology.obo import load_obo
from medkg.ontology.rdf import load_rdf
from medkg.ontology.rrf import load_rrf, write_rrf
from medkg.ontology.scispacy_kb import read_scispacy_kb, write_scispacy_kb

log = logging.getLogger(__name__)

RRF_FILES = ("MRCONSO.RRF", "MRSTY.RRF", "MRDEF.RRF", "MRREL.RRF")
RDF_SUFFIXES = frozenset({".owl", ".ttl", ".rdf", ".xml", ".nt", ".jsonld"})
#: Output formats of :func:`convert`.
FORMATS_OUT = ("rrf", "scispacy-jsonl")
_READERS: dict[str, Callable[..., Ontology]] = {
    "rrf": load_rrf,
    "obo": load_obo,
    "rdf": load_rdf,
    "scispacy": read_scispacy_kb,
}


def seed_path() -> Path:
    """Directory of the shipped seed ontology (UMLS RRF files)."""
    return data_dir("ontologies") / "seed"


def detect_format(path: str | os.PathLike[str]) -> str:
    """Which reader handles ``path``: ``"rrf"``, ``"obo"``, ``"rdf"`` or ``"scispacy"``.

    Raises
    ------
    InputFileError
        When ``path`` does not exist or is a directory without ``MRCONSO.RRF``.
    ConfigError
        When the suffix is not one medkg reads.

    Examples
    --------
    >>> detect_format("chest.owl")
    'rdf'
    """
    src = Path(path)
    if src.is_dir():
        if (src / "MRCONSO.RRF").is_file():
            return "rrf"
        raise InputFileError("directory has no MRCONSO.RRF", path=src, hint="point at a UMLS META/ folder")
    if not src.exists():
        raise InputFileError("ontology source not found", path=src, hint="check the path")
    suffix = src.suffix.lower()
    if suffix == ".obo":
        return "obo"
    if suffix in RDF_SUFFIXES:
        return "rdf"
    if suffix == ".jsonl":
        return "scispacy"
    raise ConfigError(
        f"cannot tell the ontology format of {suffix or 'a file without suffix'!r}",
        path=src,
        hint="use a UMLS META/ directory, .obo, .owl/.ttl/.rdf/.xml/.nt or scispacy .jsonl",
    )


def _sources(path: Path, kind: str) -> list[Path]:
    if kind == "rrf":
        return [path / name for name in RRF_FILES if (path / name).is_file()]
    return [path]


def parse(path: str | os.PathLike[str] | None = None, **options: object) -> Ontology:
    """Parse an ontology source without the cache (see :func:`load` for ``path`` and ``options``).

    Examples
    --------
    >>> len(parse("META"))
    9
    """
    src = seed_path() if path is None else Path(path)
    return _READERS[detect_format(src)](src, **options)


def load(
    path: str | os.PathLike[str] | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    refresh: bool = False,
    use_cache: bool = True,
    **options: object,
) -> Ontology:
    """Load an ontology, from the compiled cache when it is current.

    Parameters
    ----------
    path:
        ``None`` for the shipped seed; a directory holding ``MRCONSO.RRF`` (UMLS RRF); a ``.obo``
        file; an ``.owl``/``.ttl``/``.rdf``/``.xml``/``.nt`` file (rdflib); or a scispacy ``.jsonl``.
    cache_dir:
        Where compiled ontologies live (default :func:`medkg.ontology.cache.cache_root`).
    refresh:
        Re-parse the source and overwrite the cache.
    use_cache:
        ``False`` parses without reading or writing the cache.
    **options:
        Passed to the reader (e.g. ``sabs=`` for :func:`~medkg.ontology.rrf.load_rrf`,
        ``prefix=`` for :func:`~medkg.ontology.obo.load_obo`); part of the cache key.

    Returns
    -------
    Ontology
        Equal to what the reader returns; a corrupted or stale cache is logged as a warning and
        rebuilt, never used.

    Examples
    --------
    >>> onto = load()
    >>> [c.cui for c in onto.lookup("pleural effusions")]
    ['C0032227']
    """
    src = seed_path() if path is None else Path(path)
    kind = detect_format(src)
    reader = _READERS[kind]
    if not use_cache:
        return reader(src, **options)
    key = cache.cache_key(kind, _sources(src, kind), options)
    origin = hashlib.blake2b(str(src.resolve()).encode(), digest_size=8).hexdigest()
    target = cache.cache_root(cache_dir) / f"{kind}-{origin}-{key[:32]}.onto"
    if not refresh:
        try:
            ontology = cache.read_cache(target, key=key)
            log.info("loaded %s from cache %s", src, target)
            return ontology
        except FileNotFoundError:
            pass
        except CacheError as exc:
            log.warning("ignoring ontology cache: %s; rebuilding", exc)
    ontology = reader(src, **options)
    try:
        cache.write_cache(target, ontology, key=key)
        for stale in target.parent.glob(f"{kind}-{origin}-*.onto"):
            if stale != target:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not write the ontology cache %s (%s); continuing without it", target, exc)
    return ontology


def convert(
    src: str | os.PathLike[str] | None, *, to: str, output: str | os.PathLike[str], **options: object
) -> Path:
    """Read any supported source and write it as UMLS RRF (a directory) or scispacy KB JSONL.

    Examples
    --------
    >>> convert("hp.obo", to="scispacy-jsonl", output="hp_kb.jsonl")
    PosixPath('hp_kb.jsonl')
    """
    if to not in FORMATS_OUT:
        raise ConfigError(f"unknown output format {to!r}", hint=f"use one of {', '.join(FORMATS_OUT)}")
    ontology = load(src, use_cache=False, **options)
    return write_rrf(ontology, output) if to == "rrf" else write_scispacy_kb(ontology, output)
