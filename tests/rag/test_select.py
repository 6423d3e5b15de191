from __future__ import annotations

import math

from medkg.rag.select import adaptive_k, calibrate_k, fixed_k


def test_fixed_and_adaptive():
    assert fixed_k([1.0, 0.5], 7) == 2
    assert adaptive_k([1.0, 0.9, 0.2, 0.1]) == 2
    assert adaptive_k([1.0, 0.5, 0.45, 0.4]) == 1
    assert adaptive_k([0.5]) == 1


def test_calibration_picks_largest_certified_prefix():
    wrong = [[False, False, True, True]] * 50 + [[False, True, True, True]] * 50
    cal = calibrate_k(wrong, alpha=0.5, delta=0.1, max_k=4)
    slack = math.sqrt(math.log(10) / 200)
    assert [round(r, 4) for r in cal.rates] == [0.0, 0.25, 0.5, 0.625]
    assert cal.bounds[1] == 0.25 + slack
    assert cal.k == 2 and cal.certified
    assert "upper bound 0.357 <= alpha=0.5" in cal.describe()


def test_calibration_not_certified():
    cal = calibrate_k([[True]] * 10, alpha=0.5)
    assert (cal.k, cal.certified) == (1, False)
    assert "NOT certified" in cal.describe()


def test_resolve_codes_groups_one_finding_per_head():
    from medkg.extract import default_extractor
    from medkg.rag.gold import resolve_codes

    onto = default_extractor().ontology
    gold = resolve_codes("Scoliosis/thoracic vertebrae;Scoliosis/lumbar vertebrae;Lung/hypoinflation", onto)
    assert gold.groups == (frozenset({"C0036439", "C0037932"}), frozenset({"MKG:D008168"}))
