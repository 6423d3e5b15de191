"""The ``neo4j-admin`` export: CSV header and data files for ``neo4j-admin database import full``.

The fastest way to put a very large graph into a new, empty Neo4j database. One header and one
data file per label and per relationship type, with the property types of
:mod:`medkg.store.schema` (the same graph as :class:`~medkg.store.neo4j.Neo4jStore` writes), and
``import.args`` holding the exact command-line arguments::

    medkg export kg-store --format neo4j-admin --output kg-csv
    cd kg-csv && neo4j-admin database import full neo4j @import.args   # server stopped
    # then, server running:  Neo4jStore(uri).ensure_schema()  (constraints and indexes)

Conventions: array elements are separated by U+001F (never in report text); an unquoted empty
field is a missing property (null), a quoted ``""`` an empty string; fields may span lines
(``--multiline-fields=true``).

Examples
--------
>>> from medkg.graph import export
>>> result = export(kg, "neo4j-admin", "kg-csv")
>>> import_arguments("kg-csv")["nodes"][0]  # doctest: +ELLIPSIS
'Patient=/.../kg-csv/nodes/Patient.header.csv,/.../kg-csv/nodes/Patient.csv'
"""

from __future__ import annotations

import csv
import logging
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from medkg.errors import ConfigError, GraphError
from medkg.graph.export import ExportResult, register_exporter
from medkg.graph.model import KnowledgeGraph, endpoint_labels
from medkg.store import schema as S

log = logging.getLogger(__name__)

ARRAY_DELIMITER = "\x1f"
#: neo4j-admin spelling of :data:`ARRAY_DELIMITER`.
ARRAY_DELIMITER_ARG = "U+001F"
_TYPES = {
    "STRING": "string",
    "BOOL": "boolean",
    "DOUBLE": "double",
    "INT64": "long",
    "FLOAT[]": "float[]",
    "STRING[]": "string[]",
    "INT64[]": "long[]",
}


def _column(name: str, kind: str) -> str:
    return name if kind == "STRING" else f"{name}:{_TYPES[kind]}"


def _cell(value: Any, kind: str, record: str) -> Any:
    """One CSV cell; None stays None (written unquoted: a missing property)."""
    if value is None:
        return None
    if kind.endswith("[]"):
        items = [("true" if v else "false") if isinstance(v, bool) else v for v in value]
        if not items:
            return None  # neo4j-admin has no empty array; readers treat missing as empty
        if kind == "STRING[]" and any(ARRAY_DELIMITER in v for v in items):
            raise GraphError("an array value contains U+001F, the array delimiter", record=record,
                             hint="remove control characters from the text before export")  # fmt: skip
        return ARRAY_DELIMITER.join(str(v) for v in items)
    if kind == "BOOL":
        return "true" if value else "false"
    return value


def _field(value: Any) -> str:
    """None → unquoted empty (a missing property); strings quoted with ``""`` escapes; numbers bare."""
    if value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    return repr(value) if isinstance(value, float) else str(value)


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.nodes: list[str] = []
        self.relationships: list[str] = []

    def write(self, group: str, name: str, header: list[str], rows: list[list[Any]]) -> int:
        folder = self.root / group
        folder.mkdir(parents=True, exist_ok=True)
        head, data = folder / f"{name}.header.csv", folder / f"{name}.csv"
        with head.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, quoting=csv.QUOTE_MINIMAL).writerow(header)
        with data.open("w", newline="", encoding="utf-8") as fh:
            fh.writelines(",".join(_field(v) for v in row) + "\n" for row in rows)
        spec = f"{name}={head.relative_to(self.root)},{data.relative_to(self.root)}"
        (self.nodes if group == "nodes" else self.relationships).append(spec)
        return len(rows)


