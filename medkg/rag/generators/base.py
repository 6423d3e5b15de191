"""The generator interface and its result type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from medkg.rag.facts import Fact


@dataclass(frozen=True)
class Generation:
    """A generated explanation with the prompt and facts it was grounded in."""

    text: str
    facts: tuple[Fact, ...] = ()
    prompt: Any = None
    model: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    def _repr_html_(self) -> str:
        from medkg.rag.html import generation_html

        return generation_html(self)


@runtime_checkable
class Generator(Protocol):
    """Anything that turns facts and a question (and maybe an image) into text."""

    def generate(self, facts: Sequence[Fact], question: str = "", image: Any = None) -> Generation: ...
