"""Bad input files: every reader ends in records or a typed medkg error naming the file (and line).

CSV/JSONL with random bytes, missing/extra columns and duplicate ids; truncated tar.gz archives;
corrupt PNG/DICOM; malformed RRF/OBO/OWL. With ``on_error="skip"`` a reader always finishes and
every skipped record names its file and line.
"""

from __future__ import annotations

import csv
import io
import tarfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medkg.datasets import read_generic, read_openi
from medkg.datasets.report_rows import iter_records
from medkg.errors import ConfigError, MedkgError, ParseError
from medkg.images.reading import read_image
from medkg.ontology import load

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
FIXTURES = REPO / "tests" / "ontology" / "fixtures"
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))

#: Lines of a report table: good rows, short/long rows, stray quotes, NUL, invalid UTF-8, JSON bits.
line_bytes = st.sampled_from(
    [b"r1,Clear lungs.,Normal.", b"r2,\"No effusion, no pneumothorax.\",Stable.", b"r3,only two",
     b"r4,a,b,c,d", b"\"unterminated,x,y", b"r5,\xff\xfe bad bytes,x", b"r6,\x00nul,x", b"", b",,",
     b"r1,duplicate id,x", b'{"id": "j1", "findings": "ok"}', b"{not json", b"[1, 2]",
     b"\xef\xbb\xbfr7,bom,x"]
) | st.binary(max_size=40)


def _lines_file(path: Path, header: bytes, lines: list[bytes]) -> Path:
    path.write_bytes(header + b"\n" + b"\n".join(lines) + b"\n")
    return path


def _consume(path: Path, **options) -> tuple[int, list[MedkgError]]:
    rejected: list[MedkgError] = []
    n = sum(1 for _ in read_generic(path, id_column="id", text_columns=["findings", "impression"],
                                     on_error="skip", rejects=rejected.append, **options))
    return n, rejected


@SETTINGS
@given(lines=st.lists(line_bytes, max_size=12))
def test_generic_csv_any_bytes_skip_finishes(tmp_path_factory, lines):
    path = _lines_file(tmp_path_factory.mktemp("csv") / "r.csv", b"id,findings,impression", lines)
    n, rejected = _consume(path, duplicates="skip")
    assert n + len(rejected) <= sum(line.count(b"\n") + 1 for line in lines) + 1  # a line may hold newlines
    assert all(e.path == str(path) and e.line and e.line >= 2 for e in rejected)
    try:  # the same file with on_error="raise": records or one typed error naming the file
        list(read_generic(path, id_column="id", text_columns=["findings", "impression"]))
    except MedkgError as exc:
        assert exc.path == str(path)


