"""The course's one message catalog: every text a learner reads outside a notebook's own cells.

Feedback of ``check()``, ``actlab validate`` and ``actlab grade``, figure text, printed result
labels and the command line's messages all come from :data:`CATALOG`, in English and in Simplified
Chinese, through :func:`t`::

    >>> from actlab.i18n import t
    >>> t("start.copied", "zh", n=6, where="work")
    '已将6个练习复制到work/，请在那里作答。'

**Entries.** One key per message, with both languages side by side, so that a message cannot
exist in one language only (``tests/test_i18n.py`` fails if it does)::

    "start.copied": {
        "en": "copied {n} exercises into {where}/: answer them there",
        "zh": "已将{n}个练习复制到{where}/，请在那里作答。",
    },

* Keys are dotted and lower-case, ``area.name`` or ``area.topic.name``. The areas:
  ``check.*`` feedback of the exercise checks, ``validate.*`` and ``grade.*`` the reports of those
  commands, ``plot.*`` figure text (titles, axis labels, legend entries), ``result.*`` labels of
  printed results and tables, ``start.*`` and ``cli.*`` the command line.
* Fields are ``str.format`` fields, ``{n}``, ``{where}``, ``{value:.3g}``; both languages use
  the same set of field names (the test compares them). Write ``{{`` for a literal brace.
* Chinese follows the course's style (《动手学深度学习》): full-width punctuation in prose
  (，。：；？！（）), half-width in code, numbers and formulas, no space between Chinese and Latin
  text or digits (``已将{n}个练习``), and the glossary's term for every technical word
  (``docs/glossary.md``). The tests check every Chinese entry with
  :func:`actlab.zhstyle.punctuation_problems`, :func:`actlab.zhstyle.check_terms` and, since any
  message may end up in a figure, :func:`actlab.plotting.fonts.missing_glyphs`.

**Looking a message up.** Always with a literal key, ``t("plot.activation.xlabel", lang)``, never a
key built at run time: the test finds every ``t("...")`` call in ``src/`` and fails on a key that
the catalog lacks, and on keyword fields that differ from the message's.

**Languages.** ``lang`` is ``"en"`` or ``"zh"``; ``"zh-CN"``, ``"zh_CN"``, ``"zh-Hans"`` and
``"en-US"``/``"en-GB"`` (any case) mean the same (:func:`normalize_lang`). Anything else, Traditional
Chinese included, is a ``ValueError`` that lists what is accepted.

**How the rest of the package uses it.**

* A plotting function takes a keyword ``lang: str = "en"`` and passes it to every :func:`t` call
  for its text; names of activations (ReLU, GELU) and formulas stay as they are in both languages.
* A check decides in a language-neutral way and reports a key plus fields (``"check.nan"``,
  ``{"x": "1e4"}``); the text is made by :func:`t` where it is shown (the notebook's ``check()``,
  ``actlab validate``, the feedback files of ``actlab grade``), in the submission's language:
  :func:`notebook_lang` reads it from the notebook's metadata (``metadata.actlab.lang``), and a
  ``--lang`` option overrides it. Fields carry what the learner's code produced (a shape, a dtype,
  an input), never an expected value.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Mapping
from typing import Any

__all__ = ["CATALOG", "LANGS", "fields_of", "normalize_lang", "notebook_lang", "t"]

LANGS: tuple[str, ...] = ("en", "zh")

_ALIASES: dict[str, str] = {
    "en": "en",
    "en-us": "en",
    "en-gb": "en",
    "zh": "zh",
    "zh-cn": "zh",
    "zh-hans": "zh",
    "zh-hans-cn": "zh",
}

CATALOG: dict[str, dict[str, str]] = {
    # actlab start (src/actlab/cli.py)
    "start.copied": {
        "en": "copied {n} exercises into {where}/: answer them there",
        "zh": "已将{n}个练习复制到{where}/，请在那里作答。",
    },
    "start.kept": {
        "en": "kept your {n} notebooks in {where}/ as they are",
        "zh": "你在{where}/中的{n}个笔记本保持原样。",
    },
    "start.opening": {
        "en": "opening {page} in JupyterLab",
        "zh": "正在用JupyterLab打开{page}。",
    },
}


def normalize_lang(lang: str) -> str:
    """``"en"`` or ``"zh"`` for the spellings of those languages; ``ValueError`` otherwise.

    >>> normalize_lang("zh_CN")
    'zh'
    """
    if not isinstance(lang, str):
        raise TypeError(f"normalize_lang: lang must be a str such as 'en' or 'zh', got {lang!r}")
    key = lang.strip().replace("_", "-").lower()
    if key in _ALIASES:
        return _ALIASES[key]
    accepted = ", ".join(repr(a) for a in ("en", "zh", "zh-CN", "zh_CN", "zh-Hans"))
    raise ValueError(
        f"unknown language {lang!r}: the course has English and Simplified Chinese; "
        f"use one of {accepted} (any case)"
    )


def fields_of(message: str) -> set[str]:
    """The names of the ``str.format`` fields of ``message`` (``{value:.3g}`` gives ``value``)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(message):
        if field is None:
            continue
        name = field.split(".", 1)[0].split("[", 1)[0]
        if not name or name.isdigit():
            raise ValueError(f"message {message!r} has a positional field; name every field")
        names.add(name)
    return names


def t(key: str, lang: str = "en", /, **fields: Any) -> str:
    """The message ``key`` in ``lang``, with ``fields`` filled in.

    Raises:
        KeyError: ``key`` is not in :data:`CATALOG` (the error suggests close keys).
        ValueError: ``lang`` is not a known language, or ``fields`` do not match the message's
            fields (a missing or an unused one).
    """
    code = normalize_lang(lang)
    try:
        entry = CATALOG[key]
    except KeyError:
        close = difflib.get_close_matches(str(key), CATALOG, n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise KeyError(f"t: no message {key!r} in the catalog (actlab/i18n.py){hint}") from None
    message = entry[code]
    wanted = fields_of(message)
    missing, unused = wanted - fields.keys(), fields.keys() - wanted
    if missing or unused:
        parts = []
        if missing:
            parts.append(f"missing {sorted(missing)}")
        if unused:
            parts.append(f"unused {sorted(unused)}")
        raise ValueError(
            f"t({key!r}, {code!r}): fields {', '.join(parts)}; the message takes {sorted(wanted)}"
        )
    return message.format(**fields)


def notebook_lang(metadata: Mapping[str, Any]) -> str:
    """The language of a notebook from its metadata: ``metadata["actlab"]["lang"]``, normalised;
    ``"en"`` when the notebook does not say. A value that is not a known language is a
    ``ValueError``."""
    course = metadata.get("actlab")
    if not isinstance(course, Mapping) or "lang" not in course:
        return "en"
    return normalize_lang(course["lang"])
