"""Character n-gram TF-IDF candidate generation, as scispacy does, with our own index build.

Aliases (surface forms of a KB) are embedded as TF-IDF vectors of the character 3-grams of each
word padded with spaces (``" word "``, scikit-learn's ``char_wb`` analyzer), with sublinear term
frequency, smoothed IDF and L2 normalisation; a query's nearest aliases by cosine similarity are
its candidates. The index is an inverted file (n-gram → aliases and weights in numpy arrays), so a
query costs one weighted ``bincount``; it needs neither scikit-learn nor scipy (whose imports
alone took seconds of every run's start-up).

Examples
--------
>>> index = CandidateIndex.build([("pleural effusion", "C0032227"), ("pneumothorax", "C0032326")])
>>> [(alias, cui) for alias, cui, score in index.query("pneumothoraks", k=1)]
[('pneumothorax', 'C0032326')]
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np


def char_ngrams(text: str, n: int = 3) -> list[str]:
    """The ``n``-grams of every word of ``text`` padded with one space each side.

    A padded word shorter than ``n`` is one n-gram.

    >>> char_ngrams("Air leak")
    [' ai', 'air', 'ir ', ' le', 'lea', 'eak', 'ak ']
    """
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        if len(padded) <= n:
            grams.append(padded)
            continue
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


@dataclass
class CandidateIndex:
    """Aliases, their CUIs and the TF-IDF inverted index."""

    aliases: list[str]
    cuis: list[str]
    ngram: int = 3
    idf: dict[str, float] = field(default_factory=dict)
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str]], ngram: int = 3) -> CandidateIndex:
        """Index ``(alias, cui)`` pairs (duplicates of an alias keep the first CUI)."""
        seen: dict[str, str] = {}
        for alias, cui in pairs:
            seen.setdefault(alias, cui)
        aliases = list(seen)
        counts = [Counter(char_ngrams(a, ngram)) for a in aliases]
        df: Counter = Counter()
        for c in counts:
            df.update(c.keys())
        n = len(aliases)
        idf = {g: math.log((1 + n) / (1 + d)) + 1.0 for g, d in df.items()}
        lists: dict[str, tuple[list[int], list[float]]] = {}
        for row, c in enumerate(counts):
            weights = {g: (1.0 + math.log(tf)) * idf[g] for g, tf in c.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for g, w in weights.items():
                rows, ws = lists.setdefault(g, ([], []))
                rows.append(row)
                ws.append(w / norm)
        postings = {
            g: (np.asarray(rows, dtype=np.int32), np.asarray(ws, dtype=np.float64))
            for g, (rows, ws) in lists.items()
        }
        return cls(aliases, [seen[a] for a in aliases], ngram, idf, postings)

    def vector(self, text: str) -> dict[str, float]:
        """The L2-normalised TF-IDF weights of ``text`` (n-grams unknown to the index dropped)."""
        c = Counter(g for g in char_ngrams(text, self.ngram) if g in self.idf)
        weights = {g: (1.0 + math.log(tf)) * self.idf[g] for g, tf in c.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {g: w / norm for g, w in weights.items()}

    def query(self, text: str, k: int = 5) -> list[tuple[str, str, float]]:
        """The ``k`` nearest aliases of ``text``: ``(alias, cui, cosine)``, best first."""
        vec = self.vector(text)
        if not vec:
            return []
        rows = np.concatenate([self.postings[g][0] for g in vec])
        weights = np.concatenate([self.postings[g][1] * w for g, w in vec.items()])
        sims = np.bincount(rows, weights=weights, minlength=len(self.aliases))
        hit = np.flatnonzero(sims)
        order = hit[np.argsort(-sims[hit], kind="stable")[:k]]
        return [(self.aliases[i], self.cuis[i], float(sims[i])) for i in order]
