"""A JupyterLab server for the browser tests, on a private copy of the course.

The server serves a temporary copy of the course, so that running cells and typing answers can
never change the committed notebooks, and it gets its own Jupyter, JupyterLab, IPython and
matplotlib directories, so that nothing from the machine's configuration leaks in. It listens on
127.0.0.1 on a free port, with a random token.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from actlab.lab import lab_environment
from actlab.workspace import RELEASE_DIR, copy_exercises

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

START_TIMEOUT = 90.0
FRESH_DIRS = (
    "JUPYTER_CONFIG_DIR",
    "JUPYTER_DATA_DIR",
    "JUPYTER_RUNTIME_DIR",
    "JUPYTERLAB_SETTINGS_DIR",
    "JUPYTERLAB_WORKSPACES_DIR",
    "IPYTHONDIR",
    "MPLCONFIGDIR",
)
_NETWORK_ERRORS = (urllib.error.URLError, ConnectionError, TimeoutError)


@dataclass(frozen=True)
class LabServer:
    """A running JupyterLab: where it listens, its token, the folder it serves and its log."""

    url: str
    token: str
    root: Path
    log: Path

    def lab_url(self, path: str) -> str:
        """The address that opens ``path`` (relative to the served folder) in a fresh workspace."""
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"

    def api(self, method: str, endpoint: str) -> object:
        """Call the server's REST API with the token; returns the decoded JSON body or None."""
        request = urllib.request.Request(
            f"{self.url}/api/{endpoint}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self, which: Callable[[str], bool] | None = None) -> None:
        """Stop the kernels of the notebooks whose path satisfies ``which`` (default: all)."""
        sessions = self.api("GET", "sessions")
        for session in sessions if isinstance(sessions, list) else []:
            if which is None or which(str(session.get("path", ""))):
                with contextlib.suppress(urllib.error.HTTPError):
                    self.api("DELETE", f"kernels/{session['kernel']['id']}")
        if which is None:
            kernels = self.api("GET", "kernels")
            for kernel in kernels if isinstance(kernels, list) else []:
                self.api("DELETE", f"kernels/{kernel['id']}")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def copy_course(root: Path) -> None:
    """Copy what a learner opens into ``root``: the start page, the chapters, the release exercises
    and the learner's copies of them in ``work/`` (as ``actlab start`` makes them), and this folder's
    scratch notebooks under ``scratch/``."""
    for page in ("index.ipynb", "index.zh-CN.ipynb"):
        if (REPO / page).exists():
            shutil.copy2(REPO / page, root / page)
    for folder in ("chapters", "exercises/release"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns(".*"))
    if (root / RELEASE_DIR).is_dir():
        copy_exercises(root)
    shutil.copytree(HERE / "notebooks", root / "scratch")


def write_settings(config_dir: Path, settings_dir: Path) -> None:
    """No news pop-up; every cell in the DOM (no windowing, so errors and figures below the fold
    are seen); no autosave."""
    labconfig = config_dir / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    user_settings = {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    }
    for plugin, values in user_settings.items():
        target = settings_dir / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))


@contextlib.contextmanager
def running_lab(base: Path, lang: str | None = None) -> Iterator[LabServer]:
    """Start JupyterLab with everything under ``base``, in ``lang`` when given (as
    ``actlab start --lang`` does); stop it (and its kernels) on exit."""
    root = base / "course"
    root.mkdir()
    copy_course(root)
    dirs = {name: base / name.lower() for name in FRESH_DIRS}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    write_settings(dirs["JUPYTER_CONFIG_DIR"], dirs["JUPYTERLAB_SETTINGS_DIR"])
    env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    env.update({name: str(path) for name, path in dirs.items()})
    # the course's own Lab configuration, as `actlab start` gives it
    env = lab_environment(env, lang=lang)
    env["HOME"] = str(base)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("MPLBACKEND", None)

    port = free_port()
    token = secrets.token_hex(16)
    log = base / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=",
    ]
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            cmd,
            cwd=root,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = LabServer(url=f"http://127.0.0.1:{port}", token=token, root=root, log=log)
    try:
        _wait_until_up(proc, server)
        yield server
    finally:
        _stop(proc, server)


def _wait_until_up(proc: subprocess.Popen[bytes], server: LabServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited with code {proc.returncode} while starting:\n"
                f"{server.log_tail()}"
            )
        try:
            server.api("GET", "status")
            return
        except _NETWORK_ERRORS:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"JupyterLab did not answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}"
                ) from None
            time.sleep(0.25)


def _stop(proc: subprocess.Popen[bytes], server: LabServer) -> None:
    """Shut the kernels and the server down through the API; signal the process group if it lingers."""
    if proc.poll() is None:
        with contextlib.suppress(*_NETWORK_ERRORS, OSError):
            server.shutdown_kernels()
            server.api("POST", "shutdown")
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
