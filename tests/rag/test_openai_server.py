"""OpenAICompatibleGenerator against a real local HTTP server (medkg.rag.server) on a free port."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from medkg.errors import RetrievalError
from medkg.rag.facts import Fact, Provenance
from medkg.rag.generators import OpenAICompatibleGenerator, TemplateGenerator
from medkg.rag.server import ChatServer

os.environ["HF_HUB_OFFLINE"] = "1"

FACTS = [
    Fact(
        "C0018800",
        "Cardiomegaly",
        "CO_OCCURS_WITH",
        "C0032227",
        "Pleural effusion",
        provenance=Provenance(("r1",), 1),
    )
]
QUESTION = "What else may be seen?"


@pytest.fixture(scope="module")
def hf(tmp_path_factory):
    pytest.importorskip("transformers")
    from medkg.rag.generators import HuggingFaceGenerator
    from medkg.testing.tiny_models import build_tiny_image_text_model, build_tiny_text_model

    root = tmp_path_factory.mktemp("tiny")
    return {
        "text": HuggingFaceGenerator(build_tiny_text_model(root / "text"), max_new_tokens=10),
        "vision": HuggingFaceGenerator(build_tiny_image_text_model(root / "vision"), max_new_tokens=6),
    }


def test_client_matches_the_model_served(hf):
    with ChatServer(hf["text"], model="tiny-llama") as server:
        client = OpenAICompatibleGenerator(server.url, "tiny-llama", max_tokens=10)
        remote = client.generate(FACTS, QUESTION)
        again = client.generate(FACTS, QUESTION)
    local = hf["text"].generate(FACTS, QUESTION)
    assert remote.text == again.text == local.text  # same messages, same template, greedy
    assert remote.metadata["server_model"] == "tiny-llama"
    assert remote.metadata["finish_reason"] == local.metadata["finish_reason"]
    usage = remote.metadata["usage"]
    assert usage["prompt_tokens"] == local.metadata["prompt_tokens"]
    assert usage["completion_tokens"] == local.metadata["new_tokens"] <= 10
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert remote.prompt[-1]["content"].startswith("Facts from the knowledge graph:\n[1] Cardiomegaly")


def test_max_tokens_is_honoured(hf):
    with ChatServer(hf["text"]) as server:
        client = OpenAICompatibleGenerator(server.url.removesuffix("/v1"), "m", max_tokens=2)
        out = client.generate(FACTS, QUESTION)
    assert out.metadata["usage"]["completion_tokens"] <= 2
    assert len(out.text.split()) <= 2


def test_image_is_sent_inline(hf, shared_dir):
    image = shared_dir / "data" / "images" / "00027426_000.png"
    with ChatServer(hf["vision"]) as server:
        remote = OpenAICompatibleGenerator(server.url, "tiny-llava", max_tokens=6).generate(
            FACTS, QUESTION, image
        )
    local = hf["vision"].generate(FACTS, QUESTION, image=image)
    assert remote.text == local.text  # the PNG round trip is lossless
    assert remote.metadata["usage"]["prompt_tokens"] == local.metadata["prompt_tokens"]
    part = remote.prompt[-1]["content"][0]
    assert part["type"] == "image_url" and part["image_url"]["url"].startswith("data:image/png;base64,")


def test_any_generator_behind_the_server():
    with ChatServer(TemplateGenerator(), model="template") as server:
        out = OpenAICompatibleGenerator(server.url, "template").generate(FACTS, QUESTION)
    assert out.text == "The knowledge graph holds no facts for this case."  # facts are not sent as facts


def test_api_key_required_and_never_logged(caplog):
    secret = "sk-medkg-test-0123456789"
    with caplog.at_level(logging.DEBUG), ChatServer(TemplateGenerator(), api_key=secret) as server:
        with pytest.raises(RetrievalError, match="HTTP 401: invalid or missing API key") as err:
            OpenAICompatibleGenerator(server.url, "m").generate(FACTS, QUESTION)
        assert "pass api_key=" in str(err.value)
        wrong = OpenAICompatibleGenerator(server.url, "m", api_key="sk-wrong")
        with pytest.raises(RetrievalError, match="HTTP 401"):
            wrong.generate(FACTS, QUESTION)
        good = OpenAICompatibleGenerator(server.url, "m", api_key=secret)
        assert good.generate(FACTS, QUESTION).text.startswith("The knowledge graph holds no facts")
    assert secret not in caplog.text and "sk-wrong" not in caplog.text
    assert secret not in repr(good) and "api_key=***" in repr(good)


def test_connection_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = OpenAICompatibleGenerator(f"http://127.0.0.1:{port}/v1", "m", timeout=5)
    with pytest.raises(RetrievalError, match=rf"cannot reach http://127.0.0.1:{port}/v1/chat/completions"):
        client.generate(FACTS, QUESTION)


class Broken:
    name = "broken"

    def generate(self, facts, question="", image=None):
        raise RuntimeError("out of memory")


def test_http_500_names_the_failure():
    with ChatServer(Broken()) as server:
        client = OpenAICompatibleGenerator(server.url, "broken")
        with pytest.raises(RetrievalError, match="HTTP 500: generation failed: RuntimeError: out of memory"):
            client.generate(FACTS, QUESTION)
        with pytest.raises(RetrievalError, match="HTTP 400: 'messages' must be a non-empty list"):
            client.chat([])


def _plain_server(body: bytes, content_type: str = "text/html"):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>not an API</html>", "did not return JSON: b'<html>not an API</html>'"),
        (json.dumps({"object": "list"}).encode(), "returned JSON without choices"),
    ],
)
def test_bad_responses(body, message):
    httpd = _plain_server(body)
    try:
        client = OpenAICompatibleGenerator(f"http://127.0.0.1:{httpd.server_address[1]}", "m")
        with pytest.raises(RetrievalError, match=message.replace("(", r"\(")):
            client.generate(FACTS, QUESTION)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_models_route():
    import urllib.request

    with ChatServer(TemplateGenerator(), model="template") as server:
        with urllib.request.urlopen(server.url + "/models", timeout=5) as r:
            assert json.loads(r.read()) == {"object": "list", "data": [{"id": "template", "object": "model"}]}
