"""Extraction-specific phrases and composite rules, keyed by CUIs of the shipped seed ontology.

Two kinds of data live here, and nothing else:

* :data:`EXTRA_SYNONYMS` — report phrasings that the ontology does not list as synonyms
  ("effusion" alone, "enlarged heart"). They are added to the dictionary for CUIs that exist in the
  ontology in use; a CUI missing from it is skipped, never invented.
* :data:`COMPOSITE_RULES` — a subject and a predicate a few words apart that together mean a
  finding: "heart size is enlarged" → cardiomegaly, "normal heart size" → no cardiomegaly,
  "clear lungs" → no opacity.
"""

from __future__ import annotations

from dataclasses import dataclass

from medkg.extract.types import Assertion

CARDIOMEGALY = "C0018800"
PLEURAL_EFFUSION = "C0032227"
PNEUMOTHORAX = "C0032326"
ATELECTASIS = "C0004144"
PNEUMONIA = "C0032285"
PULMONARY_EDEMA = "C0034063"
EMPHYSEMA = "C0034067"
PULMONARY_FIBROSIS = "C0034069"
HIATAL_HERNIA = "C3489393"
PULMONARY_INFILTRATE = "C0235896"

#: CUI → phrases as written in reports (folded and pluralised like ontology names).
EXTRA_SYNONYMS: dict[str, tuple[str, ...]] = {
    PLEURAL_EFFUSION: ("effusion", "pleural fluid", "pleural effusion", "pleural fluid collection"),
    CARDIOMEGALY: ("cardiomegaly", "enlarged heart", "cardiac enlargement", "enlargement of the heart",
                   "heart enlargement"),
    ATELECTASIS: ("atelectasis", "atelectatic change", "atelectatic changes", "subsegmental atelectasis",
                  "platelike atelectasis", "plate like atelectasis", "discoid atelectasis",
                  "atelectatic"),
    PNEUMOTHORAX: ("pneumothorax", "pneumothoraces", "pneumothoraxes"),
    PNEUMONIA: ("pneumonia", "pneumonitis", "bronchopneumonia", "pneumonic consolidation"),
    PULMONARY_EDEMA: ("pulmonary edema", "interstitial edema", "edema", "alveolar edema",
                      "pulmonary interstitial edema", "interstitial pulmonary edema", "fluid overload",
                      "volume overload", "pulmonary alveolar edema"),
    EMPHYSEMA: ("emphysema", "emphysematous change", "emphysematous changes", "emphysematous"),
    PULMONARY_FIBROSIS: ("pulmonary fibrosis", "fibrosis", "interstitial fibrosis", "fibrotic change",
                         "fibrotic changes"),
    HIATAL_HERNIA: ("hiatal hernia", "hiatus hernia"),
    PULMONARY_INFILTRATE: ("infiltrate", "infiltrates", "infiltration", "pulmonary infiltrate",
                           "airspace infiltrate"),
}

