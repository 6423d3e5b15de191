"""Graph build options, and the ``medmkg`` option set for a faithful MEDMKG rebuild.

Examples
--------
>>> GraphOptions().sections == frozenset({"findings", "impression"})
True
>>> GraphOptions.medmkg().image_policy
'one_frontal'
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from medkg.errors import ConfigError
from medkg.extract.types import IMAGE_SECTIONS, NOT_IMAGE_TUIS, Section

#: Ontology relations kept by default (see :mod:`medkg.graph.relations` for the inverse policy).
DEFAULT_RELATIONS = ("isa", "part_of", "finding_site", "associated_with")

#: UMLS semantic types (TUIs) dropped by the ``medmkg`` option set: activities, behaviours,
#: organisations, groups, occupations, regulations, languages and classifications — concepts
#: that cannot be seen on an image. MEDMKG excludes 25 semantic types but its list is not in its
#: public repository or paper text we could read; this is our reconstruction (see docs/SCHEMA.md).
MEDMKG_EXCLUDED_TUIS = frozenset(
    {
        "T052", "T053", "T054", "T055", "T056", "T057", "T062", "T064", "T065", "T066",
        "T089", "T090", "T091", "T092", "T093", "T094", "T095", "T096", "T097", "T098",
        "T099", "T100", "T101", "T171", "T185",
    }
)  # fmt: skip

ImagePolicy = Literal["all", "one_frontal"]
OntologyScope = Literal["mentioned", "neighbours", "ancestors"]
AnatomyEdges = Literal["findings", "all"]

#: Preferred view positions when one frontal image stands for its study (first wins).
FRONTAL_PREFERENCE = ("PA", "AP", "AP AXIAL", "PA AXIAL", "FRONTAL")


@dataclass(frozen=True)
class GraphOptions:
    """What goes into the graph.

    Parameters
    ----------
    sections:
        Report sections whose mentions become image edges (default FINDINGS + IMPRESSION; mentions
        in INDICATION/HISTORY never do unless listed here).
    views:
        View positions (upper case, e.g. ``{"PA", "AP"}``) whose images receive finding edges;
        None means every view.
    image_policy:
        ``"all"``: every counted image of a study inherits its report's findings;
        ``"one_frontal"``: one frontal image per study does (PA before AP, then by id), as MEDMKG.
    relations:
        Ontology relations kept between graph concepts (canonical names, or raw RELA names).
    ontology_scope:
        ``"neighbours"`` (default): also add, as Concept nodes, the ontology neighbourhood of the
        concepts linked to images or read in report relations: one hop over the selected
        ``relations`` in their reading direction (``isa`` parents, ``part_of`` wholes,
        ``finding_site`` targets, either end of ``associated_with``), so findings connect to
        anatomy and disease classes as in MEDMKG; ``"mentioned"``: ontology edges only between
        concepts found in reports; ``"ancestors"``: also add every ``isa`` ancestor.
    report_relations:
        Keep ``LOCATED_AT`` / ``SUGGESTIVE_OF`` edges read from reports.
    store_text:
        Keep report and sentence text; False keeps spans and SHA-256 hashes only.
    excluded_semantic_types:
        TUIs whose concepts never enter the graph from reports. Default: ``T184`` (signs and
        symptoms: "dyspnea", "cough" are what the patient reports, not what the image shows).
    drop_neutral:
        Drop MEDMKG's *neutral* class: mentions that are not findings of this image
        (historical or hypothetical mentions).
    anatomy_edges:
        Which mentions become Image→Concept edges. ``"findings"`` (default): the mentions that
        state a finding (:func:`medkg.extract.relations.finding_indexes`): every observation,
        and anatomy only when qualified ("low lung volumes" → Lung) or the target of a
        ``modify`` relation; a bare anatomy mention ("the cardiac silhouette", "spine") names a
        place, not a finding of the image, and is kept only as an end of ``LOCATED_AT``.
        ``"all"``: every counted mention, anatomy included (the behaviour before this option).
    """

    sections: frozenset[str] = field(default_factory=lambda: frozenset(str(s) for s in IMAGE_SECTIONS))
    views: frozenset[str] | None = None
    image_policy: ImagePolicy = "all"
    relations: tuple[str, ...] = DEFAULT_RELATIONS
    ontology_scope: OntologyScope = "neighbours"
    report_relations: bool = True
    store_text: bool = True
    excluded_semantic_types: frozenset[str] = NOT_IMAGE_TUIS
    drop_neutral: bool = False
    anatomy_edges: AnatomyEdges = "findings"

    def __post_init__(self) -> None:
        known = {str(s) for s in Section}
        bad = sorted(set(self.sections) - known)
        if bad:
            raise ConfigError(f"unknown section(s) {bad}", hint=f"choose from {sorted(known)}")
        if self.image_policy not in ("all", "one_frontal"):
            raise ConfigError(
                f"unknown image_policy {self.image_policy!r}", hint="use 'all' or 'one_frontal'"
            )
        if self.ontology_scope not in ("mentioned", "neighbours", "ancestors"):
            raise ConfigError(
                f"unknown ontology_scope {self.ontology_scope!r}",
                hint="use 'neighbours', 'mentioned' or 'ancestors'",
            )
        if self.anatomy_edges not in ("findings", "all"):
            raise ConfigError(
                f"unknown anatomy_edges {self.anatomy_edges!r}", hint="use 'findings' or 'all'"
            )
        object.__setattr__(self, "sections", frozenset(str(s) for s in self.sections))
        if self.views is not None:
            object.__setattr__(self, "views", frozenset(v.upper() for v in self.views))

    @classmethod
    def medmkg(cls, **overrides: Any) -> GraphOptions:
        """MEDMKG's choices: one frontal image per study, 25 excluded semantic types, no neutral."""
        base = cls(
            image_policy="one_frontal",
            excluded_semantic_types=MEDMKG_EXCLUDED_TUIS | NOT_IMAGE_TUIS,
            drop_neutral=True,
        )
        return replace(base, **overrides)

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> GraphOptions:
        """Named option sets: ``"default"`` or ``"medmkg"``."""
        if name == "default":
            return cls(**overrides)
        if name == "medmkg":
            return cls.medmkg(**overrides)
        raise ConfigError(f"unknown graph preset {name!r}", hint="use 'default' or 'medmkg'")

    def to_json(self) -> str:
        """Stable JSON (sorted keys and sets) stored with the graph."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, frozenset | set):
                data[key] = sorted(value)
            elif isinstance(value, tuple):
                data[key] = list(value)
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> GraphOptions:
        data = json.loads(text)
        for key in ("sections", "excluded_semantic_types"):
            data[key] = frozenset(data[key])
        if data.get("views") is not None:
            data["views"] = frozenset(data["views"])
        data["relations"] = tuple(data["relations"])
        data.setdefault("anatomy_edges", "all")  # graphs stored before the option had every mention
        return cls(**data)


_LIST_FIELDS = {"sections", "views", "excluded_semantic_types"}


def options_from_settings(settings: dict[str, Any]) -> tuple[GraphOptions, dict[str, Any] | None]:
    """Graph options and NaF settings from a recipe's plain ``graph_options`` mapping.

    ``preset`` picks the base (``"default"``/``"medmkg"``), other keys are :class:`GraphOptions`
    fields, and ``naf`` is None (off) or a dict of NaF settings (on).

    Examples
    --------
    >>> opts, naf = options_from_settings({"preset": "medmkg", "naf": {"k": 1}})
    >>> opts.image_policy, naf
    ('one_frontal', {'k': 1})
    """
    settings = dict(settings)
    preset = settings.pop("preset", "default")
    naf = settings.pop("naf", None)
    known = set(GraphOptions.__dataclass_fields__)
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ConfigError(f"unknown graph option(s) {unknown}", hint=f"graph options are {sorted(known)}")
    for key in _LIST_FIELDS & set(settings):
        if settings[key] is not None:
            settings[key] = frozenset(settings[key])
    if "relations" in settings:
        settings["relations"] = tuple(settings["relations"])
    return GraphOptions.preset(preset, **settings), (dict(naf) if naf is not None else None)
