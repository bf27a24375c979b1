"""Printed results and figures of the chapters in Chinese: every label comes from the catalog, the
numbers are the English edition's, tables line up on screen, and each figure's text is Chinese and
drawn with real glyphs (pytest turns matplotlib's "Glyph … missing" into an error, so drawing a
figure with a box in it fails; mathtext only logs its missing glyphs, so a text that holds math
must hold no Chinese, and the log is checked too). One list of calls per chapter pair: the tables
and facts (``_tables``), the figures (``_figures``) and the interactive explorers."""

from __future__ import annotations

import logging
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
    cross_validation,
    dead_units,
    dropout,
    gates,
    gelu_approximations,
    gradients,
    image_recognition,
    initialisation,
    learnable,
    output_layers,
    overview,
    profiles,
    propagation,
    recurrent,
    saturation,
    selection,
    self_normalisation,
    speech,
    stability,
    timing,
    transformer,
    tuning,
)
from actlab.plotting import applications as PA
from actlab.plotting import selection as PS
from actlab.plotting.tables import display_width

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Latin words that stay as they are in the Chinese edition: names of activations, methods,
# libraries, modules and data types, and the symbols of formulas.
KEPT = {
    "relu", "sigmoid", "tanh", "softmax", "logit", "xavier", "he", "sgd", "mlp", "gru", "lstm",
    "numpy", "torch", "autograd", "max", "inf", "nan", "float32", "float64", "ulp", "stack",
    "hard", "hardtanh", "argmax",
    "prelu", "swish", "gelu", "selu", "rnn", "ffn", "bce", "mse", "adam", "exp", "log", "erf",
    "cinf", "dropout", "alphadropout", "bcewithlogits", "leakyrelu", "transformer", "mish",
    "softsign", "threshold",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}")
