"""Anatomy made a finding by its qualifier: "lungs are hypoinflated", "tortuous aorta".

Open-i's manual indexing puts the anatomy as the head term when the abnormality is a qualifier
word with no concept of its own (``Lung/hypoinflation``, ``Diaphragm/elevated``,
``Thoracic Vertebrae/degenerative``, ``Aorta/tortuous``, ``Cardiac Shadow/enlarged``). These rules
find such an anatomy phrase and qualifier a few words apart and yield a **present** (unless
negated) mention of the *anatomy* concept, method ``"qualifier"``, spanning both; severity words
inside it ("mildly hypoinflated") become its severity. A plain anatomy mention ("the aorta", "the
spine is normal") is not a finding; a qualifier mention is (see
:func:`medkg.extract.relations.finding_indexes`).

Rules are keyed by concept *name* (resolved with :meth:`Ontology.lookup`, so no CUI is written
here) and kept in priority order: a span taken by an earlier rule is not matched again.
"""

from __future__ import annotations

from medkg.extract.phrases import NOT_ACROSS, CompositeRule

_LUNGS = ("lungs", "lung", "both lungs", "lung fields")
_INFLATION = ("hypoinflated", "hyperinflated", "hyperexpanded", "hyper expanded", "hyperaerated",
              "overinflated", "overexpanded", "hypoinflation", "hyperinflation", "hyperexpansion",
              "hyperinflated but clear")
_VOLUMES = ("lung volumes", "lung volume")
_VOLUME_SIZE = ("low", "decreased", "diminished", "reduced", "large", "increased", "high", "very low")
_DEGENERATIVE = ("degenerative changes", "degenerative change", "degenerative disease",
                 "degenerative endplate changes", "degenerative spondylosis", "degenerative disc disease",
                 "spondylosis", "spondylitic changes")
#: "Degenerative changes in both shoulders, spine normal": the spine named after the qualifier is
#: not the qualified one when the report calls it normal. (Spurring is an osteophyte, a concept of
#: its own: the seed lists "spurring" as its synonym.)
_NORMAL_AFTER = ("normal", "unremarkable", "intact", "is normal", "is unremarkable", "is intact",
                 "are normal", "are unremarkable", "are intact", "appears normal", "appear normal")
_TORTUOUS = ("tortuous", "tortuosity", "ectatic", "ectasia", "unfolded", "unfolding", "tortuous ectatic")
_DIAPHRAGM = ("hemidiaphragm", "hemidiaphragms", "diaphragm", "diaphragms", "hemi diaphragm",
              "hemidiaphragmatic")
_DIAPHRAGM_SHAPE = ("elevated", "elevation", "flattened", "flattening", "flat")
_CP_ANGLE = ("costophrenic", "costophrenic angle", "costophrenic angles", "costophrenic sulcus",
             "costophrenic sulci", "costophrenic recess", "costophrenic recesses", "cp angle", "cp angles")

#: "The cardiac silhouette is enlarged": Open-i's ``Cardiac Shadow/enlarged``, which it keeps apart
#: from cardiomegaly (coded when the report says the *heart* is enlarged). The cardiomediastinal
#: silhouette has a concept of its own when enlarged (see ``phrases.COMPOSITE_RULES_BY_NAME``).
_SILHOUETTE = ("cardiac silhouette", "heart silhouette", "cardiac shadow", "heart shadow", "cardiac contour",
               "cardiac contours", "cardiac outline")
_ENLARGED = ("enlarged", "enlargement", "large", "increased", "increased in size", "mildly enlarged",
             "moderately enlarged", "markedly enlarged", "severely enlarged", "borderline enlarged",
             "mildly increased", "borderline in size", "prominent", "prominence")

Q = "qualifier"

#: Anatomy concept name → qualifier rules, in priority order across the whole table.
QUALIFIER_RULES_BY_NAME: dict[str, tuple[CompositeRule, ...]] = {
    "lung": (
        CompositeRule("", _LUNGS, _INFLATION, max_gap=3, method=Q),
        CompositeRule("", _VOLUMES, _VOLUME_SIZE, max_gap=3, method=Q),
        CompositeRule("", (), ("hypoinflation", "hyperinflation", "hyperexpansion", "hyperinflated",
                               "hyperexpanded", "hypoinflated", "overinflation"), method=Q),
    ),
    "cardiac silhouette": (
        CompositeRule("", _SILHOUETTE, _ENLARGED, max_gap=3, method=Q, gap_excludes=NOT_ACROSS),
    ),
    "thoracic vertebrae": (
        CompositeRule("", ("thoracic spine", "thoracic vertebrae", "thoracic vertebral bodies",
                           "thoracic vertebral body", "thoracic vertebra", "thoracolumbar spine",
                           "thoracic spinal", "midthoracic spine", "mid thoracic spine", "t spine",
                           "lower thoracic spine", "upper thoracic spine"), _DEGENERATIVE,
                      max_gap=4, method=Q, not_after_subject=_NORMAL_AFTER),
    ),
    "spine": (
        CompositeRule("", ("spine", "spinal", "vertebral bodies", "vertebrae"), _DEGENERATIVE,
                      max_gap=4, method=Q, not_after_subject=_NORMAL_AFTER),
    ),
    # Open-i: "the thoracic aorta is tortuous" → Aorta, Thoracic/tortuous; "tortuous aorta" → Aorta
    "aorta, thoracic": (
        CompositeRule("", ("thoracic aorta", "descending thoracic aorta", "descending aorta",
                           "ascending aorta"), _TORTUOUS, max_gap=3, method=Q),
    ),
    "aorta": (
        CompositeRule("", ("aorta", "aortic arch", "aortic knob"), _TORTUOUS, max_gap=3, method=Q),
    ),
    "diaphragm": (
        CompositeRule("", _DIAPHRAGM, _DIAPHRAGM_SHAPE, max_gap=3, method=Q),
    ),
    "costophrenic angle": (
        CompositeRule("", _CP_ANGLE, ("blunted", "blunting", "blunt", "mildly blunted"), max_gap=3, method=Q),
    ),
}
