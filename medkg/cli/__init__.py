"""The ``medkg`` command line: a thin layer over the Python API.

Each stage has its own module here with a ``register(app)`` function; every command calls one
documented Python function that a notebook can call too.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from medkg import __version__
from medkg.errors import MedkgError

app = typer.Typer(
    name="medkg",
    help="Build multimodal medical knowledge graphs from radiology reports and ground explanations in them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: CLI modules, one per stage, in pipeline order.
_STAGES = ("ontology", "extract", "compare", "evaluate", "graph", "demo", "neo4j", "rag", "kge")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"medkg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details to stderr."),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


for _stage in _STAGES:
    importlib.import_module(f"medkg.cli.{_stage}").register(app)


def click_exceptions() -> tuple[type[BaseException], ...]:
    """The ``ClickException`` classes of the click that typer actually runs on.

    typer ≥ 0.19 vendors click as ``typer._click`` and raises its exceptions; older typer uses the
    standalone ``click`` package. Both are looked up at run time (whichever exist), so a usage
    error is caught whatever typer version is installed.
    """
    found: list[type[BaseException]] = []
    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        found.append(module.ClickException)
    return tuple(found)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``medkg`` script.

    Typed medkg errors become one ``error:`` line and exit code 2; usage errors (unknown command or
    option, stray or missing argument, bad value) print the usage line and one error line, exit 2.
    """
    usage_errors = click_exceptions()
    try:
        app(args=argv, standalone_mode=False)
    except MedkgError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except usage_errors as exc:
        exc.show()
        sys.exit(exc.exit_code)
