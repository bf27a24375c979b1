"""One exercise source, two languages: the English and the Chinese view of a source notebook.

An instructor writes one source per exercise, ``exercises/source/NAME.ipynb``, with both languages
in it; ``actlab release`` writes one student notebook per language (``NAME.ipynb`` and
``NAME.zh-CN.ipynb``), and the grader grades a submission of either against the same tests.

The source's format, on top of nbgrader's:

* notebook metadata ``actlab.languages: ["en", "zh"]`` (a source without it is English only);
* **Markdown cells hold one language**: ``metadata.actlab.lang``. Each Chinese cell follows the
  English cell it translates, has a ``grade_id`` of its own (``intro_zh``: nbgrader wants them
  unique), and records ``translates`` (the English cell's ``grade_id``) and ``source`` (a
  fingerprint of the English text it translates, so that a changed English cell shows as stale);
* **code cells are shared**: the code is the same in both languages. Where a code cell has
  comments or docstrings, ``metadata.actlab.zh = {"source": ..., "translates": ...}`` holds the
  cell with them in Chinese (the code identical, :func:`same_code`), and the fingerprint of the
  English cell it translates. Everything else a learner reads in a code cell (printed labels,
  hints, the feedback of ``check``) comes from the catalog with ``lang=LANG``
  (:mod:`actlab.i18n`);
* the set-up cell holds ``LANG = "en"``; the Chinese view has ``LANG = "zh"``.

:func:`language_view` makes the notebook of one language: the other language's Markdown cells
left out, Chinese cells under the ``grade_id`` of the English cell they translate (so both views
have the same cells, in the same order, with the same ids), code cells in that language, and
``metadata.actlab.lang`` set (``"en"`` or ``"zh-CN"``). :func:`translation_problems` lists what is
missing or stale; ``python -m actlab.grading.languages translated SOURCE GRADE_ID...`` records that
Chinese cells translate the current English (after a translator revised them).
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import sys
import tokenize
from typing import Any

__all__ = [
    "LANGS",
    "code_tokens",
    "fingerprint",
    "language_view",
    "mark_translated",
    "release_name",
    "same_code",
    "source_languages",
    "translation_problems",
]

LANGS: tuple[str, ...] = ("en", "zh")
_META_LANG = {"en": "en", "zh": "zh-CN"}
_SUFFIX = {"en": ".ipynb", "zh": ".zh-CN.ipynb"}
LANG_LINE = re.compile(r'^(?P<indent>\s*)LANG = "(en|zh)"(?P<rest>\s*(#.*)?)$', re.MULTILINE)
_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def _actlab(cell: dict[str, Any]) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("actlab", {})
    return meta if isinstance(meta, dict) else {}


def _gid(cell: dict[str, Any]) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta.get("grade_id") if isinstance(meta, dict) else None


def fingerprint(text: str) -> str:
    """A short fingerprint of an English text, which its translation records."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def source_languages(nb: dict[str, Any]) -> tuple[str, ...]:
    """The languages of a source notebook: ``("en", "zh")``, or ``("en",)`` when it says none."""
    langs = nb.get("metadata", {}).get("actlab", {}).get("languages", ["en"])
    if not (isinstance(langs, list) and langs and all(lang in LANGS for lang in langs)):
        raise ValueError(f"metadata actlab.languages must be a list out of {list(LANGS)}, got {langs!r}")
    return tuple(langs)


def release_name(exercise: str, lang: str) -> str:
    """The file name of an exercise's release in ``lang``: ``NAME.ipynb``, ``NAME.zh-CN.ipynb``."""
    return exercise + _SUFFIX[lang]


def with_lang(source: str, lang: str) -> str:
    """``source`` with its ``LANG = "..."`` line set to ``lang``."""
    return LANG_LINE.sub(lambda m: f'{m.group("indent")}LANG = "{lang}"{m.group("rest")}', source)


def language_view(nb: dict[str, Any], lang: str) -> dict[str, Any]:
    """The notebook of one language, made from a bilingual source (see the module docstring), with
    ``metadata.actlab.lang`` set. A source without ``actlab.languages`` (English only) is returned
    as a copy. Raises ``ValueError`` for a language the source does not have.
    """
    langs = source_languages(nb)
    if lang not in langs:
        raise ValueError(f"language_view: the source has {list(langs)}, not {lang!r}")
    view = copy.deepcopy(nb)
    cells = []
    for cell in view.get("cells", []):
        meta = cell.setdefault("metadata", {})
        actlab = meta.get("actlab", {}) if isinstance(meta.get("actlab"), dict) else {}
        own = actlab.pop("lang", None)
        translates = actlab.pop("translates", None)
        actlab.pop("source", None)
        translation = actlab.pop("zh", None)
        if own is not None and own != lang:
            continue
        if translates and isinstance(meta.get("nbgrader"), dict):
            meta["nbgrader"]["grade_id"] = translates
        if cell.get("cell_type") == "code":
            source = _source(cell)
            if lang == "zh" and isinstance(translation, dict) and "source" in translation:
                source = str(translation["source"])
            cell["source"] = with_lang(source, lang)
        if "actlab" in meta and not actlab:
            del meta["actlab"]
        cells.append(cell)
    view["cells"] = cells
    course = view.get("metadata", {}).get("actlab")
    if isinstance(course, dict) and "languages" in course:
        del course["languages"]
        course["lang"] = _META_LANG[lang]
    return view


