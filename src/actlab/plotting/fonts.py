"""Chinese figure text: the course's CJK font, registered with matplotlib on import.

matplotlib's default font, DejaVu Sans, has no Chinese glyphs. The course ships "Actlab Sans SC"
(``actlab/data/fonts/ActlabSansSC-Regular.otf``, 1.4 MiB): a subset of Noto Sans CJK SC under the
SIL Open Font License (``OFL.txt`` beside it) with printable ASCII, the 3,755 level-1 hanzi of
GB2312, CJK punctuation, full-width forms and the symbols of the course's figure text. Importing
``actlab.plotting`` registers it and sets ``font.family`` to :data:`FONT_FAMILIES`, DejaVu Sans
first: Latin text, digits and math symbols look as before, and matplotlib takes each character that
DejaVu Sans lacks from the CJK font.

A character in neither font is drawn as an empty box, and matplotlib warns "Glyph … missing from
font(s)". :func:`missing_glyphs` finds such characters without drawing, so figure text can be
checked before it is used. To add characters to the font, run ``python tools/make_font_subset.py
--add "…"`` (see that script for where the source font comes from).

A text that holds math, ``$…$``, is set by mathtext as a whole, the words outside the dollars
included, in mathtext's own fonts, which have no Chinese; matplotlib then only logs "Font 'default'
does not have a glyph" and draws a box. Keep Chinese out of any text that holds math: write
``精确值xΦ(x)`` with Unicode symbols, or put the formula in a text of its own.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import matplotlib as mpl

__all__ = ["FONT_FAMILIES", "FONT_FAMILY", "FONT_PATH", "missing_glyphs", "use_cjk_font"]

FONT_FAMILY = "Actlab Sans SC"
FONT_FAMILIES: tuple[str, ...] = ("DejaVu Sans", FONT_FAMILY)
FONT_PATH = Path(str(resources.files("actlab").joinpath("data/fonts/ActlabSansSC-Regular.otf")))


def _dejavu_path() -> Path:
    return Path(mpl.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


@cache
def _register() -> None:
    from matplotlib import font_manager

    if not any(Path(f.fname) == FONT_PATH for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(FONT_PATH))


def use_cjk_font() -> None:
    """Register the course's CJK font with matplotlib and put it after DejaVu Sans in
    ``font.family`` (idempotent). ``import actlab.plotting`` calls it."""
    _register()
    mpl.rcParams["font.family"] = list(FONT_FAMILIES)


@cache
def _charmap(path: Path) -> frozenset[int]:
    from matplotlib import ft2font

    return frozenset(ft2font.FT2Font(str(path)).get_charmap())


def missing_glyphs(text: str) -> list[str]:
    """The characters of ``text`` that neither DejaVu Sans nor the course's CJK font can draw,
    each once, in order of appearance (line breaks are not drawn and never count).

    >>> missing_glyphs("激活函数 ReLU: max(0, x)，x ≥ 0")
    []
    """
    if not isinstance(text, str):
        raise TypeError(f"missing_glyphs: text must be a str, got {type(text).__name__}")
    covered = _charmap(_dejavu_path()) | _charmap(FONT_PATH)
    return [ch for ch in dict.fromkeys(text) if ch != "\n" and ord(ch) not in covered]
