"""Where ``flask --app forum bench-seed`` comes from.

The command builds a large community for the benchmarks; it is a developer tool, kept beside them
in ``bench/benchseed.py`` of a repository checkout, not in the installed package. Nothing here
imports it until the app's commands are registered, and then only when ``bench/`` can be imported:
from the checkout's folder (``flask --app forum`` puts the current folder on the path), or from the
checkout this ``forum`` package itself was loaded from (an editable install). An installed site
has no ``bench/``: there ``bench-seed`` is left out of ``flask --help`` and says where it lives.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

#: The checkout this package sits in, when it sits in one.
_CHECKOUT = Path(__file__).resolve().parent.parent


def bench_command() -> click.Command | None:
    """``bench-seed`` from ``bench/benchseed.py``, or None where there is no ``bench/``."""
    try:
        return importlib.import_module("bench.benchseed").bench_seed
    except ModuleNotFoundError as error:
        if error.name not in ("bench", "bench.benchseed"):
            raise  # bench/ is there but something it needs is not: say so
    if not (_CHECKOUT / "bench" / "benchseed.py").is_file():
        return None
    sys.path.append(str(_CHECKOUT))  # last, so that it shadows nothing installed
    return importlib.import_module("bench.benchseed").bench_seed


@click.command("bench-seed", hidden=True, context_settings={"ignore_unknown_options": True})
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def _not_here(arguments: tuple[str, ...]) -> None:
    """bench-seed lives in a repository checkout's bench/ folder."""
    raise click.ClickException(
        "bench-seed is a developer tool in the bench/ folder of a Kindred repository checkout: "
        "run `flask --app forum bench-seed` from the checkout's folder."
    )


def __getattr__(name: str) -> click.Command:
    # ``from forum.benchseed import bench_seed`` (forum/cli.py registers it with the others).
    if name == "bench_seed":
        return bench_command() or _not_here
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
