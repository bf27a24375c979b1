"""The exercise source notebooks: nbgrader format, the protocol's test cells, the checks they call,
and their two languages.

nbval re-runs these notebooks (solutions in place) and compares the stored outputs; this file checks
what nbval cannot see: metadata, points, the shape of each test cell, visible and hidden cases, that
every case is one the named check accepts, and that each source holds its Chinese edition in full:
every Markdown cell translated (and not stale), the same code in both languages, the question
headings with the same points, every printed label from the catalog, and the Chinese written in the
course's style.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import pytest

from actlab.grading.languages import language_view, same_code, translation_problems
from actlab.grading.spec import get_check
from actlab.i18n import CATALOG, fields_of
from actlab.zhstyle import check_terms, punctuation_problems

SOURCE = Path(__file__).resolve().parents[1] / "exercises" / "source"
EXERCISES = {
    "01_dense_layer": 1,
    "02_stable_sigmoid_tanh": 2,
    "03_relu_backprop": 2,
    "04_leaky_prelu": 3,
    "05_cross_validation": 3,
    "06_dead_units": 3,
    "07_gelu_transformer": 4,
    "08_softmax_cross_entropy": 3,
}
CHAPTER_FILES = {
    1: "01_overview.ipynb",
    2: "02_common_activations.ipynb",
    3: "03_selection_and_optimisation.ipynb",
    4: "04_applications.ipynb",
}
HEADING = re.compile(r"^## Question (\d+) \((\d+) points?\)", re.MULTILINE)
HEADING_ZH = re.compile(r"^## 问题(\d+)（(\d+)分）", re.MULTILINE)


def _load(name: str) -> dict:
    return json.loads((SOURCE / f"{name}.ipynb").read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def test_the_eight_exercises_are_there() -> None:
    assert sorted(p.stem for p in SOURCE.glob("*.ipynb")) == sorted(EXERCISES)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_notebook_metadata(name: str) -> None:
    meta = _load(name)["metadata"]["actlab"]
    assert meta["exercise"] == name
    assert meta["chapter"] == EXERCISES[name]
    assert "actlab.grading.checks._references" in meta["forbidden"]
    for module in meta["forbidden"]:
        assert importlib.util.find_spec(module) is not None, (
            f"{name}: forbidden {module} is missing"
        )


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_nbgrader_cells(name: str) -> None:
    cells = _load(name)["cells"]
    ids = [_nbgrader(c)["grade_id"] for c in cells if _nbgrader(c)]
    assert len(ids) == len(set(ids)), f"{name}: duplicate grade_id"
    for cell in cells:
        meta = _nbgrader(cell)
        if not meta:
            continue
        assert meta["schema_version"] == 3
        src = _source(cell)
        if meta["grade"]:
            assert meta["locked"] and not meta["solution"] and meta["points"] > 0
            assert cell["cell_type"] == "code"
        if meta["solution"]:
            assert not meta["grade"] and not meta["locked"]
            assert src.count("### BEGIN SOLUTION") == src.count("### END SOLUTION") >= 1
        else:
            assert "### BEGIN SOLUTION" not in src
        if cell["cell_type"] == "code":
            assert cell["execution_count"] is not None, f"{name}: a code cell has no stored run"
            assert not any(o.get("output_type") == "error" for o in cell["outputs"])


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_intro_links_the_chapter_and_setup_comes_first(name: str) -> None:
    cells = _load(name)["cells"]
    intro = _source(cells[0])
    assert intro.startswith("# Exercise ")
    assert f"../../chapters/{CHAPTER_FILES[EXERCISES[name]]}" in intro
    first_code = next(c for c in cells if c["cell_type"] == "code")
    meta = _nbgrader(first_code)
    assert meta["locked"] and not meta["grade"] and not meta["solution"]
    assert "import" in _source(first_code)


def _check_calls(src: str) -> list[tuple[ast.Call, bool]]:
    """The check(...) calls of a test cell, each with whether it sits in the hidden block."""
    hidden_lines, inside = set(), False
    for lineno, line in enumerate(src.split("\n"), start=1):
        if "### BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "### END HIDDEN TESTS" in line:
            inside = False
        elif inside:
            hidden_lines.add(lineno)
    tree = ast.parse(src)
    calls = []
    for pos, stmt in enumerate(tree.body):
        if pos == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            assert isinstance(stmt.value.value, str)
            continue
        if isinstance(stmt, ast.ImportFrom):
            assert stmt.module == "actlab.grading" and [a.name for a in stmt.names] == ["check"]
            continue
        assert isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
        assert isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == "check"
        calls.append((stmt.value, stmt.lineno in hidden_lines))
    return calls


def _case(call: ast.Call) -> dict:
    """A check call's case: its keywords but ``lang=LANG``."""
    return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg != "lang"}


