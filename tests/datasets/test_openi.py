import gzip
import io
import tarfile
from pathlib import Path

import pytest

from medkg.datasets import read, read_openi
from medkg.datasets.openi import find_torchxrayvision_archive, find_torchxrayvision_file
from medkg.datasets.openi_views import image_stem, resolve_view
from medkg.errors import InputFileError, ParseError

FIXTURES = Path(__file__).parent / "fixtures"
ARCHIVE = find_torchxrayvision_archive()
needs_archive = pytest.mark.skipif(ARCHIVE is None, reason="pip install --no-deps torchxrayvision")


def report_xml(uid: int, findings: str, images: list[str], mesh: list[str] = ()) -> bytes:
    """A report in the archive's eCitation layout (our own text)."""
    parts = [
        f'<?xml version="1.0" encoding="utf-8"?><eCitation><uId id="CXR{uid}"/>',
        "<MedlineCitation><Article><Abstract>",
        '<AbstractText Label="COMPARISON">None.</AbstractText>',
        '<AbstractText Label="INDICATION">Chest pain.</AbstractText>',
        f'<AbstractText Label="FINDINGS">{findings}</AbstractText>',
        '<AbstractText Label="IMPRESSION"/>',
        "</Abstract></Article></MedlineCitation><MeSH>",
    ]
    parts += [f"<major>{m}</major>" for m in mesh] + ["<automatic>effusion</automatic></MeSH>"]
    parts += [
        f'<parentImage id="{i}"><caption>Xray Chest PA and Lateral</caption></parentImage>' for i in images
    ]
    return ("".join(parts) + "</eCitation>").encode()


def write_tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def small_archive(tmp_path):
    return write_tar(
        tmp_path / "NLMCXR_reports.tgz",
        {
            "ecgen-radiology/1.xml": report_xml(
                1,
                "Small left effusion.",
                ["CXR1_1_IM-0001-3001", "CXR1_1_IM-0001-4001"],
                ["Pleural Effusion/left/small", "Cardiomegaly"],
            ),
            "ecgen-radiology/2.xml": report_xml(2, "Clear lungs.", ["CXR2_IM-0652-1001"], ["normal"]),
        },
    )


def test_archive_in_real_layout(small_archive):
    records = list(read_openi(small_archive))
    assert [r.report_id for r in records] == ["1", "2"]
    first = records[0]
    assert first.study_id == "1" and first.patient_id is None
    assert first.sections == {
        "indication": "Chest pain.",
        "comparison": "None.",
        "findings": "Small left effusion.",
    }
    assert first.metadata == {
        "mesh": "Pleural Effusion/left/small;Cardiomegaly",
        "problems": "Pleural Effusion;Cardiomegaly",
        "mesh_automatic": "effusion",
    }
    assert [i.image_id for i in first.images] == ["CXR1_IM-0001-3001", "CXR1_IM-0001-4001"]
    assert first.images[0].metadata["openi_image_id"] == "CXR1_1_IM-0001-3001"
    assert first.images[0].view_position is None and first.images[0].path is None
    assert first.source == f"{small_archive}!ecgen-radiology/1.xml"


def test_views_joined_from_dicom_metadata_and_projections(small_archive, tmp_path):
    with gzip.open(tmp_path / "nlmcxr_dicom_metadata.csv.gz", "wt") as f:
        f.write(
            "imageid,filename,View Position,Acquisition Device Processing Code,Modality,Rows,Columns\n"
            "CXR1_IM-0001-3001,./1_IM-0001-3001.dcm,PA,60003,CR,2048,2500\n"
            "CXR1_IM-0001-4001,./1_IM-0001-4001.dcm,PA,60025,CR,2500,2048\n"
            "CXR2_IM-0652-1001,./2_IM-0652-1001.dcm,,,CR,2500,2048\n"
        )
    first, second = read_openi(small_archive)
    # 60003 is the lateral processing menu: the PA tag is overruled
    assert [(i.view_position, i.metadata["view_source"]) for i in first.images] == [
        ("LATERAL", "dicom"),
        ("PA", "dicom"),
    ]
    assert first.images[0].metadata["dicom_view_position"] == "PA"
    assert second.images[0].view_position is None
    (tmp_path / "indiana_projections.csv").write_text(
        "uid,filename,projection\n2,2_IM-0652-1001.dcm.png,Frontal\n1,1_IM-0001-4001.dcm.png,Lateral\n"
    )
    first, second = read_openi(small_archive)
    assert [i.view_position for i in first.images] == ["LATERAL", "LATERAL"]
    assert (second.images[0].view_position, second.images[0].metadata["view_source"]) == (
        "FRONTAL",
        "projections",
    )
    first, _ = read_openi(small_archive, projections=None, dicom_metadata=None)
    assert [i.view_position for i in first.images] == [None, None]