IDENTIFIER = re.compile(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+")  # leaky_relu, negative_slope
FORMULA = re.compile(r"d[LWz]\d*|std")  # dL, dW1, dz: gradients in formulas


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _english_words(text: str) -> list[str]:
    text = IDENTIFIER.sub(" ", text)  # code names (torch's negative_slope) are not words
    text = re.sub(r"\$[^$]*\$", " ", text)  # nor is math, $x\,\sigma(1.702x)$
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


def _tables34():
    """(name, call) for every table or fact function that chapters 3 and 4 print, on small input."""
    grads = output_layers.output_gradient_curves(-10.0, 10.0, 21)
    regression = {"rows": [{"output": "identity", "mse": 0.003, "pred_min": -2.0, "pred_max": 2.0},
                           {"output": "sigmoid", "mse": 1.4, "pred_min": 4e-6, "pred_max": 1.0}]}  # fmt: skip
    at_init = [{"layer": 1, "dead_fraction": 0.0, "dead_min": 0, "dead_max": 0},
               {"layer": 2, "dead_fraction": 0.05, "dead_min": 1, "dead_max": 5}]  # fmt: skip
    sweep = [{"activation": "relu", "lr": 0.1, "seed": 0, "dead_fraction": 0.66,
              "dead_per_layer": [0.0, 0.99], "train_error": 0.84, "test_error": 0.83}]  # fmt: skip
    history = {
        "rows": [{"activation": a, "layer": 2, "ever": 73, "revived": 8, "end": 69,
                  "zero_grad": 69 if a == "relu" else 0, "g_neg": 0.0 if a == "relu" else 4.5e-4,
                  "g_live": 0.026} for a in ("relu", "leaky_relu")]
        + [{"activation": "prelu", "layer": 1, "ever": 0, "revived": 0, "end": 0, "zero_grad": 0,
            "g_neg": None, "g_live": 0.035}],
        "errors": [{"activation": "relu", "train_error": 0.047, "test_error": 0.062}],
    }  # fmt: skip
    learnt = [{"activation": "prelu", "values": np.array([[0.25, 0.25], [0.33, 0.32]]),
               "test_error": 0.069}]  # fmt: skip
    inits = [{"init": i, "layer_std": np.array([0.7, 0.01]), "delta": np.array([4.6e-7, 0.02]),
              "grad_w": np.array([4.3e-6, 2.8e-6]), "epoch": np.array([0, 1]),
              "train_loss": np.array([2.3, 2.2]), "test_error": 0.9} for i in ("xavier", "he")]  # fmt: skip
    deep = [{"activation": a, "dropout": d, "mean": np.array([0.1, 0.02]), "var": np.array([1.1, 1.0])}
            for a, d in (("selu", "none"), ("relu", "standard"), ("tanh", "alpha"))]  # fmt: skip
    robust = {"summary": [{"p": p, "train_error": 0.0, "test_error": 0.06, "noisy_error": 0.2,
                           "pruned_error": 0.16} for p in (0.0, 0.5)]}  # fmt: skip
    slopes = {"summary": [{"negative_slope": 0.1, "mean": 0.01, "std": 0.003, "within_noise": True},
                          {"negative_slope": 1.0, "mean": 0.32, "std": 0.02, "within_noise": False}]}  # fmt: skip
    cv_rows = [{"activation": a, "val_error": e} for a, es in (("relu", (0.05, 0.08)),
               ("identity", (0.15, 0.16))) for e in es]  # fmt: skip
    cost = [{"name": "Mish", "forward_ratio": 29.0, "forward_backward_ratio": 14.0},
            {"name": "ReLU", "forward_ratio": 1.0, "forward_backward_ratio": 1.0}]  # fmt: skip
    grid = [
        {"depth": 4, "activation": "tanh", "lr": 0.1, "epochs_text": "2 2", "final_error": 0.037}
    ]
    shrink = [{"activation": "sigmoid", "init": "xavier", "delta_first": 2.8e-7, "delta_last": 8.4e-3,
               "shrink_per_layer": 4.36}]  # fmt: skip
    acoustic = {"rows": [{"model": m, "seed": 0, "train_error": 0.1, "test_error": 0.2}
                         for m in ("linear", "relu", "leaky_relu", "sigmoid")]}  # fmt: skip
    tf = {"bag_of_words_error": 0.508,
          "rows": [{"activation": a, "train_error": 0.001, "test_error": 0.004, "ffn_zero_fraction": z}
                   for a, z in (("gelu", 0.0), ("relu", 0.655), ("identity", 0.0))]}  # fmt: skip
    memory = {"baseline_mse": 0.353, "rows": [{"kind": "gru", "test_mse": 0.006}],
              "gates": {"max_abs_diff_vs_torch": 3e-16}}  # fmt: skip
    gelu = gelu_approximations.gelu_approximation_errors(-3.0, 3.0, 601)
    return [
        (
            "criteria_rows",
            lambda lang: selection.criteria_rows(
                ["relu", "threshold", "softsign", "mish", "sigmoid"], lang=lang
            ),
        ),
        (
            "probability_table",
            lambda lang: output_layers.probability_table(
                output_layers.probability_outputs(10.0, 201), lang=lang
            ),
        ),
        (
            "probability_facts",
            lambda lang: output_layers.probability_facts({"rescaled_difference": 1e-16}, lang=lang),
        ),
        (
            "loss_rows",
            lambda lang: output_layers.loss_rows(
                output_layers.stable_loss_table([2.0, 100.0]), lang=lang
            ),
        ),
        ("gradient_facts", lambda lang: output_layers.gradient_facts(grads, z=-10.0, lang=lang)),
        ("regression_rows", lambda lang: output_layers.regression_rows(regression, lang=lang)),
        ("init_table", lambda lang: dead_units.init_table(at_init, lang=lang)),
        ("sweep_table", lambda lang: dead_units.sweep_table(sweep, lang=lang)),
        ("history_table", lambda lang: dead_units.history_table(history, lang=lang)),
        ("history_error_table", lambda lang: dead_units.history_error_table(history, lang=lang)),
        (
            "parameter_table",
            lambda lang: learnable.parameter_table(
                learnable.parameter_counts(("relu", "leaky_relu", "prelu")), lang=lang
            ),
        ),
        ("trajectory_table", lambda lang: learnable.trajectory_table(learnt, lang=lang)),
        ("signal_table", lambda lang: initialisation.signal_table(inits, (1, 2), lang=lang)),
        ("training_table", lambda lang: initialisation.training_table(inits, lang=lang)),
        (
            "fixed_point_facts",
            lambda lang: self_normalisation.fixed_point_facts(0.0, 1.0, lang=lang),
        ),
        (
            "iteration_table",
            lambda lang: self_normalisation.iteration_table(
                self_normalisation.iteration_rows((3.0, 0.2), (1, 5)), lang=lang
            ),
        ),
        ("summary_table", lambda lang: propagation.summary_table(deep, lang=lang)),
        (
            "summary_table_dropout",
            lambda lang: propagation.summary_table(deep, label="dropout", lang=lang),
        ),
        ("robustness_table", lambda lang: dropout.robustness_table(robust, lang=lang)),
        ("sweep_table_slopes", lambda lang: tuning.sweep_table(slopes, lang=lang)),
        (
            "threshold_facts",
            lambda lang: tuning.threshold_facts(
                {"max_abs_difference": 2e-15, "output_scale": 17.9}, lang=lang
            ),
        ),
        (
            "cv_summary_table",
            lambda lang: cross_validation.summary_table(
                cross_validation.summarise_cv(cv_rows), lang=lang
            ),
        ),
        ("cost_rows", lambda lang: timing.cost_rows(cost, lang=lang)),
        ("grid_rows", lambda lang: image_recognition.grid_rows(grid, lang=lang)),
        ("best_rows", lambda lang: image_recognition.best_rows(grid, lang=lang)),
        ("shrink_table", lambda lang: image_recognition.shrink_table(shrink, lang=lang)),
        (
            "frame_facts",
            lambda lang: speech.frame_facts(speech.vowel_frames(20, seed=0), lang=lang),
        ),
        ("acoustic_table", lambda lang: speech.acoustic_table(acoustic, lang=lang)),
        ("result_facts", lambda lang: transformer.result_facts(tf, lang=lang)),
        ("result_rows", lambda lang: transformer.result_rows(tf, lang=lang)),
        ("memory_facts", lambda lang: recurrent.memory_facts(memory, lang=lang)),
        ("memory_rows", lambda lang: recurrent.memory_rows(memory, lang=lang)),
        ("gelu_summary_rows", lambda lang: gelu_approximations.summary_rows(gelu, lang=lang)),
    ]


# labels that are formulas only, the same in both languages
FORMULA_ONLY = {"cells_facts", "probability_facts"}
TABLES = _tables() + _tables34()


@pytest.mark.parametrize(("name", "call"), TABLES, ids=[name for name, _ in TABLES])
def test_results_are_labelled_in_chinese_with_the_english_numbers(name, call) -> None:
    en, zh = call("en"), call("zh")
    assert _values(zh) == _values(en), "the Chinese labels must not change a number"
    keys = [k for row in (zh if isinstance(zh, list) else [zh]) for k in row]
    english = [k for row in (en if isinstance(en, list) else [en]) for k in row]
    # every label that is more than a formula is Chinese (cells_facts' differ by the colon only)
    assert any(CJK.search(k) for k in keys) or name in FORMULA_ONLY, keys
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
    """Titles, axis labels, legend entries, annotations and the tick labels that are words (a bar
    chart's categories; numbers, plain or in math, are left out)."""
    texts = []
    for ax in fig.axes:
        texts += [ax.get_title(loc) for loc in ("left", "center", "right")]
        texts += [ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts)]
        ticks = [t.get_text() for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]
        texts += [t for t in ticks if re.search(r"[A-Za-z\u3400-\u9fff]{2,}", t) and "$" not in t]
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


