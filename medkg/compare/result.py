"""The typed result of a report comparison: one :class:`FindingMatch` per finding, and the
:class:`ReportComparison` holding them with the score (defined in :mod:`medkg.compare.score`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from medkg.compare.findings import StatedFinding


@dataclass(frozen=True, slots=True)
class FindingMatch:
    """One reference finding and what the candidate says of it, or one false candidate finding.

    ``kind``: ``"matched"``, ``"negated"``, ``"missing"``, ``"false"`` or ``"redundant"``;
    ``relation``: ``"same"``, ``"more specific"``, ``"less specific"``, ``"explained"`` (a sign the
    reference gives as the evidence of a diagnosis the candidate names) or ``""``.
    """

    kind: str
    reference: StatedFinding | None
    candidate: StatedFinding | None
    weight: float
    credit: float = 0.0
    cost: float = 0.0
    relation: str = ""
    errors: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        f = self.reference or self.candidate
        return f.name if f is not None else ""


@dataclass(frozen=True)
class ReportComparison:
    """The result of :func:`compare_reports`."""

    score: float
    precision: float
    recall: float
    f1: float
    reference_weight: float
    matches: tuple[FindingMatch, ...] = field(default_factory=tuple)

    def _kind(self, kind: str) -> list[FindingMatch]:
        return [m for m in self.matches if m.kind == kind]

    @property
    def matched(self) -> list[FindingMatch]:
        return self._kind("matched")

    @property
    def false_findings(self) -> list[FindingMatch]:
        """Candidate findings the reference does not have or negates."""
        return self._kind("false")

    @property
    def missing_findings(self) -> list[FindingMatch]:
        """Reference findings the candidate is silent on or denies."""
        return self._kind("missing") + self._kind("negated")

    @property
    def attribute_errors(self) -> list[FindingMatch]:
        """Matched findings with a wrong side, severity, certainty, size, change or significance."""
        return [m for m in self.matched if m.errors]

    def summary(self) -> dict:
        """A JSON-ready dict: the figures and one entry per finding."""
        return {
            "score": self.score,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "findings": [
                {
                    "kind": m.kind,
                    "name": m.name,
                    "relation": m.relation,
                    "weight": m.weight,
                    "credit": round(m.credit, 4),
                    "cost": round(m.cost, 4),
                    "errors": list(m.errors),
                    "reference_sentence": m.reference.sentence if m.reference else None,
                    "candidate_sentence": m.candidate.sentence if m.candidate else None,
                }
                for m in self.matches
            ],
        }

    def _repr_html_(self) -> str:
        from medkg.compare.html import comparison_html

        return comparison_html(self)


__all__ = ["FindingMatch", "ReportComparison"]
