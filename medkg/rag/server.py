"""A small OpenAI-compatible HTTP server around any generator (stdlib ``http.server``).

It answers ``POST /v1/chat/completions`` and ``GET /v1/models``, enough for
:class:`~medkg.rag.generators.openai_compat.OpenAICompatibleGenerator` and for other
OpenAI-style clients. A generator with a ``chat(messages, images, max_new_tokens)`` method (the
Hugging Face generator) gets the messages as sent, images decoded from ``data:`` URLs; any other
:class:`~medkg.rag.generators.base.Generator` gets the last user text as its question and no
facts. One request runs at a time (generation is not thread-safe). For local use and tests: no
TLS, and no authentication unless ``api_key`` is set.

Examples
--------
>>> from medkg.rag.generators import TemplateGenerator
>>> with ChatServer(TemplateGenerator(), model="template") as server:
...     server.url.startswith("http://127.0.0.1:")
True
"""

from __future__ import annotations

import base64
import io
import json
import logging
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024 * 1024


class RequestError(Exception):
    """A client error: answered with HTTP ``status`` and an OpenAI-style error body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return " ".join(
        p.get("text", "") for p in content or () if isinstance(p, dict) and p.get("type") == "text"
    )


def split_images(messages: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Any]]:
    """Messages with ``image_url`` parts turned into ``{"type": "image"}`` parts, and the decoded images.

    Only ``data:image/...;base64,`` URLs are accepted (the server never fetches a URL).
    """
    from PIL import Image

    images: list[Any] = []
    out = []
    for m in messages:
        if not isinstance(m, dict) or "role" not in m or "content" not in m:
            raise RequestError(400, "each message needs 'role' and 'content'")
        content = m["content"]
        if isinstance(content, list):
            parts = []
            for p in content:
                if isinstance(p, dict) and p.get("type") == "image_url":
                    url = (p.get("image_url") or {}).get("url", "")
                    if not url.startswith("data:image/") or ";base64," not in url:
                        raise RequestError(400, "only data:image/...;base64, image URLs are accepted")
                    try:
                        raw = base64.b64decode(url.split(";base64,", 1)[1], validate=True)
                        images.append(Image.open(io.BytesIO(raw)).convert("RGB"))
                    except (ValueError, OSError) as exc:
                        raise RequestError(400, f"undecodable image: {exc}") from exc
                    parts.append({"type": "image"})
                else:
                    parts.append(p)
            content = parts
        out.append({"role": m["role"], "content": content})
    return out, images


class ChatServer:
    """Serve ``generator`` at ``http://host:port/v1`` from a background thread.

    Parameters
    ----------
    generator:
        A Hugging Face generator (``chat`` method) or any Generator.
    host, port:
        Address to bind; port 0 picks a free port (see :attr:`url`).
    model:
        Model id reported by ``/v1/models`` and in responses (default: the generator's name).
    api_key:
        When set, requests must send ``Authorization: Bearer <api_key>`` (else HTTP 401).
    """

    def __init__(
        self,
        generator: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        model: str | None = None,
        api_key: str | None = None,
    ) -> None:
        self.generator = generator
        self.model = model or getattr(generator, "name", type(generator).__name__)
        self._api_key = api_key
        self._lock = threading.Lock()
        self._count = 0
        self._httpd = ThreadingHTTPServer((host, port), _handler(self))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL with ``/v1`` (what OpenAI-style clients call ``base_url``)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> ChatServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="medkg-chat", daemon=True)
        self._thread.start()
        log.info("serving %s at %s", self.model, self.url)
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> ChatServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request handling --------------------------------------------------------------------
    def authorised(self, header: str | None) -> bool:
        return self._api_key is None or header == f"Bearer {self._api_key}"

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        """The response body for one chat-completions request body."""
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise RequestError(400, "'messages' must be a non-empty list")
        limit = body.get("max_tokens", body.get("max_completion_tokens"))
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise RequestError(400, "'max_tokens' must be a positive integer")
        messages, images = split_images(messages)
        with self._lock:
            self._count += 1
            number = self._count
            if hasattr(self.generator, "chat"):
                out = self.generator.chat(messages, images, max_new_tokens=limit)
                text, finish = out.text, out.finish_reason
                usage = {"prompt_tokens": out.prompt_tokens, "completion_tokens": out.new_tokens}
            else:
                question = next(
                    (_text_of(m["content"]) for m in reversed(messages) if m["role"] == "user"), ""
                )
                text = self.generator.generate([], question, images[0] if images else None).text
                finish, usage = "stop", {"prompt_tokens": 0, "completion_tokens": 0}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        return {
            "id": f"chatcmpl-{number}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}
            ],
            "usage": usage,
        }


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            log.debug("%s %s", self.address_string(), format % args)

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str) -> None:
            kind = "invalid_request_error" if status < 500 else "server_error"
            self._send(status, {"error": {"message": message, "type": kind, "code": status}})

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            if self.path.rstrip("/") != "/v1/models":
                return self._error(404, f"no route {self.path}")
            if not server.authorised(self.headers.get("Authorization")):
                return self._error(401, "invalid or missing API key")
            self._send(200, {"object": "list", "data": [{"id": server.model, "object": "model"}]})

        def do_POST(self) -> None:  # noqa: N802 - stdlib name
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._error(404, f"no route {self.path}")
            if not server.authorised(self.headers.get("Authorization")):
                return self._error(401, "invalid or missing API key")
            try:
                size = int(self.headers.get("Content-Length") or 0)
                if size > MAX_BODY:
                    raise RequestError(413, f"request body over {MAX_BODY} bytes")
                try:
                    body = json.loads(self.rfile.read(size) or b"null")
                except ValueError as exc:
                    raise RequestError(400, f"request body is not JSON: {exc}") from exc
                if not isinstance(body, dict):
                    raise RequestError(400, "request body must be a JSON object")
                self._send(200, server.complete(body))
            except RequestError as exc:
                self._error(exc.status, str(exc))
            except Exception as exc:  # the generator failed: report it, keep serving
                log.exception("generation failed")
                self._error(500, f"generation failed: {type(exc).__name__}: {exc}")

    return Handler