def _figures34(lang: str):
    """One call per plotting function of chapters 3 and 4, on small data."""
    curves = output_layers.output_gradient_curves(-10.0, 10.0, 41)
    x = np.linspace(-1, 1, 5)
    regression = {"x": x, "y": 2 * x, "rows": [{"output": "identity", "pred": 2 * x},
                                             {"output": "sigmoid", "pred": 0.5 + 0 * x}]}  # fmt: skip
    dying = [{"activation": "relu", "lr": lr, "dead_fraction": d, "test_error": 0.1}
             for lr, d in ((1e-3, 0.0), (1e-1, 0.6))]  # fmt: skip
    learnt = [{"activation": a, "epoch": np.arange(3), "values": np.ones((3, 2))}
              for a in ("prelu", "swish")]  # fmt: skip
    deep = [{"activation": a, "dropout": d, "layer": np.arange(1, 4), "mean": np.zeros(3),
             "var": np.ones(3)} for a, d in (("selu", "none"), ("relu", "standard"))]  # fmt: skip
    inits = [{"init": i, "layer_std": np.array([1.0, 0.5]), "delta": np.array([0.1, 0.2]),
              "epoch": np.arange(2), "train_loss": np.array([2.3, 2.0])} for i in ("xavier", "he")]  # fmt: skip
    history = {"history": {a: {"step": np.array([0, 11]), "negative": np.array([[0, 1], [0, 5]])}
                           for a in ("relu", "prelu")}}  # fmt: skip
    robust = {"n_train": 300, "summary": [{"p": p, "test_error": 0.06, "noisy_error": 0.2,
                                           "pruned_error": 0.2} for p in (0.0, 0.5)],
              "rows": [{"p": p, "test_error": 0.06, "noisy_error": 0.2, "pruned_error": 0.2}
                       for p in (0.0, 0.5)]}  # fmt: skip
    slopes = {"summary": [{"negative_slope": s, "mean": 0.1, "std": 0.01} for s in (0.0, 1.0)],
              "rows": [{"negative_slope": s, "val_error": 0.1} for s in (0.0, 1.0)]}  # fmt: skip
    cv_rows = [{"activation": a, "val_error": e} for a in ("relu", "identity") for e in (0.1, 0.2)]
    cv = {"moons": {"rows": cv_rows, "summary": cross_validation.summarise_cv(cv_rows)}}
    cost = [{"name": n, "forward_ratio": r, "forward_backward_ratio": r}
            for n, r in (("ReLU", 1.0), ("Mish", 29.0))]  # fmt: skip
    curves_by_depth = [{"depth": d, "activation": a, "epoch": np.arange(3),
                        "train_error": np.array([0.9, 0.3, 0.04])}
                       for d in (4, 8) for a in ("relu", "tanh")]  # fmt: skip
    frames = speech.vowel_frames(40, seed=0)
    models = [{"model": m, "mean": 0.2, "std": 0.01} for m in ("linear", "relu", "sigmoid")]
    tf = {"rows": [{"activation": a, "loss_curve": np.linspace(1.0, 0.1, 30)}
                   for a in ("gelu", "relu", "identity")]}  # fmt: skip
    rng = np.random.default_rng(0)
    gru = {"update": rng.uniform(size=(1, 8, 4)), "hidden": rng.normal(size=(1, 8, 4)),
           "marked_step": np.array([3]), "target": np.array([0.5])}  # fmt: skip
    gelu = gelu_approximations.gelu_approximation_errors(-5.0, 5.0, 1001)
    return [
        ("plot_output_gradients", lambda: PS.plot_output_gradients(curves, lang=lang)),
        ("plot_regression_outputs", lambda: PS.plot_regression_outputs(regression, lang=lang)),
        ("plot_dead_units", lambda: PS.plot_dead_units(dying, lang=lang)),
        ("plot_parameter_trajectories", lambda: PS.plot_parameter_trajectories(learnt, lang=lang)),
        ("plot_layer_statistics", lambda: PS.plot_layer_statistics(deep, lang=lang)),
        (
            "plot_layer_statistics_dropout",
            lambda: PS.plot_layer_statistics(deep, label="dropout", lang=lang),
        ),
        ("plot_init_comparison", lambda: PS.plot_init_comparison(inits, lang=lang)),
        ("plot_dead_history", lambda: PS.plot_dead_history(history, lang=lang)),
        ("plot_dropout_robustness", lambda: PS.plot_dropout_robustness(robust, lang=lang)),
        ("plot_slope_sweep", lambda: PS.plot_slope_sweep(slopes, lang=lang)),
        ("plot_cv", lambda: PS.plot_cv(cv, lang=lang)),
        ("plot_cost", lambda: PS.plot_cost(cost, key="forward_ratio", lang=lang)),
        (
            "plot_training_error_curves",
            lambda: PA.plot_training_error_curves(curves_by_depth, lang=lang),
        ),
        ("plot_vowel_frames", lambda: PA.plot_vowel_frames(frames, lang=lang)),
        ("plot_model_errors", lambda: PA.plot_model_errors(models, lang=lang)),
        ("plot_transformer_losses", lambda: PA.plot_transformer_losses(tf, lang=lang)),
        ("plot_gru_gates", lambda: PA.plot_gru_gates(gru, lang=lang)),
        ("plot_gelu_approximations", lambda: PA.plot_gelu_approximations(gelu, lang=lang)),
    ]


