"""The compiled ontology cache: a parsed :class:`Ontology` pickled behind a checked header.

A cache file is ``MAGIC``, one JSON header line and a pickle payload::

    MEDKG-ONTOLOGY-CACHE
    {"format": 1, "medkg": "0.1.0", "key": "<64 hex>", "size": 123456, "blake2b": "<64 hex>"}
    <pickle bytes>

The key hashes the medkg version, the cache format, the loader and its options, and every source
file's name and content (files above :data:`CONTENT_HASH_LIMIT` bytes are fingerprinted by size
and modification time instead, so a full UMLS release is not re-read just to be hashed). A file
whose magic, header, key, size or checksum does not match is never unpickled: it is reported as a
:class:`~medkg.errors.CacheError`, which :func:`medkg.ontology.load` logs as a warning before
rebuilding. Writes go to a temporary file that is moved into place (``os.replace``).

The cache lives in ``$MEDKG_CACHE_DIR/ontology``, else ``$XDG_CACHE_HOME/medkg/ontology``, else
``~/.cache/medkg/ontology``.

Examples
--------
>>> path = cache_root() / "example.onto"
>>> _ = write_cache(path, onto, key="0" * 64); read_cache(path, key="0" * 64) == onto
True
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from medkg import __version__
from medkg.errors import CacheError
from medkg.ontology.model import Ontology

MAGIC = b"MEDKG-ONTOLOGY-CACHE\n"
FORMAT = 1
#: Source files larger than this are fingerprinted by (size, mtime) rather than by content.
CONTENT_HASH_LIMIT = 1 << 30
_MAX_HEADER = 4096


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding compiled ontologies (not created here).

    >>> cache_root("/tmp/x")
    PosixPath('/tmp/x')
    """
    if cache_dir is not None:
        return Path(cache_dir)
    if os.environ.get("MEDKG_CACHE_DIR"):
        return Path(os.environ["MEDKG_CACHE_DIR"]) / "ontology"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "medkg" / "ontology"


def _file_digest(path: Path) -> str:
    stat = path.stat()
    if stat.st_size > CONTENT_HASH_LIMIT:
        return f"stat:{stat.st_size}:{stat.st_mtime_ns}"
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "blake2b").hexdigest()


def cache_key(loader: str, sources: Iterable[Path], options: Mapping[str, object]) -> str:
    """Hex key of a compiled ontology: medkg version, loader, options and source contents.

    ``options`` values are normalized (sets and tuples become sorted lists) so equal options
    give equal keys.

    Examples
    --------
    >>> len(cache_key("rrf", [], {"sabs": {"MSH"}}))
    64
    """
    digest = hashlib.blake2b(digest_size=32)
    header = {
        "medkg": __version__,
        "format": FORMAT,
        "loader": loader,
        "options": {k: _plain(v) for k, v in sorted(options.items())},
    }
    digest.update(json.dumps(header, sort_keys=True, default=str).encode())
    for path in sorted(sources, key=lambda p: p.name):
        digest.update(f"\0{path.name}\0{_file_digest(path)}".encode())
    return digest.hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, set | frozenset):
        return sorted(map(str, value))
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    return value


def write_cache(path: Path, ontology: Ontology, *, key: str) -> Path:
    """Pickle ``ontology`` to ``path`` behind a header with ``key`` and a checksum, atomically."""
    payload = pickle.dumps(ontology, protocol=pickle.HIGHEST_PROTOCOL)
    header = {
        "format": FORMAT,
        "medkg": __version__,
        "key": key,
        "size": len(payload),
        "blake2b": hashlib.blake2b(payload).hexdigest(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC)
            handle.write(json.dumps(header, sort_keys=True).encode() + b"\n")
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_cache(path: Path, *, key: str) -> Ontology:
    """Read a compiled ontology, checking magic, header, key, size and checksum before unpickling.

    Raises
    ------
    CacheError
        When the file is corrupted, truncated, from another medkg version or for another key.
    FileNotFoundError
        When there is no cache file.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    if not data.startswith(MAGIC):
        raise CacheError("not a medkg ontology cache (bad magic)", path=path, hint="it will be rebuilt")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + _MAX_HEADER)
    try:
        header = json.loads(data[len(MAGIC) : end]) if end > 0 else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        header = None
    if not isinstance(header, dict):
        raise CacheError("unreadable cache header", path=path, line=2, hint="it will be rebuilt")
    if header.get("format") != FORMAT or header.get("medkg") != __version__ or header.get("key") != key:
        raise CacheError("stale cache (other medkg version, format or source)", path=path)
    payload = memoryview(data)[end + 1 :]
    if len(payload) != header.get("size") or hashlib.blake2b(payload).hexdigest() != header.get("blake2b"):
        raise CacheError(
            "cache checksum mismatch (corrupted or truncated)", path=path, hint="it will be rebuilt"
        )
    enabled = gc.isenabled()
    gc.disable()  # unpickling many small objects is ~3x faster without the cyclic collector
    try:
        ontology = pickle.loads(payload)
    finally:
        if enabled:
            gc.enable()
    if not isinstance(ontology, Ontology):
        raise CacheError("cache does not hold an Ontology", path=path)
    return ontology
