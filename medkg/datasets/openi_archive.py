"""The original Open-i report archive: one ``eCitation`` XML per report, read from the tar in place.

``NLMCXR_reports.tgz`` holds ``ecgen-radiology/<n>.xml``. Each report has ``uId`` (``CXR<n>``),
``AbstractText`` elements labelled ``COMPARISON``, ``INDICATION``, ``FINDINGS``, ``IMPRESSION``,
``MeSH`` terms (``major``: manual codes ``Head/qualifier/...``; ``automatic``: MTI terms) and one
``parentImage`` per image (id, ``caption``).

Examples
--------
>>> xml = b'<eCitation><uId id="CXR7"/><MedlineCitation><Article><Abstract>'
>>> xml += b'<AbstractText Label="FINDINGS">Clear lungs.</AbstractText></Abstract></Article>'
>>> xml += b'</MedlineCitation><MeSH><major>normal</major></MeSH>'
>>> xml += b'<parentImage id="CXR7_IM-0001-1001"><caption>PA</caption></parentImage></eCitation>'
>>> report = parse_report_xml(xml, "7.xml")
>>> report.uid, report.sections, report.mesh_major, report.images
('7', {'findings': 'Clear lungs.'}, ('normal',), (('CXR7_IM-0001-1001', 'PA'),))
"""

from __future__ import annotations

import gzip
import tarfile
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from medkg.datasets.rejects import ErrorPolicy
from medkg.errors import InputFileError, ParseError

#: Section order of every Open-i record (the Kaggle CSV's column order).
SECTION_ORDER = ("indication", "comparison", "findings", "impression")


@dataclass(frozen=True, slots=True)
class ArchiveReport:
    """What one report XML holds (text kept as written, sections lower-cased)."""

    uid: str  # the number: "1" for CXR1
    sections: dict[str, str]
    mesh_major: tuple[str, ...]
    mesh_automatic: tuple[str, ...]
    images: tuple[tuple[str, str], ...]  # (archive image id, caption)
    source: str


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def parse_report_xml(data: bytes, source: str) -> ArchiveReport:
    """Parse one report XML; raise :class:`ParseError` naming ``source`` when it is malformed."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ParseError(f"malformed XML: {exc}", path=source, hint="the archive may be damaged") from exc
    uid_el = root.find("uId")
    uid = (uid_el.get("id") or "") if uid_el is not None else ""
    if not uid.startswith("CXR") or not uid[3:].isdigit():
        raise ParseError(f"no report id (uId 'CXR<n>'), found {uid!r}", path=source)
    found: dict[str, str] = {}
    for el in root.iter("AbstractText"):
        label = (el.get("Label") or "").strip().lower()
        body = _text(el)
        if label and body:
            found[label] = f"{found[label]} {body}" if label in found else body
    order = [s for s in SECTION_ORDER if s in found] + [s for s in found if s not in SECTION_ORDER]
    mesh = root.find("MeSH")
    major = tuple(_text(e) for e in mesh.findall("major")) if mesh is not None else ()
    auto = tuple(_text(e) for e in mesh.findall("automatic")) if mesh is not None else ()
    images = tuple(
        (el.get("id") or "", _text(el.find("caption"))) for el in root.findall("parentImage") if el.get("id")
    )
    return ArchiveReport(uid[3:], {s: found[s] for s in order}, major, auto, images, source)


def iter_tar_members(path: Path, policy: ErrorPolicy) -> Iterator[tuple[str, bytes]]:
    """(member name, bytes) of every ``.xml`` member, streaming through the compressed tar."""
    last = "(start of archive)"
    try:
        with open(path, "rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
        # A gzip stream cut at a tar member boundary looks like a shorter, valid tar to tarfile's
        # streaming mode; reading the gzip stream to its end checks its trailer, so a truncated
        # archive is always reported instead of silently yielding fewer reports.
        stream = gzip.open(path, "rb") if gzipped else open(path, "rb")  # noqa: SIM115
        with stream, tarfile.open(fileobj=stream, mode="r|" if gzipped else "r|*") as tar:
            for member in tar:
                if not member.isfile() or not member.name.endswith(".xml"):
                    continue
                handle = tar.extractfile(member)
                if handle is None:
                    continue
                last = member.name
                yield member.name, handle.read()
            while stream.read(1 << 20):
                pass
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise InputFileError("archive not found", path=path) from exc
        policy.reject(
            ParseError(
                f"archive is truncated or damaged after member {last!r}: {exc}",
                path=path,
                record=last,
                hint="download the archive again (or reinstall torchxrayvision with --no-deps)",
            )
        )


def iter_xml_dir(path: Path) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of every ``*.xml`` in an extracted archive directory, in name order."""
    for file in sorted(path.glob("*.xml"), key=lambda p: (len(p.stem), p.stem)):
        yield str(file), file.read_bytes()


def iter_reports(
    members: Iterator[tuple[str, bytes]], source: Path, policy: ErrorPolicy
) -> Iterator[ArchiveReport]:
    """Parsed reports; malformed ones go to ``policy``; a repeated report id is an error."""
    seen: set[str] = set()
    for name, data in members:
        where = f"{source}!{name}" if source.is_file() else name
        try:
            report = parse_report_xml(data, where)
        except ParseError as exc:
            policy.reject(exc)
            continue
        if report.uid in seen:
            policy.reject(ParseError("duplicate report id", path=where, record=report.uid))
            continue
        seen.add(report.uid)
        yield report
