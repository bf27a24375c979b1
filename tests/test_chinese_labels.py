"""Printed results and figures of chapters 1 and 2 in Chinese: every label comes from the
catalog, the numbers are the English edition's, tables line up on screen, and each figure's text
is Chinese and drawn with real glyphs (pytest turns matplotlib's "Glyph … missing" into an
error, so drawing a figure with a box in it fails)."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import actlab.plotting as P
from actlab.experiments import (
    approximation,
    centring,
    gates,
    gradients,
    overview,
    profiles,
    saturation,
    stability,
)
from actlab.plotting.tables import display_width

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Latin words that stay as they are in the Chinese edition: names of activations, methods,
# libraries and data types, and the symbols of formulas.
KEPT = {
    "relu", "sigmoid", "tanh", "softmax", "logit", "xavier", "he", "sgd", "mlp", "gru", "lstm",
    "numpy", "torch", "autograd", "max", "inf", "nan", "float32", "float64", "ulp", "stack",
    "hard", "hardtanh", "argmax",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}")
FORMULA = re.compile(r"d[LWz]\d*|std")  # dL, dW1, dz: gradients in formulas


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _english_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w.lower() not in KEPT and not FORMULA.fullmatch(w)]


def _values(rows):
    rows = rows if isinstance(rows, list) else [rows]
    return [[str(v) for v in row.values() if not isinstance(v, str)] for row in rows]


def _flow_entry(activation: str, init: str, scale: float) -> dict:
    return {
        "activation": activation,
        "init": init,
        "forward_std": np.full((2, 3), scale),
        "delta": np.array([[scale, 2 * scale, 4 * scale, 1.0]] * 2),
        "weight": np.ones((2, 4)),
        "delta_ratio": np.array([scale, 2 * scale]),
        "weight_ratio": np.array([1.0, 1.0]),
    }


def _revived() -> dict:
    return {
        "xavier": {
            "dead_before": np.array([4, 1]),
            "revived": np.array([0, 1]),
            "dead_after": np.array([4, 0]),
            "silenced_weight_change": 0.0,
            "train_error": np.array([0.5, 0.3]),
        }
    }


def _exploding() -> dict:
    return {
        1.0: {"norms": np.ones((2, 3)), "first_layer_norm": 1.0, "losses": np.array([2.3, 2.2]),
              "first_nonfinite": None},
        1.5: {"norms": np.full((2, 3), 3.0), "first_layer_norm": 3.4,
              "losses": np.array([50.0, np.nan]), "first_nonfinite": 1},
    }  # fmt: skip


def _tables():
    """(name, call) for every table or fact function that chapters 1 and 2 print, on small input."""
    collapse = overview.linear_collapse((3, 5, 2), seed=1)
    boundaries = [
        {"dataset": "xor", "model": "linear", "train_accuracy": 0.5, "test_accuracy": 0.49},
        {"dataset": "spirals", "model": "mlp", "train_accuracy": 1.0, "test_accuracy": 0.995},
    ]
    props = overview.activation_properties(("relu", "tanh"), num=241)
    bounded = {
        "sigmoid_logit_range": (-3.0, 4.0),
        "sigmoid_min": 0.05,
        "sigmoid_max": 0.98,
        "sigmoid_accuracy": 0.96,
        "softmax_min": 1e-9,
        "softmax_max_sum_error": 2e-16,
        "softmax_accuracy": 0.94,
    }
    nets = [{"w": np.ones(2)}, {"w": np.zeros(2)}]
    approx = approximation.universal_approximation(widths=(2, 4), num=101)
    memory = gates.gated_memory(steps=10, write_every=5)
    cells = {"gru_max_abs_difference": 4e-16, "lstm_max_abs_difference": 0.5}
    sat = {"sigmoid": {"mean": np.array([[0.5, 0.5], [0.5, 0.2]]), "updates": np.array([0, 20]),
                       "test_error": 0.9}}  # fmt: skip
    ref = {"delta": np.array([1.0, 2.0, 3.0]), "weight": np.array([1.0, 1.0, 1.0]),
           "dead": np.array([0.0, 0.5])}  # fmt: skip
    by_hand = (ref["delta"], ref["weight"], ref["dead"])
    flow = {"relu, he": _flow_entry("relu", "he", 1.0)}
    inactive = {"He": {"per_example": np.array([0.5]), "dead": np.array([0.0]),
                       "similarity": np.array([0.3])}}  # fmt: skip
    centred = [{"variant": "tanh", "centred": True, "slope_at_0": 1.0, "smooth": True,
                "train_error": np.array([[0.9, 0.1]]), "final_error_mean": 0.1,
                "final_error_max": 0.1}]  # fmt: skip
    coherent = [{"activation": "sigmoid", "batch_size": 1, "coherent_fraction": 1.0,
                 "input_min": 0.05}]  # fmt: skip
    compared = stability.compare(("tanh", "sigmoid"), xs=(-100.0, 2.0))
    return [
        ("collapse_facts", lambda lang: overview.collapse_facts(collapse, lang=lang)),
        ("boundaries_table", lambda lang: overview.boundaries_table(boundaries, lang=lang)),
        ("properties_table", lambda lang: overview.properties_table(props, lang=lang)),
        ("bounded_facts", lambda lang: overview.bounded_facts(bounded, lang=lang)),
        ("weight_facts", lambda lang: approximation.weight_facts(nets, nets, lang=lang)),
        ("approximation_table", lambda lang: approximation.approximation_table(approx, lang=lang)),
        ("cells_facts", lambda lang: gates.cells_facts(cells, lang=lang)),
        ("memory_table", lambda lang: gates.memory_table(memory, lang=lang)),
        ("profile_rows", lambda lang: profiles.profile_rows(["relu", "tanh"], num=1001, lang=lang)),
        ("range_rows", lambda lang: profiles.range_rows(["sigmoid"], num=1001, lang=lang)),
        ("identity_facts", lambda lang: saturation.identity_facts(lang=lang)),
        ("onset_facts", lambda lang: saturation.onset_facts(lang=lang)),
        ("saturation_table", lambda lang: saturation.saturation_table(sat, lang=lang)),
        ("agreement_table", lambda lang: gradients.agreement_table(by_hand, ref, lang=lang)),
        ("agreement_facts", lambda lang: gradients.agreement_facts(by_hand, ref, lang=lang)),
        ("flow_table", lambda lang: gradients.flow_table(flow, lang=lang)),
        ("inactive_table", lambda lang: gradients.inactive_table(inactive, lang=lang)),
        ("revival_table", lambda lang: gradients.revival_table(_revived(), lang=lang)),
        ("revival_facts", lambda lang: gradients.revival_facts(_revived(), lang=lang)),
        ("exploding_table", lambda lang: gradients.exploding_table(_exploding(), lang=lang)),
        ("centring_table", lambda lang: centring.centring_table(centred, lang=lang)),
        ("coherence_table", lambda lang: centring.coherence_table(coherent, lang=lang)),
        ("stability_table", lambda lang: stability.stability_table(compared, lang=lang)),
        ("subnormal_facts", lambda lang: stability.subnormal_facts(lang=lang)),
    ]


TABLES = _tables()


@pytest.mark.parametrize(("name", "call"), TABLES, ids=[name for name, _ in TABLES])
def test_results_are_labelled_in_chinese_with_the_english_numbers(name, call) -> None:
    en, zh = call("en"), call("zh")
    assert _values(zh) == _values(en), "the Chinese labels must not change a number"
    keys = [k for row in (zh if isinstance(zh, list) else [zh]) for k in row]
    english = [k for row in (en if isinstance(en, list) else [en]) for k in row]
    # every label that is more than a formula is Chinese (cells_facts' differ by the colon only)
    assert any(CJK.search(k) for k in keys) or name == "cells_facts", keys
    assert [k for k, e in zip(keys, english, strict=True) if k == e and WORD.search(e)
            and _english_words(e)] == [], f"{name}: untranslated labels"  # fmt: skip
    text = P.format_table(zh, lang="zh") if isinstance(zh, list) else P.format_facts(zh, lang="zh")
    assert _english_words(text) == [], f"{name}: English words left in\n{text}"
    assert P.missing_glyphs(text) == []


def test_the_english_labels_are_the_ones_the_chapters_print() -> None:
    rows = profiles.profile_rows(["relu"], num=1001)
    assert list(rows[0]) == [
        "activation", "range", "min on [-5, 5]", "max on [-5, 5]", "max f'",
        "kink f' (left / used / right)", "zero-centred", "saturates",
    ]  # fmt: skip
    assert rows[0]["saturates"] == "left"
    zh = profiles.profile_rows(["relu"], num=1001, lang="zh")[0]
    assert zh["饱和"] == "左侧" and zh["零中心"] is False
    table = stability.stability_table(stability.compare(("tanh",), xs=(100.0,)), lang="zh")
    assert table[0]["警告"] == "无效值、上溢、下溢"
    with pytest.raises(ValueError, match=r"unknown language 'fr'"):
        overview.boundaries_table([], lang="fr")


def test_booleans_print_in_the_language_asked() -> None:
    rows = [{"a": True, "b": False}]
    assert P.format_table(rows).splitlines()[2] == "yes  no"
    assert P.format_table(rows, lang="zh").splitlines()[2] == "是  否"
    assert P.format_facts({"centred": True}, lang="zh-CN") == "centred  是"


def test_chinese_tables_line_up_by_screen_width() -> None:
    assert display_width("ReLU") == 4 and display_width("死亡比例（numpy）") == 17
    rows = [{"激活函数": "ReLU", "值域": "[0, inf)"}, {"激活函数": "tanh", "值域": "(-1, 1)"}]
    header, dashes, *body = P.format_table(rows, lang="zh").splitlines()
    assert dashes == "--------  --------"
    # the second column starts at the same screen column on every line, under its dashes
    starts = [display_width(line[: line.index(cell)]) for line, cell in
              zip([header, *body], ["值域", "[0, inf)", "(-1, 1)"], strict=True)]  # fmt: skip
    assert starts == [10, 10, 10]
    facts = P.format_facts({"W的秩": 3, "max |x|": 0.5})
    assert [display_width(line.rsplit("  ", 1)[0]) for line in facts.splitlines()] == [7, 7]


def _texts(fig) -> list[str]:
    """Titles, axis labels, legend entries and annotations (tick labels are numbers)."""
    texts = []
    for ax in fig.axes:
        texts += [ax.get_title(loc) for loc in ("left", "center", "right")]
        texts += [ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts)]
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    return [t for t in texts if t.strip()]


def _figures(lang: str):
    """One call per plotting function of chapters 1 and 2, on small data."""
    xx, yy = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    boundary = {
        "dataset": "spirals", "model": "mlp", "activation": "relu",
        "X": np.array([[0.5, 0.5], [-0.5, 0.5]]), "y": np.array([1, 0]),
        "xx": xx, "yy": yy, "prob": 1 / (1 + np.exp(-4 * xx * yy)), "test_accuracy": 0.987,
    }  # fmt: skip
    props = overview.activation_properties(("relu", "tanh"), num=241)
    bounded = {
        "sigmoid_prob": np.array([0.1, 0.9, 0.8]),
        "sigmoid_label": np.array([0, 1, 1]),
        "softmax_prob": np.full(10, 0.1),
        "softmax_label": 3,
    }
    memory = gates.gated_memory(steps=10, write_every=5)
    approx = approximation.universal_approximation(widths=(2, 4), num=101)
    sat = {"sigmoid": {"updates": np.array([0, 10]), "mean": np.array([[0.5, 0.5], [0.5, 0.2]]),
                       "std": np.full((2, 2), 0.01), "test_error": 0.9}}  # fmt: skip
    flow = {"relu, xavier": _flow_entry("relu", "xavier", 0.1),
            "relu, he": _flow_entry("relu", "he", 1.0)}  # fmt: skip
    centred = [{"variant": "tanh", "train_error": np.array([[0.9, 0.1]]), "smooth": True},
               {"variant": "hardtanh", "train_error": np.array([[0.9, 0.05]]), "smooth": False}]  # fmt: skip
    exploding = {g: dict(r, norms=np.atleast_2d(r["norms"])) for g, r in _exploding().items()}
    return [
        ("plot_activation", lambda: P.plot_activation("relu", lang=lang)),
        ("plot_decision_boundaries", lambda: P.plot_decision_boundaries([boundary], lang=lang)),
        ("plot_properties", lambda: P.plot_properties(props, lang=lang)),
        ("plot_bounded_outputs", lambda: P.plot_bounded_outputs(bounded, lang=lang)),
        ("plot_gated_memory", lambda: P.plot_gated_memory(memory, lang=lang)),
        ("plot_approximation", lambda: P.plot_approximation(approx, widths=(2, 4), lang=lang)),
        ("plot_layer_means", lambda: P.plot_layer_means(sat, lang=lang)),
        ("plot_gradient_flow", lambda: P.plot_gradient_flow(flow, lang=lang)),
        ("plot_centring", lambda: P.plot_centring(centred, lang=lang)),
        ("plot_exploding", lambda: P.plot_exploding(exploding, lang=lang)),
    ]


FIGURES = [name for name, _ in _figures("en")]


@pytest.mark.parametrize("index", range(len(FIGURES)), ids=FIGURES)
def test_chapter_figures_in_chinese_draw_every_text_in_chinese(index: int) -> None:
    name, draw = _figures("zh")[index]
    ax = draw()
    fig = (ax[0] if isinstance(ax, list) else ax).figure
    fig.canvas.draw()  # a missing glyph warns, and the warning is an error here
    texts = _texts(fig)
    assert any(CJK.search(t) for t in texts), f"{name}: no Chinese text in {texts}"
    left = [w for t in texts for w in _english_words(t)]
    assert left == [], f"{name}: English words in the Chinese figure: {left}"
    assert all(P.missing_glyphs(t) == [] for t in texts)
    plt.close(fig)
    _, english = _figures("en")[index]
    ax = english()
    english_texts = _texts((ax[0] if isinstance(ax, list) else ax).figure)
    assert not any(CJK.search(t) for t in english_texts), f"{name}: Chinese in English"


def test_the_explorer_describes_an_activation_in_chinese() -> None:
    from actlab.activations.registry import get
    from actlab.widgets import _describe

    en, zh = _describe(get("hardshrink")), _describe(get("hardshrink"), "zh")
    assert "range (-∞, ∞) · smoothness discontinuous · saturates: none · zero-centred: yes" in en
    assert "值域(-∞, ∞) · 平滑性不连续 · 饱和：无 · 零中心：是" in zh


def test_the_chinese_explorer_labels_its_controls_and_figure_in_chinese() -> None:
    import ipywidgets

    from actlab import widgets

    explorer = widgets.activation_explorer("leaky_relu", lang="zh")
    (picker,) = [w for w in explorer.children if isinstance(w, ipywidgets.Dropdown)]
    (info,) = [w for w in explorer.children if isinstance(w, ipywidgets.HTMLMath)]
    (image,) = [w for w in explorer.children if isinstance(w, ipywidgets.Image)]
    assert picker.description == "激活函数" and "零中心：否" in info.value
    english = widgets.activation_explorer("leaky_relu")
    (english_image,) = [w for w in english.children if isinstance(w, ipywidgets.Image)]
    assert bytes(image.value) != bytes(english_image.value)  # the legend is drawn in Chinese
    with pytest.raises(ValueError, match=r"unknown language 'de'"):
        widgets.activation_explorer("relu", lang="de")
