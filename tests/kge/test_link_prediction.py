"""Train the four torch_geometric KGE models a few epochs on the real built graph."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from medkg.errors import ConfigError
from medkg.kge import MODELS, TrainConfig, link_prediction, triples_from_graph

pytest.importorskip("torch_geometric")


def _check_ranges(metrics, entities):
    for side in ("tail", "head", "both"):
        m = metrics[side]
        assert 1.0 <= m.mr <= entities
        assert 1.0 / entities <= m.mrr <= 1.0
        assert 0.0 <= m.hits1 <= m.hits3 <= m.hits10 <= 1.0
    assert metrics["both"].count == metrics["tail"].count + metrics["head"].count


@pytest.mark.parametrize("model", MODELS)
def test_models_train_and_rank(built_kg, model):
    ts = triples_from_graph(built_kg, naf_only=False)
    result = link_prediction(ts, TrainConfig(model, epochs=3, dim=8, batch_size=4, seed=0, device="cpu"))
    assert result.split_sizes == (16, 2, 2)
    assert (result.entities, result.relations) == (15, 5)
    assert len(result.train_log.losses) == 3 and all(math.isfinite(x) for x in result.train_log.losses)
    _check_ranges(result.test["filtered"], 15)
    _check_ranges(result.test["raw"], 15)
    assert result.test["filtered"]["tail"].count == 2
    for side in ("tail", "head"):  # filtering only removes competitors
        assert result.test["filtered"][side].mr <= result.test["raw"][side].mr


def test_same_seed_same_result(built_kg):
    ts = triples_from_graph(built_kg, naf_only=False)
    cfg = TrainConfig("TransE", epochs=4, dim=8, batch_size=4, seed=7, device="cpu")
    a, b = link_prediction(ts, cfg), link_prediction(ts, cfg)
    assert a.train_log.losses == b.train_log.losses
    assert a.as_dict()["test_metrics"] == b.as_dict()["test_metrics"]


def test_bad_config():
    with pytest.raises(ConfigError):
        TrainConfig("TuckER", epochs=1)
    with pytest.raises(ConfigError):
        TrainConfig("TransE", epochs=1, lr=0)


def test_cli_on_a_store_and_a_csv(built_kg, tmp_path):
    from medkg.cli import app
    from medkg.graph.export import export
    from medkg.store.ladybug import LadybugStore

    with LadybugStore(tmp_path / "store", read_only=False) as store:
        store.write(built_kg)
    runner = CliRunner()
    args = ["--model", "DistMult", "--epochs", "2", "--dim", "8", "--seed", "1", "--device", "cpu"]
    res = runner.invoke(app, ["kge", str(tmp_path / "store"), *args])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0] == "15 triples, 11 entities, 5 relations"
    out = json.loads(lines[-1])
    assert (out["model"], out["train"], out["valid"], out["test"]) == ("DistMult", 12, 1, 2)
    assert set(out["test_metrics"]["filtered"]) == {"tail", "head", "both"}
    export(built_kg, "medmkg-csv", tmp_path / "kg.csv")
    res_csv = runner.invoke(app, ["kge", str(tmp_path / "kg.csv"), *args, "--tail-only"])
    assert res_csv.exit_code == 0, res_csv.output
    out_csv = json.loads(res_csv.output.strip().splitlines()[-1])
    assert set(out_csv["test_metrics"]["filtered"]) == {"tail", "both"}
    assert out_csv["test_metrics"]["filtered"]["tail"] == out["test_metrics"]["filtered"]["tail"]
