"""The two editions of the start page and of each chapter: English (``NAME.ipynb``) and 简体中文
(``NAME.zh-CN.ipynb``).

    python tools/editions.py sync chapters/01_overview.ipynb      # make or update the Chinese one
    python tools/editions.py check [NOTEBOOK ...]                  # what is out of step (default: all)
    python tools/editions.py translated chapters/01_overview.zh-CN.ipynb cell-02 cell-05 | --all

The English notebook is the source of the code; the Chinese one is paired with it cell by cell:

* the same cells, with the same ids, types and order;
* the same code, except the chapter's language setting, ``LANG = "en"`` in English and
  ``LANG = "zh"`` in Chinese, which every call that draws or prints text takes (``lang=LANG``),
  and the comments, which are written in the edition's language (a Chinese comment without a
  single Chinese character, in words of English, is reported as untranslated);
* Markdown written in Chinese. Each Chinese Markdown cell records a fingerprint of the English
  cell it translates (``metadata.actlab.source``); when the English cell changes, the translation
  is stale until a translator revises it and runs ``translated``. ``sync`` gives a new English cell
  a Chinese cell that holds the English text under ``UNTRANSLATED``, which ``check`` reports;
* the same measured numbers: every decimal, scientific or three-digit number in a Markdown cell, and
  the sequence of numbers printed by a code cell, agree between the editions (except in a cell tagged
  ``nbval-ignore-output``, a true timing, which differs from run to run).

``sync`` copies the code (keeping the Chinese comments and outputs of code that did not change),
adds and removes cells to follow the English notebook, and keeps every translation. Run the Chinese notebook
afterwards (``python tools/run_notebooks.py``) to store its outputs.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import sys
import tokenize
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
SUFFIX = ".zh-CN.ipynb"
LANG_LINE = re.compile(r'^LANG = "(en|zh)"(?P<rest>\s*(#.*)?)$', re.MULTILINE)
UNTRANSLATED = "<!-- UNTRANSLATED: translate this cell, then run tools/editions.py translated -->"
# measured values: decimals, scientific notation, and numbers of three or more digits
# (ASCII boundaries: in Chinese a number sits right next to hanzi, which count as word characters;
# a full stop after a number ends the sentence, "section 2.4.", where "2.4.1" goes on)
NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])[-\u2212]?(?:\d+\.\d+(?:e[-+\u2212]?\d+)?|\d+e[-+\u2212]?\d+|\d{3,})(?![A-Za-z0-9_]|\.\w)"
)


def chinese_path(english: Path) -> Path:
    return english.with_name(english.name.removesuffix(".ipynb") + SUFFIX)


def english_path(chinese: Path) -> Path:
    return chinese.with_name(chinese.name.removesuffix(SUFFIX) + ".ipynb")


def fingerprint(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def chinese_code(english_source: str) -> str:
    return LANG_LINE.sub(lambda m: f'LANG = "zh"{m.group("rest")}', english_source)


CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# a word, not an identifier or a formula's name (delta_l, W_{l+1}, f(x))
ENGLISH_WORD = re.compile(r"(?<![A-Za-z0-9_{])[A-Za-z]{3,}(?![A-Za-z0-9_{(])")


def comments(source: str) -> list[str]:
    """The comments of a code cell (IPython's ``%magic`` lines count as code)."""
    code = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")
    )
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [
            line[line.index("#") :] for line in code.split("\n") if line.lstrip().startswith("#")
        ]
    return [tok.string for tok in tokens if tok.type == tokenize.COMMENT]


def without_comments(source: str) -> str:
    """``source`` with its comments removed and trailing spaces trimmed, comment-only lines dropped."""
    lines = source.split("\n")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return source
    for tok in reversed([t for t in tokens if t.type == tokenize.COMMENT]):
        row, col = tok.start
        lines[row - 1] = lines[row - 1][:col]
    kept = [line.rstrip() for line, old in zip(lines, source.split("\n"), strict=True)
            if line.strip() or not old.strip()]  # fmt: skip
    return "\n".join(kept)


def english_comments(source: str) -> list[str]:
    """Comments with no Chinese character and at least two English words."""
    return [c for c in comments(source) if not CJK.search(c) and len(ENGLISH_WORD.findall(c)) >= 2]


def same_code(english_source: str, chinese_source: str) -> bool:
    return without_comments(chinese_code(english_source)) == without_comments(chinese_source)


def numbers(text: str) -> list[str]:
    return [n.replace("\u2212", "-") for n in NUMBER.findall(text)]


def output_text(cell: dict) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "data" in output and "text/plain" in output["data"] and len(output["data"]) == 1:
            parts.append(output["data"]["text/plain"])
    return "".join(parts)


