"""Clinical significance weights of findings, read from an editable TSV (``significance.tsv``).

A finding's weight is its tier's weight (urgent 3, actionable 1, minor 0.25, normal 0 in the
shipped file). The first ``finding`` row that names the concept or one of its ``is_a`` ancestors,
and whose ``when`` pattern (if any) matches the sentence the finding is stated in, gives the tier;
a finding no row names gets the ``default`` tier. ``broader`` rows add radiographic parents the
ontology's ``is_a`` lacks (CheXpert's Lung Opacity holds pneumonia, consolidation, ...), used for
partial credit; ``same`` rows name concepts a report comparison reads as one finding ("feeding
tube" and "nasogastric tube": reports call any enteric tube either).

Examples
--------
>>> sig = Significance.load(onto=onto)
>>> sig.weight("C0032326"), sig.weight("MKG:calcified_granuloma")
(3.0, 0.25)
>>> sig.weight("MKG:endotracheal_tube", "ET tube tip in the right mainstem bronchus.")
3.0
>>> sig.tier("MKG:D012253", "Old healed right rib fractures.")
'minor'
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from medkg.errors import InputFileError, ParseError
from medkg.ontology.model import Ontology

#: The significance file shipped with medkg.
DEFAULT_PATH = Path(__file__).with_name("significance.tsv")
KINDS = ("tier", "pattern", "finding", "default", "broader", "same")


@dataclass(frozen=True, slots=True)
class Rule:
    """One ``finding`` row: the concept it covers, its tier, the pattern its sentence must match."""

    cui: str
    tier: str
    when: re.Pattern | None = None
    note: str = ""


@dataclass
class Significance:
    """Tiers, rules and broader parents, resolved against one ontology."""

    ontology: Ontology
    tiers: dict[str, float]
    rules: list[Rule]
    default: str
    broader: dict[str, frozenset[str]] = field(default_factory=dict)  # child CUI → broader CUIs
    same: dict[str, frozenset[str]] = field(default_factory=dict)  # CUI → CUIs read as the same finding
    path: Path | None = None
    _memo: dict[str, tuple[Rule, ...] | frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, onto: Ontology | None = None) -> Significance:
        """Read a significance TSV (default: the shipped one) against ``onto`` (default: the seed).

        A malformed row, an unknown tier or pattern, or a concept the ontology does not have
        raises :class:`ParseError` naming the file and line.
        """
        if onto is None:
            from medkg.ontology import load

            onto = load()
        src = Path(path) if path is not None else DEFAULT_PATH
        if not src.is_file():
            raise InputFileError(
                "significance file not found", path=src, hint="pass a TSV like medkg/compare/significance.tsv"
            )
        tiers: dict[str, float] = {}
        patterns: dict[str, re.Pattern] = {}
        rules: list[Rule] = []
        default = ""
        broader: dict[str, set[str]] = {}
        same: dict[str, set[str]] = {}
        header = True
        for n, raw in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip() or raw.startswith("#"):
                continue
            cells = (raw.split("\t") + ["", "", "", ""])[:5]
            kind, name, value, when, note = (c.strip() for c in cells)
            if header and kind == "kind":
                header = False
                continue
            if kind not in KINDS:
                raise ParseError(
                    f"unknown kind {kind!r}", path=src, line=n, hint=f"use one of {', '.join(KINDS)}"
                )
            if kind == "tier":
                try:
                    tiers[name] = float(value)
                except ValueError:
                    raise ParseError(
                        f"tier {name!r} has weight {value!r}, not a number", path=src, line=n
                    ) from None
            elif kind == "pattern":
                try:
                    patterns[name] = re.compile(value, re.IGNORECASE)
                except re.error as exc:
                    raise ParseError(f"pattern {name!r} is not a regex: {exc}", path=src, line=n) from None
            elif kind == "default":
                _known_tier(value, tiers, src, n)
                default = value
            elif kind == "finding":
                _known_tier(value, tiers, src, n)
                if when and when not in patterns:
                    raise ParseError(
                        f"unknown pattern {when!r}",
                        path=src,
                        line=n,
                        hint="define it in a 'pattern' row above",
                    )
                for cui in _concepts(onto, name, src, n):
                    rules.append(Rule(cui, value, patterns.get(when) if when else None, note))
            elif kind == "same":
                group = set(_concepts(onto, name, src, n))
                for other in value.split("|"):
                    group.update(_concepts(onto, other.strip(), src, n))
                for cui in group:
                    same.setdefault(cui, set()).update(group - {cui})
            else:  # broader
                parents = _concepts(onto, name, src, n)
                for child_name in value.split("|"):
                    for child in _concepts(onto, child_name.strip(), src, n):
                        broader.setdefault(child, set()).update(parents)
        if not default:
            raise ParseError("no 'default' row", path=src, hint="add: default<TAB>-<TAB>actionable")
        return cls(
            onto,
            tiers,
            rules,
            default,
            {k: frozenset(v) for k, v in broader.items()},
            {k: frozenset(v) for k, v in same.items()},
            src,
        )

    def rules_for(self, cui: str) -> tuple[Rule, ...]:
        """The rules covering ``cui`` (itself or an ``is_a`` ancestor), in file order."""
        found = self._memo.get(cui)
        if found is None:
            up = self.ontology.ancestors(cui) | {cui} if cui in self.ontology else {cui}
            found = tuple(r for r in self.rules if r.cui in up)
            self._memo[cui] = found
        return found

    def tier(self, cui: str, sentence: str = "") -> str:
        """The tier of a finding stated in ``sentence``."""
        for rule in self.rules_for(cui):
            if rule.when is None or rule.when.search(sentence):
                return rule.tier
        return self.default

    def weight(self, cui: str, sentence: str = "") -> float:
        """The weight of a finding stated in ``sentence``."""
        return self.tiers[self.tier(cui, sentence)]

    def broader_of(self, cui: str) -> frozenset[str]:
        """Radiographic parents of ``cui`` (through itself or an ``is_a`` ancestor; memoised)."""
        key = "^" + cui
        found = self._memo.get(key)
        if found is None:
            up = self.ontology.ancestors(cui) | {cui} if cui in self.ontology else {cui}
            found = frozenset().union(*(self.broader.get(c, frozenset()) for c in up))
            self._memo[key] = found  # type: ignore[assignment]
        return found  # type: ignore[return-value]


def _known_tier(value: str, tiers: dict[str, float], src: Path, line: int) -> None:
    if value not in tiers:
        raise ParseError(
            f"unknown tier {value!r}", path=src, line=line, hint="define it in a 'tier' row above"
        )


def _concepts(onto: Ontology, name: str, src: Path, line: int) -> list[str]:
    if name in onto:
        return [name]
    found = [c.cui for c in onto.lookup(name)]
    if not found:
        raise ParseError(
            f"no concept named {name!r} in the ontology",
            path=src,
            line=line,
            hint="use a concept name or CUI of the ontology the reports are read with",
        )
    return found


__all__ = ["DEFAULT_PATH", "Rule", "Significance"]