def _all_figures(lang: str):
    return _figures(lang) + _figures34(lang)


FIGURES = [name for name, _ in _all_figures("en")]


@pytest.mark.parametrize("index", range(len(FIGURES)), ids=FIGURES)
def test_chapter_figures_in_chinese_draw_every_text_in_chinese(index: int, caplog) -> None:
    name, draw = _all_figures("zh")[index]
    ax = draw()
    fig = (ax[0] if isinstance(ax, list) else ax).figure
    with caplog.at_level(logging.WARNING, logger="matplotlib.mathtext"):
        fig.canvas.draw()  # a missing glyph warns, and the warning is an error here
    assert [r.getMessage() for r in caplog.records if "glyph" in r.getMessage()] == []
    texts = _texts(fig)
    assert any(CJK.search(t) for t in texts), f"{name}: no Chinese text in {texts}"
    left = [w for t in texts for w in _english_words(t)]
    assert left == [], f"{name}: English words in the Chinese figure: {left}"
    assert all(P.missing_glyphs(t) == [] for t in texts)
    assert [t for t in texts if "$" in t and CJK.search(t)] == [], "mathtext draws no Chinese"
    plt.close(fig)
    _, english = _all_figures("en")[index]
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


def test_the_chinese_gradient_explorer_labels_its_controls_summary_and_figure_in_chinese() -> None:
    import ipywidgets

    from actlab import widgets

    def parts(explorer):
        (row,) = [w for w in explorer.children if isinstance(w, ipywidgets.HBox)]
        (slider,) = [w for w in explorer.children if isinstance(w, ipywidgets.IntSlider)]
        (summary,) = [w for w in explorer.children if isinstance(w, ipywidgets.HTML)]
        (image,) = [w for w in explorer.children if isinstance(w, ipywidgets.Image)]
        return [w.description for w in row.children], slider.description, summary.value, image

    zh_labels, zh_depth, zh_summary, zh_image = parts(
        widgets.gradient_explorer("relu", depth=4, lang="zh")
    )
    assert zh_labels == ["激活函数", "初始化"] and zh_depth == "深度（权重层数）"
    assert zh_summary.startswith("第1层与最后一层梯度范数之比：<b>")
    assert "死亡单元（对每个样本都输出0，梯度为0）" in zh_summary
    assert _english_words(re.sub(r"<[^>]+>", " ", zh_summary)) == []
    en_labels, en_depth, en_summary, en_image = parts(widgets.gradient_explorer("relu", depth=4))
    assert en_labels == ["activation", "init"] and en_depth == "depth (weight layers)"
    assert en_summary.startswith("first layer / last layer gradient norm: <b>")
    # the same numbers in both summaries, and a figure drawn with Chinese text
    bold = re.compile(r"<b>([^<]*)</b>")
    assert bold.findall(zh_summary) == bold.findall(en_summary) != []  # the ratio, the dead units
    percent = re.findall(r"（([\d.]+)%）", zh_summary)
    assert percent == re.findall(r"\(([\d.]+) %\)", en_summary) != []
    assert bytes(zh_image.value) != bytes(en_image.value)
    with pytest.raises(ValueError, match=r"unknown language 'fr'"):
        widgets.gradient_explorer("relu", lang="fr")
