"""Image embeddings for a graph: encode the images that have pixels on disk into ``kg.embeddings``.

The store keeps the vectors beside the graph (LadybugDB: ``embeddings.npy`` for numpy kNN and the
``Image.embedding`` property). Encoders come from :mod:`medkg.images` and are named by a spec
string on the command line (:func:`medkg.images.encoder_from_spec`): ``pixel-stats`` (the built-in,
non-semantic baseline), ``hf:PATH`` (a local Hugging Face vision model directory) or ``none``.

Examples
--------
>>> encoder_from_spec("none") is None
True
>>> encoder_from_spec("pixel-stats").semantic
False
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from medkg.errors import MedkgError
from medkg.graph.model import ImageEmbeddings, KnowledgeGraph
from medkg.images.encoders import encoder_from_spec

__all__ = ["EmbedReport", "embed_images", "encoder_from_spec"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EmbedReport:
    """What :func:`embed_images` did: images encoded now, kept from before, without pixels, unreadable."""

    encoder: str
    encoded: int
    reused: int
    no_file: int
    failed: int


def embed_images(
    kg: KnowledgeGraph,
    encoder,
    *,
    batch_size: int = 64,
    progress: Callable[[int], None] | None = None,
) -> EmbedReport:
    """Encode every image of ``kg`` whose ``path`` is a file; set ``kg.embeddings`` (ids sorted).

    Vectors already in ``kg.embeddings`` from the same encoder are reused (incremental builds
    encode only new images); an image file that cannot be read is logged and skipped.

    Examples
    --------
    >>> from medkg.images import PixelStatsEncoder
    >>> from dataclasses import replace                     # only images with a file get a vector:
    >>> kg.images["sample-1-pa"] = replace(kg.images["sample-1-pa"], path="chest.png")
    >>> report = embed_images(kg, PixelStatsEncoder())
    >>> kg.embeddings.vectors.shape, report.no_file
    ((1, 297), 5)
    """
    old: dict[str, np.ndarray] = {}
    if kg.embeddings is not None and kg.embeddings.encoder == encoder.name:
        old = dict(zip(kg.embeddings.ids, kg.embeddings.vectors, strict=True))
    todo: list[tuple[str, str]] = []
    no_file = 0
    for image_id in sorted(kg.images):
        if image_id in old:
            continue
        path = kg.images[image_id].path
        if path and Path(path).is_file():
            todo.append((image_id, path))
        else:
            no_file += 1
    new: dict[str, np.ndarray] = {}
    failed = 0
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        try:
            vectors = encoder.encode([p for _, p in batch])
            new.update(zip((i for i, _ in batch), vectors, strict=True))
        except MedkgError:  # one bad file: encode the batch one by one to keep the others
            for image_id, path in batch:
                try:
                    new[image_id] = encoder.encode([path])[0]
                except MedkgError as exc:
                    failed += 1
                    log.warning("image %s not encoded: %s", image_id, exc)
        if progress is not None:
            progress(len(batch))
    vectors_by_id = {**{i: v for i, v in old.items() if i in kg.images}, **new}
    ids = tuple(sorted(vectors_by_id))
    if ids:
        matrix = np.stack([np.asarray(vectors_by_id[i], dtype=np.float32) for i in ids])
        kg.embeddings = ImageEmbeddings(ids, matrix, encoder.name)
    else:
        kg.embeddings = None
    log.info("%s: %d images encoded, %d reused, %d without a file", encoder.name, len(new), len(old), no_file)
    return EmbedReport(encoder.name, len(new), len(ids) - len(new), no_file, failed)
