"""The course's JupyterLab configuration and its contents manager."""

from __future__ import annotations

import asyncio
import importlib
import json
import platform
import sys
from pathlib import Path

import nbformat
import pytest

from actlab.lab import (
    CONFIG_DIR,
    LAB_LOCALES,
    CourseContentsManager,
    lab_command,
    lab_environment,
    locale_config_dir,
    start_page,
)


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


# --- the interface language -------------------------------------------------------------------


def test_lang_puts_its_locale_folder_first_and_keeps_the_rest() -> None:
    env = lab_environment({"JUPYTER_CONFIG_PATH": "/elsewhere", "HOME": "/home/learner"}, lang="zh_CN")
    paths = env["JUPYTER_CONFIG_PATH"].split(":")
    assert paths == [str(locale_config_dir("zh")), str(CONFIG_DIR), "/elsewhere"]
    assert env["HOME"] == "/home/learner"
    assert "JUPYTER_CONFIG_DIR" not in env  # the learner's own ~/.jupyter stays in charge
    assert lab_environment({}, lang=None)["JUPYTER_CONFIG_PATH"] == str(CONFIG_DIR)
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        lab_environment({}, lang="fr")


@pytest.mark.parametrize("lang", sorted(LAB_LOCALES))
def test_each_language_sets_only_jupyterlabs_default_locale(lang: str) -> None:
    folder = locale_config_dir(lang)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    # only a default_setting_overrides file: defaults, under whatever the learner has chosen
    assert files == ["labconfig/default_setting_overrides.json"]
    overrides = json.loads((folder / files[0]).read_text())
    assert overrides == {"@jupyterlab/translation-extension:plugin": {"locale": LAB_LOCALES[lang]}}


def _translation_settings(tmp_path: Path, config_path: str) -> dict:
    """What JupyterLab's settings API answers for the translation plugin, computed by
    jupyterlab_server itself with ``config_path`` as JUPYTER_CONFIG_PATH."""
    import os

    from jupyterlab_server.settings_utils import get_settings

    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    old = os.environ.get("JUPYTER_CONFIG_PATH")
    os.environ["JUPYTER_CONFIG_PATH"] = config_path
    try:
        result, _ = get_settings(
            str(tmp_path / "app-settings"),
            str(schemas),
            str(tmp_path / "user-settings"),
            schema_name="@jupyterlab/translation-extension:plugin",
        )
    finally:
        if old is None:
            del os.environ["JUPYTER_CONFIG_PATH"]
        else:
            os.environ["JUPYTER_CONFIG_PATH"] = old
    return result


def test_jupyterlab_takes_the_course_locale_as_default_under_the_learners_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    zh = lab_environment({}, lang="zh")["JUPYTER_CONFIG_PATH"]
    plain = lab_environment({})["JUPYTER_CONFIG_PATH"]
    default = _translation_settings(tmp_path, zh)["schema"]["properties"]["locale"]["default"]
    assert default == "zh_CN"
    assert _translation_settings(tmp_path, plain)["schema"]["properties"]["locale"]["default"] == (
        "default"
    )
    # The learner's own choice (Settings -> Language writes the user settings) stays on top:
    # JupyterLab uses the user's value over the schema's default.
    user = tmp_path / "user-settings" / "@jupyterlab" / "translation-extension"
    user.mkdir(parents=True)
    (user / "plugin.jupyterlab-settings").write_text(json.dumps({"locale": "en"}))
    result = _translation_settings(tmp_path, zh)
    assert result["settings"]["locale"] == "en"
    assert result["schema"]["properties"]["locale"]["default"] == "zh_CN"
    assert not (tmp_path / "jupyter_config_dir").exists()  # nothing written for the learner


def test_the_chinese_language_pack_is_installed() -> None:
    from jupyterlab_server.translation_utils import get_language_packs

    packs, _ = get_language_packs("en")
    assert "zh_CN" in packs, sorted(packs)


def test_start_page_follows_the_language_when_the_edition_exists(tmp_path: Path) -> None:
    (tmp_path / "index.ipynb").write_text("{}")
    assert start_page(tmp_path) == "index.ipynb"
    assert start_page(tmp_path, "zh") == "index.ipynb"  # no Chinese start page yet
    (tmp_path / "index.zh-CN.ipynb").write_text("{}")
    assert start_page(tmp_path, "zh-CN") == "index.zh-CN.ipynb"
    assert start_page(tmp_path, "en") == "index.ipynb"
    assert start_page(tmp_path) == "index.ipynb"
    cmd = lab_command(tmp_path, open_path=start_page(tmp_path, "zh"))
    assert cmd[-1] == "index.zh-CN.ipynb"


class _Exec(Exception):
    pass


def _course(tmp_path: Path) -> Path:
    release = tmp_path / "exercises" / "release"
    release.mkdir(parents=True)
    (tmp_path / "index.ipynb").write_text("{}")
    (release / "01_a.ipynb").write_text("{}")
    return tmp_path


def test_start_in_chinese_opens_lab_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    from actlab.cli import main

    course = _course(tmp_path)
    (course / "index.zh-CN.ipynb").write_text("{}")
    calls = []

    def execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        calls.append((argv, env))
        raise _Exec

    monkeypatch.setattr(os, "execve", execve)
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "/learner/config")
    with pytest.raises(_Exec):
        main(["start", "--course", str(course), "--lang", "zh_CN", "--port", "8890"])
    out = capsys.readouterr().out
    assert "已将1个练习复制到work/，请在那里作答。" in out
    assert "正在用JupyterLab打开index.zh-CN.ipynb。" in out
    argv, env = calls[0]
    assert argv[-1] == "index.zh-CN.ipynb" and "--port=8890" in argv
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [
        str(locale_config_dir("zh")),
        str(CONFIG_DIR),
        "/learner/config",
    ]
    # English, and the start page that exists
    (course / "index.zh-CN.ipynb").unlink()
    with pytest.raises(_Exec):
        main(["start", "--course", str(course), "--lang", "zh"])
    assert calls[-1][0][-1] == "index.ipynb"
    assert "你在work/中的1个笔记本保持原样。" in capsys.readouterr().out
    with pytest.raises(_Exec):
        main(["start", "--course", str(course)])
    assert calls[-1][1]["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(CONFIG_DIR)
    assert "kept your 1 notebooks in work/ as they are" in capsys.readouterr().out


def test_start_refuses_an_unknown_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from actlab.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["start", "--course", str(_course(tmp_path)), "--lang", "zh-TW", "--no-lab"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --lang: unknown language 'zh-TW'" in err
    assert not (tmp_path / "work").exists()


def _make_dry_run(*args: str) -> str:
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parents[1]
    # LANG stays the caller's locale: the course's language is LAB_LANG, never LANG
    done = subprocess.run(
        ["make", "-n", "-C", str(root), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_make_lab_zh_opens_lab_in_chinese() -> None:
    starts = [line for line in _make_dry_run("lab-zh", "PORT=8888").splitlines() if "actlab start" in line]
    assert starts and starts[-1].endswith("actlab start --port 8888 --lang zh"), starts
    starts = [line for line in _make_dry_run("lab", "LAB_LANG=zh-CN", "PORT=8888").splitlines() if "start" in line]
    assert starts[-1].endswith("--lang zh-CN"), starts
    plain = [line for line in _make_dry_run("lab", "PORT=8888").splitlines() if "actlab start" in line]
    assert plain[-1].endswith("actlab start --port 8888"), plain