#: Concept *name* (resolved with :meth:`Ontology.lookup`, so seed-local ids work too) → report
#: phrases. Open-i indexes "nodular opacity" as an opacity, "masslike opacity" as a mass and
#: "apical capping" as pleural thickening.
EXTRA_BY_NAME: dict[str, tuple[str, ...]] = {
    "lung opacity": ("nodular opacity", "nodular opacities", "nodular density", "nodular densities",
                     "opacity", "opacities", "opacification", "airspace opacity", "air space opacity",
                     "haziness", "hazy opacity", "hazy opacities", "hazy opacification", "airspace process",
                     "air space process", "airspace processes", "reticular opacities", "reticular opacity",
                     "reticulonodular opacities", "airspace opacities", "air space opacities",
                     "parenchymal opacity", "parenchymal opacities"),
    # "infection" in a chest film's findings is a respiratory tract infection (the CheXpert schema
    # counts it as Pneumonia; Open-i's ChestX-ray14 labels do not)
    "respiratory tract infections": ("infection", "infections", "infectious process", "infectious processes",
                                     "pulmonary infection", "lung infection", "superimposed infection",
                                     "multifocal infection", "chest infection"),
    "widened mediastinum": ("mediastinal widening", "widening of the mediastinum", "widening mediastinum",
                            "widened superior mediastinum", "mediastinal enlargement", "enlarged mediastinum",
                            "enlargement of the mediastinum", "widened mediastinal silhouette"),
    # a lytic / sclerotic lesion is a bone finding, not a lung lesion
    "osteolysis": ("lytic lesion", "lytic lesions", "expansile lytic lesion", "expansile lesion", "lytic",
                   "osteolytic lesion", "osteolytic lesions", "lytic metastasis", "lytic metastases"),
    "osteosclerosis": ("sclerotic lesion", "sclerotic lesions", "blastic lesion", "blastic lesions",
                       "sclerotic focus", "sclerotic foci", "osteoblastic lesion", "osteoblastic lesions"),
    "hydropneumothorax": ("hydropneumothorax", "hydro pneumothorax", "hydropneumothoraces"),
    # Support devices as ICU reports name them (CheXpert's device phrases)
    "medical device": ("hardware", "fusion hardware", "fixation hardware", "orthopedic hardware",
                       "surgical hardware", "spinal hardware", "device", "devices", "support devices",
                       "support lines", "lines and tubes", "tubes and lines", "monitoring leads",
                       "pacer", "pacer leads", "pacer lead", "pacing leads", "pacing lead", "pacing wires",
                       "pacing wire", "epicardial pacing wires", "epicardial wires", "leads", "lead",
                       "line", "lines", "coil", "coils", "embolization coils", "port", "port a cath",
                       "portacath", "mediport", "drain", "drains", "pigtail", "intra aortic balloon pump",
                       "balloon pump", "iabp", "impella", "lvad", "prosthesis", "cannula", "wires",
                       "vascular stent", "graft", "markers", "surgical drain", "filter", "ivc filter",
                       "electrodes", "cardiac monitor", "loop recorder", "defibrillator pads"),
    "endotracheal tube": ("et tube", "ett", "e t tube", "endotracheal", "ett tube", "intubation tube"),
    "nasogastric tube": ("ng tube", "og tube", "orogastric tube", "enteric tube", "dobhoff", "dobhoff tube",
                         "dobbhoff tube", "dobhoff feeding tube", "nasogastric", "orogastric",
                         "nasoenteric tube", "nasojejunal tube", "gastric tube", "ng", "og"),
    "central venous catheters": ("central line", "central venous line", "central venous catheter", "cvl",
                                 "triple lumen catheter", "introducer",
                                 "introducer sheath", "swan ganz", "swan ganz catheter", "swan",
                                 "pulmonary artery catheter", "pa catheter", "hemodialysis catheter",
                                 "dialysis line", "femoral line", "sheath"),
    "peripherally inserted central catheter": ("picc", "picc line", "picc catheter", "midline catheter",
                                               "midline"),
    "chest tubes": ("chest tube", "chest tubes", "pleural tube", "thoracostomy tube", "pigtail catheter",
                    "pleural drain", "mediastinal drain", "mediastinal drains", "mediastinal tube"),
    "sternotomy wires": ("sternotomy wires", "sternal wires", "sternal wire", "sternotomy wire",
                         "median sternotomy wires", "sternal closure wires"),
    "heart valve prosthesis": ("valve replacement", "aortic valve replacement", "mitral valve replacement",
                               "prosthetic valve", "prosthetic valves", "valve prosthesis", "avr", "mvr",
                               "tavr", "tavi", "mechanical valve", "bioprosthetic valve",
                               "valvular prosthesis",
                               "mitral annuloplasty ring", "annuloplasty ring", "mitral clip"),
    "tracheostomy": ("tracheostomy", "trach"),
    "pacemaker, artificial": ("pacemaker", "pacemaker generator", "dual chamber pacemaker",
                              "dual lead pacemaker", "cardiac pacemaker", "permanent pacemaker", "ppm"),
    "defibrillators, implantable": ("icd", "aicd", "defibrillator", "implantable defibrillator",
                                    "pacemaker defibrillator", "cardiac defibrillator", "biventricular icd"),
    "surgical clips": ("clips", "surgical clips", "clip", "surgical clip", "vascular clips",
                       "cholecystectomy clips",
                       "staples", "surgical staples"),
    "mass": ("masslike opacity", "mass like opacity", "masslike opacification", "mass like opacification",
             "masslike density", "masslike", "mass"),
    "pleural thickening": ("apical capping", "apical pleural capping", "pleural capping",
                           "apical pleural thickening", "biapical pleural thickening", "pleural thickening"),
    "nodule": ("nodule", "nodules", "pulmonary nodule", "lung nodule"),
    # septal (Kerley B) lines are thickened interlobular septa
    "interlobular septal thickening": ("septal lines", "septal line", "kerley b lines", "kerley b line",
                                       "kerley lines", "kerley b", "septal thickening"),
    # Open-i indexes these (dev split) as "Atherosclerosis/aorta", "Markings/bronchovascular",
    # "Catheters, Indwelling" (any catheter seen on a radiograph is in place) and "Technical
    # Quality of Image Unsatisfactory".
    "atherosclerosis": ("atherosclerotic", "atherosclerotic change", "atherosclerotic changes",
                        "atherosclerotic calcification", "atherosclerotic calcifications",
                        "atherosclerotic disease", "atherosclerotic vascular disease",
                        "atherosclerotic vascular calcification", "atherosclerotic plaque"),
    "lung markings": ("bronchovascular crowding", "crowding of the bronchovascular markings",
                      "bronchovascular markings", "vascular crowding", "crowded bronchovascular markings"),
    # Open-i indexes vascular prominence, congestive changes and redistribution (upper-lobe
    # diversion) of the pulmonary vessels as "Pulmonary Congestion".
    "pulmonary vascular congestion": (
        "vascular prominence", "pulmonary vascular prominence", "vascular congestive changes",
        "vascular congestive change", "pulmonary vascular congestive changes", "vascular engorgement",
        "pulmonary vascular engorgement", "vascular redistribution", "pulmonary vascular redistribution",
        "pulmonary venous engorgement", "venous congestion", "central venous congestion", "hilar congestion",
        "pulmonary venous congestion", "vascular congestion", "central vascular congestion",
        "perihilar congestion", "pulmonary venous hypertension"),
    "catheters, indwelling": ("catheter", "catheters", "catheter tubing", "dialysis catheter",
                              "drainage catheter", "pleural catheter", "pleural drainage catheter"),
    # Anatomy as reports name it, for located_at: each name below is a seed concept; a lung region
    # the seed has no concept for ("midlung", "upper lung zone") links to the broader Lung, and
    # "subclavian" (central lines, ports) to the subclavian vein.
    "lung base": ("left base", "right base", "left lung base", "right lung base", "both bases",
                  "bilateral bases", "lung base", "bibasilar", "bibasal", "basilar", "left basilar",
                  "right basilar", "lower lung zones", "lung bases", "both lung bases", "bilateral lung bases",
                  "base of the left lung", "base of the right lung", "bases of both lungs", "left lung bases",
                  "right lung bases"),
    # "free air under the diaphragm" on a chest film is pneumoperitoneum
    "pneumoperitoneum": ("free air", "free intraperitoneal air", "free subdiaphragmatic air",
                         "subdiaphragmatic free air", "free abdominal air", "intraperitoneal free air"),
    "lung apex": ("apical", "biapical", "left apex", "right apex", "left apical", "right apical",
                  "lung apices", "both apices", "bilateral apices", "left lung apex", "right lung apex"),
    "lingula": ("lingular",),
    # (no "right hilum": its plural "right hila" would hide "hilar" in "right hilar", the matcher
    # being longest-first before its whole-word check)
    "pulmonary hilum": ("hilar", "perihilar"),
    "lung": ("left lung", "right lung", "both lungs", "midlung", "mid lung", "midlung zone", "mid lung zone",
             "left midlung", "right midlung", "upper lung", "lower lung", "upper lungs", "lower lungs",
             "upper lung zone", "upper lung zones", "lower lung zone", "mid lung zones", "upper lobes",
             "lower lobes", "lung apices and bases"),
    "subclavian vein": ("subclavian",),
    # Open-i: "scoliosis of the thoracic spine" → Scoliosis/thoracic vertebrae
    "thoracic vertebrae": ("thoracic spine", "midthoracic spine", "mid thoracic spine",
                           "upper thoracic spine", "lower thoracic spine", "t spine"),
    "heart atria": ("right atrium", "left atrium", "atrium"),
    "mediastinum": ("mediastinal",),
    "technical quality of image unsatisfactory": (
        "patient rotation", "rotated", "limited quality", "limited exam", "limited examination",
        "limited evaluation", "limited study", "suboptimal exam", "suboptimal examination",
        "underpenetrated", "underpenetration", "poor inspiration", "poor inspiratory effort"),
}

