"""One grammar for the short specs the CLI and the library take: ``KIND`` or ``KIND:ARGUMENT``.

Image encoders (``none``, ``pixel-stats``, ``pixel-stats-16x16-h32``, ``hf:PATH``) and generators
(``template``, ``hf:PATH``, ``openai:URL@MODEL``) are both named this way; each family lists its
kinds and whether they take an argument, and this module splits and checks the string.

Examples
--------
>>> parse_spec("hf:/models/vit", {"hf": True, "none": False}, what="image encoder")
Spec(kind='hf', argument='/models/vit')
>>> parse_spec("clip", {"hf": True, "none": False}, what="image encoder", hint="use none or hf:PATH")
Traceback (most recent call last):
...
medkg.errors.ConfigError: unknown image encoder 'clip' (use none or hf:PATH)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from medkg.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Spec:
    """A parsed spec: its kind and the text after the first ``:`` (empty when none)."""

    kind: str
    argument: str = ""


def parse_spec(text: str, kinds: Mapping[str, bool], *, what: str, hint: str | None = None) -> Spec:
    """Split ``text`` at its first ``:`` and check it against ``kinds`` (kind → needs an argument).

    Raises
    ------
    ConfigError
        Unknown kind, a missing argument, or an argument given to a kind that takes none.
    """
    kind, colon, argument = text.partition(":")
    needs = kinds.get(kind)
    if needs is None or (needs and not argument) or (not needs and colon):
        options = ", ".join(f"{k}:..." if arg else k for k, arg in kinds.items())
        raise ConfigError(f"unknown {what} {text!r}", hint=hint or f"use {options}")
    return Spec(kind, argument)
