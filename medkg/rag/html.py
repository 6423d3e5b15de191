"""HTML tables for Jupyter: facts, generations and factuality reports (``_repr_html_``)."""

from __future__ import annotations

from html import escape


def _table(header: list[str], rows: list[list[str]], caption: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table class='medkg'>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def facts_html(facts) -> str:
    """One row per fact: rank, triple, assertion, score, provenance (reports, first sentence)."""
    rows = []
    for n, f in enumerate(facts, 1):
        sentence = next((s.text for s in f.provenance.sentences if s.text), "")
        rows.append(
            [
                str(n),
                escape(f.head_name),
                escape(f.relation),
                escape(f.tail_name),
                escape(f.tail),
                escape(f.assertion),
                f"{f.score:.3f}",
                str(f.provenance.count),
                escape(", ".join(f.provenance.report_ids)),
                escape(sentence),
            ]
        )
    notes = "".join(f"<p><b>note:</b> {escape(n)}</p>" for n in getattr(facts, "notes", ()))
    return notes + _table(
        [
            "#",
            "head",
            "relation",
            "tail",
            "CUI",
            "assertion",
            "score",
            "support",
            "reports",
            "source sentence",
        ],
        rows,
    )


def generation_html(gen) -> str:
    facts = facts_html(gen.facts) if gen.facts else ""
    return f"<p>{escape(gen.text)}</p>{facts}"


def factuality_html(report) -> str:
    colours = {
        "supported": "#d9f2d9",
        "contradicted": "#f8d0d0",
        "unsupported": "#fff3c4",
        "not_checked": "#eee",
    }
    rows = [
        [
            f"<span style='background:{colours.get(s.verdict, '#fff')}'>{escape(s.verdict)}</span>",
            escape(s.name),
            escape(s.assertion),
            escape(s.laterality or ""),
            escape(s.reason),
            escape(s.sentence),
        ]
        for s in report.statements
    ]
    supported = report.count("supported")
    caption = f"score {report.score:.2f} ({supported}/{report.checked} checked statements supported)"
    return _table(["verdict", "concept", "assertion", "side", "reason", "sentence"], rows, caption)


def subgraph_html(kg, limit: int = 200) -> str:
    """Edges of a KnowledgeGraph fragment as a table (type, source, target, support)."""
    names = {c: n.name for c, n in kg.concepts.items()}
    rows = []
    for edge in list(kg.edges())[:limit]:
        support = str(getattr(edge, "support", ""))
        rows.append(
            [
                escape(str(edge.type)),
                escape(names.get(edge.source, edge.source)),
                escape(names.get(edge.target, edge.target)),
                support,
            ]
        )
    return _table(["type", "source", "target", "support"], rows, f"{len(rows)} edges")
