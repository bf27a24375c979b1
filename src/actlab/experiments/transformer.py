"""GELU in a Transformer's feed-forward block, on a tiny synthetic sequence task.

BERT (Devlin et al. 2019) and GPT-2 (Radford et al. 2019) use GELU (Hendrycks & Gimpel 2016) in the
position-wise feed-forward block of every Transformer layer, where the original Transformer
(Vaswani et al. 2017) used ReLU. This module builds one Transformer encoder layer (single-head
self-attention, then a feed-forward block ``Linear → activation → Linear``, each with a residual
connection and LayerNorm), mean-pools it and classifies. Only the feed-forward activation changes
between runs; it is our own module from the registry.

The task is a toy sentiment classification with negation. A "sentence" is ``length`` tokens:
``neutral`` (0), ``good`` (1), ``bad`` (2) and, in half of the sentences, one ``not`` (3) at a random
place. The polarity is positive when there are more ``good`` than ``bad`` tokens, and a ``not``
flips it. The label is therefore the XOR of two bag-of-words features (polarity, negated): no
linear read-out of the token counts computes it, so the network's nonlinearities have to. The
comparison includes a feed-forward block *without* activation (``"identity"``) as a control: the
softmax of the attention and the two LayerNorms are nonlinear too, so whether the feed-forward
activation matters at all is a question the run answers, not an assumption.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from actlab.experiments._fitting import error_rate, fit, numpy_reset
from actlab.i18n import t
from actlab.reproducibility import rng

__all__ = [
    "TinyTransformer",
    "negation_sentiment_task",
    "result_facts",
    "result_rows",
    "transformer_ffn_comparison",
]


def negation_sentiment_task(
    n: int, *, length: int = 8, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Token sequences with ``good``/``bad``/``not`` words and their negation-aware polarity.

    Tokens: 0 neutral, 1 good, 2 bad, 3 not. Sentences whose good and bad counts tie are not
    drawn. The label is 1 when (#good > #bad) XOR (the sentence has a ``not``).

    Args:
        n: number of sentences, >= 1.
        length: tokens per sentence, >= 2. Default: 8.
        seed: seed. Default: 0.

    Returns:
        ``(tokens, labels)``: int64 arrays of shapes ``(n, length)`` and ``(n,)``.

    Examples::

        >>> tokens, labels = negation_sentiment_task(5, seed=1)
        >>> tokens.shape, sorted(set(labels.tolist())) <= [0, 1]
        ((5, 8), True)
    """
    for name, value, low in (("n", n, 1), ("length", length, 2)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(
                f"negation_sentiment_task: {name} must be an int >= {low}, got {value!r}"
            )
    g = rng(seed)
    tokens_out, labels_out = [], []
    count = 0
    while count < n:
        m = 2 * (n - count) + 16
        tokens = g.choice(3, size=(m, int(length)), p=[0.5, 0.25, 0.25])
        negated = g.random(m) < 0.5
        where = g.integers(0, int(length), m)
        tokens[negated, where[negated]] = 3
        score = (tokens == 1).sum(axis=1) - (tokens == 2).sum(axis=1)
        keep = score != 0
        tokens_out.append(tokens[keep])
        labels_out.append(((score[keep] > 0) ^ negated[keep]).astype(np.int64))
        count += int(keep.sum())
    tokens = np.concatenate(tokens_out)[:n].astype(np.int64)
    return tokens, np.concatenate(labels_out)[:n]


class TinyTransformer(nn.Module):
    """Embedding → one encoder layer (self-attention + feed-forward) → mean pool → linear.

    The feed-forward block is ``Linear(d_model, d_ff) → activation → Linear(d_ff, d_model)`` with
    the activation built from the registry (our module), or no activation at all for
    ``"identity"``; attention is single-head and written out.

    Args:
        activation: registry key of the feed-forward activation (``"gelu"``, ``"relu"``), or
            ``"identity"``.
        vocab: vocabulary size. Default: 4.
        length: sequence length. Default: 8.
        d_model: model width. Default: 16.
        d_ff: feed-forward hidden width. Default: 32.
        classes: number of output classes. Default: 2.

    Shape:
        - Input: :math:`(N, \\text{length})` int64 tokens; Output: :math:`(N, \\text{classes})` logits.

    Examples::

        >>> net = TinyTransformer("gelu")
        >>> net(torch.zeros(3, 8, dtype=torch.int64)).shape
        torch.Size([3, 2])
    """

    def __init__(
        self,
        activation: str,
        *,
        vocab: int = 4,
        length: int = 8,
        d_model: int = 16,
        d_ff: int = 32,
        classes: int = 2,
    ) -> None:
        super().__init__()
        if activation == "identity":
            act: nn.Module = nn.Identity()
        else:
            from actlab.activations.registry import get

            act = get(activation).module()
        self.d_model = d_model
        self.embed = nn.Embedding(vocab, d_model)
        self.position = nn.Parameter(torch.zeros(length, d_model))
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.norm1 = nn.LayerNorm(d_model)
        self.ffn = nn.Sequential(nn.Linear(d_model, d_ff), act, nn.Linear(d_ff, d_model))
        self.norm2 = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, classes)
        # every parameter from numpy, seeded from torch's generator: torch's own initialisers give
        # weights that differ in the last bit between CPUs with and without vector kernels
        seed = int(torch.randint(2**31, ()))
        numpy_reset(self, seed)
        with torch.no_grad():
            position = 0.02 * rng(seed + 1).standard_normal((length, d_model))
            self.position.copy_(torch.from_numpy(position))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.embed(tokens) + self.position
        q, k, v = self.qkv(h).chunk(3, dim=-1)
        attn = torch.softmax(q @ k.transpose(1, 2) / self.d_model**0.5, dim=-1)
        h = self.norm1(h + self.proj(attn @ v))
        h = self.norm2(h + self.ffn(h))
        return self.head(h.mean(dim=1))


