"""The grader's feedback in the submission's language: its own texts (notes of the sandboxed run,
findings of the scan, cell labels) translated, the feedback file in Chinese, ``--lang``, and
``actlab validate`` in either language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from actlab.cli import main
from actlab.grading import grader
from actlab.grading.feedback import STATUS_KEYS, TEMPLATES, finding_text, status_name, translate
from actlab.grading.grader import GradeResult, Settings, arrange_cells
from actlab.grading.plan import load_plan
from actlab.grading.results import feedback_text
from actlab.grading.sandbox import sandbox_status
from actlab.grading.shortcuts import scan_cells
from actlab.i18n import CATALOG

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "exercises" / "source"
RELEASE = REPO / "exercises" / "release"
_CJK = re.compile(r"[\u4e00-\u9fff]")

# What the sandboxed run writes (actlab.grading.session), as it writes it.
NOTES = [
    "the notebook used more than 3072 MiB of memory",
    "cell 'relu' ran past its 60 s limit and did not stop when interrupted",
    "code cell 7 ran past its 3 s limit and did not stop when interrupted",
    "the notebook ran past its 600 s limit",
    "the notebook wrote more than 256 MiB to disk",
    "the notebook made more than 2000 files and directories",
    "the notebook tried to run more than 64 processes or threads at once",
    "the kernel sent more than 256 MiB of replies",
    "the kernel sent a result larger than 64 MiB",
    "the kernel was killed by SIGKILL during cell 'relu'",
    "the kernel was killed by signal 77 during code cell 2",
    "the kernel exited early (exit code 0) during cell 'square'",
    "the kernel exited early (exit code 1) at the end",
    "the kernel stopped: its sandbox ended unexpectedly during code cell 4",
    "the grading kernel did not start: the kernel exited early (exit code 1) before its first cell",
    "this notebook is exercise '01_dense_layer', not '02_stable_sigmoid_tanh'",
    "no cell of exercise '02_stable_sigmoid_tanh' in this notebook",
    "nbformat is 3; expected 4",
]


def test_every_template_is_a_catalog_message_in_both_languages() -> None:
    for key in (*TEMPLATES, *STATUS_KEYS.values()):
        assert key in CATALOG, key


@pytest.mark.parametrize("note", NOTES)
def test_the_notes_of_a_run_are_translated_in_full(note: str) -> None:
    chinese = translate(note, "zh")
    assert _CJK.search(chinese), chinese
    # nothing of the English frame is left: only names, numbers and code
    leftover = set(re.findall(r"[a-z]{4,}", chinese)) - {"relu", "square", "dense", "layer",
                                                         "stable", "sigmoid", "tanh", "nbformat"}  # fmt: skip
    assert leftover == set(), (note, chinese)
    assert translate(note, "en") == note


def test_an_unknown_note_stays_as_it_is() -> None:
    assert translate("something new happened", "zh") == "something new happened"


def test_the_findings_of_the_scan_are_translated() -> None:
    plan = load_plan(SOURCE / "02_stable_sigmoid_tanh.ipynb")
    submission = json.loads((RELEASE / "02_stable_sigmoid_tanh.zh-CN.ipynb").read_text())
    answers = {
        "sigmoid": "import scipy.special\ndef sigmoid(x):\n    return scipy.special.expit(x)",
        "sigmoid_grad": "def sigmoid_grad(x):\n    with np.errstate(all='ignore'):\n        return x",
        "tanh": "def tanh(x):\n    return getattr(np, 'ta' + 'nh')(x)",
        "tanh_grad": "import ctypes\ndef tanh_grad(x):\n    np.allclose = None\n    return x",
    }
    for cell in submission["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell["source"] = answers[gid]
    cells, _notes = arrange_cells(plan, submission, "zh")
    scan = scan_cells(cells, plan.tests)
    findings = [f for found in scan.per_test.values() for f in found] + scan.tamper
    assert len(findings) >= 5
    for f in findings:
        english = finding_text(f.what, f.code, f.where, "en")
        chinese = finding_text(f.what, f.code, f.where, "zh")
        assert english == f.text()
        assert _CJK.search(chinese), chinese
        frame = chinese.replace(f"`{f.code}`", "")
        for word in ("uses", "imports", "modifies", "line", "which", "built at run time"):
            assert word not in frame, (english, chinese)


def test_a_chinese_feedback_file() -> None:
    result = GradeResult(
        "alice/08.zh-CN.ipynb", "08_softmax_cross_entropy", "timeout", 2.0, 10.0,
        [grader.TestResult("test_softmax", 2.0, 2.0, True, "全部检查通过", "检查softmax"),
         grader.TestResult("test_log_softmax", 0.0, 2.0, False, "a；b\nc", "")],
        "cell 'log_softmax' ran past its 60 s limit and did not stop when interrupted",
        cell_errors=["单元格'log_softmax': KeyboardInterrupt"], lang="zh",
    )  # fmt: skip
    text = feedback_text(result)
    assert text.splitlines()[:5] == [
        "提交的作业：alice/08.zh-CN.ipynb",
        "练习：08_softmax_cross_entropy",
        "状态：超时（timeout）",
        "得分：2 / 10",
        "说明：单元格'log_softmax'运行超过了60秒的限制，中断后也没有停下",
    ]
    assert "[通过] test_softmax（2 / 2）：检查softmax" in text
    assert "[未通过] test_log_softmax（0 / 2）\n       a；b\n       c" in text
    assert "笔记本中各单元格引发的错误：" in text
    assert status_name("crashed", "zh") == "崩溃（crashed）"
    assert feedback_text(GradeResult("a", "e", "graded", 0, 1, [], lang="en")).startswith(
        "Submission: a\nExercise:   e\nStatus:     graded\nScore:      0 / 1\n"
    )


def test_the_language_comes_from_the_notebook_or_from_lang() -> None:
    zh = {"metadata": {"actlab": {"lang": "zh-CN"}}}
    assert Settings().language(zh) == "zh"
    assert Settings().language({"metadata": {}}) == "en"
    assert Settings().language({"metadata": {"actlab": {"lang": "klingon"}}}) == "en"
    assert Settings().language(None) == "en"
    assert Settings(lang="en").language(zh) == "en"
    assert Settings(lang="zh").language(None) == "zh"
    assert "lang" not in Settings().describe() and Settings(lang="zh").describe().endswith(";lang=zh")


def _require_sandbox() -> None:
    if not sandbox_status().available:
        pytest.skip(sandbox_status().reason)


def _wrong_copy(tmp_path: Path, name: str) -> Path:
    nb = json.loads((RELEASE / name).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "dense_forward":
            cell["source"] = "def dense_forward(x, W, b):\n    return W @ x + b"
    path = tmp_path / name
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_grade_writes_feedback_in_each_submissions_language_or_lang(tmp_path: Path) -> None:
    _require_sandbox()
    paths = [_wrong_copy(tmp_path, n) for n in ("01_dense_layer.ipynb", "01_dense_layer.zh-CN.ipynb")]
    args = ["grade", *map(str, paths), "--exercise", "01_dense_layer", "--source", str(SOURCE),
            "--jobs", "1", "--out", str(tmp_path / "g.csv"), "--feedback", str(tmp_path / "fb")]  # fmt: skip
    assert main(args) == 0
    files = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "fb").glob("*.txt")}
    english = next(v for k, v in files.items() if "zh-CN" not in k)
    chinese = next(v for k, v in files.items() if "zh-CN" in k)
    assert "multiplies matrices whose shapes do not chain" in english and "[FAIL]" in english
    assert "相乘的矩阵形状接不上" in chinese and "[未通过]" in chinese and "得分：0 / 5" in chinese
    csv = (tmp_path / "g.csv").read_text(encoding="utf-8")
    assert csv.count(",graded,") == 2
    # --lang overrides every submission's own; a new key, so both are graded again
    args[args.index(str(tmp_path / "fb"))] = str(tmp_path / "fb_en")
    assert main([*args, "--lang", "en"]) == 0
    for path in (tmp_path / "fb_en").glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert "[FAIL]" in text and not _CJK.search(text.replace("zh-CN", "")), path.name


def test_validate_reports_in_the_notebooks_language_or_the_one_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _wrong_copy(tmp_path, "01_dense_layer.zh-CN.ipynb")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "[未通过] test_dense_forward（2分）：" in out and "相乘的矩阵形状接不上" in out
    assert "个可见测试单元格中有0个通过" in out
    assert main(["validate", str(path), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] test_dense_forward (2 pt): " in out
    assert "multiplies matrices whose shapes do not chain" in out
    assert "0 of 3 visible test cells pass" in out
