"""A client for OpenAI-compatible chat servers (vLLM, Ollama, llama.cpp, medkg's own server).

Only the standard library is used (``urllib``). The prompt is
:func:`~medkg.rag.prompts.build_prompt` as chat messages; an image is sent inline as a
``data:image/png;base64,`` URL part. Decoding is deterministic by default (``temperature=0``).
The API key goes only into the ``Authorization`` header: it is never logged nor shown in ``repr``.

Examples
--------
>>> gen = OpenAICompatibleGenerator("http://127.0.0.1:11434/v1", "llama3.2", api_key="sk-secret")
>>> gen
OpenAICompatibleGenerator(base_url='http://127.0.0.1:11434/v1', model='llama3.2', api_key=***)
>>> gen.endpoint
'http://127.0.0.1:11434/v1/chat/completions'
"""

from __future__ import annotations

import base64
import io
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from medkg.errors import RetrievalError
from medkg.rag.facts import Fact
from medkg.rag.generators.base import Generation
from medkg.rag.prompts import SYSTEM, build_prompt

log = logging.getLogger(__name__)


def image_data_url(image: Any) -> str:
    """A ``data:image/png;base64,...`` URL of a path, array, ImageData or PIL image."""
    from medkg.rag.generators.huggingface import _rgb_image

    buffer = io.BytesIO()
    _rgb_image(image).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class OpenAICompatibleGenerator:
    """Generate explanations with a model behind ``POST {base_url}/chat/completions``.

    Parameters
    ----------
    base_url:
        The server's base URL, with or without the trailing ``/v1``
        (``http://127.0.0.1:8000/v1`` and ``http://127.0.0.1:8000`` are the same).
    model:
        Model name sent with each request.
    api_key:
        Sent as ``Authorization: Bearer ...`` when given.
    timeout:
        Seconds to wait for a response.
    max_tokens, temperature:
        Generation settings sent with each request.
    style, system:
        Prompt style and system message (:func:`~medkg.rag.prompts.build_prompt`).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 120.0,
        *,
        max_tokens: int = 512,
        temperature: float = 0.0,
        style: str = "citations",
        system: str | None = SYSTEM,
    ) -> None:
        base = base_url.rstrip("/")
        self.base_url = base if base.endswith("/v1") else base + "/v1"
        self.model = model
        self._api_key = api_key
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.style = style
        self.system = system
        self.name = f"openai:{model}"

    def __repr__(self) -> str:
        key = "***" if self._api_key else "None"
        return f"{type(self).__name__}(base_url={self.base_url!r}, model={self.model!r}, api_key={key})"

    @property
    def endpoint(self) -> str:
        return self.base_url + "/chat/completions"

    def chat(self, messages: Sequence[dict[str, Any]], max_tokens: int | None = None) -> dict[str, Any]:
        """POST ``messages``; the server's JSON response (errors as :class:`RetrievalError`)."""
        body = {
            "model": self.model,
            "messages": list(messages),
            "max_tokens": max_tokens or self.max_tokens,
            "temperature": self.temperature,
        }
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(
            self.endpoint, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
        )
        log.debug("POST %s (model %s, %d messages)", self.endpoint, self.model, len(body["messages"]))
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = _error_detail(exc.read())
            raise RetrievalError(
                f"{self.endpoint} answered HTTP {exc.code}: {detail}",
                record=self.model,
                hint=_HINTS.get(exc.code, "check the server's log"),
            ) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RetrievalError(
                f"cannot reach {self.endpoint}: {reason}",
                hint="is the server running? check base_url (e.g. http://127.0.0.1:8000/v1) and timeout",
            ) from None
        try:
            return json.loads(raw)
        except ValueError:
            raise RetrievalError(
                f"{self.endpoint} did not return JSON: {raw[:200]!r}",
                hint="is base_url an OpenAI-compatible server?",
            ) from None

    def generate(self, facts: Sequence[Fact], question: str = "", image: Any = None) -> Generation:
        """Ask the server to explain ``facts`` (and ``image`` when given) in answer to ``question``."""
        messages = build_prompt(
            facts,
            question or "Explain the findings.",
            style=self.style,  # type: ignore[arg-type]
            output="messages",
            image=image is not None,
            system=self.system,
        )
        if image is not None:  # the image part as an inline data URL
            user = messages[-1]  # type: ignore[index]
            url = image_data_url(image)
            user["content"] = [
                {"type": "image_url", "image_url": {"url": url}} if p.get("type") == "image" else p
                for p in user["content"]
            ]
        response = self.chat(messages)  # type: ignore[arg-type]
        try:
            choice = response["choices"][0]
            text = choice["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise RetrievalError(
                f"{self.endpoint} returned JSON without choices[0].message.content: {str(response)[:200]}",
                hint="is base_url an OpenAI-compatible chat server?",
            ) from None
        metadata = {
            "finish_reason": choice.get("finish_reason"),
            "usage": response.get("usage", {}),
            "server_model": response.get("model"),
        }
        return Generation(str(text or "").strip(), tuple(facts), messages, self.name, metadata)


_HINTS = {
    401: "the server wants an API key: pass api_key=",
    403: "the API key is not allowed to use this model",
    404: "wrong base_url or model name",
    429: "rate limited: retry later",
}


def _error_detail(raw: bytes) -> str:
    """The ``error.message`` of an OpenAI-style error body, else the start of the body."""
    try:
        body = json.loads(raw)
        message = body.get("error", {}).get("message") if isinstance(body, dict) else None
        if message:
            return str(message)
    except ValueError:
        pass
    return raw[:200].decode("utf-8", "replace") or "(empty body)"


__all__ = ["OpenAICompatibleGenerator", "image_data_url"]
