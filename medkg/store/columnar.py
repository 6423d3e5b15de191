"""Graph records ↔ columns (one array per store property), for bulk loads and bulk reads.

A store table is written as one column per property (:mod:`medkg.store.schema` names and types)
instead of one dict per record: list properties are kept as *offsets + flat values* (Arrow's own
layout), so provenance arrays of millions of edges are built and read without per-edge lists.
:func:`to_arrow` turns columns into a ``pyarrow.Table`` (LadybugDB's ``COPY`` source; pyarrow is a
dependency).

Examples
--------
>>> from medkg.graph.model import ConceptNode
>>> cols = node_columns("Concept", [ConceptNode("C0032227", "Pleural effusion", ("T047",))])
>>> cols["cui"], cols["semantic_types"].rows()
(['C0032227'], [['T047']])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from medkg.graph.model import (
    ConceptNode,
    Edge,
    Evidence,
    Finding,
    FindingEdge,
    ImageNode,
    Node,
    OntologyEdge,
    PatientNode,
    RelationEdge,
    ReportNode,
    ReportRelation,
    Structure,
    StructureEdge,
    StudyNode,
)
from medkg.store import schema as S


@dataclass(frozen=True, slots=True)
class ListColumn:
    """A list-valued column: row ``i`` is ``values[offsets[i]:offsets[i+1]]``, or None where
    ``valid[i]`` is False."""

    offsets: np.ndarray  # int64, len = rows + 1
    values: Sequence[Any] | np.ndarray
    valid: np.ndarray | None = None  # bool per row; None = every row is a list

    def rows(self) -> list[list[Any] | None]:
        """Per-row lists (the slow path, for pandas and tests)."""
        o = self.offsets.tolist()
        vals = self.values.tolist() if isinstance(self.values, np.ndarray) else list(self.values)
        out: list[list[Any] | None] = [vals[o[i] : o[i + 1]] for i in range(len(o) - 1)]
        if self.valid is not None:
            out = [row if ok else None for row, ok in zip(out, self.valid.tolist(), strict=True)]
        return out

    def __len__(self) -> int:
        return len(self.offsets) - 1


Columns = dict[str, "list[Any] | ListColumn"]


def _lists(rows: Iterable[Sequence[Any]]) -> ListColumn:
    offsets = [0]
    flat: list[Any] = []
    for row in rows:
        flat.extend(row)
        offsets.append(len(flat))
    return ListColumn(np.asarray(offsets, dtype=np.int64), flat)


# -- records → columns ---------------------------------------------------------------------
def node_columns(label: str, nodes: Sequence[Node], embeddings: Any = None) -> Columns:
    """Columns of a node table in :data:`schema.NODE_PROPERTIES` order.

    ``embeddings`` (an :class:`~medkg.graph.model.ImageEmbeddings`) fills the Image ``embedding``
    column; images without a vector get null.
    """
    if label == "Concept":
        return {
            "cui": [n.cui for n in nodes],
            "name": [n.name for n in nodes],
            "semantic_types": _lists(n.semantic_types for n in nodes),
            "semantic_type_names": _lists(n.semantic_type_names for n in nodes),
            "codes": _lists(n.codes for n in nodes),
        }
    names = [p for p, _ in S.NODE_PROPERTIES[label] if p != "embedding"]
    cols: Columns = {name: [getattr(n, name) for n in nodes] for name in names}
    if label == "Image":
        cols["embedding"] = _embedding_column([n.id for n in nodes], embeddings)
    return cols


def _embedding_column(ids: list[str], embeddings: Any) -> ListColumn:
    n = len(ids)
    if embeddings is None or not len(embeddings.ids):
        return ListColumn(np.zeros(n + 1, dtype=np.int64), np.zeros(0, np.float32), np.zeros(n, bool))
    vectors = np.asarray(embeddings.vectors, dtype=np.float32)
    row_of = {image_id: i for i, image_id in enumerate(embeddings.ids)}
    rows = np.array([row_of.get(i, -1) for i in ids], dtype=np.int64)
    valid = rows >= 0
    dim = vectors.shape[1]
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(valid.astype(np.int64) * dim)
    return ListColumn(offsets, vectors[rows[valid]].reshape(-1), valid)


def edge_columns(rel_type: str, edges: Sequence[Edge]) -> Columns:
    """Columns ``from``, ``to`` and the properties of a relationship table (schema order)."""
    cols: Columns = {"from": [e.source for e in edges], "to": [e.target for e in edges]}
    kind = S.rel_kind(rel_type)
    if kind == "structure":
        return cols
    if kind == "ontology":
        cols["relas"] = _lists(e.relas for e in edges)
        cols["sabs"] = _lists(e.sabs for e in edges)
        return cols
    if kind == "finding":
        cols["naf_kept"] = [e.naf_kept for e in edges]
    cols.update(_evidence_columns([e.evidence for e in edges]))
    return cols


def _evidence_columns(evidence: list[tuple[Evidence, ...]]) -> Columns:
    flat = [ev for evs in evidence for ev in evs]
    lengths = np.fromiter((len(evs) for evs in evidence), dtype=np.int64, count=len(evidence))
    offsets = np.zeros(len(evidence) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    support = [len(evs) if len(evs) < 2 else len({e.key for e in evs}) for evs in evidence]
    texts: list[str] = []
    text_offsets = [0]
    for evs in evidence:  # an edge without any text stores [] (schema rule), else "" for missing
        if any(e.text is not None for e in evs):
            texts.extend(e.text or "" for e in evs)
        text_offsets.append(len(texts))

    def col(values: list[Any]) -> ListColumn:
        return ListColumn(offsets, values)

    return {
        "support": support,
        "ev_report": col([e.report_id for e in flat]),
        "ev_section": col([e.section for e in flat]),
        "ev_sentence": col([e.sentence for e in flat]),
        "ev_start": col([e.start for e in flat]),
        "ev_end": col([e.end for e in flat]),
        "ev_sentence_sha256": col([e.sentence_sha256 for e in flat]),
        "ev_text": ListColumn(np.asarray(text_offsets, dtype=np.int64), texts),
        "ev_laterality": col([e.laterality or "" for e in flat]),
        "ev_severity": col([e.severity or "" for e in flat]),
    }


# -- columns → tables ----------------------------------------------------------------------
def _arrow_type(pa: Any, type_name: str) -> Any:
    base = {"STRING": pa.string(), "INT64": pa.int64(), "BOOL": pa.bool_(), "DOUBLE": pa.float64()}
    if type_name == "FLOAT[]":
        return pa.list_(pa.float32())
    if type_name.endswith("[]"):
        return pa.list_(base[type_name[:-2]])
    return base[type_name]


def to_arrow(cols: Columns, types: dict[str, str]) -> Any:
    """A ``pyarrow.Table`` of ``cols``; ``types`` maps column → schema type (``from``/``to``: STRING)."""
    import pyarrow as pa

    arrays = {}
    for name, col in cols.items():
        type_ = _arrow_type(pa, types.get(name, "STRING"))
        if isinstance(col, ListColumn):
            values = pa.array(col.values, type=type_.value_type)
            mask = None if col.valid is None else pa.array(~col.valid)
            arrays[name] = pa.ListArray.from_arrays(pa.array(col.offsets, pa.int32()), values, mask=mask)
        else:
            arrays[name] = pa.array(col, type=type_)
    return pa.table(arrays)


# -- result columns → records --------------------------------------------------------------
def arrow_columns(table: Any) -> Columns:
    """Columns of a ``pyarrow.Table`` read from a store (list columns as :class:`ListColumn`)."""
    import pyarrow as pa

    out: Columns = {}
    for name in table.column_names:
        array = table.column(name).combine_chunks()
        if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
            valid = None if array.null_count == 0 else np.asarray(array.is_valid())
            offsets = np.asarray(array.offsets, dtype=np.int64)
            values = array.values.slice(offsets[0], offsets[-1] - offsets[0]).to_pylist()
            out[name] = ListColumn(offsets - offsets[0], values, valid)
        else:
            out[name] = array.to_pylist()
    return out


def _tuples(col: ListColumn) -> list[tuple[Any, ...]]:
    o, vals = col.offsets.tolist(), col.values
    return [tuple(vals[o[i] : o[i + 1]]) for i in range(len(o) - 1)]


def nodes_from_columns(label: str, cols: Columns) -> list[Node]:
    """Node records of a table read column-wise (the inverse of :func:`node_columns`)."""
    if label == "Concept":
        return [
            ConceptNode(cui, name, st, stn, codes)
            for cui, name, st, stn, codes in zip(
                cols["cui"],
                cols["name"],
                _tuples(cols["semantic_types"]),
                _tuples(cols["semantic_type_names"]),
                _tuples(cols["codes"]),
                strict=True,
            )
        ]
    if label == "Patient":
        return [PatientNode(i) for i in cols["id"]]
    if label == "Study":
        rows = zip(cols["id"], cols["patient_id"], cols["source"], strict=True)
        return [StudyNode(i, p, s or "") for i, p, s in rows]
    if label == "Report":
        return [
            ReportNode(i, st, h, t, s or "")
            for i, st, h, t, s in zip(
                cols["id"], cols["study_id"], cols["text_sha256"], cols["text"], cols["source"], strict=True
            )
        ]
    if label == "Image":
        return [
            ImageNode(i, st, p, v, bool(k), float(sc or 0.0))
            for i, st, p, v, k, sc in zip(
                cols["id"], cols["study_id"], cols["path"], cols["view_position"],
                cols["naf_kept"], cols["naf_score"], strict=True,
            )
        ]  # fmt: skip
    raise ValueError(f"unknown node label {label!r}")


def edges_from_columns(rel_type: str, cols: Columns) -> list[Edge]:
    """Edge records of a table read column-wise (columns ``from``, ``to`` and properties)."""
    kind = S.rel_kind(rel_type)
    src, dst = cols["from"], cols["to"]
    if kind == "structure":
        t = Structure(rel_type)
        return [StructureEdge(t, a, b) for a, b in zip(src, dst, strict=True)]
    if kind == "ontology":
        return [
            OntologyEdge(rel_type, a, b, r, s)
            for a, b, r, s in zip(src, dst, _tuples(cols["relas"]), _tuples(cols["sabs"]), strict=True)
        ]
    evidence = _evidence_from_columns(cols)
    if kind == "finding":
        t = Finding(rel_type)
        return [
            FindingEdge(t, a, b, ev, bool(k))
            for a, b, ev, k in zip(src, dst, evidence, cols["naf_kept"], strict=True)
        ]
    t = ReportRelation(rel_type)
    return [RelationEdge(t, a, b, ev) for a, b, ev in zip(src, dst, evidence, strict=True)]


def _evidence_from_columns(cols: Columns) -> list[tuple[Evidence, ...]]:
    rep = cols["ev_report"]
    assert isinstance(rep, ListColumn)
    n_flat = len(rep.values)
    text_col = cols["ev_text"]
    texts: list[str | None] = [None] * n_flat
    if len(text_col.values):  # rows with text have as many texts as records, others none
        o, to = rep.offsets, text_col.offsets
        has = (to[1:] - to[:-1]) > 0
        mask = np.repeat(has, o[1:] - o[:-1])
        for pos, value in zip(np.flatnonzero(mask).tolist(), text_col.values, strict=True):
            texts[pos] = value
    flat = [
        Evidence(r, s, se, st, en, h, tx, lat or None, sev or None)
        for r, s, se, st, en, h, tx, lat, sev in zip(
            rep.values, cols["ev_section"].values, cols["ev_sentence"].values,
            cols["ev_start"].values, cols["ev_end"].values, cols["ev_sentence_sha256"].values,
            texts, cols["ev_laterality"].values, cols["ev_severity"].values, strict=True,
        )
    ]  # fmt: skip
    return _tuples(ListColumn(rep.offsets, flat))


def list_column(rows: Sequence[Sequence[Any] | None]) -> ListColumn:
    """A :class:`ListColumn` from per-row lists (None rows become null)."""
    col = _lists(row or () for row in rows)
    if any(row is None for row in rows):
        return ListColumn(col.offsets, col.values, np.array([row is not None for row in rows]))
    return col