def sync(english: Path) -> Path:
    """Make or update the Chinese edition of ``english``; returns its path."""
    en = nbformat.read(english, as_version=4)
    target = chinese_path(english)
    old = nbformat.read(target, as_version=4) if target.exists() else None
    old_cells = {cell.id: cell for cell in old.cells} if old else {}
    cells = []
    for cell in en.cells:
        previous = old_cells.get(cell.id)
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(chinese_code(cell.source), id=cell.id)
            new.metadata = cell.metadata
            if (
                previous is not None
                and previous.cell_type == "code"
                and same_code(cell.source, previous.source)
            ):
                new.source = previous.source  # its comments are translated
                new.outputs, new.execution_count = previous.outputs, previous.execution_count
        elif previous is not None and previous.cell_type == cell.cell_type:
            new = previous
        else:
            maker = (
                nbformat.v4.new_markdown_cell
                if cell.cell_type == "markdown"
                else nbformat.v4.new_raw_cell
            )
            new = maker(f"{UNTRANSLATED}\n{cell.source}", id=cell.id)
            new.metadata = {**cell.metadata, "actlab": {"source": "untranslated"}}
        cells.append(new)
    zh = nbformat.v4.new_notebook(cells=cells, metadata=en.metadata)
    zh.metadata.setdefault("actlab", {})["lang"] = "zh-CN"
    zh.nbformat_minor = en.nbformat_minor
    nbformat.write(zh, target)
    return target


def mark_translated(chinese: Path, ids: list[str] | None) -> list[str]:
    """Record that the Chinese Markdown cells ``ids`` (all, if None) translate the current English."""
    en = {cell.id: cell for cell in nbformat.read(english_path(chinese), as_version=4).cells}
    zh = nbformat.read(chinese, as_version=4)
    marked = []
    for cell in zh.cells:
        if cell.cell_type == "code" or (ids is not None and cell.id not in ids):
            continue
        if UNTRANSLATED in cell.source:
            raise SystemExit(f"{chinese.name} {cell.id}: still marked UNTRANSLATED")
        cell.metadata.setdefault("actlab", {})["source"] = fingerprint(en[cell.id].source)
        marked.append(cell.id)
    nbformat.write(zh, chinese)
    return marked


def problems(english: Path) -> list[str]:
    """Every way the Chinese edition of ``english`` is out of step with it."""
    target = chinese_path(english)
    if not target.exists():
        return [f"{target.name}: missing; run tools/editions.py sync on {english.name}"]
    en = nbformat.read(english, as_version=4)
    zh = nbformat.read(target, as_version=4)
    name = target.name
    found = []
    if [(c.id, c.cell_type) for c in en.cells] != [(c.id, c.cell_type) for c in zh.cells]:
        return [f"{name}: its cells are not the English cells (ids, types, order); run sync"]
    if zh.metadata.get("actlab", {}).get("lang") != "zh-CN":
        found.append(f"{name}: metadata.actlab.lang is not 'zh-CN'")
    for e, z in zip(en.cells, zh.cells, strict=True):
        where = f"{name} {z.id}"
        if e.cell_type == "code":
            if not same_code(e.source, z.source):
                found.append(f"{where}: code differs from English beyond LANG; run sync")
                continue
            found.extend(f"{where}: untranslated comment {c!r}" for c in english_comments(z.source))
            timing = "nbval-ignore-output" in e.metadata.get("tags", [])
            if not timing and numbers(output_text(e)) != numbers(output_text(z)):
                found.append(f"{where}: prints other numbers than English; re-run both editions")
            continue
        if UNTRANSLATED in z.source:
            found.append(f"{where}: untranslated")
            continue
        if z.metadata.get("actlab", {}).get("source") != fingerprint(e.source):
            found.append(f"{where}: the English cell changed since it was translated")
        if set(numbers(e.source)) != set(numbers(z.source)):
            only_en = sorted(set(numbers(e.source)) - set(numbers(z.source)))
            only_zh = sorted(set(numbers(z.source)) - set(numbers(e.source)))
            found.append(
                f"{where}: numbers differ (English only {only_en}, Chinese only {only_zh})"
            )
    has_lang = any(LANG_LINE.search(c.source) for c in en.cells if c.cell_type == "code")
    if english.parent.name == "chapters" and not has_lang:
        found.append(f'{english.name}: no LANG = "en" line for the language of its figures')
    return found


def english_notebooks() -> list[Path]:
    """The start page and the chapters, in English."""
    chapters = sorted(p for p in (REPO / "chapters").glob("*.ipynb") if not p.name.endswith(SUFFIX))
    return [REPO / "index.ipynb", *chapters]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sync", help="make or update the Chinese edition of each English notebook")
    p.add_argument("notebooks", nargs="+", type=Path)
    p = sub.add_parser("check", help="report what is out of step (default: every chapter)")
    p.add_argument("notebooks", nargs="*", type=Path)
    p = sub.add_parser("translated", help="mark Chinese Markdown cells as revised")
    p.add_argument("notebook", type=Path)
    p.add_argument("ids", nargs="*")
    p.add_argument("--all", action="store_true", help="every Markdown cell of the notebook")
    args = parser.parse_args(argv)
    if args.command == "sync":
        for english in args.notebooks:
            print(f"wrote {sync(english.resolve()).relative_to(REPO)}")
        return 0
    if args.command == "translated":
        if not args.ids and not args.all:
            parser.error("name the cells, or give --all")
        marked = mark_translated(args.notebook.resolve(), None if args.all else args.ids)
        print(f"{args.notebook.name}: marked {len(marked)} cells as translated")
        return 0
    found = [p for e in (args.notebooks or english_notebooks()) for p in problems(e.resolve())]
    print("\n".join(found) if found else "the editions are in step")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
