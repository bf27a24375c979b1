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

**The interface language** (``actlab start --lang zh``, ``make lab-zh``). JupyterLab reads its
language from the setting ``locale`` of ``@jupyterlab/translation-extension:plugin``, and shows
Chinese once ``jupyterlab-language-pack-zh-CN`` is installed (a dependency of the course). Its
settings come in layers: the schema's default; the defaults that ``default_setting_overrides.json``
files change (in the ``labconfig`` folder of each directory on the Jupyter config path, the first
on the path winning) and ``overrides.json`` in the application's settings folder; and on top the
learner's own settings (``~/.jupyter/lab/user-settings``, where Settings → Language writes).
``lab_environment(lang="zh")`` puts a second folder of the course first on ``JUPYTER_CONFIG_PATH``
(``data/jupyter-locales/zh/``), whose ``labconfig/default_setting_overrides.json`` makes
``zh_CN`` the default. Nothing is written anywhere: the learner's ``~/.jupyter`` stays as it is,
and a language the learner has chosen in Settings → Language still wins over the course's
default. Without ``lang``, JupyterLab keeps its own default (the system's language if a pack for
it is installed, else English).
"""

from __future__ import annotations

import copy
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

__all__ = [
    "CONFIG_DIR",
    "LAB_LOCALES",
    "CourseContentsManager",
    "lab_command",
    "lab_environment",
    "locale_config_dir",
    "start_page",
]

CONFIG_DIR = Path(__file__).resolve().parent / "data" / "jupyter"
LOCALES_DIR = Path(__file__).resolve().parent / "data" / "jupyter-locales"
# The course's languages (actlab.i18n) and JupyterLab's locale for each.
LAB_LOCALES: dict[str, str] = {"en": "en", "zh": "zh_CN"}
START_PAGES: dict[str, str] = {"en": "index.ipynb", "zh": "index.zh-CN.ipynb"}


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


def locale_config_dir(lang: str) -> Path:
    """The configuration folder that makes ``lang`` JupyterLab's default interface language."""
    from actlab.i18n import normalize_lang

    return LOCALES_DIR / normalize_lang(lang)


def lab_environment(
    base: dict[str, str] | None = None, *, lang: str | None = None
) -> dict[str, str]:
    """``base`` (default: this process's environment) with the course's Jupyter configuration
    first on ``JUPYTER_CONFIG_PATH``, and with ``lang`` (``"en"``, ``"zh"``, ``"zh-CN"``...) as
    the interface language's default when given."""
    env = dict(os.environ if base is None else base)
    paths = [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    course = [str(CONFIG_DIR)]
    if lang is not None:
        course.insert(0, str(locale_config_dir(lang)))
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([*course, *paths])
    return env


def start_page(course: Path, lang: str | None = None) -> str:
    """The start page to open: the edition of ``lang`` if the course has it, else ``index.ipynb``."""
    from actlab.i18n import normalize_lang

    if lang is not None:
        page = START_PAGES[normalize_lang(lang)]
        if (Path(course) / page).is_file():
            return page
    return START_PAGES["en"]


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
