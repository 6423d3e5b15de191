"""The JSON Lines gold files every ``medkg eval`` command reads: one object per line, errors named.

Examples
--------
>>> import pathlib
>>> _ = pathlib.Path("g.jsonl").write_text('{"uid": "a"}\\n\\n{"uid": "b"}\\n')
>>> [(line, obj["uid"]) for line, obj in json_lines("g.jsonl", "gold file", "pass a JSONL")]
[(1, 'a'), (3, 'b')]
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from medkg.errors import InputFileError, ParseError


def json_lines(path: str | os.PathLike[str], what: str, hint: str) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` of each non-blank line of a JSONL file.

    A missing file raises :class:`InputFileError` ("``what`` not found", with ``hint``); a line
    that is not JSON, or not a JSON object, raises :class:`ParseError` naming the file and line.
    """
    src = Path(path)
    if not src.is_file():
        raise InputFileError(f"{what} not found", path=src, hint=hint)
    with src.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ParseError(f"not JSON: {exc.msg}", path=src, line=n) from None
            if not isinstance(obj, dict):
                raise ParseError("a line is not a JSON object", path=src, line=n)
            yield n, obj


__all__ = ["json_lines"]