@register_exporter("neo4j-admin", "CSV headers + files for `neo4j-admin database import full` (a directory)")
def export_neo4j_admin(kg: KnowledgeGraph, path: Path) -> ExportResult:
    """Write ``path/nodes/*.csv``, ``path/relationships/*.csv`` and ``path/import.args``.

    Image embeddings (when present) go into ``Image.embedding`` as ``float[]``.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ConfigError(
            "the neo4j-admin export writes a directory", path=path, hint="give a directory path"
        )
    kg.validate()
    out = _Writer(path)
    vectors: dict[str, list[float]] = {}
    if kg.embeddings is not None:
        vectors = {
            i: [float(x) for x in v] for i, v in zip(kg.embeddings.ids, kg.embeddings.vectors, strict=True)
        }
    rows_total = 0
    for label, nodes in kg.nodes_by_label().items():
        props = S.NODE_PROPERTIES[str(label)]
        key = S.NODE_KEYS[str(label)]
        header = [f"{key}:ID({label})", *(_column(p, k) for p, k in props if p != key)]
        rows = []
        for node_id in sorted(nodes):
            values = S.node_properties(str(label), nodes[node_id])
            if str(label) == "Image":
                values["embedding"] = vectors.get(node_id)
            rows.append([values[key], *(_cell(values[p], k, node_id) for p, k in props if p != key)])
        rows_total += out.write("nodes", str(label), header, rows)
    options_json = kg.info.options.to_json() if kg.info.options else ""
    encoder = kg.embeddings.encoder if kg.embeddings is not None else ""
    info = S.info_properties(options_json, kg.info.naf, encoder)
    info_props = S.NODE_PROPERTIES[S.INFO_LABEL]
    info_header = [f"id:ID({S.INFO_LABEL})", *(_column(p, k) for p, k in info_props[1:])]
    info_row = [info["id"], *(info[p] for p, _ in info_props[1:])]
    rows_total += out.write("nodes", S.INFO_LABEL, info_header, [info_row])  # + GraphInfo
    by_type: dict[str, list] = defaultdict(list)
    for edge in kg.edges():
        by_type[str(edge.type)].append(edge)
    for rel_type in sorted(by_type):
        S.validate_rel_type(rel_type)
        src, dst = endpoint_labels(rel_type)
        props = S.REL_PROPERTIES[S.rel_kind(rel_type)]
        header = [f":START_ID({src})", f":END_ID({dst})", *(_column(p, k) for p, k in props)]
        rows = []
        for edge in sorted(by_type[rel_type], key=lambda e: (e.source, e.target)):
            values = S.edge_properties(edge)
            record = f"{rel_type} {edge.source}->{edge.target}"
            rows.append([edge.source, edge.target, *(_cell(values[p], k, record) for p, k in props)])
        rows_total += out.write("relationships", rel_type, header, rows)
    args = [*(f"--nodes={s}" for s in out.nodes), *(f"--relationships={s}" for s in out.relationships)]
    args += [f"--array-delimiter={ARRAY_DELIMITER_ARG}", "--multiline-fields=true"]
    (path / "import.args").write_text("\n".join(args) + "\n", encoding="utf-8")
    log.info("wrote %d neo4j-admin rows to %s", rows_total, path)
    return ExportResult("neo4j-admin", path, rows_total)


def import_arguments(path: str | os.PathLike[str]) -> dict[str, list[str]]:
    """The ``nodes``, ``relationships`` and ``options`` of an export, with absolute file paths.

    Ready for :meth:`medkg.store.neo4j_server.Neo4jServer.import_full`.

    Examples
    --------
    >>> args = import_arguments("kg-csv")                     # needs a Neo4j server  # doctest: +SKIP
    >>> server.import_full(args["nodes"], args["relationships"], options=args["options"])  # doctest: +SKIP
    """
    root = Path(path).resolve()
    lines = (root / "import.args").read_text(encoding="utf-8").split()
    out: dict[str, list[str]] = {"nodes": [], "relationships": [], "options": []}
    for line in lines:
        flag, _, value = line.partition("=")
        if flag in ("--nodes", "--relationships"):
            name, _, files = value.partition("=")
            absolute = ",".join(str(root / f) for f in files.split(","))
            out[flag[2:]].append(f"{name}={absolute}")
        else:
            out["options"].append(line)
    return out
