"""Pictures of retrieved facts and graph fragments (matplotlib + networkx, PNG in memory).

:func:`draw_facts` draws the query concepts (or the query image) in the centre, each retrieved
concept around them with its relation and citation number ``[n]`` on the edge (width by score),
and, optionally, the graph images whose findings support each fact. :func:`draw_subgraph` draws
any :class:`~medkg.graph.model.KnowledgeGraph` fragment, e.g. the one :func:`evidence_subgraph`
reads from a store. A :class:`Picture` shows itself in Jupyter; :class:`SubgraphView` renders a
fragment as a picture and an edge table.

Examples
--------
>>> from medkg.rag.facts import Fact
>>> pic = draw_facts([Fact("C1", "Cardiomegaly", "CO_OCCURS_WITH", "C2", "Pleural effusion")])
>>> pic.png[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medkg.rag.facts import Fact, relation_phrase

COLOURS = {
    "present": "#b7e1b0",
    "absent": "#f4b6b6",
    "uncertain": "#ffe08a",
    "query": "#9cc3e6",
    "image": "#dddddd",
}
EDGE_COLOURS = {"POSITIVE": "tab:green", "NEGATIVE": "tab:red", "UNCERTAIN": "tab:orange"}


@dataclass(frozen=True)
class Picture:
    """A PNG image in memory; Jupyter shows it, :meth:`save` writes it."""

    png: bytes = field(repr=False)
    title: str = ""

    def __repr__(self) -> str:
        return f"Picture({self.title!r}, {len(self.png)} bytes PNG)"

    def _repr_png_(self) -> bytes:
        return self.png

    def html(self) -> str:
        """An ``<img>`` tag with the PNG inline."""
        data = base64.b64encode(self.png).decode("ascii")
        return f"<img alt='{self.title}' src='data:image/png;base64,{data}'/>"

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_bytes(self.png)
        return path


def _render(graph, pos, title: str, size: tuple[float, float]) -> Picture:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    fig, ax = plt.subplots(figsize=size)
    if graph.number_of_nodes():
        nodes = list(graph.nodes)
        nx.draw_networkx_nodes(
            graph,
            pos,
            ax=ax,
            nodelist=nodes,
            node_color=[graph.nodes[n]["colour"] for n in nodes],
            node_size=[graph.nodes[n].get("size", 1400) for n in nodes],
        )
        nx.draw_networkx_labels(graph, pos, {n: graph.nodes[n]["label"] for n in nodes}, ax=ax, font_size=8)
        edges = list(graph.edges(data=True))
        nx.draw_networkx_edges(
            graph,
            pos,
            ax=ax,
            edgelist=[(u, v) for u, v, _ in edges],
            width=[d.get("width", 1.0) for _, _, d in edges],
            edge_color=[d.get("colour", "tab:gray") for _, _, d in edges],
            arrows=True,
            node_size=1400,
        )
        labels = {(u, v): d["label"] for u, v, d in edges if d.get("label")}
        nx.draw_networkx_edge_labels(graph, pos, edge_labels=labels, ax=ax, font_size=7)
    else:
        ax.text(0.5, 0.5, "(nothing to draw)", ha="center", va="center")
    ax.set_title(title, fontsize=10)
    ax.axis("off")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return Picture(buffer.getvalue(), title)


def facts_graph(facts: Sequence[Fact], images: bool = True):
    """A networkx DiGraph of the facts: heads → tails (``relation [n]``), images → supported tails."""
    import networkx as nx

    g = nx.DiGraph()
    for n, f in enumerate(facts, 1):
        g.add_node(("q", f.head), label=_wrap(f.head_name), colour=COLOURS["query"], ring=0)
        tail = ("c", f.tail)
        if tail not in g:
            g.add_node(tail, label=_wrap(f.tail_name), colour=COLOURS.get(f.assertion, "#ffffff"), ring=1)
        width = 1.0 + 3.0 * max(f.score, 0.0) / max(max(x.score for x in facts), 1e-9)
        g.add_edge(
            ("q", f.head),
            tail,
            label=f"{relation_phrase(f.relation)} [{n}]",
            width=width,
            colour=EDGE_COLOURS.get(f.relation, "tab:blue"),
        )
        if images:
            for image in f.provenance.images:
                node = ("i", image)
                g.add_node(node, label=_wrap(image, 14), colour=COLOURS["image"], ring=2, size=700)
                g.add_edge(node, tail, colour="#bbbbbb", width=0.6)
    return g


def _wrap(text: str, width: int = 18) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line]) if line else text


def _shells(g) -> list[list[Any]]:
    rings: list[list[Any]] = [[], [], []]
    for node, data in g.nodes(data=True):
        rings[data.get("ring", 1)].append(node)
    return [sorted(r, key=str) for r in rings if r]


def draw_facts(
    facts: Sequence[Fact], *, images: bool = True, title: str | None = None, path: str | Path | None = None
) -> Picture:
    """A picture of retrieved facts (see the module docstring); saved to ``path`` when given.

    Parameters
    ----------
    facts:
        Retrieved facts, best first (numbers on the edges are their ranks, as cited).
    images:
        Also draw the graph images whose findings support each fact (grey).
    title:
        Picture title (default: the number of facts).
    """
    import networkx as nx

    g = facts_graph(facts, images)
    pos = nx.shell_layout(g, _shells(g)) if g.number_of_nodes() > 1 else {n: (0, 0) for n in g}
    picture = _render(g, pos, title or f"{len(facts)} retrieved facts", (9, 7))
    if path is not None:
        picture.save(path)
    return picture


def draw_subgraph(kg, *, highlight: Sequence[str] = (), title: str | None = None, limit: int = 80) -> Picture:
    """A picture of a KnowledgeGraph fragment: concepts and images with their edges (first ``limit``).

    Concepts in ``highlight`` (CUIs) are drawn in the query colour.
    """
    import networkx as nx

    names = {c: node.name for c, node in kg.concepts.items()}
    g = nx.DiGraph()
    for edge in list(kg.edges())[:limit]:
        kind = str(edge.type)
        for node in (edge.source, edge.target):
            if node in g:
                continue
            if node in names:
                colour = COLOURS["query"] if node in highlight else COLOURS["present"]
                g.add_node(node, label=_wrap(names[node]), colour=colour, ring=1)
            else:  # images inside, concepts around them, studies, reports and patients outside
                ring = 0 if node in kg.images else 2
                g.add_node(node, label=_wrap(node, 14), colour=COLOURS["image"], ring=ring, size=700)
        g.add_edge(edge.source, edge.target, colour=EDGE_COLOURS.get(kind, "tab:blue"), label=kind.lower())
    if g.number_of_edges() > 30:  # too many labels to read: colours say the type
        for _, _, data in g.edges(data=True):
            data["label"] = ""
    pos = nx.shell_layout(g, _shells(g)) if g.number_of_nodes() > 1 else {n: (0, 0) for n in g}
    return _render(g, pos, title or f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges", (10, 8))


def evidence_subgraph(
    store: Any, facts: Sequence[Fact], relations: Sequence[str] = ("POSITIVE", "NEGATIVE", "UNCERTAIN")
):
    """The finding edges (of ``relations``) of the images that support ``facts``, read from ``store``.

    Examples
    --------
    >>> sub = evidence_subgraph(store, facts[:2], relations=["POSITIVE"])
    >>> SubgraphView(sub)
    SubgraphView(2 concepts, 2 edges)
    """
    from medkg.store.base import NodeRef

    images = sorted({i for f in facts for i in f.provenance.images})
    return store.neighbours([NodeRef("Image", i) for i in images], list(relations), "out")


class SubgraphView:
    """A KnowledgeGraph fragment that shows itself in Jupyter as a picture and an edge table.

    Examples
    --------
    >>> from medkg.graph.model import KnowledgeGraph
    >>> "0 edges" in SubgraphView(KnowledgeGraph())._repr_html_()
    True
    """

    def __init__(self, kg, highlight: Sequence[str] = ()) -> None:
        self.kg = kg
        self.highlight = tuple(highlight)

    def picture(self) -> Picture:
        return draw_subgraph(self.kg, highlight=self.highlight)

    def __repr__(self) -> str:
        return f"SubgraphView({len(self.kg.concepts)} concepts, {sum(1 for _ in self.kg.edges())} edges)"

    def _repr_html_(self) -> str:
        from medkg.rag.html import subgraph_html

        return self.picture().html() + subgraph_html(self.kg)
