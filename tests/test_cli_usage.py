"""Usage errors on the command line: the usage line, one error line, exit code 2, never a traceback.

typer vendors click (``typer._click``) and raises that copy's exceptions; ``medkg.cli.main``
resolves the exception classes at run time, and these tests run against whatever typer is installed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer

from medkg.cli import app, click_exceptions, main


def _medkg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "medkg", *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["ontology", "stats", "PATH"], "Error: Got unexpected extra argument(s) (PATH)"),
        (["build", "--bogus"], "Error: No such option: --bogus"),
        (["nosuchcmd"], "Error: No such command 'nosuchcmd'."),
        (["eval", "nosuch"], "Error: No such command 'nosuch'."),
        (["label"], "Error: Missing argument 'input'."),
        (
            ["build", "openi", "--data", "d", "--out", "o", "--naf-k", "many"],
            "Error: Invalid value for '--naf-k'",
        ),
    ],
)
def test_usage_error_is_usage_line_and_one_error_line(args, error):
    proc = _medkg(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("Usage: ")
    assert [line for line in lines if line.startswith("Error: ")] == [lines[-1]]
    assert lines[-1].startswith(error)


def test_the_resolved_click_is_the_one_typer_raises():
    vendored = getattr(typer, "_click", None)
    expected = vendored.exceptions.ClickException if vendored is not None else None
    classes = click_exceptions()
    assert classes and (expected is None or expected in classes)


def _commands(group, path=()):
    for name, command in sorted(group.commands.items()):
        if getattr(command, "commands", None):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


def test_every_command_rejects_an_unknown_option_with_usage(capsys):
    commands = list(_commands(typer.main.get_command(app)))
    assert ("build",) in commands and ("eval", "labels") in commands and len(commands) > 20
    for path in commands:
        with pytest.raises(SystemExit) as stop:
            main([*path, "--bogus-option"])
        captured = capsys.readouterr()
        assert stop.value.code == 2, path
        assert "Usage: " in captured.err and "No such option: --bogus-option" in captured.err, path
        assert "Traceback" not in captured.err, path