def _passes_lang(call: ast.Call) -> bool:
    return any(
        kw.arg == "lang" and isinstance(kw.value, ast.Name) and kw.value.id == "LANG"
        for kw in call.keywords
    )


def _defined_names(cells: list[dict]) -> set[str]:
    names: set[str] = set()
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse(_source(cell))):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names.add(node.name)
    return names


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_test_cells_follow_the_protocol(name: str) -> None:
    cells = _load(name)["cells"]
    defined = _defined_names(cells)
    for cell in cells:
        if not _nbgrader(cell).get("grade"):
            continue
        src = _source(cell)
        assert src.startswith('"""'), "a test cell opens with a docstring saying what it checks"
        calls = _check_calls(src)
        assert any(not hidden for _, hidden in calls), "no visible test"
        assert any(hidden for _, hidden in calls), "no hidden test"
        for call, hidden in calls:
            check_name = ast.literal_eval(call.args[0])
            spec = get_check(check_name)
            objects = [a.id for a in call.args[1:]]
            assert all(o in defined for o in objects), f"{check_name}: {objects} not all defined"
            assert len(objects) == len(spec.objects)
            case = _case(call)
            assert set(case) <= spec.case_keys, f"{check_name}: unknown case keys"
            # the learner's feedback speaks the notebook's language
            assert hidden or _passes_lang(call), f"{check_name}: a visible check without lang=LANG"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_question_headings_carry_the_points_of_their_tests(name: str) -> None:
    cells = _load(name)["cells"]
    questions: list[list[int]] = []  # [number, announced points, points of its test cells]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            match = HEADING.search(_source(cell))
            if match:
                questions.append([int(match.group(1)), int(match.group(2)), 0])
        elif _nbgrader(cell).get("grade"):
            assert questions, "a test cell before the first question"
            questions[-1][2] += _nbgrader(cell)["points"]
    assert [q[0] for q in questions] == list(range(1, len(questions) + 1))
    for number, announced, tested in questions:
        assert announced == tested, f"question {number}: heading says {announced}, tests {tested}"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_grader_reads_the_plan(name: str) -> None:
    from actlab.grading.plan import load_plan

    plan = load_plan(SOURCE / f"{name}.ipynb", name)
    cells = _load(name)["cells"]
    assert plan.max_points == sum(
        _nbgrader(c).get("points", 0) for c in cells if _nbgrader(c).get("grade")
    )


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_each_exercise_states_what_its_questions_forbid(name: str) -> None:
    """The intro says what may be used; each question whose test cell forbids something says so
    in its own text, naming the first library or module it forbids (02 and 04 as examples)."""
    cells = _load(name)["cells"]
    intro = _source(cells[0])
    assert "**What you may use.**" in intro or "**What you may not use.**" in intro, name
    question = ""
    for cell in cells:
        if cell["cell_type"] == "markdown" and HEADING.search(_source(cell)):
            question = _source(cell)
        forbidden = cell.get("metadata", {}).get("actlab", {}).get("forbidden", [])
        if not (_nbgrader(cell).get("grade") and forbidden):
            continue
        assert "**Not allowed**" in question, f"{name}: {_nbgrader(cell)['grade_id']}"
        first = forbidden[0].split(".")[0]
        assert first in question or "the same" in question, (name, first)


# --- the two languages of each source ------------------------------------------------------------

_FENCE = re.compile(r"```.*?```", re.DOTALL)
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.DOTALL)
_MATH = re.compile(r"\$[^$]+\$")
_CODE = re.compile(r"`[^`]+`")
_LINK_TARGET = re.compile(r"\]\([^)\s]+\)")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def prose(markdown: str) -> str:
    """The prose of a Markdown cell as the style checks read it: code, math and link targets
    replaced by a placeholder that keeps their place."""
    text = _FENCE.sub("`", markdown)
    text = _DISPLAY_MATH.sub("$", text)
    text = _MATH.sub("$", text)
    text = _CODE.sub("`", text)
    return _LINK_TARGET.sub("]", text)


def chinese_share(markdown: str) -> float:
    """The share of Chinese characters among the non-space characters of a cell's prose."""
    text = re.sub(r"\s", "", prose(markdown))
    return len(_CJK.findall(text)) / max(1, len(text))


