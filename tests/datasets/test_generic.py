import json
from pathlib import Path

import pytest

from medkg.datasets import read, read_generic
from medkg.errors import ConfigError, ParseError

CSV = "id,study,patient,findings,impression,images,view\n"


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def opts(**extra):
    return dict(
        id_column="id",
        text_columns=["findings", "impression"],
        image_column="images",
        study_column="study",
        patient_column="patient",
        view_column="view",
        **extra,
    )


def test_csv_columns_to_records(tmp_path):
    path = write(
        tmp_path / "r.csv",
        CSV + 'r1,s1,p1,"Clear lungs,\nno effusion.",Normal.,a/1.png;a/2.png,pa\nr2,s2,,,Cardiomegaly.,,\n',
    )
    one, two = read_generic(path, **opts())
    assert (one.report_id, one.study_id, one.patient_id) == ("r1", "s1", "p1")
    assert one.sections == {"findings": "Clear lungs,\nno effusion.", "impression": "Normal."}
    assert [(i.image_id, i.path, i.view_position, i.study_id) for i in one.images] == [
        ("a/1.png", str(tmp_path / "a/1.png"), "PA", "s1"),
        ("a/2.png", str(tmp_path / "a/2.png"), "PA", "s1"),
    ]
    assert one.source == f"{path}:2"
    assert (two.patient_id, two.sections, two.images, two.source) == (
        None,
        {"impression": "Cardiomegaly."},
        (),
        f"{path}:4",
    )


def test_jsonl_with_image_lists_and_recipe(tmp_path):
    rows = [
        {"id": 1, "report": "FINDINGS: Clear.", "images": ["x.dcm"], "extra": True},
        {"id": "2", "report": "IMPRESSION: Normal."},
    ]
    path = write(tmp_path / "r.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n\n")
    records = list(read("generic", path, text_columns=["report"], image_root="/img"))
    assert [(r.report_id, r.sections) for r in records] == [
        ("1", {"report": "FINDINGS: Clear."}),
        ("2", {"report": "IMPRESSION: Normal."}),
    ]
    records = list(read("generic", path, text_columns=["report"], image_column="images", on_error="skip"))
    assert [r.report_id for r in records] == ["1"]  # the second row has no "images" key
    write(path, json.dumps(rows[1]) + "\n")  # now the first record lacks the key: a column mapping error
    with pytest.raises(
        ConfigError, match=r"column\(s\) \['images'\] not found; the file has \['id', 'report'\]"
    ):
        list(
            read_generic(path, id_column="id", text_columns=["report"], image_column="images", format="jsonl")
        )


def test_missing_columns_named(tmp_path):
    path = write(tmp_path / "r.csv", "uid,text\n1,x\n")
    with pytest.raises(ConfigError) as info:
        read_generic(path, id_column="id", text_columns=["findings"])
    assert "column(s) ['id', 'findings'] not found; the file has ['uid', 'text']" in str(info.value)


def test_malformed_rows_raise_with_line_or_go_to_rejects(tmp_path):
    path = write(
        tmp_path / "r.csv", CSV + "r1,s1,,Clear.,Normal.,,\nr2,s2,too,many,fields,,,,\nr3,s3,,Ok.,,,\n"
    )
    with pytest.raises(ParseError, match="row has 9 fields, the header has 7") as info:
        list(read_generic(path, **opts()))
    assert (info.value.path, info.value.line) == (str(path), 3)
    rejects = tmp_path / "rejects.jsonl"
    assert [r.report_id for r in read_generic(path, **opts(on_error="skip", rejects=rejects))] == ["r1", "r3"]
    [entry] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert entry == {
        "path": str(path),
        "line": 3,
        "record": None,
        "message": "row has 9 fields, the header has 7",
    }


def test_non_utf8_bytes_named_by_line(tmp_path):
    path = write(tmp_path / "r.csv", CSV.encode() + b"r1,s1,,Clear.,,,\nr2,s2,,Caf\xe9 opacity.,,,\n")
    with pytest.raises(ParseError, match="not valid utf-8") as info:
        list(read_generic(path, **opts()))
    assert info.value.line == 3
    assert [r.report_id for r in read_generic(path, **opts(on_error="skip"))] == ["r1"]
    latin = list(read_generic(path, **opts(encoding="latin-1")))
    assert latin[1].sections["findings"] == "Café opacity."


def test_duplicate_ids(tmp_path):
    path = write(tmp_path / "r.csv", CSV + "r1,s1,,A.,,,\nr1,s1,,B.,,,\n")
    with pytest.raises(ParseError, match=r"duplicate report id \(first on line 2\)") as info:
        list(read_generic(path, **opts()))
    assert (info.value.line, info.value.record) == (3, "r1")
    seen = []
    records = list(read_generic(path, **opts(duplicates="skip", rejects=seen.append)))
    assert [r.sections["findings"] for r in records] == ["A."] and len(seen) == 1
    assert len(list(read_generic(path, **opts(duplicates="keep")))) == 2


def test_bad_json_lines(tmp_path):
    path = write(
        tmp_path / "r.jsonl", '{"id": "a", "report": "x"}\n{oops\n[1, 2]\n{"id": "", "report": "y"}\n'
    )
    with pytest.raises(ParseError, match="invalid JSON") as info:
        list(read_generic(path, id_column="id", text_columns=["report"]))
    assert info.value.line == 2
    seen = []
    records = list(
        read_generic(path, id_column="id", text_columns=["report"], on_error="skip", rejects=seen.append)
    )
    assert [r.report_id for r in records] == ["a"]
    assert [(e.line, e.message) for e in seen] == [
        (2, "invalid JSON: Expecting property name enclosed in double quotes"),
        (3, "a JSON list, not an object"),
        (4, "empty id in column 'id'"),
    ]


def test_options_checked(tmp_path):
    path = write(tmp_path / "r.csv", "id,findings\n1,x\n")
    with pytest.raises(ConfigError, match="text_columns"):
        read_generic(path, id_column="id", text_columns="findings")
    with pytest.raises(ConfigError, match="cannot tell the format"):
        read_generic(write(tmp_path / "r.dat", "x"), id_column="id", text_columns=["x"])
    with pytest.raises(ConfigError, match="bad options for reader 'generic'"):
        read("generic", path, colour="red")
