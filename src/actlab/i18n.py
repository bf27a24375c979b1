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
* So does a function that labels results for printing (an experiment's ``*_table`` or
  ``*_facts``), and :func:`actlab.plotting.format_table` and ``format_facts``, which print
  booleans as ``yes``/``no`` or ``是``/``否``. A chapter sets ``LANG`` once, in its setup cell, and
  passes ``lang=LANG`` to every such call (``tools/editions.py``).
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
    # chapters 1-2: figure text (actlab.plotting: style, tables, activations, boundaries, overview,
    # gradients, training; actlab.widgets' activation explorer) and the labels of the printed
    # results of the experiments they call
    "result.yes": {"en": "yes", "zh": "是"},
    "result.no": {"en": "no", "zh": "否"},
    "result.none": {"en": "none", "zh": "无"},
    "result.list_separator": {"en": ", ", "zh": "、"},
    "result.activation": {"en": "activation", "zh": "激活函数"},
    "result.layer": {"en": "layer", "zh": "层"},
    "result.init": {"en": "init", "zh": "初始化"},
    "result.min": {"en": "min", "zh": "最小"},
    "result.max": {"en": "max", "zh": "最大"},
    "result.zero_centred": {"en": "zero-centred", "zh": "零中心"},
    "result.test_error": {"en": "test error", "zh": "测试误差"},
    "result.side.left": {"en": "left", "zh": "左侧"},
    "result.side.right": {"en": "right", "zh": "右侧"},
    "result.side.both": {"en": "both", "zh": "两侧"},
    "result.side.none": {"en": "none", "zh": "无"},
    "result.dataset.xor": {"en": "xor", "zh": "异或"},
    "result.dataset.spirals": {"en": "spirals", "zh": "双螺旋"},
    "result.dataset.moons": {"en": "moons", "zh": "双月"},
    "result.dataset.circles": {"en": "circles", "zh": "同心圆"},
    "result.collapse.rank": {"en": "rank of W", "zh": "W的秩"},
    "result.collapse.residual": {
        "en": "ReLU stack: share unexplained by the best affine map",
        "zh": "ReLU堆叠：最佳仿射映射无法解释的比例",
    },
    "result.boundaries.data": {"en": "data", "zh": "数据"},
    "result.boundaries.model": {"en": "model", "zh": "模型"},
    "result.boundaries.linear": {"en": "linear", "zh": "线性模型"},
    "result.boundaries.mlp": {"en": "mlp", "zh": "多层感知机"},
    "result.boundaries.train_accuracy": {"en": "train acc", "zh": "训练准确率"},
    "result.boundaries.test_accuracy": {"en": "test acc", "zh": "测试准确率"},
    "result.properties.residual": {"en": "residual of best line", "zh": "最佳直线的残差"},
    "result.properties.jump": {"en": "jump of f', step {step}", "zh": "f'的跳变，步长{step}"},
    "result.bounded.smallest_logit": {
        "en": "breast cancer: smallest logit",
        "zh": "乳腺癌：最小的logit",
    },
    "result.bounded.largest_logit": {
        "en": "breast cancer: largest logit",
        "zh": "乳腺癌：最大的logit",
    },
    "result.bounded.smallest_sigmoid": {"en": "smallest sigmoid output", "zh": "sigmoid的最小输出"},
    "result.bounded.largest_sigmoid": {
        "en": "1 - largest sigmoid output",
        "zh": "1 - sigmoid的最大输出",
    },
    "result.bounded.sigmoid_accuracy": {
        "en": "test accuracy (threshold 0.5)",
        "zh": "测试准确率（阈值0.5）",
    },
    "result.bounded.smallest_softmax": {
        "en": "digits: smallest softmax entry",
        "zh": "手写数字：softmax的最小分量",
    },
    "result.bounded.row_sum": {"en": "largest |row sum - 1|", "zh": "|行和 - 1|的最大值"},
    "result.bounded.softmax_accuracy": {
        "en": "test accuracy (argmax)",
        "zh": "测试准确率（argmax）",
    },
    "result.approximation.relu_weights": {
        "en": "ReLU kinks: largest |by hand - package|",
        "zh": "ReLU折点：手写与包内实现之差的最大绝对值",
    },
    "result.approximation.sigmoid_weights": {
        "en": "sigmoid steps: largest |by hand - package|",
        "zh": "sigmoid台阶：手写与包内实现之差的最大绝对值",
    },
    "result.approximation.hidden_units": {"en": "hidden units", "zh": "隐藏单元数"},
    "result.approximation.max_error": {
        "en": "max error, {activation}",
        "zh": "最大误差，{activation}",
    },
    "result.cells.difference": {
        "en": "{cell}: max |numpy - torch|",
        "zh": "{cell}：max |numpy - torch|",
    },
    "result.memory.variant": {"en": "variant", "zh": "变体"},
    "result.memory.gate_min": {"en": "gate min", "zh": "门的最小值"},
    "result.memory.gate_max": {"en": "gate max", "zh": "门的最大值"},
    "result.memory.sigmoid_tanh": {
        "en": "sigmoid gate, tanh candidate",
        "zh": "sigmoid门，tanh候选值",
    },
    "result.memory.relu_tanh": {"en": "ReLU gate, tanh candidate", "zh": "ReLU门，tanh候选值"},
    "result.memory.sigmoid_identity": {
        "en": "sigmoid gate, identity candidate",
        "zh": "sigmoid门，恒等候选值",
    },
    "result.profile.range": {"en": "range", "zh": "值域"},
    "result.profile.min_on": {"en": "min on {window}", "zh": "{window}上的最小值"},
    "result.profile.max_on": {"en": "max on {window}", "zh": "{window}上的最大值"},
    "result.profile.max_derivative": {"en": "max f'", "zh": "f'的最大值"},
    "result.profile.kink": {
        "en": "kink f' (left / used / right)",
        "zh": "折点处的f'（左/采用/右）",
    },
    "result.profile.saturates": {"en": "saturates", "zh": "饱和"},
    "result.identity.difference": {
        "en": "max |tanh x - (2 sigmoid(2x) - 1)| on {window}",
        "zh": "{window}上的max |tanh x - (2 sigmoid(2x) - 1)|",
    },
    "result.onset.below": {
        "en": "{name}: f' below {fraction} of its peak for x >",
        "zh": "{name}的f'低于峰值{fraction}的区间：x >",
    },
    "result.onset.crossing": {"en": "{b}' > {a}' for |x| <", "zh": "{b}' > {a}'的区间：|x| <"},
    "result.saturation.first_start": {"en": "layer 1 mean, start", "zh": "第1层均值，开始"},
    "result.saturation.first_end": {"en": "layer 1 mean, end", "zh": "第1层均值，结束"},
    "result.saturation.top_start": {"en": "top layer mean, start", "zh": "顶层均值，开始"},
    "result.saturation.top_end": {"en": "top layer mean, end", "zh": "顶层均值，结束"},
    "result.saturation.updates": {"en": "updates", "zh": "更新次数"},
    "result.agreement.dead": {"en": "dead {source}", "zh": "死亡比例（{source}）"},
    "result.agreement.norms": {
        "en": "norms: largest relative difference",
        "zh": "范数：最大相对差",
    },
    "result.agreement.dead_difference": {
        "en": "dead fractions: largest difference",
        "zh": "死亡比例：最大差",
    },
    "result.flow.variance_factor": {"en": "var. factor / layer", "zh": "每层的方差因子"},
    "result.inactive.per_example": {
        "en": "{label}: at 0 per example",
        "zh": "{label}：每个样本上为0的比例",
    },
    "result.inactive.dead": {"en": "{label}: dead", "zh": "{label}：死亡比例"},
    "result.inactive.similarity": {"en": "{label}: similarity", "zh": "{label}：相似度"},
    "result.revival.weight_change": {
        "en": "{name}: silenced layer-1 units, largest weight change",
        "zh": "{name}：被关闭的第1层单元，权重的最大变化",
    },
    "result.revival.error": {
        "en": "{name}: training error after (mean of seeds)",
        "zh": "{name}：训练后的训练误差（各随机种子的均值）",
    },
    "result.revival.dead_before": {"en": "{name}: dead at init", "zh": "{name}：初始时死亡"},
    "result.revival.revived": {"en": "{name}: revived", "zh": "{name}：复活"},
    "result.revival.dead_after": {"en": "{name}: dead after", "zh": "{name}：训练后死亡"},
    "result.exploding.gain": {"en": "gain", "zh": "增益"},
    "result.exploding.norm": {"en": "|dW1| (mean of seeds)", "zh": "|dW1|（各随机种子的均值）"},
    "result.exploding.ratio": {"en": "ratio to gain {base}", "zh": "与增益{base}之比"},
    "result.exploding.power": {"en": "(gain/{base})^depth", "zh": "(增益/{base})^深度"},
    "result.exploding.initial_loss": {"en": "initial loss", "zh": "初始损失"},
    "result.exploding.first_nonfinite": {
        "en": "first inf/NaN step",
        "zh": "首次出现inf/NaN的步",
    },
    "result.centring.slope": {"en": "slope at 0", "zh": "0处的斜率"},
    "result.centring.smooth": {"en": "smooth", "zh": "平滑"},
    "result.centring.first_epoch": {"en": "error after epoch 1", "zh": "第1个迭代周期后的误差"},
    "result.centring.final_mean": {"en": "final error (mean)", "zh": "最终误差（均值）"},
    "result.centring.final_worst": {
        "en": "final error (worst seed)",
        "zh": "最终误差（最差的随机种子）",
    },
    "result.coherence.batch_size": {"en": "batch size", "zh": "批量大小"},
    "result.coherence.one_signed": {"en": "one-signed units", "zh": "更新同号的单元"},
    "result.coherence.smallest_input": {
        "en": "smallest input to layer 2",
        "zh": "第2层的最小输入",
    },
    "result.stability.function": {"en": "function", "zh": "函数"},
    "result.stability.naive": {"en": "naive", "zh": "朴素公式"},
    "result.stability.warnings": {"en": "warnings", "zh": "警告"},
    "result.stability.naive_error": {"en": "naive error", "zh": "朴素公式的误差"},
    "result.stability.package": {"en": "package", "zh": "本包"},
    "result.stability.package_error": {"en": "package error", "zh": "本包的误差"},
    "result.stability.reference": {"en": "reference (float64)", "zh": "参考值（float64）"},
    "result.stability.overflow": {"en": "overflow", "zh": "上溢"},
    "result.stability.underflow": {"en": "underflow", "zh": "下溢"},
    "result.stability.invalid": {"en": "invalid value", "zh": "无效值"},
    "result.stability.divide": {"en": "divide by zero", "zh": "除以零"},
    "result.subnormal.reference": {"en": "{value}, float64", "zh": "{value}，float64"},
    "result.subnormal.smallest_normal": {
        "en": "smallest normal {dtype}",
        "zh": "{dtype}的最小正规数",
    },
    "result.subnormal.spacing": {"en": "{dtype} spacing there", "zh": "该处{dtype}的间距"},
    "result.subnormal.ratio": {"en": "value / spacing", "zh": "值 / 间距"},
    "result.subnormal.nearest": {"en": "nearest {dtype}", "zh": "最近的{dtype}"},
    "plot.activation.derivative": {"en": "derivative of {name}", "zh": "{name}的导数"},
    "plot.activation.kink": {"en": "derivative used at the kink", "zh": "折点处采用的导数值"},
    "plot.boundary.class": {"en": "class {cls}", "zh": "类别{cls}"},
    "plot.boundary.linear": {"en": "linear", "zh": "线性模型"},
    "plot.boundary.mlp": {"en": "MLP ({activation})", "zh": "多层感知机（{activation}）"},
    "plot.boundary.title": {"en": "{dataset}: {model}", "zh": "{dataset}：{model}"},
    "plot.boundary.accuracy": {
        "en": "test accuracy {accuracy}",
        "zh": "测试准确率{accuracy}",
    },
    "plot.properties.nonlinearity": {
        "en": "nonlinearity (dotted: best line)",
        "zh": "非线性（点线：最佳直线）",
    },
    "plot.properties.smoothness": {
        "en": "smoothness: f'(x) near 0 (grid 0.001)",
        "zh": "平滑性：0附近的f'(x)（网格间距0.001）",
    },
    "plot.properties.saturation": {
        "en": "saturation: |f'(x)| (ReLU: 0 for x<0)",
        "zh": "饱和：|f'(x)|（ReLU在x<0时为0）",
    },
    "plot.bounded.malignant": {"en": "true class 0 (malignant)", "zh": "真实类别0（恶性）"},
    "plot.bounded.benign": {"en": "true class 1 (benign)", "zh": "真实类别1（良性）"},
    "plot.bounded.sigmoid_title": {
        "en": "sigmoid: P(benign) on test patients",
        "zh": "sigmoid：测试病例为良性的概率",
    },
    "plot.bounded.sigmoid_xlabel": {"en": "sigmoid(logit)", "zh": "sigmoid(logit)"},
    "plot.bounded.count": {"en": "count", "zh": "病例数"},
    "plot.bounded.softmax_title": {
        "en": "softmax for one test digit (true: {label})",
        "zh": "一张测试图像的softmax（真实类别：{label}）",
    },
    "plot.bounded.class": {"en": "class", "zh": "类别"},
    "plot.bounded.probability": {"en": "probability", "zh": "概率"},
    "plot.memory.candidate": {"en": "candidate", "zh": "候选值"},
    "plot.memory.state": {"en": "state h", "zh": "状态h"},
    "plot.memory.xlabel": {"en": "time step (orange: write)", "zh": "时间步（橙线：写入）"},
    "plot.memory.ylabel": {"en": "value", "zh": "值"},
    "plot.approximation.relu": {"en": "ReLU units: kinks", "zh": "ReLU单元：折点"},
    "plot.approximation.sigmoid": {
        "en": "steep sigmoid units: steps",
        "zh": "陡峭的sigmoid单元：台阶",
    },
    "plot.approximation.target": {"en": "target", "zh": "目标函数"},
    "plot.approximation.units": {"en": "{width} units", "zh": "{width}个单元"},
    "plot.approximation.error_title": {"en": "largest error", "zh": "最大误差"},
    "plot.approximation.hidden_units": {"en": "hidden units", "zh": "隐藏单元数"},
    "plot.approximation.error_ylabel": {"en": "max |net - target|", "zh": "max |网络 - 目标|"},
    "plot.gradients.gain": {"en": "gain {gain}", "zh": "增益{gain}"},
    "plot.gradients.layer": {"en": "layer (1 = input side)", "zh": "层（1为输入侧）"},
    "plot.gradients.norm": {"en": "gradient norm ||dL/dW||", "zh": "梯度范数||dL/dW||"},
    "plot.layer_means.layer": {"en": "layer {layer}", "zh": "第{layer}层"},
    "plot.layer_means.title": {
        "en": "{name}: test error {error}",
        "zh": "{name}：测试误差{error}",
    },
    "plot.layer_means.xlabel": {"en": "SGD updates", "zh": "SGD更新次数"},
    "plot.layer_means.ylabel": {
        "en": "layer output: mean (band: ± std)",
        "zh": "层输出：均值（色带：±标准差）",
    },
    "plot.flow.forward": {"en": "forward: std of layer output", "zh": "前向：层输出的标准差"},
    "plot.flow.forward_ylabel": {"en": "std of a_l", "zh": "a_l的标准差"},
    "plot.flow.backward": {"en": "backward: ||dL/dz_l||", "zh": "反向：||dL/dz_l||"},
    "plot.flow.weight": {"en": "weight gradient: ||dL/dW_l||", "zh": "权重梯度：||dL/dW_l||"},
    "plot.flow.xlabel": {"en": "layer l (1 = input side)", "zh": "第l层（1为输入侧）"},
    "plot.flow.pair": {"en": "{activation}, {init}", "zh": "{activation}，{init}初始化"},
    "plot.exploding.norms_title": {
        "en": "gradient norm per layer at init ({depth} layers, He x gain)",
        "zh": "初始化时各层的梯度范数（{depth}层，He初始化乘以增益）",
    },
    "plot.exploding.loss_title": {"en": "training loss, plain SGD", "zh": "训练损失，普通SGD"},
    "plot.exploding.xlabel": {"en": "SGD step", "zh": "SGD步数"},
    "plot.exploding.ylabel": {
        "en": "training loss (x = inf/NaN)",
        "zh": "训练损失（x表示inf/NaN）",
    },
    "plot.training.epoch": {"en": "epoch", "zh": "迭代周期"},
    "plot.training.error": {"en": "training error", "zh": "训练误差"},
    "plot.centring.title": {
        "en": "digits, same MLP and plain SGD for every variant",
        "zh": "手写数字，各变体用同一多层感知机和普通SGD",
    },
    "plot.explorer.activation": {"en": "activation", "zh": "激活函数"},
    "plot.explorer.describe": {
        "en": "range {range} · smoothness {smoothness} · saturates: {saturates} · zero-centred: {centred}",
        "zh": "值域{range} · 平滑性{smoothness} · 饱和：{saturates} · 零中心：{centred}",
    },
    "plot.explorer.smoothness.discontinuous": {"en": "discontinuous", "zh": "不连续"},
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
