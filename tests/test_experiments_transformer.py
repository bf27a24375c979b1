"""The tiny Transformer: the task is well posed, the block trains, ReLU zeroes and GELU does not."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actlab.experiments.transformer import (
    TinyTransformer,
    negation_sentiment_task,
    transformer_ffn_comparison,
)

torch.set_num_threads(1)  # small models: one thread is several times faster


def test_labels_follow_the_rule():
    tokens, labels = negation_sentiment_task(500, seed=0)
    good, bad = (tokens == 1).sum(axis=1), (tokens == 2).sum(axis=1)
    negated = (tokens == 3).any(axis=1)
    assert np.all(good != bad)
    np.testing.assert_array_equal(labels, ((good > bad) ^ negated).astype(np.int64))
    assert 0.3 < negated.mean() < 0.7 and 0.3 < labels.mean() < 0.7


def test_model_uses_our_activation_module():
    from actlab.activations import modules

    net = TinyTransformer("gelu")
    assert isinstance(net.ffn[1], modules.GELU)
    assert net(torch.zeros(4, 8, dtype=torch.int64)).shape == (4, 2)


@pytest.fixture(scope="module")
def result():
    return transformer_ffn_comparison(("gelu", "relu"), n_train=1000, n_test=400, steps=150)


def test_both_blocks_learn_what_bag_of_words_cannot(result):
    assert result["bag_of_words_error"] > 0.35
    for row in result["rows"]:
        assert row["test_error"] < 0.15


def test_relu_block_has_exact_zeros_and_gelu_none(result):
    by = {r["activation"]: r for r in result["rows"]}
    assert by["gelu"]["ffn_zero_fraction"] == 0.0
    assert by["relu"]["ffn_zero_fraction"] > 0.2


def test_bad_length():
    with pytest.raises(ValueError, match="length"):
        negation_sentiment_task(3, length=1)
