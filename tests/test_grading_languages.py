"""One exercise source, two languages: the views, the code that must not differ, stale and missing
translations, the two releases, the plan of a bilingual source, ``check``'s language, the learner's
copies, and ``actlab validate`` in either language."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from actlab.grading import check
from actlab.grading.languages import (
    code_tokens,
    fingerprint,
    language_view,
    main,
    mark_translated,
    release_name,
    same_code,
    translation_problems,
)
from actlab.grading.notebook import cell_source, read_notebook, write_notebook
from actlab.grading.plan import PlanError, load_plan, parse_test_cell
from actlab.grading.release import release_all, release_views, stale_releases
from actlab.workspace import copy_exercises

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "exercises" / "source"


def _md(text: str, gid: str, lang: str, translates: str | None = None) -> dict:
    nbgrader = {"grade_id": gid, "locked": True, "grade": False, "solution": False}
    meta = {"nbgrader": {**nbgrader, "schema_version": 3}, "actlab": {"lang": lang}}
    if translates:
        meta["actlab"]["translates"] = translates
    return {"cell_type": "markdown", "metadata": meta, "source": text}


def _code(text: str, gid: str, zh: str | None = None, **nbgrader) -> dict:
    base = {"grade_id": gid, "schema_version": 3, "locked": True, "grade": False, "solution": False}
    meta = {"nbgrader": {**base, **nbgrader}}
    if zh is not None:
        meta["actlab"] = {"zh": {"source": zh, "translates": fingerprint(text)}}
    return {
        "cell_type": "code",
        "metadata": meta,
        "source": text,
        "outputs": [],
        "execution_count": None,
    }


def _bilingual() -> dict:
    intro = _md("# Exercise 0: relu", "intro", "en")
    intro_zh = _md("# 练习0：relu", "intro_zh", "zh", translates="intro")
    intro_zh["metadata"]["actlab"]["source"] = fingerprint(intro["source"])
    solution = 'def relu(x):\n    """ReLU."""\n    ### BEGIN SOLUTION\n    return x * (x > 0)\n    ### END SOLUTION'
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "actlab": {"exercise": "00_x", "chapter": 0, "forbidden": [], "languages": ["en", "zh"]}
        },
        "cells": [
            intro,
            intro_zh,
            _code('import numpy as np\n\nLANG = "en"', "setup"),
            _code(
                solution,
                "relu",
                zh=solution.replace('"""ReLU."""', '"""修正线性单元。"""'),
                solution=True,
                locked=False,
            ),
            _code(
                '"""Check relu"""\ncheck("selftest_relu", relu, lang=LANG)',
                "test_relu",
                zh='"""检查relu"""\ncheck("selftest_relu", relu, lang=LANG)',
                grade=True,
                points=2,
            ),
        ],
    }


def test_each_view_has_its_language_the_same_ids_and_the_same_code() -> None:
    nb = _bilingual()
    en, zh = language_view(nb, "en"), language_view(nb, "zh")
    assert en["metadata"]["actlab"]["lang"] == "en" and zh["metadata"]["actlab"]["lang"] == "zh-CN"
    assert "languages" not in zh["metadata"]["actlab"]
    ids = [[c["metadata"]["nbgrader"]["grade_id"] for c in v["cells"]] for v in (en, zh)]
    assert ids[0] == ids[1] == ["intro", "setup", "relu", "test_relu"]
    assert cell_source(zh["cells"][0]) == "# 练习0：relu"
    assert 'LANG = "zh"' in cell_source(zh["cells"][1]) and 'LANG = "en"' in cell_source(
        en["cells"][1]
    )
    assert "修正线性单元" in cell_source(zh["cells"][2]) and "ReLU." in cell_source(en["cells"][2])
    assert all("actlab" not in c["metadata"] or "zh" not in c["metadata"]["actlab"]
               for c in zh["cells"])  # fmt: skip
    assert nb["cells"][1]["metadata"]["nbgrader"]["grade_id"] == "intro_zh", "source unchanged"
    with pytest.raises(ValueError, match="not 'fr'"):
        language_view(nb, "fr")


def test_an_english_only_source_is_its_own_english_view() -> None:
    nb = _bilingual()
    del nb["metadata"]["actlab"]["languages"]
    view = language_view(nb, "en")
    assert "lang" not in view["metadata"]["actlab"]
    with pytest.raises(ValueError, match=r"has \['en'\], not 'zh'"):
        language_view(nb, "zh")


@pytest.mark.parametrize(
    ("english", "chinese", "same"),
    [
        ('def f(x):\n    """Doc."""\n    return x  # why', 'def f(x):\n    """文档。"""\n    return x  # 原因', True),
        ("x = 1\n# a comment line\ny = 2", "x = 1\ny = 2", True),
        ('LANG = "en"\nprint(t("k", LANG))', 'LANG = "zh"\nprint(t("k", LANG))', True),
        ('print("shape")', 'print("形状")', False),
        ("x = 1", "x = 2", False),
        ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "x = 1", False),
        ("def f(x):\n    return x", "def f(x):\n    return (x", False),
    ],
)  # fmt: skip
def test_same_code_allows_only_comments_docstrings_and_lang(english, chinese, same) -> None:
    assert same_code(english, chinese) is same


def test_code_tokens_keep_the_markers_and_drop_docstrings() -> None:
    tokens = code_tokens('def f():\n    """doc"""\n    ### BEGIN SOLUTION\n    pass\n')
    assert any(t[1] == "### BEGIN SOLUTION" for t in tokens)
    assert any(t[1] == "<docstring>" for t in tokens) and not any(
        t[1] == '"""doc"""' for t in tokens
    )


def test_missing_stale_and_wrong_translations_are_found_and_marked_fresh() -> None:
    nb = _bilingual()
    assert translation_problems(nb, "x") == []
    stale = copy.deepcopy(nb)
    stale["cells"][0]["source"] = "# Exercise 0: a changed relu"
    stale["cells"][3]["source"] = stale["cells"][3]["source"].replace(
        "x * (x > 0)", "np.maximum(x, 0)"
    )
    problems = translation_problems(stale, "x")
    assert any("cell 1 (intro_zh): stale" in p for p in problems), problems
    assert any("cell 3 (relu): its Chinese version runs other code" in p for p in problems)
    missing = copy.deepcopy(nb)
    del missing["cells"][1]
    assert "no Chinese cell translates it" in "\n".join(translation_problems(missing, "x"))
    no_lang = copy.deepcopy(nb)
    del no_lang["cells"][0]["metadata"]["actlab"]
    assert "needs metadata actlab.lang" in "\n".join(translation_problems(no_lang, "x"))
    fresh = copy.deepcopy(nb)
    fresh["cells"][0]["source"] = "# Exercise 0: a changed relu"
    fresh["cells"][4]["source"] = fresh["cells"][4]["source"].replace("Check relu", "Check it")
    assert len(translation_problems(fresh, "x")) == 2
    assert mark_translated(fresh) == ["intro_zh", "relu", "test_relu"]
    assert translation_problems(fresh, "x") == []


def test_the_command_line_marks_translations_and_checks_them(tmp_path: Path, capsys) -> None:
    nb = _bilingual()
    nb["cells"][0]["source"] = "# Exercise 0: changed"
    path = tmp_path / "00_x.ipynb"
    write_notebook(nb, path)
    assert main(["check", str(path)]) == 1
    assert "stale" in capsys.readouterr().out
    assert main(["translated", str(path), "intro_zh"]) == 0
    assert main(["check", str(path)]) == 0
    assert main(["nonsense"]) == 2


def test_release_writes_one_notebook_per_language(tmp_path: Path) -> None:
    nb = _bilingual()
    write_notebook(nb, tmp_path / "src" / "00_x.ipynb")
    written = release_all(tmp_path / "src", tmp_path / "rel")
    assert [p.name for p in written] == ["00_x.ipynb", "00_x.zh-CN.ipynb"]
    zh = read_notebook(tmp_path / "rel" / "00_x.zh-CN.ipynb")
    assert zh["metadata"]["actlab"]["lang"] == "zh-CN"
    assert "NotImplementedError" in cell_source(zh["cells"][2]) and "修正线性单元" in cell_source(
        zh["cells"][2]
    )
    assert stale_releases(tmp_path / "src", tmp_path / "rel") == []
    (tmp_path / "rel" / "00_x.zh-CN.ipynb").unlink()
    assert stale_releases(tmp_path / "src", tmp_path / "rel") == ["00_x.zh-CN"]
    assert release_name("08_softmax_cross_entropy", "zh") == "08_softmax_cross_entropy.zh-CN.ipynb"
    assert set(release_views(nb)) == {"en", "zh"}


def test_a_bilingual_plan_has_one_set_of_tests_with_both_descriptions(tmp_path: Path) -> None:
    path = tmp_path / "00_x.ipynb"
    nb = _bilingual()
    nb["metadata"]["actlab"]["check_modules"] = ["actlab.grading.selftest"]
    write_notebook(nb, path)
    plan = load_plan(path)
    (test,) = plan.tests
    assert test.describe("en") == "Check relu" and test.describe("zh-CN") == "检查relu"
    assert test.calls[0].case == {}, "lang=LANG is not part of the case"
    assert plan.languages == ("en", "zh")
    assert 'LANG = "zh"' in cell_source(plan.view("zh")["cells"][1])
    assert plan.view("fr") is plan.notebook
    broken = copy.deepcopy(nb)
    broken["cells"][4]["metadata"]["actlab"]["zh"]["source"] = (
        '"""检查"""\ncheck("selftest_relu", relu, x=[1.0])'
    )
    write_notebook(broken, path)
    with pytest.raises(PlanError, match="checks other things in zh"):
        load_plan(path)


def test_a_test_cell_may_pass_the_notebooks_lang_and_nothing_else() -> None:
    _, calls = parse_test_cell('check("f", f, lang=LANG, seed=1)')
    assert calls[0].case == {"seed": 1}
    with pytest.raises(PlanError, match="lang= takes the notebook's LANG"):
        parse_test_cell('check("f", f, lang="zh")')


def test_check_speaks_the_language_it_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    def sigmoid(x):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e))

    check("sigmoid", sigmoid, lang="zh")
    assert capsys.readouterr().out.strip() == "✓ sigmoid: 通过"
    with pytest.raises(AssertionError, match="sigmoid: 尚未实现（NotImplementedError）"):
        check("sigmoid", lambda x: (_ for _ in ()).throw(NotImplementedError()), lang="zh")
    with pytest.raises(AssertionError, match=r"sigmoid在\|x\|很大处"):
        check("sigmoid", lambda x: np.nan_to_num(sigmoid(x) * (np.abs(x) < 500)), lang="zh_CN")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        check("sigmoid", sigmoid, lang="fr")


def test_the_learners_copies_hold_both_languages_and_each_start_page_its_own(
    tmp_path: Path,
) -> None:
    copies = copy_exercises(REPO, tmp_path / "work")
    names = sorted(p.name for p in copies.copied)
    exercises = sorted(p.stem for p in SOURCE.glob("*.ipynb"))
    assert names == sorted(
        [f"{e}.ipynb" for e in exercises] + [f"{e}.zh-CN.ipynb" for e in exercises]
    )
    for page, own, other in (
        ("index.ipynb", ".ipynb", ".zh-CN.ipynb"),
        ("index.zh-CN.ipynb", ".zh-CN.ipynb", ".ipynb"),
    ):
        index = json.loads((REPO / page).read_text(encoding="utf-8"))
        text = "".join("".join(c["source"]) for c in index["cells"] if c["cell_type"] == "markdown")
        for name in exercises:
            assert f"(work/{name}{own})" in text and f"(work/{name}{other})" not in text, page


def test_every_release_says_its_language() -> None:
    for path in sorted((REPO / "exercises" / "release").glob("*.ipynb")):
        lang = read_notebook(path)["metadata"]["actlab"]["lang"]
        assert lang == ("zh-CN" if path.name.endswith(".zh-CN.ipynb") else "en"), path.name
