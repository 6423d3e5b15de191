"""The printed table of ``medkg eval rag``: one row per method, strict and ontology-resolved figures.

Examples
--------
>>> from medkg.rag.select import Calibration
>>> m = {"train_fit_reports": 4, "calibration_reports": 1, "test_reports": 5, "test_with_labels": 2,
...      "skipped_empty_gold": 1, "evaluated": 1, "calibrated_k": 1, "bleu4": 0.0}
>>> lines = report_lines(m, 7, Calibration(1, 0.8, 0.1, 0, (), (), False))
>>> lines[3].split()[:4]
['graph', '(text),', 'k=7', '0.000']
"""

from __future__ import annotations

from medkg.rag.select import Calibration


def report_lines(m: dict, k: int, calibration: Calibration) -> list[str]:
    """Human-readable lines for the metrics of :func:`~medkg.evaluation.rag.evaluate_rag`."""
    out = [
        f"graph from {m['train_fit_reports']} train reports; "
        f"{m['calibration_reports']} held back for calibration",
        f"test reports {m['test_reports']}: {m['test_with_labels']} with >= 1 positive ChestX-ray14 label, "
        f"{m['skipped_empty_gold']} skipped (no other gold finding), {m['evaluated']} evaluated",
        f"{'method':<52}{'recall':>8}{'prec.':>7}{'resolved':>10}{'prec.':>7}",
    ]
    rows = [
        (f"graph (text), k={k}", ""),
        (f"graph (text), adaptive k (mean {m.get('mean_k_adaptive', 0):.1f})", None),
        (f"graph (text), calibrated k={m['calibrated_k']}", None),
        (f"graph (text), default weights, k={k}", "default_weights_"),
        (f"graph (text), candidates = train-code vocabulary, k={k}", "vocab_"),
        (f"graph (text + manual codes of train), k={k}", "text_codes_"),
        (f"reference: same ranking on train codes only, k={k}", "codes_only_"),
        (f"baseline: code co-occurrence, k={k}", "baseline_"),
        (f"  (without closed label set), k={k}", "baseline_open_"),
        (f"baseline: graph co-occurrence, k={k}", "baseline_extracted_"),
    ]
    for name, prefix in rows:
        at = name.rsplit("k=", 1)[-1] if prefix is not None else None
        if prefix is None:
            at = "adaptive" if "adaptive" in name else "calibrated"
            prefix = ""
        if f"{prefix}recall@{at}" not in m and prefix:
            continue
        values = [m.get(f"{prefix}{key}@{at}", 0.0) for key in ("recall", "precision")]
        values += [m.get(f"{prefix}resolved_{key}@{at}", 0.0) for key in ("recall", "precision")]
        out.append(f"{name:<52}{values[0]:>8.3f}{values[1]:>7.3f}{values[2]:>10.3f}{values[3]:>7.3f}")
    if "weights" in m:
        cv = (
            f" (chosen by {m['cv_cases']}-case CV in train: recall@{k} {m[f'cv_recall@{k}']:.3f})"
            if "cv_cases" in m
            else ""
        )
        out.append(f"weights: {m['weights']}{cv}")
    for prefix, what in (("text_codes_", "text + codes"), ("codes_only_", "codes only")):
        if f"{prefix}weights" in m:
            out.append(
                f"weights ({what}): {m[f'{prefix}weights']} (CV recall@{k} {m[f'{prefix}cv_recall@{k}']:.3f})"
            )
    out.append("resolved: a retrieved concept also hits a gold finding it is an ISA descendant of")
    out.append(calibration.describe())
    out.append(
        f"template explanation vs FINDINGS: ROUGE-L {m.get('rougeL', 0.0):.3f}, BLEU-4 {m['bleu4']:.3f}"
    )
    return out
