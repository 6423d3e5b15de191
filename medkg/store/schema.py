"""The store schema shared by every medkg store: labels, relationship types, property names and
types, and the conversion between graph records and store properties.

Only primitives and arrays of primitives are used (valid in Neo4j and LadybugDB alike); a null
never appears inside an array (``""`` stands for "none" in the provenance arrays). Labels and
relationship types reaching a query are validated here, never string-built from user input.

Examples
--------
>>> validate_label("Image")
'Image'
>>> validate_rel_type("POSITIVE")
'POSITIVE'
"""

from __future__ import annotations

import json
import re
from typing import Any

from medkg.errors import SchemaError
from medkg.graph.model import (
    ConceptNode,
    Edge,
    Evidence,
    Finding,
    FindingEdge,
    ImageNode,
    Label,
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

#: Label of the one node holding graph settings (``id = "graph"``).
INFO_LABEL = "GraphInfo"
INFO_ID = "graph"

#: Key property of every label.
NODE_KEYS: dict[str, str] = {
    "Patient": "id",
    "Study": "id",
    "Report": "id",
    "Image": "id",
    "Concept": "cui",
    INFO_LABEL: "id",
}

#: Node properties and their types (key first).
NODE_PROPERTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "Patient": (("id", "STRING"),),
    "Study": (("id", "STRING"), ("patient_id", "STRING"), ("source", "STRING")),
    "Report": (
        ("id", "STRING"),
        ("study_id", "STRING"),
        ("text_sha256", "STRING"),
        ("text", "STRING"),
        ("source", "STRING"),
    ),
    "Image": (
        ("id", "STRING"),
        ("study_id", "STRING"),
        ("path", "STRING"),
        ("view_position", "STRING"),
        ("naf_kept", "BOOL"),
        ("naf_score", "DOUBLE"),
        ("embedding", "FLOAT[]"),
    ),
    "Concept": (
        ("cui", "STRING"),
        ("name", "STRING"),
        ("semantic_types", "STRING[]"),
        ("semantic_type_names", "STRING[]"),
        ("codes", "STRING[]"),
    ),
    INFO_LABEL: (
        ("id", "STRING"),
        ("schema_version", "INT64"),
        ("build_options", "STRING"),
        ("naf", "STRING"),
        ("encoder", "STRING"),
    ),
}

EVIDENCE_PROPERTIES: tuple[tuple[str, str], ...] = (
    ("support", "INT64"),
    ("ev_report", "STRING[]"),
    ("ev_section", "STRING[]"),
    ("ev_sentence", "INT64[]"),
    ("ev_start", "INT64[]"),
    ("ev_end", "INT64[]"),
    ("ev_sentence_sha256", "STRING[]"),
    ("ev_text", "STRING[]"),
    ("ev_laterality", "STRING[]"),
    ("ev_severity", "STRING[]"),
)

#: The compact provenance layout (Neo4j's default, see docs/SCHEMA.md): report ids and sentences
#: stay native lists, the positions of each record are one JSON string ``ev_spans``.
COMPACT_EVIDENCE_PROPERTIES: tuple[tuple[str, str], ...] = (
    ("support", "INT64"),
    ("ev_report", "STRING[]"),
    ("ev_text", "STRING[]"),
    ("ev_spans", "STRING"),
)
PROVENANCE_LAYOUTS = ("compact", "arrays")

#: Relationship properties by kind.
REL_PROPERTIES: dict[str, tuple[tuple[str, str], ...]] = {
    "structure": (),
    "finding": (("naf_kept", "BOOL"), *EVIDENCE_PROPERTIES),
    "relation": EVIDENCE_PROPERTIES,
    "ontology": (("relas", "STRING[]"), ("sabs", "STRING[]")),
}


def rel_properties(kind: str, layout: str = "arrays") -> tuple[tuple[str, str], ...]:
    """Relationship properties of ``kind`` in a provenance ``layout`` (``"arrays"`` or ``"compact"``).

    Examples
    --------
    >>> [p for p, _ in rel_properties("finding", "compact")]
    ['naf_kept', 'support', 'ev_report', 'ev_text', 'ev_spans']
    """
    if layout not in PROVENANCE_LAYOUTS:
        raise SchemaError(f"unknown provenance layout {layout!r}", hint=f"use one of {PROVENANCE_LAYOUTS}")
    if layout == "arrays" or kind not in ("finding", "relation"):
        return REL_PROPERTIES[kind]
    return (("naf_kept", "BOOL"),) * (kind == "finding") + COMPACT_EVIDENCE_PROPERTIES


