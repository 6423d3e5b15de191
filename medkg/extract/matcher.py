"""Dictionary and composite-rule matching over folded report text.

:class:`ConceptMatcher` finds every surface form of a :class:`~medkg.link.vocabulary.Vocabulary`
with one Aho-Corasick pass, longest match first, whole words only. :class:`RuleMatcher` applies
:data:`~medkg.extract.phrases.COMPOSITE_RULES` ("heart size is enlarged").

Both return :class:`~medkg.link.hits.Hit` named tuples ``(start, end, cui, method, assertion, focus,
score)`` with offsets into
the report text; ``assertion`` is fixed by a rule or ``None``, ``focus`` is where context looks.

Examples
--------
>>> from medkg.ontology.model import Concept, Ontology
>>> from medkg.link.text import fold
>>> from medkg.link.vocabulary import Vocabulary
>>> vocab = Vocabulary.build(Ontology.from_parts([Concept("C0032227", "Pleural effusion")]))
>>> ConceptMatcher(vocab).find(fold("Small pleural effusions."))
[Hit(start=6, end=23, cui='C0032227', method='exact', assertion=None, focus=6, score=1.0)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick

from medkg.extract.phrases import CLEAR_LUNG_PREDICATES, COMPOSITE_RULES, CompositeRule
from medkg.extract.types import Assertion
from medkg.link.hits import Hit, new_hit
from medkg.link.text import fold_phrase
from medkg.link.vocabulary import Vocabulary


class ConceptMatcher:
    """Whole-word, longest-first dictionary matching of a vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        auto = ahocorasick.Automaton()
        for form, cui in vocabulary.forms.items():
            auto.add_word(" " + form, (len(form), cui))
        if len(auto):
            auto.make_automaton()
        self._auto = auto
        self.size = len(auto)

    def find(self, folded: str) -> list[Hit]:
        """Matches in ``folded`` (see :func:`~medkg.link.text.fold`), as report offsets."""
        if not self.size:
            return []
        out: list[Hit] = []
        for end, (length, cui) in self._auto.iter_long(folded):
            if folded[end + 1].isalnum():
                continue
            if not cui:  # a swallow form: hides the names inside it
                continue
            start = end - length  # report offset of the first character
            out.append(new_hit(Hit, (start, end, cui, "exact", None, start, 1.0)))
        return out


class RuleMatcher:
    """Composite rules compiled to regular expressions over folded text."""

    def __init__(self, rules: Iterable[CompositeRule], known: Iterable[str]) -> None:
        known = set(known)
        self.rules: list[tuple[CompositeRule, re.Pattern[str], tuple[str, ...]]] = []
        for rule in rules:
            if rule.cui not in known:
                continue
            pred = _alternation(rule.predicates)
            if not rule.subjects:  # the predicate phrase alone
                pattern = rf" (?P<p1>{pred})(?![a-z0-9])"
                anchors = frozenset(fold_phrase(p).split()[-1] for p in rule.predicates)
                self.rules.append((rule, re.compile(pattern), anchors))
                continue
            subj = _alternation(rule.subjects)
            if rule.not_after_subject:
                subj = rf"(?:{subj})(?! +(?:{_alternation(rule.not_after_subject)})\b)"
            word = "[a-z0-9]+"
            if rule.gap_excludes:  # words that may not stand between subject and predicate
                word = rf"(?!{_alternation(rule.gap_excludes)}(?![a-z0-9])){word}"
            gap = rf"(?: +{word}){{{rule.min_gap},{rule.max_gap}}}?"
            forward = rf" (?P<s1>{subj}){gap} +(?P<p1>{pred})(?![a-z0-9])"
            pattern = forward
            if rule.either_order:
                pattern += rf"| (?P<p2>{pred}){gap} +(?P<s2>{subj})(?![a-z0-9])"
            anchors = frozenset(fold_phrase(s).split()[-1] for s in rule.subjects)
            self.rules.append((rule, re.compile(pattern), anchors))
        self._anchors = frozenset().union(*(a for _, _, a in self.rules))

    def find_sentence(self, folded: str) -> list[Hit]:
        """Rule matches in one folded sentence (:func:`~medkg.link.text.fold` of it)."""
        return self.find(folded, ((0, len(folded) - 2),))

    def find(self, folded: str, sentences) -> list[Hit]:
        """Rule matches inside single sentences, given as ``(start, end)`` report offsets."""
        out: list[Hit] = []
        taken: list[tuple[int, int]] = []
        words = self._anchors.intersection(folded.split())
        if not words:
            return out
        for rule, pattern, anchors in self.rules:
            # every word of a subject (we keep its last, the head noun) is a whole word of a match
            if anchors.isdisjoint(words):
                continue
            for sent_start, sent_end in sentences:
                for m in pattern.finditer(folded, sent_start, sent_end + 1):
                    start, end = m.start(), m.end() - 1
                    if rule.predicate_span:
                        group = "p1" if m.group("p1") else "p2"
                        start, end = m.start(group) - 1, m.end(group) - 1
                    elif rule.subject_span:
                        group = "s1" if m.group("p1") else "s2"
                        start, end = m.start(group) - 1, m.end(group) - 1
                    if any(a < end and start < b for a, b in taken):
                        continue
                    taken.append((start, end))
                    focus = (m.start("p1") if m.group("p1") else m.start("p2")) - 1
                    out.append(new_hit(Hit, (start, end, rule.cui, rule.method, rule.assertion, focus, 1.0)))
        return out


