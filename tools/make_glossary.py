"""Write docs/glossary.md from src/actlab/data/glossary.csv.

    python tools/make_glossary.py            # rewrite docs/glossary.md
    python tools/make_glossary.py --check    # exit 1 if docs/glossary.md is stale

The CSV is the glossary; the Markdown file is how people read it. tests/test_zhstyle.py fails
when the two disagree.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from actlab.zhstyle import render_markdown

REPO = Path(__file__).resolve().parents[1]
MARKDOWN = REPO / "docs" / "glossary.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    args = parser.parse_args(argv)
    text = render_markdown()
    if args.check:
        stale = not MARKDOWN.exists() or MARKDOWN.read_text(encoding="utf-8") != text
        print(
            f"make_glossary: {MARKDOWN.relative_to(REPO)} is {'stale' if stale else 'up to date'}"
        )
        return 1 if stale else 0
    MARKDOWN.write_text(text, encoding="utf-8")
    print(f"make_glossary: wrote {MARKDOWN.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
