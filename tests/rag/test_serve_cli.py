"""`medkg serve` run for real as a subprocess (tiny model, free port), and `medkg explain --generator`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from medkg.cli import app
from medkg.errors import ConfigError, RetrievalError
from medkg.rag import HuggingFaceGenerator, OpenAICompatibleGenerator, TemplateGenerator
from medkg.rag.facts import Fact, Provenance
from medkg.rag.generators import generator_from_spec
from medkg.rag.server import ChatServer

os.environ["HF_HUB_OFFLINE"] = "1"
FACTS = [
    Fact(
        "C0018800",
        "Cardiomegaly",
        "CO_OCCURS_WITH",
        "C0032227",
        "Pleural effusion",
        1.0,
        Provenance(("r1",), 1),
    )
]
QUESTION = "What else may be seen?"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    pytest.importorskip("transformers")
    from medkg.testing.tiny_models import build_tiny_text_model

    return build_tiny_text_model(tmp_path_factory.mktemp("tiny") / "tiny-llama")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_medkg_serve_subprocess(tiny_model):
    port = _free_port()
    env = dict(os.environ, MEDKG_TEST_SERVE_KEY="s3cret-key", HF_HUB_OFFLINE="1")
    cmd = [
        sys.executable,
        "-m",
        "medkg",
        "serve",
        str(tiny_model),
        "--port",
        str(port),
        "--api-key-env",
        "MEDKG_TEST_SERVE_KEY",
        "--max-new-tokens",
        "8",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()  # printed once the server listens
        assert line == f"serving tiny-llama at http://127.0.0.1:{port}/v1 (API key required)\n", (
            line + proc.stderr.read() if proc.poll() is not None else line
        )
        url = f"http://127.0.0.1:{port}/v1"
        remote = OpenAICompatibleGenerator(url, "tiny-llama", api_key="s3cret-key", max_tokens=8)
        out = remote.generate(FACTS, QUESTION)
        local = HuggingFaceGenerator(tiny_model, max_new_tokens=8).generate(FACTS, QUESTION)
        assert out.text == local.text  # the same greedy model on both sides
        assert out.metadata["server_model"] == "tiny-llama"
        assert out.metadata["usage"]["completion_tokens"] == local.metadata["new_tokens"] <= 8
        with pytest.raises(RetrievalError, match="invalid or missing API key"):
            OpenAICompatibleGenerator(url, "tiny-llama", api_key="wrong", max_tokens=8).generate(
                FACTS, QUESTION
            )
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert rest == "stopped\n"
    assert "s3cret-key" not in rest + err  # the key is never printed nor logged
    with pytest.raises(ConnectionRefusedError):  # nothing listens any more
        socket.create_connection(("127.0.0.1", port), timeout=5)


def test_medkg_serve_needs_the_key_variable(tiny_model):
    env = {k: v for k, v in os.environ.items() if k != "MEDKG_UNSET_KEY"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "medkg",
            "serve",
            str(tiny_model),
            "--port",
            "0",
            "--api-key-env",
            "MEDKG_UNSET_KEY",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith(
        "environment variable MEDKG_UNSET_KEY is not set or empty "
        "(export MEDKG_UNSET_KEY=... or drop --api-key-env)"
    )


def test_generator_specs(tiny_model):
    assert isinstance(generator_from_spec("template"), TemplateGenerator)
    hf = generator_from_spec(f"hf:{tiny_model}", max_new_tokens=5)
    assert (type(hf).__name__, hf.path, hf.max_new_tokens) == ("HuggingFaceGenerator", tiny_model, 5)
    remote = generator_from_spec("openai:http://user@host:8000@my-model", api_key="k")
    assert (remote.base_url, remote.model, remote.name) == (
        "http://user@host:8000/v1",
        "my-model",
        "openai:my-model",
    )
    for bad in ("gpt", "hf:", "openai:http://x", "openai:@m", "openai:http://x@"):
        with pytest.raises(ConfigError, match="unknown generator"):
            generator_from_spec(bad)


@pytest.fixture()
def store_path(kg, tmp_path):
    from medkg.store.ladybug import LadybugStore

    with LadybugStore(tmp_path / "store", read_only=False) as s:
        s.write(kg)
    return tmp_path / "store"


def _explain(store_path, *extra: str):
    args = ["explain", "--store", str(store_path), "--concepts", "Cardiomegaly", "--k", "2", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_explain_with_each_generator(store_path, tiny_model):
    template = _explain(store_path)
    assert template[1:] == [
        "[1] Cardiomegaly suggestive of Atelectasis (1 report); reports ri3",
        "[2] Cardiomegaly co-occurs with Pleural effusion (2 reports); reports ri1, ri2",
    ]
    assert template == _explain(store_path, "--generator", "template")
    local = _explain(store_path, "--generator", f"hf:{tiny_model}", "--max-new-tokens", "6")
    with ChatServer(HuggingFaceGenerator(tiny_model, max_new_tokens=6), model="tiny") as server:
        remote = _explain(store_path, "--generator", f"openai:{server.url}@tiny", "--max-new-tokens", "6")
    assert remote == local  # the model's text, then the same numbered facts
    assert local[-2:] == template[1:]
    assert local[0] != template[0]
