"""Typed records produced by dataset builders: what crosses from ``medkg.datasets`` to the graph builder."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ImageRecord:
    """One image of a study. ``path`` may be None when only metadata is known (no pixels on disk)."""

    image_id: str
    study_id: str
    path: str | None = None
    view_position: str | None = None  # DICOM ViewPosition: "PA", "AP", "LATERAL", "LL", ...
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def is_frontal(self) -> bool:
        return (self.view_position or "").upper() in {"PA", "AP", "FRONTAL", "AP AXIAL", "PA AXIAL"}


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """One radiology report (a study) with its sections and images.

    ``sections`` maps a section name as the source writes it ("findings", "impression", "indication", ...)
    to its text, in the source's order. ``source`` says where the record came from (file and line or
    archive member) so errors can name it.
    """

    report_id: str
    study_id: str
    sections: dict[str, str]
    patient_id: str | None = None
    images: tuple[ImageRecord, ...] = ()
    source: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
