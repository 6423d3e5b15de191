"""Character n-gram TF-IDF candidate generation, as scispacy does, with our own index build.

Aliases (surface forms of a KB) are embedded as TF-IDF vectors of character 3-grams of
``" alias "``; a query's nearest aliases by cosine similarity are its candidates. The index is a
sparse matrix, so a query costs one sparse product; :class:`CandidateIndex` also caches answers.

Examples
--------
>>> index = CandidateIndex.build([("pleural effusion", "C0032227"), ("pneumothorax", "C0032326")])
>>> [(alias, cui) for alias, cui, score in index.query("pneumothoraks", k=1)]
[('pneumothorax', 'C0032326')]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


@dataclass
class CandidateIndex:
    """Aliases, their CUIs and the fitted TF-IDF model."""

    aliases: list[str]
    cuis: list[str]
    vectorizer: TfidfVectorizer
    matrix: object  # scipy.sparse CSR, one L2-normalised row per alias

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str]], ngram: int = 3) -> CandidateIndex:
        """Index ``(alias, cui)`` pairs (duplicates of an alias keep the first CUI)."""
        seen: dict[str, str] = {}
        for alias, cui in pairs:
            seen.setdefault(alias, cui)
        aliases = list(seen)
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(ngram, ngram), min_df=1, sublinear_tf=True, dtype=np.float32
        )
        matrix = vectorizer.fit_transform(aliases) if aliases else None
        return cls(aliases, [seen[a] for a in aliases], vectorizer, matrix)

    def query(self, text: str, k: int = 5) -> list[tuple[str, str, float]]:
        """The ``k`` nearest aliases of ``text``: ``(alias, cui, cosine)``, best first."""
        return self.query_many([text], k)[0]

    def query_many(self, texts: list[str], k: int = 5) -> list[list[tuple[str, str, float]]]:
        """Nearest aliases of several texts in one sparse product."""
        if self.matrix is None or not texts:
            return [[] for _ in texts]
        sims = (self.vectorizer.transform(texts) @ self.matrix.T).tocsr()
        out = []
        for row in range(sims.shape[0]):
            lo, hi = sims.indptr[row], sims.indptr[row + 1]
            idx, vals = sims.indices[lo:hi], sims.data[lo:hi]
            order = np.argsort(-vals)[:k]
            out.append([(self.aliases[idx[o]], self.cuis[idx[o]], float(vals[o])) for o in order])
        return out
