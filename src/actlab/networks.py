"""Fully-connected networks: a from-scratch numpy MLP and a small torch MLP builder.

numpy, in CS231n's style (pure ``*_forward`` / ``*_backward`` pairs, a ``cache`` in between):

* :func:`affine_forward` / :func:`affine_backward` -- the dense layer :math:`y = xW + b`;
* :func:`activation_forward` / :func:`activation_backward` -- any elementwise activation of the
  registry, through its numpy forward and derivative;
* :func:`softmax_cross_entropy` -- the loss and its gradient with respect to the scores;
* :class:`Dense` and :class:`MLP` -- the same pieces with their parameters attached.

torch:

* :func:`make_mlp` -- ``Linear -> activation [-> Dropout] -> ... -> Linear`` with our activation
  modules and a named initialisation;
* :func:`train` and :func:`evaluate` -- a small loop that returns per-epoch metrics as plain data;
* :func:`linear_layers` and :func:`layer_outputs` -- what the experiments inspect.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from actlab.reproducibility import rng as _rng

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = [
    "INITS",
    "MLP",
    "Dense",
    "activation_backward",
    "activation_forward",
    "affine_backward",
    "affine_forward",
    "evaluate",
    "layer_outputs",
    "linear_layers",
    "make_mlp",
    "softmax_cross_entropy",
    "train",
]

# ----------------------------------------------------------------------------------------------
# numpy: layers as forward/backward pairs
# ----------------------------------------------------------------------------------------------


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    r"""Forward pass of a dense (fully-connected) layer.

    .. math:: \text{out} = x W + b

    Args:
        x: inputs.
        w: weights.
        b: biases.

    Shape:
        - x: :math:`(N, D)`; w: :math:`(D, M)`; b: :math:`(M,)`
        - out: :math:`(N, M)`

    Returns:
        ``(out, cache)`` with ``cache = (x, w, b)``.
    """
    x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
    if (
        x.ndim != 2
        or w.ndim != 2
        or b.ndim != 1
        or x.shape[1] != w.shape[0]
        or w.shape[1] != b.shape[0]
    ):
        raise ValueError(
            "affine_forward: expected x (N, D), w (D, M), b (M,), "
            f"got x {x.shape}, w {w.shape}, b {b.shape}"
        )
    return x @ w + b, (x, w, b)


def affine_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Backward pass of a dense layer.

    .. math:: dx = \text{dout}\, W^\top, \quad dW = x^\top \text{dout}, \quad db = \textstyle\sum_n \text{dout}_n

    Args:
        dout: upstream gradient, shape :math:`(N, M)`.
        cache: the ``cache`` returned by :func:`affine_forward`.

    Returns:
        ``(dx, dw, db)`` with the shapes of ``x``, ``w`` and ``b``.
    """
    x, w, _ = cache
    dout = np.asarray(dout)
    if dout.shape != (x.shape[0], w.shape[1]):
        raise ValueError(
            f"affine_backward: dout must have shape {(x.shape[0], w.shape[1])}, got {dout.shape}"
        )
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def _activation_record(activation: str | None, func: str) -> Any:
    if activation is None or activation == "identity":
        return None
    if not isinstance(activation, str):
        raise TypeError(
            f"{func}: activation must be a registry key (str) or None, got {type(activation).__name__}"
        )
    from actlab.activations.registry import get

    record = get(activation)
    if record.kind != "elementwise":
        raise ValueError(
            f"{func}: activation must be elementwise, got {activation!r} of kind {record.kind!r}"
        )
    return record


def activation_forward(
    x: np.ndarray, activation: str | None = "relu", **params: Any
) -> tuple[np.ndarray, tuple]:
    """Forward pass of an elementwise activation taken from the registry.

    Args:
        x: pre-activations, any shape.
        activation: a registry key such as ``"relu"``, or ``None``/``"identity"`` for none.
            Default: ``"relu"``.
        **params: the activation's parameters, named as in torch (``negative_slope=0.1``).

    Shape:
        - x: :math:`(*)`; out: same shape.

    Returns:
        ``(out, cache)``.
    """
    record = _activation_record(activation, "activation_forward")
    x = np.asarray(x)
    if record is None:
        return x.copy(), (x, None, params)
    return record.forward(x, **params), (x, record, params)


