"""The course's JupyterLab: how ``actlab start`` (and ``make lab``) opens it.

The course runs a plain JupyterLab with a little configuration of its own, found through
``JUPYTER_CONFIG_PATH`` so that the learner's own settings and the environment's are left as they
are (``src/actlab/data/jupyter/``):

* no announcements pop-up and no update check;
* nbgrader's menus, sidebars and server extensions off, should the grading extra be installed in
  the same environment (they are for instructors; learners check their work with ``check()``);
* :class:`CourseContentsManager`, which shows each notebook with the ``language_info`` of the local
  Python kernel. JupyterLab writes the kernel's ``language_info`` into a notebook when the kernel
  starts, and marks the notebook as modified when the stored one differs, as it does whenever the
  learner's Python is another patch version than the one that stored the notebook.
"""

from __future__ import annotations

import copy
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

__all__ = ["CONFIG_DIR", "CourseContentsManager", "lab_command", "lab_environment"]

CONFIG_DIR = Path(__file__).resolve().parent / "data" / "jupyter"


@cache
def _kernel_language_info() -> dict[str, Any]:
    # The kernel is ipykernel on this interpreter (the server's own), so its reply is this dict.
    from ipykernel.ipkernel import IPythonKernel

    return dict(IPythonKernel.language_info)


def local_language_info(nb: dict[str, Any]) -> None:
    """Give a Python notebook the ``language_info`` its kernel will report; leave others alone."""
    metadata = nb.setdefault("metadata", {})
    stored = metadata.get("language_info") or {}
    if stored.get("name", "python") == "python" and (
        metadata.get("kernelspec", {}).get("language", "python") == "python"
    ):
        metadata["language_info"] = copy.deepcopy(_kernel_language_info())


class CourseContentsManager(AsyncLargeFileManager):
    """Jupyter Server's default contents manager, serving notebooks with the local kernel's
    ``language_info``, so that opening a chapter does not mark it as modified."""

    async def get(self, path: str, content: bool = True, **kwargs: Any) -> dict[str, Any]:
        model = await super().get(path, content=content, **kwargs)
        if model.get("type") == "notebook" and model.get("content"):
            local_language_info(model["content"])
        return model


def lab_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with the course's Jupyter configuration
    first on ``JUPYTER_CONFIG_PATH``."""
    env = dict(os.environ if base is None else base)
    paths = [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(CONFIG_DIR), *paths])
    return env


def lab_command(course: Path, *, port: int | None = None, open_path: str = "index.ipynb") -> list[str]:
    """The command that opens JupyterLab on ``course`` at ``open_path``."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={course}"]
    if port is not None:
        cmd.append(f"--port={port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # JupyterLab refuses root without it (containers, CI machines).
        cmd.append("--allow-root")
    cmd.append(open_path)
    return cmd
