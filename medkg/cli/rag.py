"""``medkg retrieve``, ``medkg explain`` and ``medkg serve``: retrieval-augmented explanations, and a
local model behind an OpenAI-compatible endpoint (``medkg eval rag`` is in :mod:`medkg.cli.evaluate`)."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

Store = Annotated[Path, typer.Option("--store", help="Embedded store directory (from `medkg build`).")]
Concepts = Annotated[str, typer.Option("--concepts", "-c", help="Comma-separated CUIs or concept names.")]
K = Annotated[str, typer.Option("--k", help="Number of facts, or 'adaptive'.")]
ApiKeyEnv = Annotated[
    str | None,
    typer.Option(
        "--api-key-env", help="Name of the environment variable holding the API key (never logged)."
    ),
]


def retrieve_cmd(
    store: Store,
    concepts: Concepts = "",
    question: Annotated[str, typer.Option("--question")] = "",
    image: Annotated[Path | None, typer.Option("--image")] = None,
    k: K = "7",
) -> None:
    """Ranked facts with provenance for concepts, a question and/or an image (one JSON per line)."""
    from medkg.rag.retriever import Retriever
    from medkg.store.ladybug import LadybugStore

    with LadybugStore(store) as s:
        facts = Retriever(s).retrieve(
            image=image, concepts=_split(concepts), question=question or None, k=_k(k)
        )
    for note in facts.notes:
        typer.echo(f"note: {note}", err=True)
    for n, f in enumerate(facts, 1):
        typer.echo(
            json.dumps(
                {
                    "n": n,
                    "head": f.head,
                    "head_name": f.head_name,
                    "relation": f.relation,
                    "tail": f.tail,
                    "tail_name": f.tail_name,
                    "score": round(f.score, 4),
                    "reports": list(f.provenance.report_ids),
                    "count": f.provenance.count,
                    "components": {name: round(v, 4) for name, v in f.components},
                }
            )
        )


def explain_cmd(
    store: Store,
    concepts: Concepts = "",
    question: Annotated[str, typer.Option("--question")] = "",
    image: Annotated[Path | None, typer.Option("--image")] = None,
    k: K = "7",
    prompt: Annotated[bool, typer.Option("--prompt", help="Print the citation prompt too.")] = False,
    generator: Annotated[
        str,
        typer.Option("--generator", help="template | hf:PATH (local model dir) | openai:URL@MODEL."),
    ] = "template",
    api_key_env: ApiKeyEnv = None,
    max_new_tokens: Annotated[int, typer.Option("--max-new-tokens", min=1)] = 256,
) -> None:
    """A cited explanation from retrieved facts (template by default; and the prompt with --prompt)."""
    from medkg.rag.explain import explain
    from medkg.rag.generators.spec import generator_from_spec
    from medkg.rag.retriever import Retriever
    from medkg.store.ladybug import LadybugStore

    gen = generator_from_spec(generator, api_key=_api_key(api_key_env), max_new_tokens=max_new_tokens)
    with LadybugStore(store) as s:
        out = explain(
            retriever=Retriever(s),
            concepts=_split(concepts),
            question=question,
            image=image,
            k=_k(k),
            generator=gen,
        )
    if prompt:
        typer.echo(out.prompt)
        typer.echo("")
    typer.echo(out.text)
    for n, f in enumerate(out.facts, 1):
        typer.echo(f"[{n}] {f.text()}; reports {', '.join(f.provenance.report_ids) or '-'}")


def serve_cmd(
    model_path: Annotated[Path, typer.Argument(help="Local Hugging Face model directory (save_pretrained).")],
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="0 picks a free port.")] = 8000,
    api_key_env: ApiKeyEnv = None,
    model: Annotated[str | None, typer.Option("--model", help="Model id (default: the folder name).")] = None,
    max_new_tokens: Annotated[int, typer.Option("--max-new-tokens", min=1)] = 256,
) -> None:
    """Serve a local model at http://HOST:PORT/v1 (/chat/completions, /models) until stopped.

    Requests must send "Authorization: Bearer KEY" when --api-key-env names a variable.
    Stop with Ctrl-C or SIGTERM.
    """
    from medkg.rag.generators.huggingface import HuggingFaceGenerator
    from medkg.rag.server import ChatServer

    key = _api_key(api_key_env)
    generator = HuggingFaceGenerator(model_path, max_new_tokens=max_new_tokens)
    server = ChatServer(generator, host=host, port=port, model=model or model_path.name, api_key=key)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server.start()
    typer.echo(f"serving {server.model} at {server.url}" + (" (API key required)" if key else ""))
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    typer.echo("stopped")


def _api_key(env: str | None) -> str | None:
    if env is None:
        return None
    value = os.environ.get(env, "")
    if not value:
        from medkg.errors import ConfigError

        raise ConfigError(
            f"environment variable {env} is not set or empty", hint=f"export {env}=... or drop --api-key-env"
        )
    return value


def _split(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def _k(value: str) -> int | str:
    return "adaptive" if value == "adaptive" else int(value)


def register(app: typer.Typer) -> None:
    """Add ``retrieve``, ``explain`` and ``serve``."""
    app.command("retrieve")(retrieve_cmd)
    app.command("explain")(explain_cmd)
    app.command("serve")(serve_cmd)
