"""MIMIC-CXR: free-text reports in the PhysioNet directory layout, joined with the image metadata.

Layout (as distributed by PhysioNet; the CSVs may be gzipped)::

    ROOT/files/p10/p10000032/s50414267.txt                 # one report per study
    ROOT/files/p10/p10000032/s50414267/<dicom_id>.jpg      # optional images (.jpg or .dcm)
    ROOT/mimic-cxr-2.0.0-metadata.csv                      # dicom_id, subject_id, study_id, ViewPosition, ...
    ROOT/mimic-cxr-2.0.0-split.csv                         # dicom_id, study_id, subject_id, split

Records have ``report_id == study_id`` (``"50414267"``), ``patient_id`` the subject
(``"10000032"``), ``sections == {"report": raw text}`` (extraction splits it at its headers with
:func:`medkg.extract.sections.find_sections`, the one section splitter), and one image per
metadata row of the study (``image_id`` is the ``dicom_id``; ``path`` is set when the image file exists).

Examples
--------
>>> records = read_mimic_cxr("mimic-cxr", split="test")   # the PhysioNet directory
>>> [(r.report_id, r.patient_id, [i.view_position for i in r.images]) for r in records]
[('52000003', '12000045', ['AP'])]
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from medkg.datasets.rejects import ErrorPolicy, Rejects
from medkg.datasets.tabular import open_table, require_columns
from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.errors import ConfigError, InputFileError, ParseError

log = logging.getLogger(__name__)

METADATA_NAME = "mimic-cxr-2.0.0-metadata.csv"
SPLIT_NAME = "mimic-cxr-2.0.0-split.csv"
SPLITS = ("train", "validate", "test")
_IMAGE_SUFFIXES = (".jpg", ".dcm", ".png")


@dataclass(frozen=True, slots=True)
class _Image:
    dicom_id: str
    view: str
    metadata: dict[str, str]


def _find(root: Path, option: str | Path | None, name: str) -> Path | None:
    if option is None:
        return None
    if option != "auto":
        path = Path(option)
        if not path.is_file():
            raise InputFileError("file not found", path=path)
        return path
    for candidate in (root / name, root / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _load_splits(path: Path, policy: ErrorPolicy) -> dict[str, str]:
    table = open_table(path, format="csv")
    require_columns(table, ["dicom_id", "study_id", "split"])
    return {str(r.values["dicom_id"]).strip(): str(r.values["split"]).strip() for r in table.rows(policy)}


def _load_images(path: Path, splits: dict[str, str], policy: ErrorPolicy) -> dict[str, list[_Image]]:
    """study id → its images in file order."""
    table = open_table(path, format="csv")
    require_columns(table, ["dicom_id", "subject_id", "study_id", "ViewPosition"])
    out: dict[str, list[_Image]] = {}
    for row in table.rows(policy):
        v = row.values
        dicom_id, study = str(v["dicom_id"]).strip(), str(v["study_id"]).strip()
        meta = {"subject_id": str(v["subject_id"]).strip()}
        if dicom_id in splits:
            meta["split"] = splits[dicom_id]
        for column, key in (("StudyDate", "study_date"), ("ViewCodeSequence_CodeMeaning", "view_name")):
            if str(v.get(column) or "").strip():
                meta[key] = str(v[column]).strip()
        out.setdefault(study, []).append(_Image(dicom_id, str(v["ViewPosition"]).strip().upper(), meta))
    return out


def _sorted_dirs(path: Path, prefix: str) -> list[os.DirEntry[str]]:
    with os.scandir(path) as entries:
        return sorted((e for e in entries if e.name.startswith(prefix) and e.is_dir()), key=lambda e: e.name)


def _report_files(files: Path) -> Iterator[tuple[str, Path]]:
    """(subject id, report path) for every ``pXX/pSUBJECT/sSTUDY.txt``, in name order."""
    for group in _sorted_dirs(files, "p"):
        for subject in _sorted_dirs(Path(group.path), "p"):
            with os.scandir(subject.path) as entries:
                names = sorted(e.name for e in entries if e.name.startswith("s") and e.name.endswith(".txt"))
            for name in names:
                yield subject.name[1:], Path(subject.path) / name


def read_mimic_cxr(
    path: str | Path,
    *,
    split: str | None = None,
    metadata: str | Path | None = "auto",
    split_file: str | Path | None = "auto",
    images: str | Path | None = None,
    split_sections: bool = True,
    on_error: str = "raise",
    rejects: Rejects = None,
) -> Iterator[ReportRecord]:
    """Stream MIMIC-CXR studies as :class:`ReportRecord`, one per report file.

    Parameters
    ----------
    path:
        The dataset root (holding ``files/``), or the ``files/`` directory itself.
    split:
        Keep only studies whose images are in this split (``train``, ``validate``, ``test``).
    metadata, split_file:
        ``mimic-cxr-2.0.0-metadata.csv`` / ``-split.csv`` (``"auto"``: in the root, ``.gz`` or not).
        Without metadata the records have no images.
    images:
        Root of the image tree (``files/`` of MIMIC-CXR-JPG) when it is not ``path``.
    split_sections:
        Kept for compatibility; has no effect. Every record holds ``{"report": raw text}`` and
        extraction splits it at its headers (:func:`medkg.extract.sections.find_sections`, the one
        section splitter), including pseudo-headers and unheaded paragraphs. An empty report file is
        a record with no sections, not an error.
    on_error, rejects:
        See :class:`medkg.datasets.rejects.ErrorPolicy`.

    Returns
    -------
    Iterator[ReportRecord]
    """
    root = Path(path)
    files = root if root.name == "files" else root / "files"
    root = files.parent
    if not files.is_dir():
        raise InputFileError(
            "no files/ directory of reports",
            path=files,
            hint="pass the MIMIC-CXR root that holds files/p10/...",
        )
    if split is not None and split not in SPLITS:
        raise ConfigError(f"unknown split {split!r}", hint=f"use one of {SPLITS}")
    policy = ErrorPolicy(on_error, rejects)
    meta_path = _find(root, metadata, METADATA_NAME)
    split_path = _find(root, split_file, SPLIT_NAME)
    if split is not None and (meta_path is None or split_path is None):
        raise ConfigError(
            f"split={split!r} needs {METADATA_NAME} and {SPLIT_NAME}",
            path=root,
            hint="put both CSVs in the dataset root or pass metadata= and split_file=",
        )
    splits = _load_splits(split_path, policy) if split_path else {}
    studies = _load_images(meta_path, splits, policy) if meta_path else {}
    if meta_path is None:
        log.warning("%s: no %s; records will have no images", root, METADATA_NAME)
    image_root = Path(images) if images is not None else files
    return _records(files, studies, split, image_root, policy)


def _records(
    files: Path,
    studies: dict[str, list[_Image]],
    split: str | None,
    image_root: Path,
    policy: ErrorPolicy,
) -> Iterator[ReportRecord]:
    with policy:
        for subject, report in _report_files(files):
            study = report.stem[1:]
            found = studies.get(study, [])
            if split is not None and not any(i.metadata.get("split") == split for i in found):
                continue
            try:
                text = report.read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                policy.reject(
                    ParseError(
                        f"not valid UTF-8 at byte {exc.start}",
                        path=report,
                        record=study,
                        hint="MIMIC-CXR reports are UTF-8; the file may be damaged",
                    )
                )
                continue
            # the whole text: extraction finds its headers (medkg.extract.sections, the one splitter)
            sections = {"report": text} if text.strip() else {}
            stray = next((i for i in found if i.metadata["subject_id"] != subject), None)
            if stray is not None:
                policy.reject(
                    ParseError(
                        f"metadata gives subject {stray.metadata['subject_id']} for image {stray.dicom_id}, "
                        f"but the report lies under p{subject}",
                        path=report,
                        record=study,
                        hint="the metadata CSV does not belong to this report tree",
                    )
                )
                continue
            folder = image_root / report.parent.relative_to(files) / report.stem
            names = set(os.listdir(folder)) if folder.is_dir() else set()
            records = tuple(
                ImageRecord(
                    i.dicom_id, study, _image_path(folder, names, i.dicom_id), i.view or None, i.metadata
                )
                for i in found
            )
            yield ReportRecord(study, study, sections, subject, records, str(report))


def _image_path(folder: Path, names: set[str], dicom_id: str) -> str | None:
    return next((str(folder / (dicom_id + s)) for s in _IMAGE_SUFFIXES if dicom_id + s in names), None)
