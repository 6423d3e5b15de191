from __future__ import annotations

import math

from medkg.evaluation.text_overlap import bleu, lcs_length, rouge_l


def test_rouge_l_exact():
    assert lcs_length("a b c d".split(), "a c d e".split()) == 3
    # LCS 3 of 4 and 4 tokens: P = R = 0.75
    assert rouge_l("a b c d", "a c d e") == 0.75
    assert rouge_l("", "a") == 0.0


def test_bleu_exact():
    assert bleu(["the cat sat on the mat"], ["the cat sat on the mat"]) == 1.0
    # 5 tokens vs reference 6: brevity penalty exp(1 - 6/5); all n-grams match
    assert math.isclose(bleu(["the cat sat on the"], ["the cat sat on the mat"]), math.exp(1 - 6 / 5))
    assert bleu(["a b"], ["c d"]) == 0.0