STRUCTURE_TYPES = tuple(str(t) for t in Structure)
FINDING_TYPES = tuple(str(t) for t in Finding)
RELATION_TYPES = tuple(str(t) for t in ReportRelation)
#: Ontology types every store declares even when empty (so queries on them never fail).
DEFAULT_ONTOLOGY_TYPES = ("ISA", "PART_OF", "FINDING_SITE", "ASSOCIATED_WITH")

_ONTOLOGY_TYPE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
_LABELS = frozenset(str(label) for label in Label)


def validate_label(name: str) -> str:
    """Return ``name`` when it is a node label of the schema, else raise :class:`SchemaError`."""
    if name not in _LABELS:
        raise SchemaError(f"unknown node label {name!r}", hint=f"labels are {sorted(_LABELS)}")
    return name


def validate_rel_type(name: str) -> str:
    """Return ``name`` when it can be a relationship type of the schema, else raise."""
    if name in STRUCTURE_TYPES or name in FINDING_TYPES or name in RELATION_TYPES:
        return name
    if not isinstance(name, str) or not _ONTOLOGY_TYPE.match(name):
        raise SchemaError(
            f"invalid relationship type {name!r}",
            hint="relationship types are upper-case letters, digits and _ (see docs/SCHEMA.md)",
        )
    return name


def rel_kind(rel_type: str) -> str:
    """``"structure"``, ``"finding"``, ``"relation"`` or ``"ontology"``."""
    if rel_type in STRUCTURE_TYPES:
        return "structure"
    if rel_type in FINDING_TYPES:
        return "finding"
    if rel_type in RELATION_TYPES:
        return "relation"
    validate_rel_type(rel_type)
    return "ontology"


# -- records → properties ------------------------------------------------------------------
def node_properties(label: str, node: Node) -> dict[str, Any]:
    """Store properties of a node record (``embedding`` is filled by the store when present)."""
    if isinstance(node, ConceptNode):
        return {
            "cui": node.cui,
            "name": node.name,
            "semantic_types": list(node.semantic_types),
            "semantic_type_names": list(node.semantic_type_names),
            "codes": list(node.codes),
        }
    props = {name: getattr(node, name) for name in node.__dataclass_fields__}
    if isinstance(node, ImageNode):
        props["embedding"] = None
    return props


def node_from_properties(label: str, props: dict[str, Any]) -> Node:
    """The node record for store properties (unknown/internal keys are ignored)."""
    if label == "Patient":
        return PatientNode(props["id"])
    if label == "Study":
        return StudyNode(props["id"], props.get("patient_id"), props.get("source") or "")
    if label == "Report":
        return ReportNode(
            props["id"], props["study_id"], props["text_sha256"], props.get("text"), props.get("source") or ""
        )
    if label == "Image":
        return ImageNode(
            props["id"],
            props["study_id"],
            props.get("path"),
            props.get("view_position"),
            bool(props.get("naf_kept", True)),
            float(props.get("naf_score") or 0.0),
        )
    if label == "Concept":
        return ConceptNode(
            props["cui"],
            props["name"],
            tuple(props.get("semantic_types") or ()),
            tuple(props.get("semantic_type_names") or ()),
            tuple(props.get("codes") or ()),
        )
    raise SchemaError(f"unknown node label {label!r}")


def _evidence_properties(evidence: tuple[Evidence, ...]) -> dict[str, Any]:
    has_text = any(e.text is not None for e in evidence)
    return {
        "support": len({e.key for e in evidence}),
        "ev_report": [e.report_id for e in evidence],
        "ev_section": [e.section for e in evidence],
        "ev_sentence": [e.sentence for e in evidence],
        "ev_start": [e.start for e in evidence],
        "ev_end": [e.end for e in evidence],
        "ev_sentence_sha256": [e.sentence_sha256 for e in evidence],
        "ev_text": [e.text or "" for e in evidence] if has_text else [],
        "ev_laterality": [e.laterality or "" for e in evidence],
        "ev_severity": [e.severity or "" for e in evidence],
    }


_json_str = json.encoder.encode_basestring  # a JSON string literal, as json.dumps(ensure_ascii=False)


def _span_json(e: Evidence) -> str:
    """One record of ``ev_spans``: the object ``json.dumps`` would give, written directly (fast)."""
    text = (
        f'{{"section":{_json_str(e.section)},"sentence":{int(e.sentence)},"start":{int(e.start)},'
        f'"end":{int(e.end)},"sentence_sha256":{_json_str(e.sentence_sha256)}'
    )
    if e.laterality is not None:
        text += f',"laterality":{_json_str(e.laterality)}'
    if e.severity is not None:
        text += f',"severity":{_json_str(e.severity)}'
    return text + "}"