def _alternation(phrases: Iterable[str]) -> str:
    """A regular expression matching any of ``phrases`` (folded), longest first, as a word trie.

    Factoring shared leading words ("no acute cardiopulmonary ...") keeps big phrase lists fast.

    >>> _alternation(["no acute disease", "no acute process", "normal"])
    '(?:no(?: +(?:acute(?: +(?:disease|process))))|normal)'
    """
    trie: dict = {}
    for phrase in {fold_phrase(p) for p in phrases}:
        node = trie
        for word in phrase.split():
            node = node.setdefault(word, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    words = sorted((w for w in node if w), key=lambda w: (-_depth(node[w]), -len(w), w))
    alts = []
    for word in words:
        child = node[word]
        if list(child) == [""]:
            alts.append(re.escape(word))
            continue
        rest = _trie_regex(child)
        optional = "" in child
        alts.append(f"{re.escape(word)}(?: +{rest}){'?' if optional else ''}")
    return "(?:" + "|".join(alts) + ")"


def _depth(node: dict) -> int:
    return max((1 + _depth(c) for w, c in node.items() if w), default=0)


def opacity_rules(opacity_cui: str) -> tuple[CompositeRule, ...]:
    """"Clear lungs" / "lungs are clear" → absent lung opacity, for the seed's opacity CUI."""
    from medkg.extract.phrases import _LUNGS

    return (CompositeRule(opacity_cui, _LUNGS, CLEAR_LUNG_PREDICATES, Assertion.ABSENT, max_gap=3),)


def all_rules(opacity_cui: str | None, ontology=None) -> tuple[CompositeRule, ...]:
    """The composite rules for an ontology: CUI-keyed, opacity, and name-keyed ones it has."""
    from dataclasses import replace

    from medkg.extract.phrases import COMPOSITE_RULES_BY_NAME, NO_FINDING_RULES_BY_NAME
    from medkg.extract.qualifiers import QUALIFIER_RULES_BY_NAME

    rules = COMPOSITE_RULES + (opacity_rules(opacity_cui) if opacity_cui else ())
    by_name = {**NO_FINDING_RULES_BY_NAME, **COMPOSITE_RULES_BY_NAME}
    for name, named in [*by_name.items(), *QUALIFIER_RULES_BY_NAME.items()]:
        found = ontology.lookup(name) if ontology is not None else []
        if found:
            rules += tuple(replace(r, cui=found[0].cui) for r in named)
    return rules