#: Surface forms the dictionary must never match on their own (composite rules cover them).
BLOCKED_FORMS: tuple[str, ...] = ("heart size", "enlarged", "opacity of lung")

#: Phrases that mean no concept of the seed but contain one ("enlarged cardiac silhouette" is
#: Open-i's "Cardiac Shadow/enlarged", not cardiomegaly). They only swallow text when the ontology
#: has no concept of that name.
SWALLOW_FORMS: tuple[str, ...] = (
    "enlarged heart silhouette", "enlarged cardiac silhouette", "enlarged cardiac shadow",
    "bullous emphysema", "bullous emphysematous", "bullous emphysematous change", "subcutaneous emphysema",
    "soft tissue emphysema", "subcutaneous air", "pericardial effusion", "no acute cardiopulmonary",
    # a lesion of bone or skin is not a lung lesion; an old granulomatous infection is no pneumonia;
    # lines, leads and markers that are not devices
    "osseous lesion", "osseous lesions", "bone lesion", "bone lesions", "bony lesion", "bony lesions",
    "skin lesion", "skin lesions", "pleural lesion", "granulomatous infection",
    "granulomatous infections", "prior infection",
    "old infection", "infection control", "kerley b lines", "kerley lines", "kerley b", "septal lines",
    "b lines",
    "pleural line", "visceral pleural line", "skin fold", "skin folds", "skin line", "fissure line",
    "line of the", "tip line", "midline shift", "midline trachea", "trachea is midline", "midline position",
    "lines of", "interstitial lines", "mach band", "lead apron", "drainage", "port of entry",
    "nipple markers", "nipple marker", "lead marker", "sheath of", "pulmonary artery catheter tip",
)


