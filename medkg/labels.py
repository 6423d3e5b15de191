"""Report-level labels from extracted concepts: ChestX-ray14 and CheXpert schemas.

A schema label is a set of root concepts, given by CUI and/or by name (names are resolved through
the ontology, so a schema never needs a CUI the ontology lacks). A mention counts for a label when
its concept *is a* root (:meth:`Ontology.is_a`, i.e. the root or any descendant) and is not under
one of the label's ``exclude`` roots. Only mentions in image sections (findings, impression, or
text without headers) count.

Per label the report value is CheXpert's aggregation: ``1`` if any mention is positive, else
``-1`` if any is uncertain, else ``0`` if any is negative, else ``None`` (not mentioned).
Hypothetical mentions count as uncertain.

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
from medkg.extract.types import Assertion, ReportExtraction, Section
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


CHESTXRAY14: tuple[Label, ...] = (
    Label("Atelectasis", ("C0004144",), ("atelectasis",)),
    Label("Cardiomegaly", ("C0018800",), ("cardiomegaly",)),
    Label("Effusion", ("C0032227",), ("pleural effusion",)),
    Label("Infiltration", ("C0235896",), ("pulmonary infiltrate", "infiltrate", "infiltration")),
    Label("Mass", (), ("mass", "lung mass", "mass of body structure", "mass of lung")),
    Label("Nodule", (), ("nodule", "lung nodule", "pulmonary nodule", "solitary pulmonary nodule")),
    Label("Pneumonia", ("C0032285",), ("pneumonia",)),
    Label("Pneumothorax", ("C0032326",), ("pneumothorax",)),
    Label("Consolidation", (), ("lung consolidation", "consolidation")),
    Label("Edema", ("C0034063",), ("pulmonary edema",)),
    Label("Emphysema", ("C0034067",), ("pulmonary emphysema", "emphysema"),
          exclude_names=("subcutaneous emphysema", "bullous emphysema")),
    Label("Fibrosis", ("C0034069",), ("pulmonary fibrosis",)),
    Label("Pleural_Thickening", (), ("pleural thickening",)),
    # Open-i's manual labels count the MeSH heading "Hernia" only, not hiatal hernia.
    Label("Hernia", ("C0019270",), ("hernia",), exclude_names=("hiatal hernia", "hiatus hernia")),
)

CHEXPERT: tuple[Label, ...] = (
    Label("Enlarged Cardiomediastinum", (), ("enlarged cardiomediastinum", "mediastinal widening",
                                              "widened mediastinum", "mediastinal enlargement")),
    Label("Cardiomegaly", ("C0018800",), ("cardiomegaly",)),
    Label("Lung Opacity", (), ("lung opacity", "opacity", "pulmonary infiltrate", "infiltrate",
                               "airspace disease", "increased density")),
    Label("Lung Lesion", (), ("lung mass", "mass", "nodule", "lung nodule", "pulmonary nodule",
                              "lung neoplasm", "neoplasm of lung"), exclude_names=("calcified granuloma",)),
    Label("Edema", ("C0034063",), ("pulmonary edema", "congestive heart failure", "pulmonary congestion")),
    Label("Consolidation", (), ("lung consolidation", "consolidation")),
    Label("Pneumonia", ("C0032285",), ("pneumonia",)),
    Label("Atelectasis", ("C0004144",), ("atelectasis",)),
    Label("Pneumothorax", ("C0032326",), ("pneumothorax",)),
    Label("Pleural Effusion", ("C0032227",), ("pleural effusion",)),
    Label("Pleural Other", (), ("pleural thickening", "fibrothorax", "pleural plaque", "pleural scar")),
    Label("Fracture", (), ("fracture", "bone fracture", "rib fracture", "fracture of rib")),
    Label("Support Devices", (), ("medical device", "catheter", "tube", "pacemaker", "endotracheal tube",
                                  "central venous catheter", "implantable defibrillator", "surgical clip",
                                  "stent", "sternotomy wire")),
)

SCHEMAS: dict[str, tuple[Label, ...]] = {"chestxray14": CHESTXRAY14, "chexpert": CHEXPERT}
NO_FINDING = "No Finding"


@dataclass
class LabelMapper:
    """A schema compiled against one ontology: CUI → labels, memoised."""

    schema: str
    ontology: Ontology
    labels: tuple[Label, ...]
    roots: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    _memo: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, schema: str, ontology: Ontology) -> LabelMapper:
        if schema not in SCHEMAS:
            raise ConfigError(f"unknown label schema {schema!r}", hint=f"use one of {sorted(SCHEMAS)}")
        mapper = cls(schema, ontology, SCHEMAS[schema])
        for label in mapper.labels:
            include = _resolve(ontology, label.cuis, label.names)
            exclude = _resolve(ontology, label.exclude_cuis, label.exclude_names)
            mapper.roots[label.name] = (frozenset(include), frozenset(exclude))
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
            (m.cui, m.section, m.assertion, m.hypothetical) for m in extraction.mentions
        )

    def label_assertions(
        self, mentions: Iterable[tuple[str, Section, Assertion, bool]]
    ) -> dict[str, int | None]:
        """Label values from ``(cui, section, assertion, hypothetical)`` of each mention.

        What :meth:`label` does, fed by :meth:`medkg.extract.Extractor.concept_assertions`
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
        for cui, section, assertion, hypothetical in mentions:
            if section not in LABEL_SECTIONS:
                continue
            names = memo.get(cui)
            if names is None:
                names = self.labels_of(cui)
            if not names:
                continue
            if assertion is Assertion.ABSENT:
                value = 0
            elif assertion is Assertion.UNCERTAIN or hypothetical:
                value = -1
            else:
                value = 1
            for name in names:
                old = values[name]
                values[name] = value if old is None else _combine(old, value)
        if self.schema == "chexpert":
            findings = [v for k, v in values.items() if k not in (NO_FINDING, "Support Devices")]
            values[NO_FINDING] = None if any(v in (1, -1) for v in findings) else 1
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
