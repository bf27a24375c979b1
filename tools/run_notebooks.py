"""Execute notebooks in place and store them with their outputs, as nbval will replay them.

    python tools/run_notebooks.py                 # the start page, every chapter, every exercise source
    python tools/run_notebooks.py chapters/02_common_activations.ipynb

Each notebook runs top to bottom in a fresh kernel, in its own folder (as nbval and JupyterLab run
it). A cell that raises stops the run, unless it carries the ``raises-exception`` tag. The stored
file is then normalised so that it is the same whoever stores it: no per-cell execution timings
and no interpreter version in ``language_info`` (the course's Jupyter server fills in the local
one, so nothing shows as modified on opening). ``--normalise-only`` rewrites the metadata without
executing anything.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
DEFAULT = ["index.ipynb", "chapters", "exercises/source"]
TIMEOUT = 600


def notebooks(targets: list[str]) -> list[Path]:
    found: list[Path] = []
    for target in targets:
        path = (REPO / target) if not Path(target).is_absolute() else Path(target)
        if path.is_dir():
            found.extend(sorted(path.glob("*.ipynb")))
        elif path.suffix == ".ipynb" and path.is_file():
            found.append(path)
        else:
            raise SystemExit(f"run_notebooks: {target} is neither a notebook nor a folder")
    return found


def normalise(nb: nbformat.NotebookNode) -> None:
    """Drop what depends on who stored the notebook, not on what it computes."""
    nb.metadata.get("language_info", {}).pop("version", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def execute(nb: nbformat.NotebookNode, folder: Path) -> None:
    from nbclient import NotebookClient

    NotebookClient(
        nb,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
        record_timing=False,
    ).execute()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", default=DEFAULT, help="notebooks or folders")
    parser.add_argument(
        "--normalise-only", action="store_true", help="rewrite the metadata, execute nothing"
    )
    args = parser.parse_args(argv)
    for path in notebooks(args.targets):
        nb = nbformat.read(path, as_version=4)
        start = time.monotonic()
        if not args.normalise_only:
            try:
                execute(nb, path.parent)
            except Exception as error:  # noqa: BLE001 - report which notebook, then stop
                print(f"{path.relative_to(REPO)}: {type(error).__name__}: {error}", file=sys.stderr)
                return 1
        normalise(nb)
        nbformat.write(nb, path)
        print(f"{path.relative_to(REPO)}: stored ({time.monotonic() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