@SETTINGS
@given(lines=st.lists(line_bytes, max_size=12))
def test_generic_jsonl_any_bytes_skip_finishes(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("jsonl") / "r.jsonl"
    path.write_bytes(b'{"id": "a", "findings": "x", "impression": "y"}\n' + b"\n".join(lines) + b"\n")
    _, rejected = _consume(path, duplicates="keep")
    assert all(e.path == str(path) and e.line for e in rejected)


@SETTINGS
@given(lines=st.lists(line_bytes, max_size=12))
def test_extract_records_any_bytes(tmp_path_factory, lines):
    folder = tmp_path_factory.mktemp("rec")
    for name in ("r.csv", "r.jsonl"):
        path = _lines_file(folder / name, b"id,findings,impression", lines)
        for rec in iter_records(path, "id", ["findings", "impression"]):
            assert rec.line >= 1
            assert (rec.report is None) == (rec.error is not None)
            if rec.report is not None:
                assert all(isinstance(v, str) for v in rec.report.values()) and rec.id


def test_missing_extra_columns_and_duplicates(tmp_path):
    missing = _lines_file(tmp_path / "m.csv", b"id,findings", [b"r1,x"])
    with pytest.raises(ConfigError, match=r"column\(s\) \['impression'\] not found") as err:
        _consume(missing)
    assert err.value.path == str(missing)
    extra = _lines_file(tmp_path / "e.csv", b"id,findings,impression,extra", [b"r1,Clear.,Normal.,zzz"])
    assert _consume(extra) == (1, [])
    dup = _lines_file(tmp_path / "d.csv", b"id,findings,impression", [b"r1,a,b", b"r2,c,d", b"r1,e,f"])
    with pytest.raises(ParseError, match="duplicate report id") as err:
        list(read_generic(dup, id_column="id", text_columns=["findings", "impression"]))
    assert (err.value.record, err.value.line) == ("r1", 4)
    n, rejected = _consume(dup, duplicates="skip")
    assert n == 2 and [(e.record, e.line) for e in rejected] == [("r1", 4)]
    jsonl = tmp_path / "k.jsonl"
    jsonl.write_text('{"id": "a", "findings": "x", "impression": "y"}\n{"id": "b", "findings": "x"}\n')
    n, rejected = _consume(jsonl)
    assert n == 1 and rejected[0].line == 2 and "missing" in rejected[0].message


def _archive(path: Path, n: int = 12) -> Path:
    with open(SHARED / "openi" / "dev.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:n]
    with tarfile.open(path, "w:gz") as tar:
        for r in rows:
            xml = (
                f'<eCitation><uId id="CXR{r["uid"]}"/><MedlineCitation><Article><Abstract>'
                f'<AbstractText Label="FINDINGS">{r["findings"]}</AbstractText>'
                f'<AbstractText Label="IMPRESSION">{r["impression"]}</AbstractText>'
                f'</Abstract></Article></MedlineCitation><parentImage id="CXR{r["uid"]}_IM-1">'
                "<caption>PA</caption></parentImage></eCitation>"
            ).encode()
            info = tarfile.TarInfo(f"ecgen-radiology/{r['uid']}.xml")
            info.size = len(xml)
            tar.addfile(info, io.BytesIO(xml))
    return path


@pytest.fixture(scope="module")
def archive_bytes(tmp_path_factory) -> bytes:
    return _archive(tmp_path_factory.mktemp("tgz") / "NLMCXR_reports.tgz").read_bytes()


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(cut=st.floats(0.0, 0.999))
def test_truncated_archive_never_crashes(tmp_path_factory, archive_bytes, cut):
    path = tmp_path_factory.mktemp("cut") / "NLMCXR_reports.tgz"
    path.write_bytes(archive_bytes[: int(len(archive_bytes) * cut)])
    rejected: list[MedkgError] = []
    records = list(read_openi(path, on_error="skip", rejects=rejected.append))
    assert len(records) < 12
    assert all(str(path) in (e.path or "") for e in rejected)
    try:
        list(read_openi(path))
    except MedkgError as err:
        assert str(path) in (err.path or "")


def test_truncated_archive_is_always_reported(tmp_path, archive_bytes):
    silent = []
    for percent in range(1, 100):
        path = tmp_path / f"{percent}" / "NLMCXR_reports.tgz"
        path.parent.mkdir()
        path.write_bytes(archive_bytes[: len(archive_bytes) * percent // 100])
        rejected: list[MedkgError] = []
        list(read_openi(path, on_error="skip", rejects=rejected.append))
        if not rejected:
            silent.append(percent)
    assert silent == []


def _damaged(name: str, cut: float, flips: list[int], folder: Path) -> Path:
    data = bytearray((SHARED / "images" / name).read_bytes())
    for f in flips:
        data[f % len(data)] ^= 0x5A
    path = folder / name
    path.write_bytes(bytes(data[: max(1, int(len(data) * cut))]))
    return path


@pytest.mark.parametrize("name", ["00000001_000.png", "Fake_MONOHR1.dcm"])
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(cut=st.floats(0.0, 0.98), flips=st.lists(st.integers(0, 10**9), max_size=8))
def test_corrupt_images(tmp_path_factory, name, cut, flips):
    path = _damaged(name, cut, flips, tmp_path_factory.mktemp("img"))
    try:
        image = read_image(path)
    except MedkgError as exc:
        assert exc.path == str(path)
    else:
        assert image.pixels is not None


def test_dicom_wrong_element_length_is_a_parse_error(tmp_path):
    path = _damaged("Fake_MONOHR1.dcm", 0.5, [149], tmp_path)
    with pytest.raises(ParseError) as err:
        read_image(path)
    assert err.value.path == str(path)


def _mutate(text: str, cut: float, junk: str) -> str:
    lines = text.splitlines(keepends=True)
    at = int(len(lines) * cut)
    return "".join(lines[:at]) + junk + "".join(lines[at:])


junk_lines = st.sampled_from(
    ["C0000000|ENG|P\n", "|||\n", "[Term\n", "id HP:1\n", "name: x\n", "<owl:Class rdf:about=\n",
     "\x00\x01\n", "[Term]\nname: no id\n", "random: \"unterminated\n", ""]
) | st.text(max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(cut=st.floats(0, 1), junk=junk_lines, which=st.sampled_from(["rrf", "obo", "owl"]))
def test_malformed_ontology_sources(tmp_path_factory, cut, junk, which):
    folder = tmp_path_factory.mktemp("onto")
    if which == "rrf":
        src = folder / "meta"
        src.mkdir()
        for f in (FIXTURES / "meta").iterdir():
            text = f.read_text(encoding="utf-8")
            (src / f.name).write_text(_mutate(text, cut, junk) if f.name == "MRCONSO.RRF" else text)
        bad = src / "MRCONSO.RRF"
    elif which == "obo":
        head = (SHARED / "ontology-sources" / "hp_2025-01-16.obo").read_text(encoding="utf-8")[:6000]
        src = bad = folder / "hp.obo"
        src.write_text(_mutate(head[: head.rfind("\n[Term]")], cut, junk))
    else:
        src = bad = folder / "chest.owl"
        src.write_text(_mutate((FIXTURES / "chest.owl").read_text(encoding="utf-8"), cut, junk))
    try:
        onto = load(src, use_cache=False)
    except MedkgError as exc:
        assert exc.path is not None and Path(exc.path) in (bad, src)
    else:
        assert len(onto) >= 0