# --- the same code in two languages ---------------------------------------------------------------


def code_tokens(source: str) -> list[tuple[int, str]]:
    """The tokens of ``source`` that make its code: comments left out (but nbgrader's markers),
    docstrings and other string statements replaced by one placeholder, line breaks inside
    statements and blank lines ignored. Raises ``SyntaxError`` for text that is not Python."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    out: list[tuple[int, str]] = []
    starts_statement = True
    for i, tok in enumerate(tokens):
        if tok.type == tokenize.COMMENT:
            marker = tok.string.strip()
            if marker.startswith(_MARKERS):
                out.append((tok.type, marker))
            continue
        if tok.type in (tokenize.NL, tokenize.ENCODING):
            continue
        if tok.type == tokenize.STRING and starts_statement:
            after = next((t for t in tokens[i + 1 :] if t.type not in (tokenize.NL, tokenize.COMMENT)), None)
            if after is None or after.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                out.append((tok.type, "<docstring>"))
                starts_statement = False
                continue
        out.append((tok.type, tok.string))
        starts_statement = tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
    return out


def same_code(english: str, chinese: str) -> bool:
    """Whether two versions of a code cell run the same code: they may differ only in comments,
    docstrings and ``LANG``."""
    try:
        return code_tokens(with_lang(english, "zh")) == code_tokens(with_lang(chinese, "zh"))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return False


# --- translations, fresh or stale -----------------------------------------------------------------


def translation_problems(nb: dict[str, Any], name: str = "notebook") -> list[str]:
    """Every way the Chinese half of a bilingual source is missing, misplaced or stale."""
    if "zh" not in source_languages(nb):
        return []
    problems = []
    cells = nb.get("cells", [])
    english: dict[str, dict[str, Any]] = {}
    for i, cell in enumerate(cells):
        meta, gid = _actlab(cell), _gid(cell)
        where = f"{name}, cell {i} ({gid})"
        if cell.get("cell_type") == "markdown":
            lang = meta.get("lang")
            if lang == "en":
                english[gid or ""] = cell
                following = cells[i + 1] if i + 1 < len(cells) else {}
                if _actlab(following).get("translates") != gid:
                    problems.append(f"{where}: no Chinese cell translates it right after it")
            elif lang == "zh":
                target = english.get(meta.get("translates", ""))
                if target is None:
                    problems.append(f"{where}: translates {meta.get('translates')!r}, which is "
                                    "not the English cell before it")  # fmt: skip
                elif meta.get("source") != fingerprint(_source(target)):
                    problems.append(f"{where}: stale, the English cell changed since it was "
                                    "translated")  # fmt: skip
                if gid == meta.get("translates"):
                    problems.append(f"{where}: needs a grade_id of its own")
            else:
                problems.append(f"{where}: a Markdown cell needs metadata actlab.lang, en or zh")
        elif cell.get("cell_type") == "code":
            zh = meta.get("zh")
            if zh is None:
                continue
            if not (isinstance(zh, dict) and isinstance(zh.get("source"), str)):
                problems.append(f"{where}: actlab.zh must be {{'source': ..., 'translates': ...}}")
            elif not same_code(_source(cell), zh["source"]):
                problems.append(f"{where}: its Chinese version runs other code (only comments, "
                                "docstrings and LANG may differ)")  # fmt: skip
            elif zh.get("translates") != fingerprint(_source(cell)):
                problems.append(f"{where}: stale, the English code changed since it was translated")
    return problems


def mark_translated(nb: dict[str, Any], grade_ids: list[str] | None = None) -> list[str]:
    """Record that the Chinese cells of ``grade_ids`` (Markdown cells by their own id, code cells by
    theirs; all, if None) translate the current English. Returns the ids marked."""
    marked = []
    previous: dict[str, Any] | None = None
    for cell in nb.get("cells", []):
        meta, gid = _actlab(cell), _gid(cell)
        wanted = grade_ids is None or gid in grade_ids
        if cell.get("cell_type") == "markdown" and meta.get("lang") == "zh" and wanted:
            if previous is None or _gid(previous) != meta.get("translates"):
                raise ValueError(f"mark_translated: {gid} does not follow the cell it translates")
            meta["source"] = fingerprint(_source(previous))
            marked.append(str(gid))
        elif cell.get("cell_type") == "code" and isinstance(meta.get("zh"), dict) and wanted:
            meta["zh"]["translates"] = fingerprint(_source(cell))
            marked.append(str(gid))
        if meta.get("lang") != "zh":
            previous = cell
    return marked


def main(argv: list[str] | None = None) -> int:
    """``python -m actlab.grading.languages translated SOURCE.ipynb [GRADE_ID ...]`` and
    ``... check SOURCE.ipynb ...``."""
    from actlab.grading.notebook import read_notebook, write_notebook

    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or args[0] not in ("translated", "check"):
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        print("usage: python -m actlab.grading.languages translated|check SOURCE.ipynb [GRADE_ID ...]",
              file=sys.stderr)  # fmt: skip
        return 2
    if args[0] == "check":
        found = [p for path in args[1:] for p in translation_problems(read_notebook(path), path)]
        print("\n".join(found) or "every translation is there and fresh")
        return 1 if found else 0
    nb = read_notebook(args[1])
    marked = mark_translated(nb, args[2:] or None)
    write_notebook(nb, args[1])
    print(f"{args[1]}: marked {len(marked)} cell(s) as translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
