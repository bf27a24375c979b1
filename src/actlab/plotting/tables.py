"""Plain-text tables of experiment rows, rounded so that a stored chapter replays exactly.

A chapter prints a table with ``print(format_table(rows, columns))``. Floats are shown with three
significant digits (training results differ in the last bits between CPUs; rounding hides that),
booleans as ``yes``/``no`` and ``None`` as ``-``. A few labelled numbers print with
:func:`format_facts`.

A difference at rounding level (two float64 routes to the same number) has last digits that depend
on the CPU's vector instructions, so printing it as ``4.4e-16`` would not replay on another
machine. :class:`Below` prints it as an upper bound, ``< 1e-13``, which does.

The functions take ``lang`` (``"en"`` or ``"zh"``, see :mod:`actlab.i18n`): booleans print as
``yes``/``no`` or ``是``/``否``. Columns are aligned by their width on screen, where a Chinese
character takes two columns, so a Chinese table lines up as an English one does.
"""

from __future__ import annotations

import math
import numbers
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from actlab.i18n import t

__all__ = ["Below", "display_width", "format_cell", "format_facts", "format_table"]


class Below:
    """A non-negative magnitude known to be below ``bound``, shown as ``"< bound"``.

    Use it for rounding-level differences, whose exact value varies between CPUs. If the value
    is not below the bound it is shown as it is, so a real disagreement still prints.

    Args:
        value: the measured magnitude (>= 0, or NaN).
        bound: the bound, > 0.

    Examples::

        >>> str(Below(4.4e-16, 1e-13)), str(Below(2e-3, 1e-13))
        ('< 1e-13', '0.002')
    """

    def __init__(self, value: float, bound: float) -> None:
        value, bound = float(value), float(bound)
        if not bound > 0:
            raise ValueError(f"Below: bound must be > 0, got {bound!r}")
        if value < 0:
            raise ValueError(f"Below: value must be a magnitude (>= 0), got {value!r}")
        self.value = value
        self.bound = bound

    def __str__(self) -> str:
        if self.value < self.bound:
            return f"< {self.bound:g}"
        return format_cell(self.value)

    def __repr__(self) -> str:
        return f"Below({self.value!r}, {self.bound!r})"


def format_cell(value: Any, digits: int = 3, lang: str = "en") -> str:
    """One value as table text, booleans in ``lang``.

    Examples::

        >>> format_cell(0.123456), format_cell(True), format_cell(None), format_cell(2.0e-05)
        ('0.123', 'yes', '-', '2e-05')
        >>> format_cell(False, lang="zh")
        '否'
    """
    if value is None:
        return "-"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return t("result.yes", lang) if value else t("result.no", lang)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.{digits}g}"
    return str(value)


def display_width(text: str) -> int:
    """The columns ``text`` takes in a monospaced font: two for a wide (CJK) character.

    Examples::

        >>> display_width("ReLU"), display_width("激活函数"), display_width("f'的跳变")
        (4, 8, 8)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def format_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | Mapping[str, str] | None = None,
    *,
    digits: int = 3,
    lang: str = "en",
) -> str:
    """Rows of dicts as an aligned text table.

    Args:
        rows: the rows, dicts sharing keys.
        columns: the keys to show, in order, or a mapping ``{key: header}``; default: the first
            row's keys.
        digits: significant digits of floats. Default: 3.
        lang: the language of ``yes``/``no``. Default: ``"en"``.

    Examples::

        >>> print(format_table([{"a": 1, "b": 0.5}, {"a": 10, "b": 0.25}]))
        a   b
        --  ----
        1   0.5
        10  0.25
    """
    if not rows:
        raise ValueError("format_table: rows must not be empty")
    if columns is None:
        columns = list(rows[0])
    headers = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
    missing = [k for k in headers if any(k not in r for r in rows)]
    if missing:
        raise KeyError(f"format_table: some rows lack the columns {missing}")
    cells = [[format_cell(r[k], digits, lang) for k in headers] for r in rows]
    widths = [
        max(display_width(h), *(display_width(c[i]) for c in cells))
        for i, h in enumerate(headers.values())
    ]
    lines = [
        "  ".join(_pad(h, w) for h, w in zip(headers.values(), widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)


def format_facts(facts: Mapping[str, Any], *, digits: int = 3, lang: str = "en") -> str:
    """Labelled values, one per line, the values aligned: ``label  value``.

    Args:
        facts: ``{label: value}`` in display order; values are formatted as table cells.
        digits: significant digits of floats. Default: 3.
        lang: the language of ``yes``/``no``. Default: ``"en"``.

    Examples::

        >>> print(format_facts({"rank of W": 3, "max |difference|": Below(4e-16, 1e-13)}))
        rank of W         3
        max |difference|  < 1e-13
    """
    if not facts:
        raise ValueError("format_facts: facts must not be empty")
    width = max(display_width(str(k)) for k in facts)
    return "\n".join(
        f"{_pad(str(k), width)}  {format_cell(v, digits, lang)}".rstrip() for k, v in facts.items()
    )