def activation_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    r"""Backward pass of an elementwise activation: :math:`dx = \text{dout} \odot f'(x)`.

    At a kink the derivative is the registry's convention (ReLU: :math:`f'(0) = 0`, as in torch).

    Args:
        dout: upstream gradient, the shape of the forward's output.
        cache: the ``cache`` returned by :func:`activation_forward`.
    """
    x, record, params = cache
    dout = np.asarray(dout)
    if dout.shape != x.shape:
        raise ValueError(f"activation_backward: dout must have shape {x.shape}, got {dout.shape}")
    if record is None:
        return dout.copy()
    return dout * record.derivative(x, **params)


def softmax_cross_entropy(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    r"""Mean softmax cross-entropy and its gradient with respect to the scores.

    .. math:: L = -\frac{1}{N}\sum_n \log \frac{e^{s_{n,y_n}}}{\sum_k e^{s_{n,k}}}, \qquad
              \frac{\partial L}{\partial s} = \frac{\operatorname{softmax}(s) - \operatorname{onehot}(y)}{N}

    The scores are shifted by their row maximum, so large scores do not overflow.

    Shape:
        - scores: :math:`(N, C)`; y: :math:`(N,)` integers in :math:`[0, C)`.

    Returns:
        ``(loss, dscores)``.
    """
    scores = np.asarray(scores, dtype=np.float64)
    y = np.asarray(y)
    if scores.ndim != 2 or y.shape != (scores.shape[0],):
        raise ValueError(
            f"softmax_cross_entropy: expected scores (N, C) and y (N,), got {scores.shape} and {y.shape}"
        )
    if not np.issubdtype(y.dtype, np.integer) or (
        y.size and (y.min() < 0 or y.max() >= scores.shape[1])
    ):
        raise ValueError(
            f"softmax_cross_entropy: y must hold integer labels in [0, {scores.shape[1]}), got {y!r}"
        )
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = scores.shape[0]
    loss = -float(log_probs[np.arange(n), y].mean())
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1.0
    return loss, dscores / n


# ----------------------------------------------------------------------------------------------
# numpy: layers with parameters
# ----------------------------------------------------------------------------------------------

_NUMPY_INITS = ("he", "xavier", "lecun", "uniform")


def _numpy_init(fan_in: int, fan_out: int, init: str, g: np.random.Generator) -> np.ndarray:
    if init == "he":
        return g.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
    if init == "lecun":
        return g.standard_normal((fan_in, fan_out)) * np.sqrt(1.0 / fan_in)
    if init == "xavier":
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        return g.uniform(-bound, bound, (fan_in, fan_out))
    bound = 1.0 / np.sqrt(fan_in)  # "uniform": Glorot and Bengio's "standard" initialisation
    return g.uniform(-bound, bound, (fan_in, fan_out))


def _check_size(v: object, func: str, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError(f"{func}: {name} must be a positive int, got {v!r}")
    return int(v)


class Dense:
    r"""A dense layer :math:`y = xW + b` with its gradients, built on :func:`affine_forward`.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        init: ``"he"`` (:math:`\mathcal N(0, 2/n_{in})`), ``"xavier"``
            (:math:`U[\pm\sqrt{6/(n_{in}+n_{out})}]`), ``"lecun"`` (:math:`\mathcal N(0, 1/n_{in})`) or
            ``"uniform"`` (:math:`U[\pm 1/\sqrt{n_{in}}]`). Biases start at 0. Default: ``"he"``.
        seed: seed of the weights. Default: 0.
        dtype: float dtype of the parameters. Default: float64.

    Shape:
        - Input: :math:`(N, \text{in\_features})`; Output: :math:`(N, \text{out\_features})`.

    Examples::

        >>> layer = Dense(3, 2, seed=0)
        >>> layer.forward(np.ones((4, 3))).shape
        (4, 2)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        init: str = "he",
        seed: int = 0,
        dtype: type = np.float64,
    ) -> None:
        in_features = _check_size(in_features, "Dense", "in_features")
        out_features = _check_size(out_features, "Dense", "out_features")
        if init not in _NUMPY_INITS:
            raise ValueError(f"Dense: init must be one of {_NUMPY_INITS}, got {init!r}")
        g = _rng(seed)
        self.W = _numpy_init(in_features, out_features, init, g).astype(dtype)
        self.b = np.zeros(out_features, dtype=dtype)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self._cache: tuple | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = affine_forward(x, self.W, self.b)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Store ``dW`` and ``db`` and return ``dx``."""
        if self._cache is None:
            raise RuntimeError("Dense.backward: call forward first")
        dx, self.dW, self.db = affine_backward(dout, self._cache)
        return dx

    def __repr__(self) -> str:
        return f"Dense(in_features={self.W.shape[0]}, out_features={self.W.shape[1]})"


class MLP:
    r"""A multilayer perceptron in numpy: ``Dense -> activation -> ... -> Dense``, scores out.

    Parameters live in ``params`` (``"W1"``, ``"b1"``, ... as in CS231n's ``FullyConnectedNet``),
    so :func:`actlab.gradient_check.eval_numerical_gradient` can perturb them in place.

    Args:
        sizes: layer widths, input first and output last, e.g. ``[2, 16, 2]``.
        activation: registry key of the hidden activation, or ``None``/``"identity"`` for a purely
            linear stack. Default: ``"relu"``.
        activation_params: parameters of the activation (``{"negative_slope": 0.1}``). Default: none.
        init: see :class:`Dense`. Default: ``"he"``.
        seed: seed of the weights. Default: 0.

    Shape:
        - Input: :math:`(N, \text{sizes}[0])`; Output: :math:`(N, \text{sizes}[-1])`.

    Examples::

        >>> net = MLP([2, 8, 3], activation=None, seed=0)
        >>> net.forward(np.zeros((5, 2))).shape
        (5, 3)
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | None = "relu",
        *,
        activation_params: dict[str, Any] | None = None,
        init: str = "he",
        seed: int = 0,
    ) -> None:
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes needs at least an input and an output size, got {sizes}")
        sizes = [_check_size(s, "MLP", "every size") for s in sizes]
        _activation_record(activation, "MLP")  # fail early on a bad key
        self.sizes = sizes
        self.activation = activation
        self.activation_params = dict(activation_params or {})
        g = _rng(seed)
        self.layers = [
            Dense(a, b, init=init, seed=int(g.integers(2**32)))
            for a, b in itertools.pairwise(sizes)
        ]
        self._act_caches: list[tuple] = []

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The parameters by name; the arrays are the layers' own (perturbing them changes the net)."""
        out: dict[str, np.ndarray] = {}
        for i, layer in enumerate(self.layers, start=1):
            out[f"W{i}"] = layer.W
            out[f"b{i}"] = layer.b
        return out

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Scores for ``X``; caches what :meth:`backward` needs."""
        h = np.asarray(X, dtype=self.layers[0].W.dtype)
        self._act_caches = []
        for layer in self.layers[:-1]:
            h, cache = activation_forward(
                layer.forward(h), self.activation, **self.activation_params
            )
            self._act_caches.append(cache)
        return self.layers[-1].forward(h)

    def backward(self, dscores: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of the loss with respect to every parameter, given ``dL/dscores``."""
        if len(self._act_caches) != len(self.layers) - 1:
            raise RuntimeError("MLP.backward: call forward first")
        dh = self.layers[-1].backward(dscores)
        for layer, cache in zip(self.layers[-2::-1], self._act_caches[::-1], strict=True):
            dh = layer.backward(activation_backward(dh, cache))
        grads: dict[str, np.ndarray] = {}
        for i, layer in enumerate(self.layers, start=1):
            grads[f"W{i}"] = layer.dW
            grads[f"b{i}"] = layer.db
        return grads

    def loss(
        self, X: np.ndarray, y: np.ndarray | None = None
    ) -> np.ndarray | tuple[float, dict[str, np.ndarray]]:
        """Scores if ``y`` is None, else ``(softmax cross-entropy, grads)``, as in CS231n."""
        scores = self.forward(X)
        if y is None:
            return scores
        loss, dscores = softmax_cross_entropy(scores, y)
        return loss, self.backward(dscores)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.argmax(self.forward(X), axis=1)

    def __repr__(self) -> str:
        return f"MLP(sizes={self.sizes}, activation={self.activation!r})"


# ----------------------------------------------------------------------------------------------
# torch
# ----------------------------------------------------------------------------------------------

INITS = ("default", "he", "he_uniform", "xavier", "xavier_normal", "lecun", "uniform")
"""Initialisation names understood by :func:`make_mlp`.

* ``"default"``: torch's own (:math:`U[\\pm 1/\\sqrt{n_{in}}]` for weights and biases);
* ``"he"``: :math:`\\mathcal N(0, 2/n_{in})` (He et al. 2015); ``"he_uniform"``: the uniform version;
* ``"xavier"``: :math:`U[\\pm\\sqrt{6/(n_{in}+n_{out})}]`, Glorot and Bengio's normalised
  initialisation; ``"xavier_normal"``: :math:`\\mathcal N(0, 2/(n_{in}+n_{out}))`;
* ``"lecun"``: :math:`\\mathcal N(0, 1/n_{in})`, for SELU (Klambauer et al. 2017);
* ``"uniform"``: :math:`U[\\pm 1/\\sqrt{n_{in}}]` with zero biases, Glorot and Bengio's "standard"
  initialisation.

All named initialisations except ``"default"`` set the biases to 0.
"""


def _activation_factory(activation: Any, params: dict[str, Any]) -> Callable[[], nn.Module]:
    from torch import nn

    if isinstance(activation, str):
        from actlab.activations.registry import get

        module_cls = get(activation).module
        return lambda: module_cls(**params)
    if callable(activation):

        def factory() -> nn.Module:
            module = activation(**params)
            if not isinstance(module, nn.Module):
                raise TypeError(
                    f"make_mlp: the activation factory must return an nn.Module, got {type(module).__name__}"
                )
            return module

        return factory
    raise TypeError(
        "make_mlp: activation must be a registry key (str) or a factory returning an nn.Module, "
        f"got {type(activation).__name__}"
    )


def _init_linear(layer: nn.Linear, init: str | Callable, gain: float) -> None:
    import torch
    from torch import nn

    with torch.no_grad():
        if callable(init):
            init(layer.weight)
            if layer.bias is not None:
                layer.bias.zero_()
        elif init != "default":
            w = layer.weight
            _fan_out, fan_in = w.shape
            if init == "he":
                nn.init.normal_(w, 0.0, (2.0 / fan_in) ** 0.5)
            elif init == "he_uniform":
                bound = (6.0 / fan_in) ** 0.5
                nn.init.uniform_(w, -bound, bound)
            elif init == "xavier":
                nn.init.xavier_uniform_(w)
            elif init == "xavier_normal":
                nn.init.xavier_normal_(w)
            elif init == "lecun":
                nn.init.normal_(w, 0.0, (1.0 / fan_in) ** 0.5)
            elif init == "uniform":
                bound = 1.0 / fan_in**0.5
                nn.init.uniform_(w, -bound, bound)
            if layer.bias is not None:
                layer.bias.zero_()
        if gain != 1.0:
            layer.weight.mul_(gain)


def make_mlp(
    sizes: Sequence[int],
    activation: str | Callable[..., nn.Module] = "relu",
    *,
    init: str | Callable[[torch.Tensor], Any] = "default",
    init_gain: float = 1.0,
    activation_params: dict[str, Any] | None = None,
    dropout: float = 0.0,
    dropout_cls: Callable[[float], nn.Module] | None = None,
    bias: bool = True,
    seed: int | None = None,
) -> nn.Sequential:
    r"""A torch MLP, ``Linear -> activation [-> Dropout] -> ... -> Linear``, with our activation modules.

    The activation after every hidden ``Linear`` is built as
    ``actlab.activations.registry.get(activation).module(**activation_params)``, a fresh module per
    layer (so a PReLU has its own slope in every layer). The output layer has no activation: the loss
    supplies it (softmax inside cross-entropy, sigmoid inside BCE-with-logits).

    Args:
        sizes: widths, input first and output last, e.g. ``[64, 128, 128, 10]``.
        activation: registry key (``"relu"``, ``"tanh"``, ...) or a callable returning an
            ``nn.Module``. Default: ``"relu"``.
        init: one of :data:`INITS`, or a callable applied to each weight tensor (biases then start at 0).
            Default: ``"default"``.
        init_gain: factor applied to every weight after initialisation (to show exploding or
            vanishing signals on purpose). Default: 1.0.
        activation_params: keyword arguments of the activation (``{"negative_slope": 0.1}``).
        dropout: dropout probability after each hidden activation; 0 adds no Dropout layer.
            Default: 0.0.
        dropout_cls: the dropout class (e.g. ``torch.nn.AlphaDropout`` for SELU). Default:
            ``torch.nn.Dropout``.
        bias: give the Linear layers biases. Default: True.
        seed: if given, the weights depend only on this seed (the global torch generator is left
            untouched); otherwise they come from the global generator.

    Shape:
        - Input: :math:`(N, \text{sizes}[0])`; Output: :math:`(N, \text{sizes}[-1])`.

    Examples::

        >>> net = make_mlp([2, 16, 2], "tanh", init="xavier", seed=0)
        >>> [type(m).__name__ for m in net]
        ['Linear', 'Tanh', 'Linear']
    """
    import torch
    from torch import nn

    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"make_mlp: sizes needs at least an input and an output size, got {sizes}")
    sizes = [_check_size(s, "make_mlp", "every size") for s in sizes]
    if not callable(init) and init not in INITS:
        raise ValueError(f"make_mlp: init must be one of {INITS} or a callable, got {init!r}")
    if isinstance(init_gain, bool) or not isinstance(init_gain, (int, float)) or not init_gain > 0:
        raise ValueError(f"make_mlp: init_gain must be a positive number, got {init_gain!r}")
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(f"make_mlp: dropout must be a number in [0, 1), got {dropout!r}")
    factory = _activation_factory(activation, dict(activation_params or {}))
    dropout_cls = dropout_cls or nn.Dropout

    def build() -> nn.Sequential:
        layers: list[nn.Module] = []
        for i, (a, b) in enumerate(itertools.pairwise(sizes)):
            linear = nn.Linear(a, b, bias=bias)
            _init_linear(linear, init, float(init_gain))
            layers.append(linear)
            if i < len(sizes) - 2:
                layers.append(factory())
                if dropout > 0:
                    layers.append(dropout_cls(dropout))
        return nn.Sequential(*layers)

    if seed is None:
        return build()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(_rng(seed).integers(2**31)))
        return build()


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The ``nn.Linear`` layers of ``model`` in order (layer 1 first)."""
    from torch import nn

    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def layer_outputs(model: nn.Sequential, X: torch.Tensor) -> list[torch.Tensor]:
    """Outputs of each hidden activation of a :func:`make_mlp` network for input ``X``.

    The hidden activation of layer ``k`` is the output of the module that follows the ``k``-th
    ``Linear`` (dropout layers are skipped); the output layer is not included.
    """
    from torch import nn

    if not isinstance(model, nn.Sequential):
        raise TypeError(
            f"layer_outputs: model must be an nn.Sequential, got {type(model).__name__}"
        )
    outs = []
    h = X
    modules = list(model)
    for i, m in enumerate(modules):
        h = m(h)
        prev = modules[i - 1] if i else None
        if isinstance(prev, nn.Linear) and not isinstance(
            m, (nn.Linear, nn.Dropout, nn.AlphaDropout)
        ):
            outs.append(h)
    return outs


_LOSSES = ("cross_entropy", "bce", "mse")


def _loss_fn(loss: str) -> Callable:
    from torch.nn import functional as F

    if loss == "cross_entropy":
        return F.cross_entropy
    if loss == "bce":
        return lambda out, y: F.binary_cross_entropy_with_logits(out.squeeze(-1), y.to(out.dtype))
    if loss == "mse":
        return lambda out, y: F.mse_loss(out.squeeze(-1), y.to(out.dtype))
    raise ValueError(f"train: loss must be one of {_LOSSES}, got {loss!r}")


def evaluate(
    model: nn.Module,
    data: Any,
    *,
    loss: str = "cross_entropy",
    dtype: torch.dtype | None = None,
) -> dict[str, float]:
    """Mean loss and error rate of ``model`` on ``data`` (a Dataset or ``(X, y)``), in eval mode.

    The error rate is the fraction misclassified (argmax for cross-entropy, logit > 0 for BCE); for
    ``"mse"`` it is NaN. ``dtype`` (e.g. ``torch.float64``) casts the features; by default they are
    cast to the dtype of the model's first parameter.
    """
    import torch

    from actlab.data import to_tensors

    X, y = data
    if not isinstance(X, torch.Tensor):
        X, y = to_tensors((X, y))
    X = X.to(dtype or _model_dtype(model))
    fn = _loss_fn(loss)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model(X)
        value = float(fn(out, y))
        if loss == "cross_entropy":
            error = float((out.argmax(dim=1) != y).float().mean())
        elif loss == "bce":
            error = float(((out.squeeze(-1) > 0).long() != y).float().mean())
        else:
            error = float("nan")
    model.train(was_training)
    return {"loss": value, "error": error}


def _model_dtype(model: nn.Module) -> torch.dtype:
    """The dtype of the model's first floating parameter (float32 for a model without any)."""
    import torch

    for p in model.parameters():
        if p.is_floating_point():
            return p.dtype
    return torch.float32