def transformer_ffn_comparison(
    activations: Sequence[str] = ("gelu", "relu", "identity"),
    *,
    n_train: int = 2000,
    n_test: int = 1000,
    length: int = 8,
    steps: int = 200,
    lr: float = 0.01,
    batch_size: int = 64,
    seeds: Sequence[int] = (0,),
) -> dict[str, object]:
    """Train the tiny Transformer on :func:`negation_sentiment_task` with each feed-forward activation.

    Besides the errors, the result reports the fraction of feed-forward hidden values that are
    exactly 0 on the test set: a ReLU block zeroes (and passes no gradient through) every negative
    pre-activation, GELU zeroes none.

    Args:
        activations: registry keys for the feed-forward block, or ``"identity"`` for a block
            without activation. Default: ("gelu", "relu", "identity").
        n_train: training sentences. Default: 2000.
        n_test: test sentences. Default: 1000.
        length: tokens per sentence. Default: 8.
        steps: Adam steps. Default: 200.
        lr: Adam learning rate. Default: 0.01.
        batch_size: mini-batch size. Default: 64.
        seeds: seeds of the weights and the batch order (the data always use seeds 0 and 1).
            Default: (0,).

    Returns:
        ``{"rows": [{"activation", "seed", "train_error", "test_error", "ffn_zero_fraction",
        "loss_curve"}...], "bag_of_words_error"}``, the last being the test error of the rule that
        ignores ``not`` (about 0.5).
    """
    X_tr, y_tr = negation_sentiment_task(n_train, length=length, seed=0)
    X_te, y_te = negation_sentiment_task(n_test, length=length, seed=1)
    polarity = (X_te == 1).sum(axis=1) > (X_te == 2).sum(axis=1)
    X_tr_t, y_tr_t = torch.from_numpy(X_tr), torch.from_numpy(y_tr)
    X_te_t, y_te_t = torch.from_numpy(X_te), torch.from_numpy(y_te)
    rows: list[dict[str, object]] = []
    for activation in activations:
        for seed in seeds:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(int(seed))
                net = TinyTransformer(activation, length=length).double()
            losses = fit(
                net, X_tr_t, y_tr_t, steps=steps, lr=lr, batch_size=batch_size, seed=int(seed)
            )
            hidden: list[torch.Tensor] = []
            hook = net.ffn[1].register_forward_hook(
                lambda _m, _i, out, store=hidden: store.append(out)
            )
            test_error = error_rate(net, X_te_t, y_te_t)
            hook.remove()
            rows.append(
                {
                    "activation": activation,
                    "seed": int(seed),
                    "train_error": error_rate(net, X_tr_t, y_tr_t),
                    "test_error": test_error,
                    "ffn_zero_fraction": float((hidden[0] == 0).float().mean()),
                    "loss_curve": np.array(losses),
                }
            )
    return {"rows": rows, "bag_of_words_error": float(np.mean(polarity.astype(np.int64) != y_te))}


def result_facts(result: dict[str, object], *, lang: str = "en") -> dict[str, object]:
    """The baseline of :func:`transformer_ffn_comparison`, for printing, labelled in ``lang``."""
    return {t("result.transformer.bag_of_words", lang): result["bag_of_words_error"]}


def result_rows(result: dict[str, object], *, lang: str = "en") -> list[dict[str, object]]:
    """:func:`transformer_ffn_comparison`'s rows with the columns the chapter prints, labelled in
    ``lang`` (``identity``, no activation in the FFN, is named in ``lang``)."""
    from actlab.experiments._labels import run_label

    return [
        {
            t("result.transformer.activation", lang): run_label(str(r["activation"]), lang),
            t("result.train_error", lang): r["train_error"],
            t("result.test_error", lang): r["test_error"],
            t("result.transformer.zeros", lang): r["ffn_zero_fraction"],
        }
        for r in result["rows"]
    ]
