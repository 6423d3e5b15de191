"""A generator from a one-word spec, as the CLI takes it: ``template``, ``hf:PATH``, ``openai:URL@MODEL``.

Examples
--------
>>> generator_from_spec("template").name
'template'
>>> generator_from_spec("openai:http://127.0.0.1:11434/v1@llama3.2")
OpenAICompatibleGenerator(base_url='http://127.0.0.1:11434/v1', model='llama3.2', api_key=None)
"""

from __future__ import annotations

from typing import Any

from medkg.errors import ConfigError
from medkg.rag.generators.template import TemplateGenerator
from medkg.spec import parse_spec

SPEC_HINT = "use template, hf:PATH (a local model directory) or openai:URL@MODEL"
#: Generator kinds and whether they take an argument (:func:`medkg.spec.parse_spec`).
GENERATOR_KINDS = {"template": False, "hf": True, "openai": True}


def generator_from_spec(spec: str, *, api_key: str | None = None, max_new_tokens: int = 256) -> Any:
    """The generator a spec names.

    Parameters
    ----------
    spec:
        ``"template"`` (the deterministic template explainer), ``"hf:PATH"`` (a local Hugging
        Face model directory, :class:`~medkg.rag.generators.huggingface.HuggingFaceGenerator`) or
        ``"openai:URL@MODEL"`` (an OpenAI-compatible server; the model name follows the last ``@``).
    api_key:
        API key for ``openai:`` (sent only in the ``Authorization`` header).
    max_new_tokens:
        Output cap for model generators.

    Returns
    -------
    Generator

    Examples
    --------
    >>> generator_from_spec("gpt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    medkg.errors.ConfigError: unknown generator 'gpt' (use template, hf:PATH (a local ...) or ...)
    """
    parsed = parse_spec(spec, GENERATOR_KINDS, what="generator", hint=SPEC_HINT)
    if parsed.kind == "template":
        return TemplateGenerator()
    if parsed.kind == "hf":
        from medkg.rag.generators.huggingface import HuggingFaceGenerator

        return HuggingFaceGenerator(parsed.argument, max_new_tokens=max_new_tokens)
    url, _, model = parsed.argument.rpartition("@")
    if not (url and model):
        raise ConfigError(f"unknown generator {spec!r}", hint=SPEC_HINT)
    from medkg.rag.generators.openai_compat import OpenAICompatibleGenerator

    return OpenAICompatibleGenerator(url, model, api_key=api_key, max_tokens=max_new_tokens)