@dataclass(frozen=True, slots=True)
class CompositeRule:
    """``subject`` and ``predicate`` words within ``max_gap`` words, in either order.

    With no ``subjects`` the rule is the predicate phrase alone ("hyperinflation").

    ``assertion`` fixes the result (``ABSENT`` for "normal heart size"); ``None`` lets the
    context triggers decide ("heart is not enlarged" → absent), with the predicate as focus.
    """

    cui: str
    subjects: tuple[str, ...]
    predicates: tuple[str, ...]
    assertion: Assertion | None = None
    max_gap: int = 4
    min_gap: int = 0
    either_order: bool = True
    not_after_subject: tuple[str, ...] = ()
    #: The mention is only the predicate ("thickening"), so the subject stays free for its own
    #: mention ("pleural effusion versus thickening").
    predicate_span: bool = False
    #: The mention is only the subject ("cardiac" of "cardiac and mediastinal contours are
    #: normal"), so the rest stays free for another rule (the mediastinum's).
    subject_span: bool = False
    #: ``Mention.method`` of the result: ``"rule"``, ``"qualifier"`` for anatomy made a finding
    #: by its qualifier (:mod:`medkg.extract.qualifiers`), or ``"descriptor"`` for a shape word
    #: that names a finding of its own next to another ("nodular" of "nodular opacity").
    method: str = "rule"
    #: Words that may not stand between subject and predicate: "heart size is enlarged, pulmonary
    #: vascularity within normal limits" does not say the heart is normal.
    gap_excludes: tuple[str, ...] = ()


#: The mediastinum as reports describe its width or contour.
_MEDIASTINUM = ("cardiomediastinal silhouette", "cardiomediastinal contour", "cardiomediastinal contours",
                "cardiomediastinum", "mediastinal contour", "mediastinal contours", "mediastinal silhouette",
                "mediastinal and hilar contours", "hilar and mediastinal contours",
                "cardiac and mediastinal contours",
                "cardiac and mediastinal silhouettes", "mediastinal width", "width of the mediastinum",
                "mediastinal and hilar silhouettes", "mediastinal configuration",
                "cardiomediastinal silhouettes",
                "heart and mediastinum", "mediastinum", "superior mediastinum", "cardiomediastinal size",
                "mediastinal and cardiac contours")
_NORMAL = ("normal", "within normal limits", "unremarkable", "normal in size", "normal size", "not enlarged",
           "not widened", "within normal range", "are normal", "is normal", "preserved")
_NORMAL_WORDS = ("normal", "unremarkable", "limits")
_WIDE = ("enlarged", "enlargement", "widened", "widening", "wide", "increased", "prominent", "shifted")
_STABLE = ("stable", "unchanged", "similar", "not changed", "grossly unchanged", "essentially unchanged",
           "stable in appearance", "appear stable", "are stable", "are unchanged", "is unchanged",
           "is stable")