def test_image_paths_found_in_image_directory(small_archive, tmp_path):
    folder = tmp_path / "png"
    folder.mkdir()
    (folder / "CXR1_1_IM-0001-3001.png").write_bytes(b"")  # NLM's PNG archive naming
    (folder / "2_IM-0652-1001.dcm.png").write_bytes(b"")  # Kaggle naming
    first, second = read_openi(small_archive, images=folder)
    assert [i.path for i in first.images] == [str(folder / "CXR1_1_IM-0001-3001.png"), None]
    assert second.images[0].path == str(folder / "2_IM-0652-1001.dcm.png")


def test_extracted_directory_reads_like_the_archive(small_archive, tmp_path):
    out = tmp_path / "extracted"
    with tarfile.open(small_archive) as tar:
        tar.extractall(out, filter="data")
    assert [r.sections for r in read_openi(out)] == [r.sections for r in read_openi(small_archive)]


def test_truncated_archive_raises_or_stops(small_archive, tmp_path):
    data = small_archive.read_bytes()
    cut = write_tar(
        tmp_path / "big.tgz",
        {f"ecgen-radiology/{n}.xml": report_xml(n, "Clear " * 400, []) for n in range(1, 40)},
    )
    broken = tmp_path / "broken.tgz"
    broken.write_bytes(cut.read_bytes()[: len(cut.read_bytes()) // 2])
    with pytest.raises(ParseError, match="truncated or damaged") as info:
        list(read_openi(broken))
    assert info.value.path == str(broken)
    rejected = []
    records = list(read_openi(broken, on_error="skip", rejects=rejected.append))
    assert 0 < len(records) < 39 and len(rejected) == 1
    garbage = tmp_path / "garbage.tgz"
    garbage.write_bytes(data[:10])
    with pytest.raises(ParseError):
        list(read_openi(garbage))


def test_malformed_xml_and_duplicates(tmp_path):
    path = write_tar(
        tmp_path / "a.tgz",
        {
            "r/1.xml": report_xml(1, "Clear.", []),
            "r/2.xml": b"<eCitation><uId id='CXR2'/>",
            "r/3.xml": report_xml(1, "Again.", []),
        },
    )
    with pytest.raises(ParseError, match="malformed XML") as info:
        list(read_openi(path))
    assert info.value.path == f"{path}!r/2.xml"
    rejects = tmp_path / "rejects.jsonl"
    assert [r.report_id for r in read_openi(path, on_error="skip", rejects=rejects)] == ["1"]
    assert len(rejects.read_text().splitlines()) == 2
    assert '"message": "duplicate report id"' in rejects.read_text()


def test_kaggle_csv_with_projections():
    records = list(read("openi", FIXTURES / "openi_kaggle"))
    assert [r.report_id for r in records] == ["1", "2", "3"]
    two = records[1]
    assert two.sections["impression"] == "Mild cardiomegaly.\nSmall left effusion."
    assert two.metadata == {
        "mesh": "Cardiomegaly/mild;Pleural Effusion/left/small",
        "problems": "Cardiomegaly;Pleural Effusion",
    }
    assert [(i.image_id, i.view_position, i.is_frontal) for i in two.images] == [
        ("CXR2_IM-0652-1001", "FRONTAL", True),
        ("CXR2_IM-0652-2001", "LATERAL", False),
    ]
    assert records[2].sections == {"indication": "Cough.", "impression": "Lungs are clear."}
    assert records[2].images == ()
    assert records[0].source.endswith("indiana_reports.csv:2")


def test_kaggle_csv_without_the_caption_column(tmp_path):
    # a split such as medkg's dev.csv keeps uid, sections, MeSH and Problems but not "image"
    import csv

    src = FIXTURES / "openi_kaggle"
    with (src / "indiana_reports.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    with (tmp_path / "dev.csv").open("w", newline="") as fh:
        fields = [f for f in rows[0] if f != "image"]
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    (tmp_path / "indiana_projections.csv").write_bytes((src / "indiana_projections.csv").read_bytes())
    records = list(read_openi(tmp_path / "dev.csv"))
    assert [r.report_id for r in records] == ["1", "2", "3"]
    assert [i.image_id for i in records[1].images] == ["CXR2_IM-0652-1001", "CXR2_IM-0652-2001"]
    assert all("caption" not in i.metadata for r in records for i in r.images)


def test_kaggle_missing_columns(tmp_path):
    bad = tmp_path / "indiana_reports.csv"
    bad.write_text("uid,findings\n1,Clear.\n")
    with pytest.raises(Exception, match=r"not found; the file has \['uid', 'findings'\]"):
        list(read_openi(bad))


def test_missing_input():
    with pytest.raises(InputFileError):
        read_openi("/nonexistent/NLMCXR_reports.tgz")


def test_image_stem_and_view_rules():
    assert image_stem("CXR1_1_IM-0001-3001") == "1_IM-0001-3001"
    assert image_stem("CXR3809_IM-1919-1003002") == "3809_IM-1919-1003002"
    assert resolve_view("AP", "frontal") == "AP"
    assert resolve_view("LL", "frontal") == "FRONTAL"
    assert resolve_view("", None) is None


@pytest.fixture(scope="module")
def archive_records():
    return list(read("openi", "torchxrayvision"))


@needs_archive
def test_torchxrayvision_archive_counts_and_known_report(archive_records):
    assert ARCHIVE.name == "NLMCXR_reports.tgz"
    assert find_torchxrayvision_file("nlmcxr_dicom_metadata.csv.gz") is not None
    records = archive_records
    assert len(records) == 3955
    assert sum(len(r.images) for r in records) == 7470
    assert sum(1 for r in records if not r.images) == 104
    by_id = {r.report_id: r for r in records}
    one = by_id["1"]
    assert list(one.sections) == ["indication", "comparison", "findings", "impression"]
    assert one.sections["indication"] == "Positive TB test"
    assert one.metadata["mesh"] == "normal"
    assert [(i.image_id, i.view_position) for i in one.images] == [
        ("CXR1_IM-0001-3001", "LATERAL"),
        ("CXR1_IM-0001-4001", "PA"),
    ]
    thousand = by_id["1000"]
    assert thousand.metadata["mesh"].split(";")[0] == "Opacity/lung/upper lobe/right"
    assert [i.image_id for i in thousand.images] == [
        "CXR1000_IM-0003-1001",
        "CXR1000_IM-0003-2001",
        "CXR1000_IM-0003-3001",
    ]


@needs_archive
def test_archive_matches_shared_dev_csv(openi_dev, archive_records):
    import pandas as pd

    dev = pd.read_csv(openi_dev, keep_default_na=False, dtype=str)
    by_id = {r.report_id: r for r in read_openi("torchxrayvision")}

    # dev.csv keeps the archive's stray spaces ("Technical Quality of Image Unsatisfactory ",
    # "Subcutaneous  Emphysema"); the reader normalises white space
    def norm(codes: str) -> str:
        return ";".join(" ".join(c.split()) for c in codes.split(";"))

    assert sum(by_id[u].metadata["mesh"] == m for u, m in zip(dev.uid, dev.MeSH, strict=True)) == 976
    assert all(by_id[u].metadata["mesh"] == norm(m) for u, m in zip(dev.uid, dev.MeSH, strict=True))
    assert all(by_id[u].metadata["problems"] == norm(p) for u, p in zip(dev.uid, dev.Problems, strict=True))
    same = sum(by_id[u].sections.get("findings", "") == f for u, f in zip(dev.uid, dev.findings, strict=True))
    assert same == 1000


@needs_archive
def test_archive_views_against_shared_projections(shared_dir, archive_records):
    projections = shared_dir / "data" / "openi" / "indiana_projections.csv"
    views = [
        i.view_position for r in read_openi("torchxrayvision", projections=projections) for i in r.images
    ]
    assert len(views) == 7470
    assert sum(v is None for v in views) == 1
    truth = {
        line.split(",")[1].removesuffix(".dcm.png"): line.strip().split(",")[2]
        for line in projections.read_text().splitlines()[1:]
    }
    guessed = [
        (truth.get(i.image_id[3:]), i.is_frontal)
        for r in read_openi("torchxrayvision")
        for i in r.images
        if i.view_position is not None
    ]
    agree = sum((t == "Frontal") == f for t, f in guessed if t is not None)
    assert (agree, len(guessed)) == (6204, 6266)
