"""Open-i / Indiana University chest X-ray reports, from the original archive or the Kaggle CSVs.

Accepted inputs for ``path``:

- ``NLMCXR_reports.tgz`` (read in place, streaming) or a directory holding it;
- an extracted archive (a directory of ``<n>.xml``, or holding ``ecgen-radiology/``);
- ``indiana_reports.csv`` (with ``indiana_projections.csv`` beside it) or a directory holding both;
- the word ``"torchxrayvision"``: the unmodified archive shipped in that package (installed with
  ``pip install --no-deps torchxrayvision``; found without importing it).

Every record has ``report_id == study_id ==`` the report number (``"1"`` for ``CXR1``), sections
in the order indication, comparison, findings, impression (empty ones left out), and
``metadata["mesh"]`` / ``metadata["problems"]``: the manual MeSH codes ``;``-joined as
``Head/qualifier/...`` and their heads. Image ids are ``CXR<file stem>`` (``CXR1_IM-0001-3001``).

Examples
--------
>>> archive = find_torchxrayvision_archive()        # None when torchxrayvision is not installed
>>> first = next(read_openi(archive))  # needs torchxrayvision  # doctest: +SKIP
>>> first = next(read_openi("indiana_reports.csv"))  # Kaggle's CSVs give the same records
>>> first.report_id, list(first.sections)
('1', ['indication', 'comparison', 'findings', 'impression'])
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from medkg.datasets import openi_views as views
from medkg.datasets.openi_archive import (
    SECTION_ORDER,
    ArchiveReport,
    iter_reports,
    iter_tar_members,
    iter_xml_dir,
)
from medkg.datasets.rejects import ErrorPolicy, Rejects
from medkg.datasets.tabular import open_table, require_columns
from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.errors import ConfigError, InputFileError, ParseError

log = logging.getLogger(__name__)

ARCHIVE_NAME = "NLMCXR_reports.tgz"
DICOM_METADATA_NAME = "nlmcxr_dicom_metadata.csv.gz"
TSNE_VIEWS_NAME = "nlmcxr_tsne_pa.csv.gz"
REPORTS_CSV = "indiana_reports.csv"
PROJECTIONS_CSV = "indiana_projections.csv"
_IMAGE_SUFFIXES = (".png", ".dcm.png", ".jpg", ".dcm")


def find_torchxrayvision_file(name: str) -> Path | None:
    """Path of ``torchxrayvision/data/<name>`` in the installed distribution, without importing it."""
    try:
        dist = importlib.metadata.distribution("torchxrayvision")
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.name == name and file.parent.name == "data":
            located = Path(str(dist.locate_file(file)))
            return located if located.is_file() else None
    return None


def find_torchxrayvision_archive() -> Path | None:
    """The Open-i report archive shipped by torchxrayvision, or None when it is not installed.

    Examples
    --------
    >>> path = find_torchxrayvision_archive()
    >>> path is None or path.name == "NLMCXR_reports.tgz"
    True
    """
    return find_torchxrayvision_file(ARCHIVE_NAME)


def _beside(path: Path, option: str | Path | None, name: str) -> Path | None:
    """An auxiliary file: the explicit option, or ``name`` beside the input when ``"auto"``."""
    if option is None or option is False:
        return None
    if option != "auto":
        found = Path(option)
        if not found.is_file():
            raise InputFileError("file not found", path=found)
        return found
    folder = path.parent
    for candidate in (folder / name, folder / name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


class _Images:
    """Builds the ImageRecords of Open-i images: view positions joined, image files located."""

    def __init__(
        self,
        base: Path,
        dicom: object,
        tsne: object,
        projections: object,
        images: object,
        policy: ErrorPolicy,
    ) -> None:
        dicom_path = _beside(base, dicom, DICOM_METADATA_NAME)  # type: ignore[arg-type]
        tsne_path = _beside(base, tsne, TSNE_VIEWS_NAME)  # type: ignore[arg-type]
        proj_path = _beside(base, projections, PROJECTIONS_CSV)  # type: ignore[arg-type]
        self.dicom = views.load_dicom_metadata(dicom_path, policy) if dicom_path else {}
        self.tsne = views.load_tsne_views(tsne_path, policy) if tsne_path else {}
        self.projections = views.load_projections(proj_path, policy) if proj_path else {}
        self.folder = Path(images) if images else None  # type: ignore[arg-type]
        self.files = set(os.listdir(self.folder)) if self.folder and self.folder.is_dir() else set()
        if self.folder and not self.folder.is_dir():
            raise InputFileError("image directory not found", path=self.folder)
        log.debug(
            "Open-i views: %d DICOM rows, %d t-SNE views, %d projections",
            len(self.dicom),
            len(self.tsne),
            len(self.projections),
        )

    def record(self, stem: str, study_id: str, metadata: dict[str, str]) -> ImageRecord:
        dicom = self.dicom.get(stem)
        klass, source = None, ""
        if stem in self.projections and self.projections[stem][1]:
            klass, source = self.projections[stem][1], "projections"
        elif stem in self.tsne:
            klass, source = self.tsne[stem], "tsne"
        elif dicom is not None and dicom.view_class:
            klass, source = dicom.view_class, "dicom"
        meta = dict(metadata)
        if dicom is not None:
            meta["dicom_view_position"] = dicom.view_position
            meta["modality"] = dicom.modality
        if source:
            meta["view_source"] = source
        view = views.resolve_view(dicom.view_position if dicom else None, klass)
        return ImageRecord(
            f"CXR{stem}", study_id, self._path(stem, metadata.get("openi_image_id")), view, meta
        )

    def _path(self, stem: str, archive_id: str | None) -> str | None:
        if self.folder is None:
            return None
        names = [archive_id + ".png"] if archive_id else []
        names += [stem + suffix for suffix in _IMAGE_SUFFIXES]
        return next((str(self.folder / n) for n in names if n in self.files), None)


def _metadata(mesh: list[str]) -> dict[str, str]:
    mesh = [m for m in mesh if m]
    return {"mesh": ";".join(mesh), "problems": ";".join(m.split("/")[0] for m in mesh)}


def _from_archive(report: ArchiveReport, images: _Images) -> ReportRecord:
    meta = _metadata(list(report.mesh_major))
    meta["mesh_automatic"] = ";".join(report.mesh_automatic)
    records = tuple(
        images.record(
            views.image_stem(image_id), report.uid, {"openi_image_id": image_id, "caption": caption}
        )
        for image_id, caption in report.images
    )
    return ReportRecord(report.uid, report.uid, report.sections, None, records, report.source, meta)


def _archive_records(
    path: Path, members: Iterator[tuple[str, bytes]], images: _Images, policy: ErrorPolicy
) -> Iterator[ReportRecord]:
    with policy:
        for report in iter_reports(members, path, policy):
            yield _from_archive(report, images)


def _kaggle_records(path: Path, images: _Images, policy: ErrorPolicy) -> Iterator[ReportRecord]:
    table = open_table(path, format="csv")
    # "image" (the exam caption) is optional: a split such as medkg's dev.csv leaves it out
    require_columns(table, ["uid", "MeSH", "Problems", *SECTION_ORDER])
    by_uid: dict[str, list[str]] = {}
    for stem, (uid, _klass) in images.projections.items():
        by_uid.setdefault(uid, []).append(stem)
    if not images.projections:
        log.warning("%s: no %s beside it; records will have no images", path, PROJECTIONS_CSV)
    seen: set[str] = set()
    with policy:
        for row in table.rows(policy):
            v = {k: str(val).strip() for k, val in row.values.items()}
            uid = v["uid"].removeprefix("CXR")
            if not uid.isdigit() or uid in seen:
                why = "duplicate report id" if uid in seen else f"uid {v['uid']!r} is not a report number"
                policy.reject(ParseError(why, path=path, line=row.line, record=v["uid"]))
                continue
            seen.add(uid)
            sections = {s: v[s] for s in SECTION_ORDER if v[s]}
            mesh = v["MeSH"].split(";") if v["MeSH"] else []
            meta = _metadata(mesh)
            caption = {"caption": v["image"]} if v.get("image") else {}
            recs = tuple(images.record(stem, uid, caption) for stem in by_uid.get(uid, []))
            yield ReportRecord(uid, uid, sections, None, recs, f"{path}:{row.line}", meta)


def read_openi(
    path: str | Path = "torchxrayvision",
    *,
    dicom_metadata: str | Path | None = "auto",
    tsne_views: str | Path | None = "auto",
    projections: str | Path | None = "auto",
    images: str | Path | None = None,
    on_error: str = "raise",
    rejects: Rejects = None,
) -> Iterator[ReportRecord]:
    """Stream Open-i reports as :class:`ReportRecord` (see the module docstring for ``path``).

    Parameters
    ----------
    path:
        Archive, extracted archive directory, Kaggle CSV (or its directory), or ``"torchxrayvision"``.
    dicom_metadata, tsne_views, projections:
        Files giving view positions (``nlmcxr_dicom_metadata.csv.gz``, ``nlmcxr_tsne_pa.csv.gz``,
        ``indiana_projections.csv``): a path, ``"auto"`` (the file beside the input when present)
        or None (not used). See :mod:`medkg.datasets.openi_views` for how they combine.
    images:
        Directory holding the image files (``CXR1_1_IM-0001-3001.png`` as in NLM's PNG archive,
        or Kaggle's ``1_IM-0001-3001.dcm.png``); ``ImageRecord.path`` is None without it.
    on_error, rejects:
        See :class:`medkg.datasets.rejects.ErrorPolicy`.

    Returns
    -------
    Iterator[ReportRecord]

    Examples
    --------
    >>> n = sum(1 for _ in read_openi("torchxrayvision"))  # needs torchxrayvision  # doctest: +SKIP
    >>> n  # doctest: +SKIP
    3955
    """
    if str(path) == "torchxrayvision":
        found = find_torchxrayvision_archive()
        if found is None:
            raise InputFileError(
                "torchxrayvision is not installed, so its Open-i archive cannot be found",
                hint="pip install --no-deps torchxrayvision, or pass the path of NLMCXR_reports.tgz",
            )
        path = found
    path = Path(path)
    policy = ErrorPolicy(on_error, rejects)
    if path.is_dir():
        for candidate in (path / ARCHIVE_NAME, path / REPORTS_CSV, path / "ecgen-radiology"):
            if candidate.exists():
                path = candidate
                break
    if not path.exists():
        raise InputFileError(
            "Open-i input not found",
            path=path,
            hint=f"pass {ARCHIVE_NAME}, {REPORTS_CSV} or a directory holding one",
        )
    imgs = _Images(path, dicom_metadata, tsne_views, projections, images, policy)
    if path.is_dir():
        if not any(path.glob("*.xml")):
            raise InputFileError(
                "no report XML files in this directory",
                path=path,
                hint=f"pass {ARCHIVE_NAME}, {REPORTS_CSV} or the extracted ecgen-radiology/",
            )
        return _archive_records(path, iter_xml_dir(path), imgs, policy)
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz")):
        return _kaggle_records(path, imgs, policy)
    if name.endswith((".tgz", ".tar.gz", ".tar")):
        return _archive_records(path, iter_tar_members(path, policy), imgs, policy)
    raise ConfigError(
        f"cannot tell what {path.name!r} is",
        path=path,
        hint=f"pass {ARCHIVE_NAME}, {REPORTS_CSV} or an extracted archive directory",
    )
