"""The course's JupyterLab configuration and its contents manager."""

from __future__ import annotations

import asyncio
import importlib
import json
import platform
import sys
from pathlib import Path

import nbformat

from actlab.lab import CONFIG_DIR, CourseContentsManager, lab_command, lab_environment


def _notebook(path: Path, language: str = "python", version: str = "3.0.1") -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": language, "display_name": "x"}
    nb.metadata["language_info"] = {"name": language, "version": version}
    nbformat.write(nb, path)


def test_served_notebooks_carry_the_local_kernels_language_info(tmp_path: Path) -> None:
    _notebook(tmp_path / "stored_elsewhere.ipynb")
    _notebook(tmp_path / "julia.ipynb", language="julia", version="1.10")
    manager = CourseContentsManager(root_dir=str(tmp_path))
    served = asyncio.run(manager.get("stored_elsewhere.ipynb"))
    assert served["content"]["metadata"]["language_info"]["version"] == platform.python_version()
    other = asyncio.run(manager.get("julia.ipynb"))
    assert other["content"]["metadata"]["language_info"] == {"name": "julia", "version": "1.10"}
    listing = asyncio.run(manager.get("", content=True))
    assert {item["name"] for item in listing["content"]} == {"stored_elsewhere.ipynb", "julia.ipynb"}
    # the file on disk is untouched
    on_disk = json.loads((tmp_path / "stored_elsewhere.ipynb").read_text())
    assert on_disk["metadata"]["language_info"]["version"] == "3.0.1"


def test_configuration_is_found_first_and_names_real_classes() -> None:
    env = lab_environment({"JUPYTER_CONFIG_PATH": "/elsewhere"})
    assert env["JUPYTER_CONFIG_PATH"].split(":") == [str(CONFIG_DIR), "/elsewhere"]
    server = json.loads((CONFIG_DIR / "jupyter_server_config.json").read_text())
    for dotted in (
        server["ServerApp"]["contents_manager_class"],
        server["LabApp"]["check_for_updates_class"],
    ):
        module, _, name = dotted.rpartition(".")
        assert hasattr(importlib.import_module(module), name), dotted
    page = json.loads((CONFIG_DIR / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyterlab/apputils-extension:announcements"] is True


def test_lab_command_opens_the_start_page(tmp_path: Path) -> None:
    cmd = lab_command(tmp_path, port=8899)
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path}" in cmd and "--port=8899" in cmd
    assert cmd[-1] == "index.ipynb"
