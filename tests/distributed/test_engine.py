"""build_graph_dask on a real LocalCluster (2 worker processes) equals the local build (checksum)."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed")

from dask.distributed import Client, LocalCluster  # noqa: E402

from medkg.datasets.types import ImageRecord, ReportRecord  # noqa: E402
from medkg.distributed import ReaderSpec, build_graph_dask  # noqa: E402
from medkg.errors import ConfigError, GraphError, ParseError  # noqa: E402
from medkg.extract import default_extractor  # noqa: E402
from medkg.graph import GraphOptions, NafSettings, build_graph, checksum, naf  # noqa: E402
from medkg.store.ladybug import LadybugStore  # noqa: E402
from medkg.workflows import build_store_dask  # noqa: E402

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "openi" / "dev.csv"
COLUMNS = {
    "id_column": "id",
    "text_columns": ["findings", "impression"],
    "image_column": "images",
    "view_column": "view",
    "patient_column": "patient",
    "study_column": "study",
}


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with DEV.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))[:120]


def _records(rows: list[dict[str, str]]) -> list[ReportRecord]:
    """Open-i reports with two images each; every 5th study shares its patient, every 7th a study."""
    out = []
    for i, r in enumerate(rows):
        study = f"s{i - 1}" if i % 7 == 6 else f"s{i}"  # two reports of one study
        images = (
            ImageRecord(f"{r['uid']}-pa", study, None, "PA"),
            ImageRecord(f"{r['uid']}-lat", study, None, "LATERAL"),
        )
        sections = {k: r[k] for k in ("indication", "findings", "impression") if r[k]}
        out.append(ReportRecord(r["uid"], study, sections, f"p{i // 5}", images, f"dev.csv:{i + 2}"))
    return out


def _local(records, options=None):
    extractor = default_extractor()
    return build_graph(records, extractor, extractor.ontology, options)


def test_records_partitioned_equal_local_build(client, rows):
    records = _records(rows)
    local = _local(records)
    kg = build_graph_dask(records, None, None, client, partition_size=17)
    assert checksum(kg) == checksum(local)
    assert kg.counts() == local.counts()
    assert len(kg.reports) == 120 and len(kg.findings) > 500


def test_medmkg_options_and_ancestors_equal_local_build(client, rows):
    records = _records(rows)
    options = GraphOptions.medmkg(ontology_scope="ancestors", store_text=False)
    local = _local(records, options)
    kg = build_graph_dask(records, None, options, client, partition_size=40)
    assert checksum(kg) == checksum(local)
    assert all(r.text is None for r in kg.reports.values())


def test_repeated_report_in_later_partition_is_skipped_like_locally(client, rows):
    records = _records(rows[:30])
    again = replace(records[3], images=(ImageRecord("extra-image", records[3].study_id, None, "PA"),))
    records = [*records, again]  # same id and text, other image: the local build skips it whole
    kg = build_graph_dask(records, None, None, client, partition_size=10)
    assert checksum(kg) == checksum(_local(records))
    assert "extra-image" not in kg.images


def test_conflicting_report_id_is_a_graph_error(client, rows):
    records = _records(rows[:12])
    clash = replace(records[-1], report_id=records[0].report_id)
    with pytest.raises(GraphError) as err:
        build_graph_dask([*records, clash], None, None, client, partition_size=6)
    assert err.value.record == records[0].report_id
    assert "two different reports share this id" in str(err.value)


def _write_shard(path: Path, rows: list[dict[str, str]], bad_line: bool = False) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "findings", "impression", "images", "view", "patient", "study"])
        for i, r in enumerate(rows):
            w.writerow([r["uid"], r["findings"], r["impression"], f"{r['uid']}-a;{r['uid']}-b", "PA",
                        f"p{i % 9}", r["uid"]])
            if bad_line and i == 3:
                fh.write("broken,row\n")
    return path


def test_reader_spec_shards_read_by_workers_with_rejects(client, rows, tmp_path):
    shards = [
        _write_shard(tmp_path / "a.csv", rows[:40], bad_line=True),
        _write_shard(tmp_path / "b.csv", rows[40:80]),
        _write_shard(tmp_path / "c.csv", rows[80:120], bad_line=True),
    ]
    options = {**COLUMNS, "on_error": "skip"}
    local_rejects, dask_rejects = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    local = _local(ReaderSpec("generic", shards, {**options, "rejects": local_rejects}).records())
    spec = ReaderSpec("generic", shards, {**options, "rejects": dask_rejects})
    seen: list[int] = []
    kg = build_graph_dask(spec, None, None, client, progress=seen.append)
    assert checksum(kg) == checksum(local)
    assert seen == [40, 40, 40]
    assert dask_rejects.read_text() == local_rejects.read_text()
    entries = [json.loads(line) for line in dask_rejects.read_text().splitlines()]
    assert [(Path(e["path"]).name, e["line"]) for e in entries] == [("a.csv", 6), ("c.csv", 6)]


def test_reader_error_comes_back_typed_with_file_and_line(client, rows, tmp_path):
    shard = _write_shard(tmp_path / "bad.csv", rows[:8], bad_line=True)
    with pytest.raises(ParseError) as err:
        build_graph_dask(ReaderSpec("generic", [shard], COLUMNS), None, None, client)
    assert (Path(err.value.path).name, err.value.line) == ("bad.csv", 6)
    assert "row has 2 fields, the header has 7" in err.value.message


def test_store_via_scheduler_address_with_naf(client, rows, tmp_path):
    records = _records(rows[:60])
    local = _local(records)
    naf(local, settings=NafSettings())
    result = build_store_dask(
        records, tmp_path / "kg", naf_settings=NafSettings(), scheduler=client.scheduler.address,
        partition_size=25,
    )
    assert result.checksum == checksum(local)
    with LadybugStore(tmp_path / "kg") as store:
        assert checksum(store.read_graph()) == checksum(local)
    assert result.naf is not None and result.stats.nodes["Report"] == 60 and result.stats.naf_applied


def test_bad_scheduler_is_a_config_error():
    with pytest.raises(ConfigError, match="scheduler must be None, an address or a Client"):
        build_graph_dask([], None, None, 42)
