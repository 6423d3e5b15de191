"""Compare a candidate report with a reference report: matched, false and missing findings, a score.

Both texts go through the extraction pipeline (:func:`~medkg.compare.findings.report_findings`).
Every finding the reference states as present or uncertain, with weight ``w`` (its clinical
significance, :mod:`medkg.compare.significance`), is looked for among the candidate's:

* **matched** — the candidate states the same concept, a more specific one (an ``is_a``
  descendant) or, for credit ``w/2``, a less specific one (an ``is_a`` ancestor within three steps
  that is not a broad category, or a radiographic parent from the significance file); credit ``w``
  otherwise. Attributes are compared only where both texts state them: a wrong side (no shared
  side) voids the credit and costs ``w/2``, a partly wrong side (bilateral for left) ``w/4``;
  certainty flipped (present vs uncertain) ``w/4``; severity ``w/4`` per step (small / moderate /
  large); a size more than 20 % apart ``w/4``; a different change (new, worse, better, same)
  ``w/4``; a different significance tier read from each sentence (a tube "in the right mainstem
  bronchus" against one "4 cm above the carina") the difference of the two weights;
* **explained** — a sign the reference gives as the evidence of another of its findings
  ("blunting of the left costophrenic angle, likely a small effusion") counts as matched, credit
  ``w``, when the candidate names that finding;
* **negated** — the candidate denies it ("no pleural effusion"; a denial on the other side only
  does not count): costs ``w`` (``w/2`` when the reference was uncertain);
* **missing** — the candidate says nothing of it: no credit, no cost.

A candidate finding left over is **false** (costs its own weight from its own sentence, half of it
when the candidate only calls it uncertain), unless
it is ``is_a``-related to a finding of the reference (a second, broader naming of a matched
finding: "opacity ... concerning for pneumonia"), which costs nothing. Normal and negative
statements that agree with the reference, or concern findings it does not mention, change
nothing.

``raw = (credits - costs) / W`` with ``W`` the summed weight of the reference's findings; a
reference with no abnormal finding gives ``raw = 1 - costs / w_actionable`` (1 when the candidate
has no false finding). ``score = raw`` when ``raw >= 0``, else ``raw / (1 - raw)``, so the score
lies in [-1, 1] and keeps its order however many errors: 1 is every reference finding matched
without error, 0 is as good as saying nothing abnormal, below 0 more weighted errors than
matches. Precision, recall and F1 count findings, unweighted.

Examples
--------
>>> c = compare_reports("Small left pleural effusion.", "Small right pleural effusion.", extractor=extractor)
>>> c.score, [m.errors for m in c.matches]
(-0.3333, [('wrong side: left, the reference has right',)])
"""

from __future__ import annotations

from medkg.compare.findings import LEVEL, StatedFinding, report_findings
from medkg.compare.result import FindingMatch, ReportComparison
from medkg.compare.significance import Significance

SIDE_WRONG, SIDE_PART, CERTAINTY, SEVERITY_STEP, SIZE, CHANGE = 0.5, 0.25, 0.25, 0.25, 0.25, 0.25
SITE, SITE_BROADER = 0.25, 0.1
SIZE_TOLERANCE = 0.2
LESS_SPECIFIC = 0.5
ANCESTOR_STEPS = 3
#: Reports whose findings a :class:`Comparer` keeps.
CACHE_SIZE = 4096
#: An ancestor with more descendants than this is a category ("Disease"), not a finding.
CATEGORY_SIZE = 600