#: What "nodular" qualifies when it names a nodule and an opacity at once.
_NODULAR_HEADS = ("opacity", "opacities", "opacification", "density", "densities")
#: A heart and mediastinum described together ("cardiac and mediastinal contours are normal").
_HEART_AND_MEDIASTINUM = ("cardiac and mediastinal contours", "cardiac and mediastinal silhouettes",
                          "heart and mediastinum", "heart and mediastinal contours",
                          "cardiac and mediastinal contour",
                          "mediastinal and cardiac contours", "cardiac and hilar contours")
_HEART = ("heart", "heart size", "cardiac silhouette", "cardiac size", "cardiac shadow", "cardiac contour",
          "cardiac contours", "cardiac", "heart shadow", "cardiac diameter", "cardiothoracic ratio")
#: Subjects whose enlargement Open-i indexes as cardiomegaly (an enlarged *silhouette* is
#: indexed as "Cardiac Shadow/enlarged" instead).
_HEART_SIZE = ("heart", "heart size", "cardiac size", "size of the heart", "cardiac diameter")
#: Words of enlargement that a "normal heart" statement cannot reach across.
_ENLARGEMENT = ("enlarged", "enlargement", "large", "increased", "cardiomegaly")
#: Gap words that put a size word on another subject: "normal cardiac silhouette and enlarged
#: hila", "left atrial enlargement as evidenced by the cardiac contour".
NOT_ACROSS = ("normal", "and", "with", "by")
#: The pulmonary vessels as reports name them when they describe their calibre.
_VESSELS = ("vascularity", "vasculature", "pulmonary vascularity", "pulmonary vasculature",
            "pulmonary vessels", "pulmonary vascular markings", "pulmonary vascular engorgement",
            "vascular engorgement")
_LUNGS = ("lungs", "lung fields", "lung", "lung parenchyma", "both lungs", "pulmonary parenchyma")


#: Composite rules in priority order (the first rule that matches a span wins).
COMPOSITE_RULES: tuple[CompositeRule, ...] = (
    # "cardiac and mediastinal contours are normal": the heart part only, so the mediastinum's
    # rule can read the rest (first, so that it wins over the whole-span rule below)
    CompositeRule(CARDIOMEGALY, _HEART_AND_MEDIASTINUM, _NORMAL, Assertion.ABSENT, gap_excludes=_ENLARGEMENT,
                  subject_span=True),
    CompositeRule(CARDIOMEGALY, _HEART,
                  ("normal", "normal in size", "within normal limits", "unremarkable", "normal size",
                   "upper normal", "top normal", "top normal in size", "upper limits of normal",
                   "at the upper limits of normal", "upper limit of normal", "high normal"),
                  Assertion.ABSENT, gap_excludes=_ENLARGEMENT),
    CompositeRule(CARDIOMEGALY, _HEART_SIZE,
                  ("enlarged", "enlargement", "large", "increased", "mildly enlarged",
                   "moderately enlarged", "markedly enlarged", "severely enlarged", "borderline enlarged",
                   "mildly increased", "borderline", "borderline in size", "borderline enlarged"),
                  not_after_subject=("silhouette", "shadow", "contour", "contours")),
    CompositeRule(ATELECTASIS, ("lung", "lobe", "lobes", "lingula", "lingular", "segment", "segments"),
                  ("collapse", "collapsed"), max_gap=3),
    # "heart size is unchanged" with no size stated: uncertain cardiomegaly (CheXpert's rule)
    CompositeRule(CARDIOMEGALY, (*_HEART, *_HEART_AND_MEDIASTINUM), _STABLE, Assertion.UNCERTAIN, max_gap=4,
                  subject_span=True, gap_excludes=(*_ENLARGEMENT, "normal", "cardiomegaly", "borderline"),
                  not_after_subject=(*_ENLARGEMENT, "silhouette is enlarged", "size is enlarged")),
    # "aspiration" alone: uncertain pneumonia (LABELLING.md)
    CompositeRule(PNEUMONIA, (), ("aspiration",), Assertion.UNCERTAIN),
)

