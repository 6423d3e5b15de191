"""PyTorch Geometric export: a :class:`~torch_geometric.data.HeteroData` and the id maps back.

Node types are the labels in lower case (``patient``, ``study``, ``report``, ``image``,
``concept``); node ``i`` of a type is the ``i``-th id of that type in sorted order, and
:class:`IdMaps` turns indices back into ids and CUIs. Edge types are
``(source type, relationship type, target type)``: ``("image", "POSITIVE", "concept")``,
``("concept", "ISA", "concept")``, ``("study", "HAS_IMAGE", "image")``, ...; types without edges
are left out. Finding and relation edges carry ``support`` (provenance records per edge) and
finding edges ``naf_kept``. Image embeddings, when the graph has them, are ``data["image"].x``
(zeros for images without one, flagged by ``data["image"].has_x``).

torch and torch-geometric come with the ``ml`` extra and are imported only when called.

Examples
--------
>>> data, ids = to_pyg(kg)                            # needs torch  # doctest: +SKIP
>>> data["image", "POSITIVE", "concept"].edge_index.shape   # doctest: +SKIP
torch.Size([2, 9])
>>> ids.id("concept", 0)                              # doctest: +SKIP
'C0004144'
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medkg.errors import ConfigError, GraphError
from medkg.graph.export import ExportResult, register_exporter
from medkg.graph.model import FindingEdge, KnowledgeGraph, Label, RelationEdge, endpoint_labels

log = logging.getLogger(__name__)

NODE_TYPES: tuple[str, ...] = tuple(str(label).lower() for label in Label)


@dataclass(frozen=True)
class IdMaps:
    """Node index ↔ id for every node type (``ids["concept"][i]`` is the CUI of concept ``i``)."""

    ids: dict[str, tuple[str, ...]]
    _index: dict[str, dict[str, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {nt: {node_id: i for i, node_id in enumerate(ids)} for nt, ids in self.ids.items()}
        object.__setattr__(self, "_index", index)

    def index(self, node_type: str, node_id: str) -> int:
        """Index of ``node_id`` among the ``node_type`` nodes; raises GraphError when unknown."""
        try:
            return self._index[node_type][node_id]
        except KeyError:
            raise GraphError(f"no {node_type} node {node_id!r} in this export", record=node_id) from None

    def id(self, node_type: str, index: int) -> str:
        """Id (CUI for concepts) of node ``index`` of ``node_type``."""
        return self.ids[node_type][index]


def _torch():
    try:
        import torch
        from torch_geometric.data import HeteroData
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ConfigError(
            "the PyG export needs torch and torch-geometric", hint="pip install 'medkg[ml]'"
        ) from exc
    return torch, HeteroData


def to_pyg(kg: KnowledgeGraph) -> tuple[Any, IdMaps]:
    """``(HeteroData, IdMaps)`` of ``kg``; see the module docstring for the layout.

    Examples
    --------
    >>> data, ids = to_pyg(kg)                        # needs torch  # doctest: +SKIP
    >>> tails = data["image", "POSITIVE", "concept"].edge_index[1]   # doctest: +SKIP
    >>> [ids.id("concept", int(j)) for j in tails]                  # doctest: +SKIP
    ['C0018800', 'C0032227', ...]
    """
    torch, HeteroData = _torch()
    data = HeteroData()
    maps = IdMaps({str(label).lower(): tuple(sorted(nodes)) for label, nodes in kg.nodes_by_label().items()})
    for nt, ids in maps.ids.items():
        data[nt].num_nodes = len(ids)
    images = maps.ids["image"]
    if images:
        data["image"].naf_kept = torch.tensor([kg.images[i].naf_kept for i in images], dtype=torch.bool)
        data["image"].naf_score = torch.tensor([kg.images[i].naf_score for i in images], dtype=torch.float)
    if kg.embeddings is not None:
        _image_features(data, maps, kg, torch)
    grouped: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for edge in kg.edges():
        src, dst = (str(lbl).lower() for lbl in endpoint_labels(str(edge.type)))
        grouped[(src, str(edge.type), dst)].append(edge)
    for (src, rel, dst), edges in sorted(grouped.items()):
        pairs = sorted(
            ((maps.index(src, e.source), maps.index(dst, e.target), e) for e in edges),
            key=lambda t: (t[0], t[1]),
        )
        store = data[src, rel, dst]
        store.edge_index = torch.tensor([[p[0] for p in pairs], [p[1] for p in pairs]], dtype=torch.long)
        first = pairs[0][2]
        if isinstance(first, FindingEdge | RelationEdge):
            store.support = torch.tensor([p[2].support for p in pairs], dtype=torch.long)
        if isinstance(first, FindingEdge):
            store.naf_kept = torch.tensor([p[2].naf_kept for p in pairs], dtype=torch.bool)
    return data, maps


def _image_features(data, maps: IdMaps, kg: KnowledgeGraph, torch) -> None:
    emb = kg.embeddings
    vectors = torch.as_tensor(emb.vectors, dtype=torch.float)
    x = torch.zeros((len(maps.ids["image"]), vectors.shape[1]), dtype=torch.float)
    has_x = torch.zeros(len(maps.ids["image"]), dtype=torch.bool)
    position = maps._index["image"]
    for row, image_id in enumerate(emb.ids):
        i = position.get(image_id)
        if i is not None:
            x[i] = vectors[row]
            has_x[i] = True
    data["image"].x = x
    data["image"].has_x = has_x


def save_pyg(kg: KnowledgeGraph, path: str | Path) -> int:
    """``torch.save`` ``{"data": HeteroData, "ids": {node type: [ids]}}``; returns nodes + edges.

    Examples
    --------
    >>> save_pyg(kg, "kg.pt")                         # needs torch  # doctest: +SKIP
    94
    """
    torch, _ = _torch()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data, maps = to_pyg(kg)
    torch.save({"data": data, "ids": {nt: list(ids) for nt, ids in maps.ids.items()}}, path)
    n = data.num_nodes + data.num_edges
    log.info("wrote %d nodes and %d edges to %s", data.num_nodes, data.num_edges, path)
    return n


def load_pyg(path: str | Path) -> tuple[Any, IdMaps]:
    """Read a file written by :func:`save_pyg` (a trusted file: it is unpickled).

    Examples
    --------
    >>> data, ids = load_pyg("kg.pt")                 # needs torch  # doctest: +SKIP
    """
    torch, _ = _torch()
    saved = torch.load(Path(path), weights_only=False)
    return saved["data"], IdMaps({nt: tuple(ids) for nt, ids in saved["ids"].items()})


@register_exporter("pyg", "PyTorch Geometric HeteroData + id maps (torch.save; needs the ml extra)")
def export_pyg(kg: KnowledgeGraph, path: Path) -> ExportResult:
    return ExportResult("pyg", path, save_pyg(kg, path))