class Comparer:
    """Compares reports with one extractor and one significance table (reused across pairs)."""

    def __init__(
        self, extractor=None, significance: Significance | str | None = None, cache_size: int = CACHE_SIZE
    ) -> None:
        if extractor is None:
            from medkg.extract import default_extractor

            extractor = default_extractor()
        self.extractor = extractor
        self.ontology = extractor.ontology
        if not isinstance(significance, Significance):
            significance = Significance.load(significance, self.ontology)
        self.significance = significance
        self.unit = significance.tiers.get("actionable", 1.0) or 1.0
        self._steps: dict[str, dict[str, int]] = {}
        self._part_of: dict[str, set[str]] | None = None
        self._categories: dict[str, bool] = {}
        self._relations: dict[tuple[str, str], tuple[int, str]] = {}
        self._cache: dict[object, dict[str, StatedFinding]] = {}
        self._anatomy: dict[tuple[str, str], bool] = {}
        self.cache_size = cache_size

    def findings(self, report) -> dict[str, StatedFinding]:
        """The stated findings of a report (text, or a mapping of sections); up to ``cache_size``
        reports' findings are kept (a reference is usually compared with many candidates)."""
        key = report if isinstance(report, str) else tuple(sorted((report or {}).items()))
        found = self._cache.get(key)
        if found is None:
            found = report_findings(self.extractor.extract(report or ""), self.ontology, self._anatomy)
            if self.cache_size:
                if len(self._cache) >= self.cache_size:
                    self._cache.clear()
                self._cache[key] = found
        return found

    def compare(self, candidate, reference) -> ReportComparison:
        """Compare ``candidate`` with ``reference`` (each a text or a mapping of sections)."""
        return self.compare_findings(self.findings(candidate), self.findings(reference))

    def compare_findings(
        self, cand: dict[str, StatedFinding], ref: dict[str, StatedFinding]
    ) -> ReportComparison:
        sig = self.significance
        weight = {id(f): sig.weight(f.cui, f.sentence) for f in (*cand.values(), *ref.values())}
        # the reference's signs for its other findings ("blunting ..., likely effusion") come last,
        # so the finding they explain is matched first
        refs = sorted(
            (f for f in ref.values() if f.positive and weight[id(f)] > 0),
            key=lambda f: (bool(f.suggests & ref.keys()), -weight[id(f)], f.cui),
        )
        pos = [f for f in cand.values() if f.positive and weight[id(f)] > 0]
        neg = [f for f in cand.values() if not f.positive]
        used: set[str] = set()
        out: list[FindingMatch] = []
        for r in refs:
            w = weight[id(r)]
            # a candidate finding serves one reference finding, except that a more specific one
            # also covers the broader findings its reference states ("consolidation consistent
            # with pneumonia" is matched by "pneumonia")
            options = [(self._relation_of(c, r), c) for c in pos]
            options = [
                (rel, c)
                for rel, c in options
                if rel[0] < 3 and (c.key not in used or (rel[0] == 1 and self._covers(c.cui, r.cui)))
            ]
            if options:
                (_rank, relation), c = min(options, key=lambda rc: (rc[0][0], rc[1].key in used, rc[1].key))
                used.add(c.key)
                out.append(self._matched(r, c, w, weight[id(c)], relation))
                continue
            explained = [
                m
                for m in out
                if m.kind == "matched"
                and m.reference is not None
                and m.reference.key in r.suggests
                and m.credit > 0
            ]
            if explained:  # a sign the reference gives for a diagnosis the candidate names
                out.append(FindingMatch("matched", r, explained[0].candidate, w, w, 0.0, "explained"))
                continue
            denial = next((c for c in neg if self._relation_of(c, r)[0] < 3 and _same_side(c, r)), None)
            if denial is not None:
                cost = w if r.assertion == "present" else w / 2
                out.append(
                    FindingMatch("negated", r, denial, w, 0.0, cost, errors=("denied by the candidate",))
                )
            else:
                out.append(FindingMatch("missing", r, None, w))
        refs_all = [f for f in ref.values() if f.positive]
        for c in pos:
            if c.key in used:
                continue
            w = weight[id(c)]
            if any(self._relation_of(c, r)[0] < 3 or self._relation_of(r, c)[0] < 3 for r in refs_all):
                out.append(FindingMatch("redundant", None, c, w))
                continue
            denied = ref.get(c.key)
            why = (
                "the reference says absent"
                if denied is not None and not denied.positive
                else "not in the reference"
            )
            cost = w if c.assertion == "present" else w / 2  # "possible pneumonia" claims less
            out.append(
                FindingMatch("false", denied if denied is not None else None, c, w, 0.0, cost, errors=(why,))
            )
        return self._result(out, sum(weight[id(r)] for r in refs))

    # -- parts --------------------------------------------------------------------------------
    def _matched(
        self, r: StatedFinding, c: StatedFinding, w: float, w_cand: float, relation: str
    ) -> FindingMatch:
        credit = w * (LESS_SPECIFIC if relation == "less specific" else 1.0)
        cost, errors = 0.0, []
        if r.sides and c.sides and r.sides != c.sides:
            if not r.sides & c.sides:
                credit, cost = 0.0, cost + SIDE_WRONG * w
                errors.append(f"wrong side: {_side(c.sides)}, the reference has {_side(r.sides)}")
            else:
                cost += SIDE_PART * w
                errors.append(f"side: {_side(c.sides)}, the reference has {_side(r.sides)}")
        if LEVEL[r.assertion] != LEVEL[c.assertion]:
            cost += CERTAINTY * w
            errors.append(f"certainty: {c.assertion}, the reference is {r.assertion}")
        if r.severity and c.severity and r.severity != c.severity:
            cost += SEVERITY_STEP * w * abs(r.severity - c.severity)
            errors.append(f"severity: {_severity(c.severity)}, the reference has {_severity(r.severity)}")
        if r.sizes_mm and c.sizes_mm and not _sizes_agree(r.sizes_mm, c.sizes_mm):
            cost += SIZE * w
            errors.append(f"size: {_mm(c.sizes_mm)}, the reference has {_mm(r.sizes_mm)}")
        if r.sites and c.sites:
            fit = self._sites_fit(c.sites, r.sites)
            if fit == "wrong":
                cost += SITE * w
                errors.append(f"location: {self._names(c.sites)}, the reference has {self._names(r.sites)}")
            elif fit == "broader":
                cost += SITE_BROADER * w
                errors.append(f"location less specific: {self._names(c.sites)} for {self._names(r.sites)}")
        if r.change and c.change and r.change != c.change:
            cost += CHANGE * w
            errors.append(f"change: {c.change}, the reference has {r.change}")
        tier_r, tier_c = (
            self.significance.tier(r.cui, r.sentence),
            self.significance.tier(c.cui, c.sentence),
        )
        if tier_r != tier_c:
            cost += abs(w - w_cand)
            errors.append(f"significance: {tier_c}, the reference reads {tier_r}")
        return FindingMatch("matched", r, c, w, credit, cost, relation, tuple(errors))

    def _relation_of(self, cand: StatedFinding, ref: StatedFinding) -> tuple[int, str]:
        """:meth:`_relation` of two findings; qualified anatomy matches only the same qualifier."""
        if cand.qualifier and ref.qualifier and cand.cui == ref.cui and cand.qualifier != ref.qualifier:
            return 3, ""
        return self._relation(cand.cui, ref.cui)

    def _category(self, cui: str) -> bool:
        """Whether ``cui`` is a broad category (more than :data:`CATEGORY_SIZE` descendants)."""
        found = self._categories.get(cui)
        if found is None:
            found = cui in self.ontology and len(self.ontology.descendants(cui)) > CATEGORY_SIZE
            self._categories[cui] = found
        return found

    def _covers(self, cand: str, ref: str) -> bool:
        """A more specific candidate finding may also serve a broader reference finding when the
        reference names it as its radiographic parent or its direct ``is_a`` parent."""
        return ref in self.significance.broader_of(cand) or self._steps_up(cand).get(ref) == 1

    def _relation(self, cand: str, ref: str) -> tuple[int, str]:
        """``(rank, relation)`` of a candidate concept to a reference one; rank 3: unrelated (memoised)."""
        found = self._relations.get((cand, ref))
        if found is None:
            found = self._relations[(cand, ref)] = self._relate(cand, ref)
        return found

    def _relate(self, cand: str, ref: str) -> tuple[int, str]:
        if cand == ref or self._name(cand) == self._name(ref) or ref in self.significance.same.get(cand, ()):
            return 0, "same"
        up = self._steps_up(cand).get(ref)
        if (
            up is not None and up <= ANCESTOR_STEPS and not self._category(ref)
        ) or ref in self.significance.broader_of(cand):
            return 1, "more specific"
        steps = self._steps_up(ref).get(cand)
        if (
            steps is not None and steps <= ANCESTOR_STEPS and not self._category(cand)
        ) or cand in self.significance.broader_of(ref):
            return 2, "less specific"
        return 3, ""

    def _sites_fit(self, cand: frozenset[str], ref: frozenset[str]) -> str:
        """``"same"`` when a candidate site is a reference site or inside one, ``"broader"`` when it
        only holds one (Lung for the right middle lobe), else ``"wrong"``."""
        if any(c == r or r in self._wholes(c) or r in self._steps_up(c) for c in cand for r in ref):
            return "same"
        if any(c in self._wholes(r) or c in self._steps_up(r) for c in cand for r in ref):
            return "broader"
        return "wrong"

    def _wholes(self, cui: str) -> frozenset[str]:
        """What ``cui`` is part of (``part_of``, transitively, through ``is_a`` parents too)."""
        if self._part_of is None:
            up: dict[str, set[str]] = {}
            for rel in self.ontology.relations:
                if rel.rela == "part_of":
                    up.setdefault(rel.head, set()).add(rel.tail)
                elif rel.rela == "has_part":
                    up.setdefault(rel.tail, set()).add(rel.head)
            self._part_of = up
        out: set[str] = set()
        todo = [cui, *self._steps_up(cui)]
        while todo:
            for whole in self._part_of.get(todo.pop(), ()):
                if whole not in out:
                    out.add(whole)
                    todo.append(whole)
        return frozenset(out)

    def _names(self, cuis: frozenset[str]) -> str:
        return ", ".join(sorted(self.ontology[c].name if c in self.ontology else c for c in cuis))

    def _steps_up(self, cui: str) -> dict[str, int]:
        """``is_a`` ancestors of ``cui`` with their distance in steps (memoised)."""
        found = self._steps.get(cui)
        if found is None:
            found, frontier, n = {}, {cui}, 0
            while frontier:
                n += 1
                step = set()
                for c in frontier:
                    for p in self.ontology.parents(c) if c in self.ontology else ():
                        if p not in found and p != cui:
                            found[p] = n
                            step.add(p)
                frontier = step
            self._steps[cui] = found
        return found

    def _name(self, cui: str) -> str:
        concept = self.ontology.get(cui)
        return concept.name.casefold() if concept is not None else cui

    def _result(self, matches: list[FindingMatch], total: float) -> ReportComparison:
        credit = sum(m.credit for m in matches)
        cost = sum(m.cost for m in matches)
        raw = (credit - cost) / total if total > 0 else 1.0 - cost / self.unit
        # below 0 the score keeps its order however many errors: raw / (1 - raw) lies in (-1, 0)
        score = round(min(1.0, raw if raw >= 0 else raw / (1.0 - raw)), 4)
        refs = [m for m in matches if m.reference is not None and m.kind != "false"]
        hit = sum(1 for m in refs if m.kind == "matched" and m.credit > 0)
        claimed = sum(1 for m in matches if m.kind in ("matched", "false"))
        good = sum(1 for m in matches if m.kind == "matched" and m.credit > 0)
        recall = hit / len(refs) if refs else 1.0
        precision = good / claimed if claimed else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return ReportComparison(
            score, round(precision, 4), round(recall, 4), round(f1, 4), round(total, 4), tuple(matches)
        )


