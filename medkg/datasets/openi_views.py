"""View positions of Open-i images, joined from the files that describe them.

Three sources, best first:

1. ``indiana_projections.csv`` (``uid,filename,projection``; ``Frontal``/``Lateral`` per image);
2. torchxrayvision's ``nlmcxr_tsne_pa.csv.gz`` (``imageid,tsne-view``; ``PA``/``L`` for 3,851 images);
3. torchxrayvision's ``nlmcxr_dicom_metadata.csv.gz`` (one row per image, DICOM fields; ``View Position``).

The DICOM ``View Position`` of this archive is unreliable: 1,368 images tagged ``PA`` are lateral
according to the projections file. Their CR ``Acquisition Device Processing Code`` tells them apart
(``60003`` is the lateral chest menu: 1,342 of 1,360 such ``PA``-tagged images are lateral, against
19 of 1,350 with ``60025``), so a ``PA``/``AP`` tag with code ``60003`` counts as lateral.
The resolved view keeps the DICOM value when it agrees with the frontal/lateral class, and is
``FRONTAL`` or ``LATERAL`` otherwise.

Examples
--------
>>> image_stem("CXR1_1_IM-0001-3001"), image_stem("CXR10_IM-0002-1001")
('1_IM-0001-3001', '10_IM-0002-1001')
>>> resolve_view("PA", "lateral"), resolve_view("", "frontal"), resolve_view("LL", None)
('LATERAL', 'FRONTAL', 'LL')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from medkg.datasets.rejects import ErrorPolicy
from medkg.datasets.tabular import open_table, require_columns

FRONTAL = frozenset({"PA", "AP", "AP AXIAL", "PA AXIAL", "FRONTAL"})
LATERAL = frozenset({"LL", "RL", "LATERAL", "LARGE LATERAL"})
#: CR processing menu of lateral chest images in the Open-i DICOM headers (see module docstring).
LATERAL_PROCESSING_CODE = "60003"

_DOUBLE_UID = re.compile(r"^CXR\d+_(\d+_IM-.*)$")


def image_stem(image_id: str) -> str:
    """The file stem of an Open-i image (``1_IM-0001-3001``) from its report-archive id.

    The archive names images ``CXR<file stem>`` except report 1, whose two images carry the report
    number twice (``CXR1_1_IM-0001-3001``).
    """
    m = _DOUBLE_UID.match(image_id)
    if m:
        return m.group(1)
    return image_id[3:] if image_id.startswith("CXR") else image_id


def file_stem(filename: str) -> str:
    """``./1_IM-0001-3001.dcm`` or ``1_IM-0001-3001.dcm.png`` → ``1_IM-0001-3001``."""
    name = Path(filename).name
    for suffix in (".png", ".jpg", ".dcm"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def view_class(view: str | None) -> str | None:
    """``"frontal"``, ``"lateral"`` or None for a view position or projection name."""
    v = (view or "").strip().upper()
    if v in FRONTAL or v == "FRONTAL":
        return "frontal"
    if v in LATERAL or v in ("L", "LATERAL"):
        return "lateral"
    return None


def resolve_view(dicom_view: str | None, klass: str | None) -> str | None:
    """The view position to record, from the DICOM value and the frontal/lateral class."""
    dicom = (dicom_view or "").strip().upper()
    if klass is None:
        return dicom or None
    if view_class(dicom) == klass:
        return dicom
    return "FRONTAL" if klass == "frontal" else "LATERAL"


@dataclass(frozen=True, slots=True)
class DicomFields:
    """The DICOM header fields medkg keeps for an Open-i image."""

    view_position: str
    processing_code: str
    modality: str
    rows: str
    columns: str

    @property
    def view_class(self) -> str | None:
        klass = view_class(self.view_position)
        if klass == "frontal" and self.processing_code == LATERAL_PROCESSING_CODE:
            return "lateral"
        return klass


def load_dicom_metadata(path: Path, policy: ErrorPolicy) -> dict[str, DicomFields]:
    """Image file stem → DICOM fields, from ``nlmcxr_dicom_metadata.csv(.gz)``."""
    table = open_table(path, format="csv")
    cols = ["filename", "View Position", "Acquisition Device Processing Code", "Modality", "Rows", "Columns"]
    require_columns(table, cols)
    out: dict[str, DicomFields] = {}
    for row in table.rows(policy):
        v = row.values
        out[file_stem(str(v["filename"]))] = DicomFields(
            *(str(v[c]).strip() for c in cols[1:])  # type: ignore[arg-type]
        )
    return out


def load_tsne_views(path: Path, policy: ErrorPolicy) -> dict[str, str]:
    """Image file stem → ``"frontal"``/``"lateral"``, from ``nlmcxr_tsne_pa.csv(.gz)``."""
    table = open_table(path, format="csv")
    require_columns(table, ["imageid", "tsne-view"])
    out: dict[str, str] = {}
    for row in table.rows(policy):
        klass = view_class(str(row.values["tsne-view"]))
        if klass:
            out[image_stem(str(row.values["imageid"]))] = klass
    return out


def load_projections(path: Path, policy: ErrorPolicy) -> dict[str, tuple[str, str]]:
    """Image file stem → (report uid, ``"frontal"``/``"lateral"``), from ``indiana_projections.csv``."""
    table = open_table(path, format="csv")
    require_columns(table, ["uid", "filename", "projection"])
    out: dict[str, tuple[str, str]] = {}
    for row in table.rows(policy):
        v = row.values
        out[file_stem(str(v["filename"]))] = (str(v["uid"]).strip(), view_class(str(v["projection"])) or "")
    return out
