"""Anatomy made a finding by its qualifier: "lungs are hypoinflated", "tortuous aorta".

Open-i's manual indexing puts the anatomy as the head term when the abnormality is a qualifier
word with no concept of its own (``Lung/hypoinflation``, ``Diaphragm/elevated``,
``Thoracic Vertebrae/degenerative``, ``Aorta/tortuous``). These rules find such an anatomy phrase
and qualifier a few words apart and yield a **present** (unless negated) mention of the *anatomy*
concept, method ``"qualifier"``, spanning both; severity words inside it ("mildly hypoinflated")
become its severity. A plain anatomy mention ("the aorta", "the spine is normal") is not a finding;
a qualifier mention is (see :func:`medkg.extract.relations.finding_indexes`).

Rules are keyed by concept *name* (resolved with :meth:`Ontology.lookup`, so no CUI is written
here) and kept in priority order: a span taken by an earlier rule is not matched again.
"""

from __future__ import annotations

from medkg.extract.phrases import CompositeRule

_LUNGS = ("lungs", "lung", "both lungs", "lung fields")
_INFLATION = ("hypoinflated", "hyperinflated", "hyperexpanded", "hyper expanded", "hyperaerated",
              "overinflated", "overexpanded", "hypoinflation", "hyperinflation", "hyperexpansion",
              "hyperinflated but clear")
_VOLUMES = ("lung volumes", "lung volume")
_VOLUME_SIZE = ("low", "decreased", "diminished", "reduced", "large", "increased", "high", "very low")
_DEGENERATIVE = ("degenerative changes", "degenerative change", "degenerative disease",
                 "degenerative endplate changes", "degenerative spurring", "degenerative spondylosis",
                 "degenerative disc disease", "spondylosis", "spondylitic changes", "spurring")
_TORTUOUS = ("tortuous", "tortuosity", "ectatic", "ectasia", "unfolded", "unfolding", "tortuous ectatic")
_DIAPHRAGM = ("hemidiaphragm", "hemidiaphragms", "diaphragm", "diaphragms", "hemi diaphragm",
              "hemidiaphragmatic")
_DIAPHRAGM_SHAPE = ("elevated", "elevation", "flattened", "flattening", "flat")
_CP_ANGLE = ("costophrenic", "costophrenic angle", "costophrenic angles", "costophrenic sulcus",
             "costophrenic sulci", "costophrenic recess", "costophrenic recesses", "cp angle", "cp angles")

Q = "qualifier"

#: Anatomy concept name → qualifier rules, in priority order across the whole table.
QUALIFIER_RULES_BY_NAME: dict[str, tuple[CompositeRule, ...]] = {
    "lung": (
        CompositeRule("", _LUNGS, _INFLATION, max_gap=3, method=Q),
        CompositeRule("", _VOLUMES, _VOLUME_SIZE, max_gap=3, method=Q),
        CompositeRule("", (), ("hypoinflation", "hyperinflation", "hyperexpansion", "hyperinflated",
                               "hyperexpanded", "hypoinflated", "overinflation"), method=Q),
    ),
    "thoracic vertebrae": (
        CompositeRule("", ("thoracic spine", "thoracic vertebrae", "thoracic vertebral bodies",
                           "thoracic vertebral body", "thoracic vertebra", "thoracolumbar spine",
                           "thoracic spinal"), _DEGENERATIVE, max_gap=4, method=Q),
    ),
    "spine": (
        CompositeRule("", ("spine", "spinal", "vertebral bodies", "vertebrae"), _DEGENERATIVE,
                      max_gap=4, method=Q),
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