def _lang_of(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("actlab", {}).get("lang")


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_source_holds_both_languages_and_its_translations_are_fresh(name: str) -> None:
    nb = _load(name)
    assert nb["metadata"]["actlab"]["languages"] == ["en", "zh"]
    assert translation_problems(nb, name) == []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            assert _lang_of(cell) in ("en", "zh"), f"{name}: a Markdown cell of no language"
    views = {lang: language_view(nb, lang) for lang in ("en", "zh")}
    shapes = {
        lang: [(c["cell_type"], _nbgrader(c).get("grade_id")) for c in view["cells"]]
        for lang, view in views.items()
    }
    assert shapes["en"] == shapes["zh"], f"{name}: the two views do not line up cell by cell"
    for en, zh in zip(views["en"]["cells"], views["zh"]["cells"], strict=True):
        if en["cell_type"] == "code":
            assert same_code(_source(en), _source(zh)), _nbgrader(en).get("grade_id")
        else:
            # prose with code spans and formulas in it: what is left is Chinese, or numbers
            assert chinese_share(_source(zh)) > 0.25, _nbgrader(zh).get("grade_id")


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_chinese_headings_carry_the_same_questions_and_points(name: str) -> None:
    cells = _load(name)["cells"]
    english = [HEADING.search(_source(c)) for c in cells if _lang_of(c) == "en"]
    chinese = [HEADING_ZH.search(_source(c)) for c in cells if _lang_of(c) == "zh"]
    assert [m.groups() for m in english if m] == [m.groups() for m in chinese if m]
    assert any(english)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_chinese_prose_follows_the_course_style(name: str) -> None:
    problems = []
    for cell in _load(name)["cells"]:
        gid = _nbgrader(cell).get("grade_id")
        texts = []
        if _lang_of(cell) == "zh":
            texts.append((prose(_source(cell)), False))
        zh_code = cell.get("metadata", {}).get("actlab", {}).get("zh")
        if zh_code:
            texts += [(text, True) for text in _comments_and_docstrings(zh_code["source"])]
        for text, in_code in texts:
            for problem in punctuation_problems(text):
                # a docstring writes shapes and calls as code: (N, D), f(x, y)
                if not (in_code and "full-width parentheses" in problem):
                    problems.append(f"{gid}: {problem}")
            problems += [f"{gid}: {issue}" for issue in check_terms(text)]
    assert problems == []


def _comments_and_docstrings(source: str) -> list[str]:
    import io
    import tokenize

    found = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and not tok.string.startswith("###"):
            found.append(tok.string.lstrip("# "))
        elif tok.type == tokenize.STRING and tok.string.startswith(('"""', 'r"""')):
            found.append(tok.string.strip('r"'))
    return found


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_chinese_code_has_no_english_comments_or_docstrings(name: str) -> None:
    """Every comment and docstring a learner reads in the Chinese edition is in Chinese."""
    view = language_view(_load(name), "zh")
    english = []
    for cell in view["cells"]:
        if cell["cell_type"] != "code":
            continue
        for text in _comments_and_docstrings(_source(cell)):
            if len(re.findall(r"[A-Za-z]{3,}", text)) >= 3 and not _CJK.search(text):
                english.append(f"{_nbgrader(cell).get('grade_id')}: {text[:60]!r}")
    assert english == []


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_code_prints_labels_only_from_the_catalog(name: str) -> None:
    """A code cell prints text only through t("exercise...", LANG, ...), whose keys and fields the
    catalog has; string literals inside print() are formulas, not words."""
    for cell in _load(name)["cells"]:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(_source(cell))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id == "t":
                key = ast.literal_eval(node.args[0])
                assert key in CATALOG, key
                assert isinstance(node.args[1], ast.Name) and node.args[1].id == "LANG", key
                assert {k.arg for k in node.keywords} == fields_of(CATALOG[key]["en"]), key
            elif node.func.id == "print":
                keys = {
                    id(sub.args[0])
                    for sub in ast.walk(node)
                    if isinstance(sub, ast.Call) and getattr(sub.func, "id", "") == "t"
                }
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                        if id(sub) in keys:
                            continue
                        words = re.findall(r"[A-Za-z]{3,}", sub.value)
                        assert len(words) < 2, f"{name}: print({sub.value!r}) holds words"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_chinese_links_lead_to_the_chinese_chapters_where_they_exist(name: str) -> None:
    view = language_view(_load(name), "zh")
    for cell in view["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for link in _LINK.findall(_source(cell)):
            if re.match(r"[a-z]+://|#", link):
                continue
            target = (SOURCE / link).resolve()
            assert target.is_file(), link
            chinese = target.with_name(target.name.replace(".ipynb", ".zh-CN.ipynb"))
            if "chapters" in link and chinese.is_file():
                assert link.endswith(".zh-CN.ipynb"), f"{name}: {link} has a Chinese edition"
