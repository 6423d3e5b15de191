"""The Jupyter view of a :class:`~medkg.compare.score.ReportComparison`: a coloured table of findings."""

from __future__ import annotations

from html import escape

#: Row colours by kind (matched without error, with an error, false, missing / negated).
COLOURS = {"ok": "#e6f4ea", "error": "#fff4e5", "false": "#fdecea", "missing": "#fdecea", "other": "#f5f5f5"}


def comparison_html(comparison) -> str:
    """A summary line and one row per finding: kind, name, weight, credit, cost, errors, sentences."""
    c = comparison
    head = (
        f"<p><b>score {c.score:.3f}</b> · precision {c.precision:.3f} · recall {c.recall:.3f} · "
        f"F1 {c.f1:.3f} · reference weight {c.reference_weight:g}</p>"
    )
    cells = [
        "kind",
        "finding",
        "relation",
        "weight",
        "credit",
        "cost",
        "errors",
        "reference says",
        "candidate says",
    ]
    rows = []
    for m in c.matches:
        tone = (
            ("error" if m.errors else "ok")
            if m.kind == "matched"
            else (
                "false" if m.kind == "false" else "missing" if m.kind in ("missing", "negated") else "other"
            )
        )
        values = [
            m.kind,
            m.name,
            m.relation,
            f"{m.weight:g}",
            f"{m.credit:.2f}",
            f"{m.cost:.2f}",
            "; ".join(m.errors),
            m.reference.sentence if m.reference else "",
            m.candidate.sentence if m.candidate else "",
        ]
        rows.append(
            f"<tr style='background:{COLOURS[tone]}'>"
            + "".join(f"<td>{escape(v)}</td>" for v in values)
            + "</tr>"
        )
    header = "".join(f"<th>{escape(h)}</th>" for h in cells)
    return (
        head + f"<table class='medkg'><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