def _compact_evidence_properties(evidence: tuple[Evidence, ...]) -> dict[str, Any]:
    """The compact layout: ``ev_text`` is null (absent) when no sentence text is kept."""
    if len(evidence) == 1:  # the common case, built without the general path's sets and generators
        e = evidence[0]
        return {
            "support": 1,
            "ev_report": [e.report_id],
            "ev_text": None if e.text is None else [e.text],
            "ev_spans": f"[{_span_json(e)}]",
        }
    has_text = any(e.text is not None for e in evidence)
    return {
        "support": len({e.key for e in evidence}),
        "ev_report": [e.report_id for e in evidence],
        "ev_text": [e.text or "" for e in evidence] if has_text else None,
        "ev_spans": "[" + ",".join(_span_json(e) for e in evidence) + "]",
    }


def _compact_evidence_from(props: dict[str, Any]) -> tuple[Evidence, ...]:
    spans = json.loads(props["ev_spans"])
    texts = props.get("ev_text") or [None] * len(spans)
    return tuple(
        Evidence(
            report, s["section"], int(s["sentence"]), int(s["start"]), int(s["end"]), s["sentence_sha256"],
            text if text else None, s.get("laterality"), s.get("severity"),
        )
        for report, text, s in zip(props["ev_report"], texts, spans, strict=True)
    )  # fmt: skip


def _evidence_from(props: dict[str, Any]) -> tuple[Evidence, ...]:
    if props.get("ev_spans") is not None:
        return _compact_evidence_from(props)
    n = len(props["ev_report"])
    texts = props.get("ev_text") or []
    lat = props.get("ev_laterality") or [""] * n
    sev = props.get("ev_severity") or [""] * n
    return tuple(
        Evidence(
            props["ev_report"][i],
            props["ev_section"][i],
            int(props["ev_sentence"][i]),
            int(props["ev_start"][i]),
            int(props["ev_end"][i]),
            props["ev_sentence_sha256"][i],
            texts[i] if texts else None,
            lat[i] or None,
            sev[i] or None,
        )
        for i in range(n)
    )


def evidence_properties(evidence: tuple[Evidence, ...], layout: str = "arrays") -> dict[str, Any]:
    """The provenance properties of a finding or relation edge in ``layout`` (see :func:`edge_properties`)."""
    return (_compact_evidence_properties if layout == "compact" else _evidence_properties)(evidence)


def edge_properties(edge: Edge, layout: str = "arrays") -> dict[str, Any]:
    """Store properties of an edge record (endpoints excluded) in a provenance ``layout``.

    ``"arrays"`` (LadybugDB, docs/SCHEMA.md) keeps one list per provenance field; ``"compact"``
    (Neo4j's default) keeps ``ev_report`` and ``ev_text`` as lists and the other fields of each
    record in the JSON string ``ev_spans``: 4 properties instead of 10, the same information.
    """
    if isinstance(edge, StructureEdge):
        return {}
    if isinstance(edge, FindingEdge):
        return {"naf_kept": edge.naf_kept, **evidence_properties(edge.evidence, layout)}
    if isinstance(edge, RelationEdge):
        return evidence_properties(edge.evidence, layout)
    return {"relas": list(edge.relas), "sabs": list(edge.sabs)}


def edge_from_properties(rel_type: str, source: str, target: str, props: dict[str, Any]) -> Edge:
    """The edge record for a relationship of ``rel_type`` with store properties ``props``."""
    kind = rel_kind(rel_type)
    if kind == "structure":
        return StructureEdge(Structure(rel_type), source, target)
    if kind == "finding":
        return FindingEdge(Finding(rel_type), source, target, _evidence_from(props), bool(props["naf_kept"]))
    if kind == "relation":
        return RelationEdge(ReportRelation(rel_type), source, target, _evidence_from(props))
    return OntologyEdge(
        rel_type, source, target, tuple(props.get("relas") or ()), tuple(props.get("sabs") or ())
    )


def info_properties(options_json: str, naf: dict | None, encoder: str = "") -> dict[str, Any]:
    from medkg.graph.model import SCHEMA_VERSION

    return {
        "id": INFO_ID,
        "schema_version": SCHEMA_VERSION,
        "build_options": options_json,
        "naf": json.dumps(naf, sort_keys=True) if naf is not None else "",
        "encoder": encoder,
    }
