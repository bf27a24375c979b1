"""The short, labelled tables chapters 3 and 4 print are the experiments' numbers, renamed."""

from __future__ import annotations

import numpy as np
import pytest

from actlab.activations.registry import records
from actlab.experiments import (
    gelu_approximations,
    image_recognition,
    output_layers,
    recurrent,
    selection,
    self_normalisation,
    speech,
    timing,
    transformer,
    tuning,
)
from actlab.plotting.tables import Below


def test_criteria_rows_and_the_appendix():
    rows = selection.criteria_rows(["relu"])
    assert rows[0]["activation"] == "ReLU" and rows[0]["f' = 0 on"] == "x <= 0"
    appendix = selection.appendix_keys()
    assert sorted(appendix + list(selection.HIDDEN)) == sorted(r.key for r in records("elementwise"))
    assert "relu" not in appendix


def test_output_layer_tables():
    facts = output_layers.probability_facts({"rescaled_difference": 2e-16})
    assert [str(v) for v in facts.values()] == ["< 1e-12"]
    loss = output_layers.loss_rows(output_layers.stable_loss_table([2.0]))
    assert list(loss[0]) == ["z", "BCE textbook", "BCEWithLogits", "BCE exact", "CE textbook", "cross_entropy", "CE exact"]
    curves = output_layers.output_gradient_curves(-10.0, 10.0, 21)
    grads = output_layers.gradient_facts(curves, z=-10.0)
    assert next(iter(grads.values())) == pytest.approx(1.0, abs=1e-4)
    with pytest.raises(ValueError, match="gradient_facts: z"):
        output_layers.gradient_facts(curves, z=-9.5)
    result = {"rows": [{"output": "identity", "mse": 0.1, "pred_min": -1.0, "pred_max": 1.0}]}
    assert output_layers.regression_rows(result) == [{"output": "identity", "train MSE": 0.1, "min": -1.0, "max": 1.0}]


def test_facts_show_rounding_level_differences_as_bounds():
    same = tuning.threshold_facts({"max_abs_difference": 4e-15, "output_scale": 17.9})
    assert str(same["max |output difference|"]) == "< 1e-12" and same["max |output|"] == 17.9
    closed = self_normalisation.fixed_point_facts(1e-10, 1.0 + 1e-10)
    assert all(isinstance(v, Below) for v in closed.values())
    assert str(self_normalisation.fixed_point_facts(0.1, 1.0)["grid: |mean|"]) == "0.1"


def test_chapter4_tables():
    grid = [{"depth": 4, "activation": "relu", "lr": 0.1, "epochs_text": "3 -"}]
    assert image_recognition.grid_rows(grid) == [{"hidden layers": 4, "activation": "relu", "lr": 0.1, "epochs to 5 %": "3 -"}]
    best = [{"depth": 4, "activation": "relu", "lr": 0.1, "epochs_text": "3 -", "final_error": 0.04}]
    assert image_recognition.best_rows(best)[0]["best lr"] == 0.1
    frames = speech.vowel_frames(20, seed=0)
    assert speech.frame_facts(frames)["frames"] == 20
    tf = {"bag_of_words_error": 0.5, "rows": [{"activation": "gelu", "train_error": 0.0, "test_error": 0.01, "ffn_zero_fraction": 0.0}]}
    assert transformer.result_facts(tf) == {"bag-of-words rule, test error": 0.5}
    assert transformer.result_rows(tf)[0]["FFN activation"] == "gelu"
    memory = {"baseline_mse": 0.33, "rows": [{"kind": "gru", "test_mse": 0.01}], "gates": {"max_abs_diff_vs_torch": 3e-16}}
    facts = recurrent.memory_facts(memory)
    assert str(facts["max |gates - torch|"]) == "< 1e-12"
    assert recurrent.memory_rows(memory) == [{"cell": "gru", "test MSE": 0.01}]
    approx = gelu_approximations.gelu_approximation_errors(-3.0, 3.0, 601)
    assert [r["approximation"] for r in gelu_approximations.summary_rows(approx)] == [r["name"] for r in approx["summary"]]
    cost = [{"name": "Mish", "forward_ratio": 9.0, "forward_backward_ratio": 5.0}, {"name": "ReLU", "forward_ratio": 1.0, "forward_backward_ratio": 1.0}]
    assert [r["activation"] for r in timing.cost_rows(cost)] == ["ReLU", "Mish"]
    assert np.isfinite(timing.cost_rows(cost)[1]["fwd+bwd / ReLU"])
