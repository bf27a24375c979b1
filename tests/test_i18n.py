"""The message catalog: every message in both languages with the same fields, every key that the
package looks up present, and every Chinese message drawable and written in the course's style."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from actlab.i18n import CATALOG, LANGS, fields_of, normalize_lang, notebook_lang, t
from actlab.plotting.fonts import missing_glyphs
from actlab.zhstyle import check_terms, punctuation_problems

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "actlab"
KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")


def catalog_problems(catalog: dict[str, dict[str, str]]) -> list[str]:
    """Entries that lack a language, have an empty message, a badly formed key, or fields that
    differ between the languages."""
    problems = []
    for key, entry in catalog.items():
        if not KEY.fullmatch(key):
            problems.append(
                f"{key}: keys are dotted lower-case names, e.g. 'plot.activation.title'"
            )
        if set(entry) != set(LANGS):
            problems.append(f"{key}: languages {sorted(entry)}, expected {list(LANGS)}")
            continue
        for lang in LANGS:
            if not isinstance(entry[lang], str) or not entry[lang].strip():
                problems.append(f"{key}: empty {lang} message")
        try:
            en, zh = fields_of(entry["en"]), fields_of(entry["zh"])
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
            continue
        if en != zh:
            problems.append(f"{key}: fields differ, en {sorted(en)} and zh {sorted(zh)}")
    return problems


def lookups(
    source: str, filename: str = "<src>"
) -> list[tuple[str, int, str | None, set[str] | None]]:
    """The ``t(...)`` calls of a module that imports ``t`` from ``actlab.i18n``: (file, line, key or
    None when the key is not a literal, keyword names or None when ``**`` passes them)."""
    tree = ast.parse(source, filename)
    names, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "actlab.i18n":
            names |= {a.asname or a.name for a in node.names if a.name == "t"}
        elif isinstance(node, ast.ImportFrom) and node.module == "actlab":
            modules |= {a.asname or a.name for a in node.names if a.name == "i18n"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == "actlab.i18n" and a.asname}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        direct = isinstance(func, ast.Name) and func.id in names
        via = (
            isinstance(func, ast.Attribute)
            and func.attr == "t"
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        )
        if not (direct or via):
            continue
        first = node.args[0] if node.args else None
        key = (
            first.value
            if isinstance(first, ast.Constant) and isinstance(first.value, str)
            else None
        )
        kwargs = (
            None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
        )
        found.append((filename, node.lineno, key, kwargs))
    return found


def lookup_problems(calls, catalog: dict[str, dict[str, str]]) -> list[str]:
    problems = []
    for filename, line, key, kwargs in calls:
        where = f"{filename}:{line}"
        if key is None:
            problems.append(f"{where}: t() needs a literal key, so that this test can check it")
        elif key not in catalog:
            problems.append(f"{where}: {key!r} is not in the catalog")
        elif kwargs is not None and kwargs != fields_of(catalog[key]["en"]):
            problems.append(
                f"{where}: {key!r} takes {sorted(fields_of(catalog[key]['en']))}, "
                f"called with {sorted(kwargs)}"
            )
    return problems


def _src_lookups():
    calls = []
    for path in sorted(SRC.rglob("*.py")):
        calls += lookups(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    return calls


def test_every_entry_has_both_languages_and_the_same_fields() -> None:
    assert catalog_problems(CATALOG) == []


def test_the_completeness_check_finds_broken_entries() -> None:
    broken = {
        "start.only_english": {"en": "copied {n} exercises"},
        "start.fields": {"en": "copied {n} into {where}", "zh": "已复制{n}个"},
        "Bad Key": {"en": "x", "zh": "x"},
        "start.empty": {"en": "x", "zh": " "},
        "start.positional": {"en": "{0}", "zh": "{0}"},
    }
    problems = "\n".join(catalog_problems(broken))
    assert "start.only_english: languages ['en']" in problems
    assert "start.fields: fields differ, en ['n', 'where'] and zh ['n']" in problems
    assert "Bad Key: keys are dotted" in problems
    assert "start.empty: empty zh message" in problems
    assert "start.positional: message '{0}' has a positional field" in problems


def test_every_key_the_package_looks_up_is_in_the_catalog() -> None:
    calls = _src_lookups()
    assert calls, "no t() call found in src/: the scan is broken"
    assert lookup_problems(calls, CATALOG) == []


def test_the_lookup_scan_finds_missing_keys_and_wrong_fields() -> None:
    source = (
        "from actlab.i18n import t\n"
        "from actlab import i18n as tr\n"
        "t('start.copied', 'zh', n=1, where='work')\n"
        "t('start.nowhere', 'en')\n"
        "tr.t('start.kept', 'en', n=1)\n"
        "key = 'start.copied'\n"
        "t(key, 'en', n=1, where='w')\n"
        "t('start.copied', 'en', **{'n': 1, 'where': 'w'})\n"
    )
    problems = lookup_problems(lookups(source, "m.py"), CATALOG)
    assert problems == [
        "m.py:4: 'start.nowhere' is not in the catalog",
        "m.py:5: 'start.kept' takes ['n', 'where'], called with ['n']",
        "m.py:7: t() needs a literal key, so that this test can check it",
    ]
    # a module that does not import actlab.i18n's t has no lookups, whatever it calls t
    assert lookups("t = print\nt('start.nowhere')\n") == []


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_chinese_messages_draw_and_follow_the_course_style(key: str) -> None:
    message = CATALOG[key]["zh"]
    filled = message.format(**{name: "x" for name in fields_of(message)})
    assert missing_glyphs(filled) == [], f"{key}: add these to the font (tools/make_font_subset.py)"
    assert punctuation_problems(filled) == []
    assert [str(issue) for issue in check_terms(message)] == []


def test_t_fills_fields_in_either_language() -> None:
    assert (
        t("start.copied", "en", n=6, where="work")
        == "copied 6 exercises into work/: answer them there"
    )
    assert t("start.copied", "zh_CN", n=6, where="work") == "已将6个练习复制到work/，请在那里作答。"
    assert t("start.copied", "zh-CN", n=6, where="w") == t("start.copied", "zh", n=6, where="w")


def test_t_refuses_unknown_keys_and_wrong_fields() -> None:
    with pytest.raises(KeyError, match=r"no message 'start.copy' .* did you mean 'start.copied'"):
        t("start.copy", "en", n=1, where="w")
    with pytest.raises(ValueError, match=r"fields missing \['where'\]; the message takes"):
        t("start.copied", "zh", n=1)
    with pytest.raises(ValueError, match=r"unused \['extra'\]"):
        t("start.copied", "en", n=1, where="w", extra=2)
    with pytest.raises(ValueError, match=r"unknown language 'fr'"):
        t("start.copied", "fr", n=1, where="w")


@pytest.mark.parametrize(
    ("given", "code"),
    [("en", "en"), ("EN", "en"), ("en-US", "en"), ("zh", "zh"), ("zh-CN", "zh"), ("zh_CN", "zh"),
     ("zh_cn", "zh"), ("zh-Hans", "zh"), (" zh ", "zh")],
)  # fmt: skip
def test_normalize_lang_accepts_the_spellings(given: str, code: str) -> None:
    assert normalize_lang(given) == code


@pytest.mark.parametrize("given", ["fr", "zh-TW", "zh_Hant", "", "chinese"])
def test_normalize_lang_refuses_other_languages(given: str) -> None:
    with pytest.raises(
        ValueError, match=r"the course has English and Simplified Chinese; use one of"
    ):
        normalize_lang(given)


def test_normalize_lang_refuses_a_non_string() -> None:
    with pytest.raises(TypeError, match="normalize_lang: lang must be a str"):
        normalize_lang(None)  # type: ignore[arg-type]


def test_notebook_lang_reads_the_metadata() -> None:
    assert notebook_lang({}) == "en"
    assert notebook_lang({"actlab": {}}) == "en"
    assert notebook_lang({"actlab": {"lang": "zh-CN"}}) == "zh"
    with pytest.raises(ValueError, match="unknown language 'de'"):
        notebook_lang({"actlab": {"lang": "de"}})