def _same_side(denial: StatedFinding, ref: StatedFinding) -> bool:
    return not (denial.sides and ref.sides and not denial.sides & ref.sides)


def _sizes_agree(ref: tuple[float, ...], cand: tuple[float, ...]) -> bool:
    """Every size of each text has one in the other within :data:`SIZE_TOLERANCE`."""

    def close(a: float, b: float) -> bool:
        return abs(a - b) / max(a, b) <= SIZE_TOLERANCE

    return all(any(close(a, b) for b in ref) for a in cand) and all(
        any(close(a, b) for b in cand) for a in ref
    )


def _mm(sizes: tuple[float, ...]) -> str:
    return ", ".join(f"{s:g} mm" for s in sizes)


def _side(sides: frozenset[str]) -> str:
    return "bilateral" if sides == {"left", "right"} else "/".join(sorted(sides))


def _severity(level: int) -> str:
    return {1: "small / mild", 2: "moderate", 3: "large / severe"}[level]


def compare_reports(candidate, reference, *, extractor=None, significance=None) -> ReportComparison:
    """Compare a generated report with a reference report (see the module docstring).

    Parameters
    ----------
    candidate, reference:
        Report text (headers allowed), or a mapping of sections (``{"findings": ..., "impression": ...}``).
    extractor:
        The extraction pipeline (default: :func:`medkg.extract.default_extractor`).
    significance:
        A :class:`~medkg.compare.significance.Significance` or the path of a significance TSV
        (default: the shipped ``medkg/compare/significance.tsv``).
    """
    return _comparer(extractor, significance).compare(candidate, reference)


_COMPARERS: dict[tuple[int, object], Comparer] = {}


def _comparer(extractor, significance) -> Comparer:
    key = (id(extractor), significance if isinstance(significance, str | None) else id(significance))
    found = _COMPARERS.get(key)
    if found is None:
        found = Comparer(extractor, significance)
        _COMPARERS[key] = found
    return found


__all__ = ["Comparer", "FindingMatch", "ReportComparison", "compare_reports"]