#: Rules for concepts known by name only (resolved like :data:`EXTRA_BY_NAME`).
COMPOSITE_RULES_BY_NAME: dict[str, tuple[CompositeRule, ...]] = {
    # "calcified right lower lobe granuloma": the granuloma is Open-i's "Calcified Granuloma"
    "calcified granuloma": (
        CompositeRule("", ("calcified",), ("granuloma", "granulomas", "granulomata"), max_gap=4,
                      min_gap=1, either_order=False, predicate_span=True),
    ),
    # "the pulmonary vascularity appears mildly prominent", "prominence of the central vasculature";
    # "pulmonary vascularity is normal" says there is none.
    "pulmonary vascular congestion": (
        CompositeRule("", _VESSELS, ("normal", "within normal limits", "within limits of normal",
                                     "normal in appearance", "unremarkable"), Assertion.ABSENT, max_gap=3,
                      gap_excludes=("prominent", "prominence", "engorged", "congested", "enlarged", "and")),
        CompositeRule("", _VESSELS, ("prominent", "prominence", "engorged", "engorgement", "congested",
                                     "congestion", "cephalized", "cephalization", "redistribution"),
                      max_gap=3, gap_excludes=NOT_ACROSS),
    ),
    # "the cardiomediastinal silhouette is enlarged" (an enlarged cardiac silhouette alone is a
    # qualifier of the silhouette, see :mod:`medkg.extract.qualifiers`)
    "enlarged cardiomediastinum": (
        CompositeRule("", _MEDIASTINUM,
                      ("enlarged", "enlargement", "widened", "widening", "mildly enlarged",
                       "moderately enlarged", "markedly enlarged", "increased", "prominent", "wide",
                       "has increased", "has slightly increased", "is increased"),
                      max_gap=3, gap_excludes=NOT_ACROSS),
        # "mediastinal contours are normal" → absent; "stable cardiomediastinal silhouette" with no
        # size stated → uncertain (CheXpert's rule; LABELLING.md)
        CompositeRule("", _MEDIASTINUM, _NORMAL, Assertion.ABSENT, max_gap=4, gap_excludes=_WIDE,
                      predicate_span=True),
        CompositeRule("", _MEDIASTINUM, _STABLE, Assertion.UNCERTAIN, max_gap=4, predicate_span=True,
                      gap_excludes=(*_WIDE, *_NORMAL_WORDS)),
    ),
    # "nodular opacity" is a nodule *and* an opacity (CheXpert: Lung Lesion and Lung Opacity):
    # two rule mentions, "nodular" and "opacity", so neither hides the other
    "nodule": (
        CompositeRule("", ("nodular",), _NODULAR_HEADS, max_gap=0, either_order=False, subject_span=True,
                      method="descriptor"),
    ),
    "lung opacity": (
        CompositeRule("", ("nodular",), _NODULAR_HEADS, max_gap=0, either_order=False, predicate_span=True),
        # "increased interstitial markings" is an opacity (LABELLING.md; CheXpert)
        CompositeRule("", ("interstitial markings", "interstitial marking", "reticular markings",
                           "interstitial pattern", "interstitial prominence", "reticular pattern"),
                      ("increased", "increase in", "prominent", "prominence of", "coarse", "coarsened",
                       "coarsening of", "accentuated", "accentuation of", "increasing", "worsening"),
                      max_gap=2, gap_excludes=NOT_ACROSS),
    ),
    "pleural thickening": (
        CompositeRule("", ("pleural", "pleura", "costophrenic", "apical", "pleural effusion", "effusion"),
                      ("thickening",), max_gap=3, predicate_span=True),
    ),
}

_NO_ACUTE = ("abnormality", "abnormalities", "process", "disease", "findings", "finding", "pathology")
#: "No acute cardiopulmonary abnormality", "normal chest": a **present** statement that the image
#: shows no finding (Open-i's head term ``normal``), though it starts with "no". It says nothing
#: about chronic findings listed next to it, so consumers treat it as "no acute finding"; the
#: head-term evaluation counts it only in reports with no other positive finding.
NO_FINDING_RULES_BY_NAME: dict[str, tuple[CompositeRule, ...]] = {
    "no finding": (
        CompositeRule("", (), (
            *(f"{neg} {acute}{organ} {what}" for neg in ("no", "negative for", "no evidence of")
              for acute in ("acute", "active", "acute radiographic", "acute or active")
              for organ in (" cardiopulmonary", " pulmonary", " intrathoracic", "")
              for what in _NO_ACUTE),
            "normal chest", "normal chest exam", "normal chest x ray", "normal chest radiograph",
            "normal study", "normal exam"), Assertion.PRESENT),
    ),
}

#: Rules whose CUI is the lung-opacity concept of the seed are added when it is known (see
#: :func:`medkg.extract.matcher.opacity_rules`): "lungs are clear" → no opacity.
CLEAR_LUNG_PREDICATES = ("clear", "are clear", "clear bilaterally", "grossly clear", "otherwise clear",
                         "remain clear", "essentially clear", "appear clear")
