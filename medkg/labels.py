"""Report-level labels from extracted concepts: ChestX-ray14 and CheXpert schemas.

A schema label is a set of root concepts, given by CUI and/or by name (names are resolved through
the ontology, so a schema never needs a CUI the ontology lacks). A mention counts for a label when
its concept *is a* root (:meth:`Ontology.is_a`, i.e. the root or any descendant) and is not under
one of the label's ``exclude`` roots. Only mentions in image sections (findings, impression, or
text without headers) count.

Per label the report value is CheXpert's aggregation: ``1`` if any mention is positive, else
``-1`` if any is uncertain, else ``0`` if any is negative, else ``None`` (not mentioned).
Hypothetical mentions ("evaluate for pneumonia", "recommend CT") set no label. The CheXpert
schema follows CheXpert's conventions for tentative mentions
(:attr:`medkg.extract.types.Mention.tentative`: "probable", "presumed", "atelectasis or
pneumonia", "A versus B"): uncertain, ``-1``. ChestX-ray14 keeps them positive, as Open-i's
manual labels count them.

Examples
--------
>>> from medkg.ontology.model import Concept, Ontology
>>> from medkg.extract import Extractor
>>> onto = Ontology.from_parts([Concept("C0032227", "Pleural effusion"), Concept("C0018800", "Cardiomegaly")])
>>> ex = Extractor(onto, fuzzy=False)
>>> labels = label_report(ex.extract("FINDINGS: No effusion. Cardiomegaly."), ontology=onto)
>>> labels["Effusion"], labels["Cardiomegaly"], labels["Pneumothorax"]
(0, 1, None)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from medkg.errors import ConfigError
from medkg.extract.annotate import anatomy_cuis
from medkg.extract.pipeline import (
    BORDERLINE_FLAG,
    DESCRIPTOR_FLAG,
    QUALIFIER_FLAG,
    TENTATIVE_FLAG,
    label_flags,
)
from medkg.extract.types import NOT_IMAGE_TUIS, Assertion, ReportExtraction, Section
from medkg.ontology.model import Ontology

#: Sections whose mentions describe the image.
LABEL_SECTIONS = frozenset({Section.FINDINGS, Section.IMPRESSION, Section.UNKNOWN})


@dataclass(frozen=True, slots=True)
class Label:
    """One schema label: root concepts by CUI or name, and excluded sub-hierarchies."""

    name: str
    cuis: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    exclude_cuis: tuple[str, ...] = ()
    exclude_names: tuple[str, ...] = ()
    #: Anatomy that counts only when a qualifier makes it a finding ("the cardiac silhouette is
    #: enlarged" is cardiomegaly in CheXpert's terms).
    qualified_names: tuple[str, ...] = ()
    #: Whether descriptor mentions count ("nodular" of "nodular opacity" is a nodule).
    descriptors: bool = True


CHESTXRAY14: tuple[Label, ...] = (
    Label("Atelectasis", ("C0004144",), ("atelectasis",)),
    Label("Cardiomegaly", ("C0018800",), ("cardiomegaly",)),
    Label("Effusion", ("C0032227",), ("pleural effusion",)),
    Label("Infiltration", ("C0235896",), ("pulmonary infiltrate", "infiltrate", "infiltration")),
    Label("Mass", (), ("mass", "lung mass", "mass of body structure", "mass of lung")),
    # Open-i indexes "nodular opacity" as an opacity, not a nodule
    Label("Nodule", (), ("nodule", "lung nodule", "pulmonary nodule", "solitary pulmonary nodule"),
          descriptors=False),
    Label("Pneumonia", ("C0032285",), ("pneumonia",)),
    Label("Pneumothorax", ("C0032326",), ("pneumothorax",)),
    Label("Consolidation", (), ("lung consolidation", "consolidation")),
    Label("Edema", ("C0034063",), ("pulmonary edema",)),
    Label("Emphysema", ("C0034067",), ("pulmonary emphysema", "emphysema"),
          exclude_names=("subcutaneous emphysema", "bullous emphysema")),
    Label("Fibrosis", ("C0034069",), ("pulmonary fibrosis",)),
    Label("Pleural_Thickening", (), ("pleural thickening",)),
    # ChestX-ray14's Hernia is a hiatal or diaphragmatic hernia seen on the chest film.
    Label("Hernia", ("C0019270",), ("hernia", "hiatal hernia", "diaphragmatic hernia")),
)

CHEXPERT: tuple[Label, ...] = (
    Label("Enlarged Cardiomediastinum", (), ("enlarged cardiomediastinum", "mediastinal widening",
                                              "widened mediastinum", "mediastinal enlargement")),
    Label("Cardiomegaly", ("C0018800",), ("cardiomegaly",), qualified_names=("cardiac silhouette",)),
    # consolidation, atelectasis, edema and pneumonia imply an opacity only when the report uses
    # an opacity word (LABELLING.md): not by inference through the ontology
    Label("Lung Opacity", (), ("lung opacity", "opacity", "pulmonary infiltrate", "infiltrate",
                               "airspace disease", "increased density"),
          exclude_names=("consolidation", "lung consolidation")),
    Label("Lung Lesion", (), ("lung mass", "mass", "nodule", "lung nodule", "pulmonary nodule",
                              "lung neoplasm", "neoplasm of lung", "lung lesion", "neoplasm metastasis"),
          exclude_names=("calcified granuloma",)),
    Label("Edema", ("C0034063",), ("pulmonary edema", "congestive heart failure", "pulmonary congestion",
                                   "heart failure")),
    Label("Consolidation", (), ("lung consolidation", "consolidation")),
    # "infection" on a chest film (linked to Respiratory Tract Infections) is CheXpert's pneumonia
    Label("Pneumonia", ("C0032285",), ("pneumonia", "respiratory tract infections")),
    Label("Atelectasis", ("C0004144",), ("atelectasis",)),
    Label("Pneumothorax", ("C0032326",), ("pneumothorax", "hydropneumothorax")),
    Label("Pleural Effusion", ("C0032227",), ("pleural effusion", "hydropneumothorax")),
    Label("Pleural Other", (), ("pleural thickening", "fibrothorax", "pleural plaque", "pleural scar")),
    Label("Fracture", (), ("fracture", "bone fracture", "rib fracture", "fracture of rib")),
    Label("Support Devices", (), ("medical device", "catheter", "tube", "pacemaker", "endotracheal tube",
                                  "central venous catheter", "implantable defibrillator", "surgical clip",
                                  "stent", "sternotomy wire", "tracheostomy")),
)

SCHEMAS: dict[str, tuple[Label, ...]] = {"chestxray14": CHESTXRAY14, "chexpert": CHEXPERT}
NO_FINDING = "No Finding"
#: The CheXpert label that No Finding ignores.
DEVICES = "Support Devices"


@dataclass
class LabelMapper:
    """A schema compiled against one ontology: CUI → labels, memoised."""

    schema: str
    ontology: Ontology
    labels: tuple[Label, ...]
    roots: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    _memo: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Qualified anatomy CUI → the labels it counts for as a qualifier mention.
    qualified: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: CUIs that do not state an image finding: anatomy, symptoms, the "no finding" statement.
    not_findings: frozenset[str] = frozenset()
    #: Labels that descriptor mentions do not count for.
    no_descriptors: frozenset[str] = frozenset()
    #: Tentative mentions ("probable", "A or B") count as uncertain (the CheXpert schema).
    tentative_uncertain: bool = False

    @classmethod
    def build(cls, schema: str, ontology: Ontology) -> LabelMapper:
        if schema not in SCHEMAS:
            raise ConfigError(f"unknown label schema {schema!r}", hint=f"use one of {sorted(SCHEMAS)}")
        mapper = cls(schema, ontology, SCHEMAS[schema], tentative_uncertain=schema == "chexpert")
        for label in mapper.labels:
            include = _resolve(ontology, label.cuis, label.names)
            exclude = _resolve(ontology, label.exclude_cuis, label.exclude_names)
            mapper.roots[label.name] = (frozenset(include), frozenset(exclude))
            for cui in _resolve(ontology, (), label.qualified_names):
                mapper.qualified[cui] = (*mapper.qualified.get(cui, ()), label.name)
        mapper.no_descriptors = frozenset(label.name for label in mapper.labels if not label.descriptors)
        mapper.not_findings = frozenset(
            anatomy_cuis(ontology) | {c.cui for c in ontology if NOT_IMAGE_TUIS & set(c.tuis)}
            | {c.cui for c in ontology.lookup("no finding")}
        )
        return mapper

    @property
    def columns(self) -> list[str]:
        names = [label.name for label in self.labels]
        return [NO_FINDING, *names] if self.schema == "chexpert" else names

    def labels_of(self, cui: str) -> tuple[str, ...]:
        """Labels a concept counts for."""
        found = self._memo.get(cui)
        if found is None:
            up = self.ontology.ancestors(cui) | {cui}
            found = tuple(
                name for name, (inc, exc) in self.roots.items() if up & inc and not up & exc
            )
            self._memo[cui] = found
        return found

    def label(self, extraction: ReportExtraction) -> dict[str, int | None]:
        """Label values of one extracted report (see the module docstring)."""
        return self.label_assertions(
            (m.cui, m.section, m.assertion, m.hypothetical, label_flags(m.method, m.severity, m.tentative))
            for m in extraction.mentions
        )

    def label_assertions(
        self, mentions: Iterable[tuple]
    ) -> dict[str, int | None]:
        """Label values from ``(cui, section, assertion, hypothetical[, flags])`` of each mention.

        Hypothetical mentions ("evaluate for pneumonia", "recommend CT to exclude a mass") are
        not statements about the image: they set no label. Under the CheXpert schema a tentative
        or borderline mention is uncertain. ``No Finding`` (CheXpert) is ``1`` only when no
        mention in an image section states a finding as present or uncertain (any concept but
        anatomy, symptoms and support devices), so "lytic lesion of the rib" alone is not normal,
        and the report states something about the image (an empty report has no labels).

        What :meth:`label` does, fed by :meth:`medkg.extract.Extractor.label_inputs`
        (no mention objects built).

        Examples
        --------
        >>> from medkg.ontology.model import Concept, Ontology
        >>> mapper = LabelMapper.build("chestxray14", Ontology.from_parts([Concept("C0032227", "Effusion")]))
        >>> mapper.label_assertions([("C0032227", Section.FINDINGS, Assertion.ABSENT, False)])["Effusion"]
        0
        """
        values: dict[str, int | None] = dict.fromkeys(self.columns)
        memo = self._memo
        tentative_uncertain = self.tentative_uncertain
        qualified = self.qualified
        not_findings = self.not_findings
        no_descriptors = self.no_descriptors
        finding = stated = False
        for cui, section, assertion, hypothetical, *more in mentions:
            if section not in LABEL_SECTIONS or hypothetical:
                continue
            stated = True
            flags = more[0] if more else 0
            names = memo.get(cui)
            if names is None:
                names = self.labels_of(cui)
            if flags & QUALIFIER_FLAG and cui in qualified:
                names = names + qualified[cui]
            elif flags & DESCRIPTOR_FLAG and no_descriptors:
                names = tuple(n for n in names if n not in no_descriptors)
            if assertion is not Assertion.ABSENT and cui not in not_findings and DEVICES not in names:
                finding = True
            if not names:
                continue
            if assertion is Assertion.ABSENT:
                value = 0
            elif assertion is Assertion.UNCERTAIN or (
                    tentative_uncertain and flags & (TENTATIVE_FLAG | BORDERLINE_FLAG)):
                value = -1
            else:
                value = 1
            for name in names:
                old = values[name]
                values[name] = value if old is None else _combine(old, value)
        if self.schema == "chexpert":
            findings = [v for k, v in values.items() if k not in (NO_FINDING, DEVICES)]
            normal = stated and not finding and not any(v in (1, -1) for v in findings)
            values[NO_FINDING] = 1 if normal else None
        return values


def _combine(old: int | None, new: int) -> int:
    if old is None:
        return new
    if 1 in (old, new):
        return 1
    if -1 in (old, new):
        return -1
    return 0


def _resolve(ontology: Ontology, cuis: tuple[str, ...], names: tuple[str, ...]) -> set[str]:
    found = {c for c in cuis if c in ontology}
    for name in names:
        found.update(c.cui for c in ontology.lookup(name))
    return found


_MAPPERS: dict[tuple[str, int], LabelMapper] = {}


def label_mapper(schema: str, ontology: Ontology) -> LabelMapper:
    """The compiled (cached) mapper of ``schema`` for ``ontology``."""
    key = (schema, id(ontology))
    mapper = _MAPPERS.get(key)
    if mapper is None or mapper.ontology is not ontology:
        mapper = _MAPPERS[key] = LabelMapper.build(schema, ontology)
    return mapper


def label_report(
    extraction: ReportExtraction, schema: str = "chestxray14", ontology: Ontology | None = None
) -> dict[str, int | None]:
    """Label one extracted report: label → 1 / -1 / 0 / ``None``.

    Parameters
    ----------
    extraction:
        The output of :meth:`medkg.extract.Extractor.extract`.
    schema:
        ``"chestxray14"`` or ``"chexpert"`` (CheXpert adds ``"No Finding"``).
    ontology:
        The ontology the extraction linked to (default: the shipped seed).
    """
    if ontology is None:
        from medkg.extract import default_extractor

        ontology = default_extractor().ontology
    return label_mapper(schema, ontology).label(extraction)