def train(
    model: nn.Module,
    data: Any,
    *,
    epochs: int = 10,
    lr: float = 0.01,
    optimizer: str = "sgd",
    momentum: float = 0.0,
    weight_decay: float = 0.0,
    batch_size: int = 64,
    loss: str = "cross_entropy",
    val: Any = None,
    seed: int = 0,
    max_updates: int | None = None,
    callback: Callable[[nn.Module, int], None] | None = None,
    dtype: torch.dtype | None = None,
) -> list[dict[str, float]]:
    """Train ``model`` with mini-batch SGD or Adam and return one row of metrics per epoch.

    Row 0 describes the untrained model. Each row has ``epoch``, ``updates`` (optimizer steps so
    far), ``train_loss`` and ``train_error`` (on the whole training set, in eval mode, after the
    epoch) and, if ``val`` is given, ``val_loss`` and ``val_error``.

    Args:
        model: the network (trained in place).
        data: training data, a :class:`actlab.data.Dataset` or ``(X, y)`` arrays.
        epochs: passes over the data. Default: 10.
        lr: learning rate. Default: 0.01.
        optimizer: ``"sgd"`` or ``"adam"``. Default: ``"sgd"``.
        momentum: SGD momentum. Default: 0.
        weight_decay: L2 penalty passed to the optimizer. Default: 0.
        batch_size: samples per step. Default: 64.
        loss: ``"cross_entropy"``, ``"bce"`` (one logit) or ``"mse"``. Default: ``"cross_entropy"``.
        val: optional validation data, same forms as ``data``.
        seed: seed of the batch order. Default: 0.
        max_updates: stop after this many optimizer steps (the last row is then a partial epoch).
        callback: called as ``callback(model, updates)`` after every optimizer step.
        dtype: train in this floating dtype (``torch.float64`` makes a small run replay to the
            last digits on any CPU): the model is converted in place and every batch cast.
            Default: the model's own dtype.

    Examples::

        >>> from actlab.data import xor
        >>> net = make_mlp([2, 8, 2], "tanh", seed=0)
        >>> rows = train(net, xor(64), epochs=2)
        >>> [r["epoch"] for r in rows]
        [0, 1, 2]
    """
    import torch

    from actlab.data import make_loader, to_tensors

    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"train: epochs must be an int >= 0, got {epochs!r}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"train: lr must be a positive number, got {lr!r}")
    if max_updates is not None and (
        isinstance(max_updates, bool) or not isinstance(max_updates, int) or max_updates < 1
    ):
        raise ValueError(f"train: max_updates must be a positive int or None, got {max_updates!r}")
    fn = _loss_fn(loss)
    if dtype is not None:
        if not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
            raise TypeError(f"train: dtype must be a floating torch.dtype, got {dtype!r}")
        model.to(dtype)
    dtype = _model_dtype(model)
    if optimizer == "sgd":
        opt = torch.optim.SGD(
            model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay
        )
    elif optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    else:
        raise ValueError(f"train: optimizer must be 'sgd' or 'adam', got {optimizer!r}")
    loader = make_loader(data, batch_size=batch_size, shuffle=True, seed=seed)
    data = to_tensors(data)
    if val is not None:
        val = to_tensors(val)

    def row(epoch: int, updates: int) -> dict[str, float]:
        r: dict[str, float] = {"epoch": epoch, "updates": updates}
        m = evaluate(model, data, loss=loss, dtype=dtype)
        r["train_loss"], r["train_error"] = m["loss"], m["error"]
        if val is not None:
            m = evaluate(model, val, loss=loss, dtype=dtype)
            r["val_loss"], r["val_error"] = m["loss"], m["error"]
        return r

    rows = [row(0, 0)]
    updates = 0
    model.train()
    for epoch in range(1, epochs + 1):
        for xb, yb in loader:
            opt.zero_grad()
            fn(model(xb.to(dtype)), yb).backward()
            opt.step()
            updates += 1
            if callback is not None:
                callback(model, updates)
            if max_updates is not None and updates >= max_updates:
                break
        rows.append(row(epoch, updates))
        model.train()
        if max_updates is not None and updates >= max_updates:
            break
    return rows
