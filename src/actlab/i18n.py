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
    # chapters 3-4: figure text (actlab.plotting.selection and .applications; actlab.widgets'
    # gradient explorer) and the labels of the printed results of the experiments they call.
    # Columns the chapters name in their prose keep their snake_case names in English.
    "result.name.identity": {"en": "identity", "zh": "恒等函数"},
    "result.name.linear": {"en": "linear", "zh": "线性模型"},
    "result.dataset.digits": {"en": "digits", "zh": "手写数字"},
    "result.dropout.standard": {"en": "standard", "zh": "Dropout"},
    "result.dropout.alpha": {"en": "alpha", "zh": "AlphaDropout"},
    "result.train_error": {"en": "train error", "zh": "训练误差"},
    "result.col.lr": {"en": "lr", "zh": "学习率"},
    "result.col.dropout": {"en": "dropout", "zh": "暂退法"},
    "result.col.dead_fraction": {"en": "dead_fraction", "zh": "死亡比例"},
    "result.dead.total": {"en": "dead_fraction", "zh": "总死亡比例"},
    "result.col.train_error": {"en": "train_error", "zh": "训练误差"},
    "result.col.test_error": {"en": "test_error", "zh": "测试误差"},
    "result.col.mean": {"en": "mean", "zh": "均值"},
    "result.col.std": {"en": "std", "zh": "标准差"},
    "result.col.within_noise": {"en": "within_noise", "zh": "在噪声范围内"},
    "result.criteria.smooth": {"en": "smooth", "zh": "平滑性"},
    "result.criteria.zero_grad": {"en": "f' = 0 on", "zh": "f' = 0的区间"},
    "result.criteria.monotonic": {"en": "monotonic", "zh": "单调"},
    "result.criteria.params": {"en": "params", "zh": "参数个数"},
    "result.criteria.cost": {"en": "cost", "zh": "主要运算"},
    "result.criteria.compare": {"en": "compare", "zh": "比较"},
    "result.criteria.divide": {"en": "divide", "zh": "除法"},
    "result.criteria.discontinuous": {"en": "discontinuous", "zh": "不连续"},
    "result.output.output": {"en": "output", "zh": "输出层"},
    "result.output.train_mse": {"en": "train MSE", "zh": "训练MSE"},
    "result.output.gradient": {"en": "|dL/dz| {loss}, z = {z}", "zh": "{loss}在z = {z}处的|dL/dz|"},
    "result.loss.bce_textbook": {"en": "BCE textbook", "zh": "BCE教科书公式"},
    "result.loss.bce_exact": {"en": "BCE exact", "zh": "BCE精确值"},
    "result.loss.ce_textbook": {"en": "CE textbook", "zh": "CE教科书公式"},
    "result.loss.ce_exact": {"en": "CE exact", "zh": "CE精确值"},
    "result.dead.min": {"en": "dead_min", "zh": "最少死亡数"},
    "result.dead.max": {"en": "dead_max", "zh": "最多死亡数"},
    "result.dead.layer_fraction": {"en": "dead_l{layer}", "zh": "第{layer}层死亡比例"},
    "result.dead.ever": {"en": "ever", "zh": "曾全负"},
    "result.dead.revived": {"en": "revived", "zh": "复活"},
    "result.dead.end": {"en": "end", "zh": "最终全负"},
    "result.dead.zero_grad": {"en": "zero_grad", "zh": "零梯度"},
    "result.dead.g_neg": {"en": "g_neg", "zh": "全负单元的梯度"},
    "result.dead.g_live": {"en": "g_live", "zh": "其余单元的梯度"},
    "result.learnable.learnt": {"en": "learnt", "zh": "可学习参数"},
    "result.learnable.fixed": {"en": "fixed", "zh": "构造时固定"},
    "result.learnable.start": {"en": "start", "zh": "初值"},
    "result.learnable.end": {"en": "end", "zh": "终值"},
    "result.learnable.epochs": {"en": "epochs", "zh": "迭代周期数"},
    "result.init_signal.delta": {"en": "delta", "zh": "|dL/dz|"},
    "result.init_signal.grad_w": {"en": "grad_w", "zh": "|dL/dW|"},
    "result.init_signal.loss": {"en": "loss_{epoch}", "zh": "第{epoch}轮损失"},
    "result.selu.start_var": {"en": "start_var", "zh": "初始方差"},
    "result.selu.var": {"en": "var_{layer}", "zh": "第{layer}层方差"},
    "result.selu.grid_mean": {"en": "grid: |mean|", "zh": "网格：|均值|"},
    "result.selu.grid_variance": {"en": "grid: |variance - 1|", "zh": "网格：|方差 - 1|"},
    "result.selu.closed_mean": {"en": "closed form: |mean|", "zh": "闭式解：|均值|"},
    "result.selu.closed_variance": {
        "en": "closed form: |variance - 1|",
        "zh": "闭式解：|方差 - 1|",
    },
    "result.propagation.abs_mean": {"en": "abs_mean", "zh": "|均值|"},
    "result.propagation.var": {"en": "var", "zh": "方差"},
    "result.propagation.var_min": {"en": "var_min", "zh": "方差最小值"},
    "result.propagation.var_max": {"en": "var_max", "zh": "方差最大值"},
    "result.dropout.noisy_error": {"en": "noisy_error", "zh": "噪声输入误差"},
    "result.dropout.pruned_error": {"en": "pruned_error", "zh": "去掉单元后的误差"},
    "result.threshold.difference": {"en": "max |output difference|", "zh": "输出之差的最大绝对值"},
    "result.threshold.output": {"en": "max |output|", "zh": "输出的最大绝对值"},
    "result.cv.gap": {"en": "gap", "zh": "差距"},
    "result.cost.forward": {"en": "forward / ReLU", "zh": "前向 / ReLU"},
    "result.cost.forward_backward": {"en": "fwd+bwd / ReLU", "zh": "前向+反向 / ReLU"},
    "result.grid.hidden_layers": {"en": "hidden layers", "zh": "隐藏层数"},
    "result.grid.epochs": {"en": "epochs to 5 %", "zh": "降到5%所需轮数"},
    "result.grid.best_lr": {"en": "best lr", "zh": "最佳学习率"},
    "result.grid.last_error": {"en": "last training error", "zh": "最终训练误差"},
    "result.shrink.delta_last": {"en": "delta_last", "zh": "最后一层的|dL/dz|"},
    "result.shrink.delta_first": {"en": "delta_first", "zh": "第1层的|dL/dz|"},
    "result.shrink.per_layer": {"en": "shrink_per_layer", "zh": "每层缩小倍数"},
    "result.speech.frames": {"en": "frames", "zh": "帧数"},
    "result.speech.energies": {"en": "filter-bank energies", "zh": "滤波器组能量数"},
    "result.speech.vowels": {"en": "vowels", "zh": "元音"},
    "result.speech.model": {"en": "model", "zh": "模型"},
    "result.transformer.bag_of_words": {
        "en": "bag-of-words rule, test error",
        "zh": "词袋规则的测试误差",
    },
    "result.transformer.activation": {"en": "FFN activation", "zh": "FFN激活函数"},
    "result.transformer.zeros": {"en": "FFN values exactly 0", "zh": "FFN中恰为0的比例"},
    "result.recurrent.baseline": {
        "en": "predicting 0 (the mean), test MSE",
        "zh": "预测为0（均值）时的测试MSE",
    },
    "result.recurrent.gates": {"en": "max |gates - torch|", "zh": "门与torch之差的最大绝对值"},
    "result.recurrent.cell": {"en": "cell", "zh": "循环单元"},
    "result.recurrent.test_mse": {"en": "test MSE", "zh": "测试MSE"},
    "result.gelu.approximation": {"en": "approximation", "zh": "近似形式"},
    "result.gelu.max_error": {"en": "max error", "zh": "最大误差"},
    "result.gelu.at": {"en": "at |x|", "zh": "所在的|x|"},
    "plot.validation_error": {"en": "validation error", "zh": "验证误差"},
    "plot.output.wrong_side": {"en": "wrong side (p < 0.5)", "zh": "错误一侧（p < 0.5）"},
    "plot.output.gradient_title": {
        "en": "Gradient at the output, label 1",
        "zh": "输出层的梯度，标签为1",
    },
    "plot.output.logit": {"en": "logit z", "zh": "logit z"},
    "plot.regression.target": {"en": "target", "zh": "目标值"},
    "plot.regression.output": {"en": "{output} output", "zh": "{output}输出"},
    "plot.regression.title": {
        "en": "Regression: output activation",
        "zh": "回归：输出层的激活函数",
    },
    "plot.dead.title": {"en": "Units negative on every example", "zh": "对每个样本都为负的单元"},
    "plot.dead.lr": {"en": "learning rate (Adam)", "zh": "学习率（Adam）"},
    "plot.dead.fraction": {"en": "fraction of hidden units", "zh": "占隐藏单元的比例"},
    "plot.dead.error_title": {"en": "Test error after training", "zh": "训练后的测试误差"},
    "plot.dead.error": {"en": "error rate", "zh": "错误率"},
    "plot.learnable.slope": {"en": "slope a", "zh": "斜率a"},
    "plot.learnable.beta": {"en": "beta", "zh": "β"},
    "plot.learnable.parameter": {"en": "parameter", "zh": "参数"},
    "plot.learnable.value": {"en": "value", "zh": "值"},
    "plot.learnable.title": {"en": "{name}: learnt {parameter}", "zh": "{name}：学到的{parameter}"},
    "plot.statistics.dropout": {"en": "dropout: {name}", "zh": "暂退法：{name}"},
    "plot.statistics.layer": {"en": "layer", "zh": "层"},
    "plot.statistics.mean_title": {"en": "Mean of each layer's output", "zh": "各层输出的均值"},
    "plot.statistics.mean": {"en": "mean", "zh": "均值"},
    "plot.statistics.variance_title": {
        "en": "Variance of each layer's output",
        "zh": "各层输出的方差",
    },
    "plot.statistics.variance": {"en": "variance (log)", "zh": "方差（对数刻度）"},
    "plot.init.forward": {"en": "Forward: std of each layer", "zh": "前向：各层的标准差"},
    "plot.init.std": {"en": "std (log)", "zh": "标准差（对数刻度）"},
    "plot.init.backward": {"en": "Backward: |dL/dz| of each layer", "zh": "反向：各层的|dL/dz|"},
    "plot.init.norm": {"en": "norm (log)", "zh": "范数（对数刻度）"},
    "plot.init.loss_title": {"en": "Training loss", "zh": "训练损失"},
    "plot.init.loss": {"en": "training loss", "zh": "训练损失"},
    "plot.init.error_title": {"en": "Training error rate", "zh": "训练错误率"},
    "plot.init.error": {"en": "training error rate", "zh": "训练错误率"},
    "plot.history.title": {
        "en": "{name}: units negative everywhere",
        "zh": "{name}：处处为负的单元",
    },
    "plot.history.step": {"en": "Adam step", "zh": "Adam步数"},
    "plot.history.units": {"en": "units", "zh": "单元数"},
    "plot.dropout.clean": {"en": "clean", "zh": "干净输入"},
    "plot.dropout.noisy": {"en": "noisy inputs", "zh": "噪声输入"},
    "plot.dropout.removed": {"en": "units removed", "zh": "去掉单元"},
    "plot.dropout.p": {"en": "dropout p = {p}", "zh": "暂退概率p = {p}"},
    "plot.dropout.title": {
        "en": "ReLU MLP on {n} digits",
        "zh": "ReLU多层感知机，{n}张手写数字图像",
    },
    "plot.dropout.title_any": {"en": "ReLU MLP on digits", "zh": "ReLU多层感知机，手写数字"},
    "plot.sweep.mean": {"en": "mean ± std over seeds", "zh": "各随机种子的均值±标准差"},
    "plot.sweep.seed": {"en": "one seed", "zh": "单个随机种子"},
    "plot.sweep.title": {"en": "LeakyReLU slope sweep", "zh": "LeakyReLU的斜率扫描"},
    "plot.cost.title_forward_backward": {
        "en": "Time relative to ReLU (forward + backward)",
        "zh": "相对ReLU的耗时（前向+反向）",
    },
    "plot.cost.title_forward": {
        "en": "Time relative to ReLU (forward)",
        "zh": "相对ReLU的耗时（前向）",
    },
    "plot.cost.ratio": {"en": "ratio (log)", "zh": "比值（对数刻度）"},
    "plot.image.depth": {"en": "{depth} hidden layers", "zh": "{depth}个隐藏层"},
    "plot.image.error": {"en": "training error (log)", "zh": "训练误差（对数刻度）"},
    "plot.vowels.title": {"en": "Mean frame of each vowel", "zh": "每个元音的平均帧"},
    "plot.vowels.frequency": {"en": "frequency (Hz)", "zh": "频率（Hz）"},
    "plot.vowels.level": {"en": "level (dB)", "zh": "电平（dB）"},
    "plot.speech.title": {"en": "Frame classification", "zh": "帧分类"},
    "plot.speech.error": {"en": "test frame error", "zh": "测试帧错误率"},
    "plot.loss.title": {"en": "Training loss", "zh": "训练损失"},
    "plot.loss.step": {"en": "step", "zh": "步数"},
    "plot.loss.ylabel": {
        "en": "loss (moving average, log)",
        "zh": "损失（滑动平均，对数刻度）",
    },
    "plot.transformer.title": {
        "en": "Transformer layer, training loss",
        "zh": "Transformer层的训练损失",
    },
    "plot.gru.unit": {"en": "unit {unit}", "zh": "单元{unit}"},
    "plot.gru.gate_title": {
        "en": "Update gate z per unit (1 keeps)",
        "zh": "各单元的更新门z（1为保留）",
    },
    "plot.gru.step": {"en": "step", "zh": "时间步"},
    "plot.gru.units": {
        "en": "unit, sorted by z after the mark",
        "zh": "单元（按标记后的z排序）",
    },
    "plot.gru.state_title": {"en": "Hidden state per unit", "zh": "各单元的隐状态"},
    # a text with $...$ is set by mathtext, which has no Chinese glyph: the Chinese label has no math
    "plot.gelu.exact": {"en": "exact $x\\,\\Phi(x)$", "zh": "精确值xΦ(x)"},
    "plot.gelu.tanh": {"en": "tanh form", "zh": "tanh形式"},
    "plot.gelu.title": {
        "en": "GELU and its approximations, left side",
        "zh": "GELU及其近似（左侧）",
    },
    "plot.gelu.value": {"en": "value", "zh": "值"},
    "plot.gelu.error_title": {"en": "|approximation - exact|", "zh": "|近似值 - 精确值|"},
    "plot.gelu.error": {"en": "absolute error (log)", "zh": "绝对误差（对数刻度）"},
    "plot.explorer.gradient_title": {
        "en": "{name}, {init} init: gradient norm per layer",
        "zh": "{name}，{init}初始化：各层的梯度范数",
    },
    "plot.explorer.dead_title": {
        "en": "dead units: {percent} % in all",
        "zh": "死亡单元：共{percent}%",
    },
    "plot.explorer.negative_title": {
        "en": "negative units: {percent} % in all",
        "zh": "处处为负的单元：共{percent}%",
    },
    "plot.explorer.hidden_layer": {"en": "hidden layer", "zh": "隐藏层"},
    "plot.explorer.negative_share": {
        "en": "% units <= 0 on every example",
        "zh": "对每个样本都<= 0的单元（%）",
    },
    "plot.explorer.depth": {"en": "depth (weight layers)", "zh": "深度（权重层数）"},
    "plot.explorer.init": {"en": "init", "zh": "初始化"},
    "plot.explorer.dead_units": {
        "en": "dead units (zero output and zero gradient on every example)",
        "zh": "死亡单元（对每个样本都输出0，梯度为0）",
    },
    "plot.explorer.negative_units": {
        "en": "units negative on every example (not dead: their gradient is not 0)",
        "zh": "对每个样本都为负的单元（不是死亡单元：梯度不为0）",
    },
    "plot.explorer.summary": {
        "en": (
            "first layer / last layer gradient norm: <b>{ratio}</b> · {units}: <b>{dead}</b> of "
            "{total} ({percent} %)"
        ),
        "zh": "第1层与最后一层梯度范数之比：<b>{ratio}</b> · {units}：{total}个中有<b>{dead}</b>个（{percent}%）",
    },
    # exercises 01-08: the feedback of their checks (actlab.grading.checks, check() in the
    # notebook, actlab validate and the feedback files of actlab grade) and what their notebooks
    # print. Messages have no final full stop: a feedback file shows one a line.
    "check.passed": {"en": "passed", "zh": "通过"},
    "check.probe.not_implemented": {
        "en": "not implemented yet (NotImplementedError)",
        "zh": "尚未实现（NotImplementedError）",
    },
    "check.probe.raised": {"en": "raised {error}", "zh": "引发了异常：{error}"},
    "check.probe.objects": {
        "en": "expected {n} object(s) ({wanted}), got {got}",
        "zh": "应传入{n}个对象（{wanted}），实际传入{got}个",
    },
    "check.probe.not_callable": {
        "en": "{name} should be a function, got a {got}",
        "zh": "{name}应是一个函数，实际是{got}",
    },
    "check.probe.got_sequence": {"en": "a {type} of length {n}", "zh": "长度为{n}的{type}"},
    "check.probe.got_object": {"en": "a {type}", "zh": "{type}"},
    "check.probe.not_tuple": {
        "en": "{what} should return a tuple {names}, got {got}",
        "zh": "{what}应返回元组{names}，实际返回{got}",
    },
    "check.probe.ragged": {
        "en": "{what} is a ragged or mixed sequence, not an array of numbers",
        "zh": "{what}是长短不一或类型混杂的序列，不是由数构成的数组",
    },
    "check.probe.not_array": {
        "en": "{what} returned a {type}; expected a numpy array or a number",
        "zh": "{what}返回了{type}，应返回numpy数组或一个数",
    },
    "check.probe.ndarray_subclass": {
        "en": "{what} returned a {type}, a subclass of numpy.ndarray",
        "zh": "{what}返回了{type}，它是numpy.ndarray的子类",
    },
    "check.probe.bad_dtype": {
        "en": "{what} returned an array of dtype {dtype}; expected numbers (float, int or bool)",
        "zh": "{what}返回的数组dtype为{dtype}，应是数（float、int或bool）",
    },
    "check.judge.missing_output": {
        "en": "the probe's output has no {key!r}; the check cannot be judged",
        "zh": "探针的输出中没有{key!r}，无法评判这项检查",
    },
    "check.judge.bad_outputs": {
        "en": "the probe's outputs have an unexpected form and cannot be judged ({error})",
        "zh": "探针输出的形式不对，无法评判（{error}）",
    },
    "check.what.part": {"en": "{fn}'s {part}", "zh": "{fn}的{part}"},
    "check.what.returned": {"en": "the {part} returned by {fn}", "zh": "{fn}返回的{part}"},
    "check.where.large": {"en": "large |x|", "zh": "|x|很大处"},
    "check.where.some": {"en": "some inputs", "zh": "部分输入处"},
    "check.shape": {
        "en": "{what} returned shape {got} for an input of shape {shape}; the output should have "
        "the input's shape",
        "zh": "输入的形状为{shape}，{what}返回的形状却是{got}；输出应与输入形状相同",
    },
    "check.not_float": {
        "en": "{what} returned dtype {dtype}; expected floating-point values",
        "zh": "{what}返回的dtype为{dtype}，应返回浮点数",
    },
    "check.dtype_changed": {
        "en": "{what} returned {got} for a {dtype} input; the dtype should be preserved",
        "zh": "输入是{dtype}，{what}却返回了{got}；dtype应保持不变",
    },
    "check.nonfinite": {
        "en": "{what} returns NaN or inf at {count} of {n} inputs where the true value is finite, "
        "at {where} (for example x = {x})",
        "zh": "在{n}个输入中有{count}个，真实值有限，{what}却返回NaN或inf，出现在{where}"
        "（例如x = {x}）",
    },
    "check.nan_propagation": {
        "en": "{what} does not propagate NaN: a NaN input should give NaN",
        "zh": "{what}没有传播NaN：输入为NaN时输出也应为NaN",
    },
    "check.wrong_at_zero": {"en": "{what} is wrong at x = 0", "zh": "{what}在x = 0处的值不对"},
    "check.wrong_sign": {
        "en": "{what} has the wrong sign for x < 0 (for example x = {x})",
        "zh": "{what}在x < 0时符号不对（例如x = {x}）",
    },
    "check.large_x": {
        "en": "{what} is wrong or inaccurate at large |x|, at {count} of {n} inputs (for example "
        "x = {x}); a difference of two nearly equal numbers, or an overflow in an intermediate "
        "step, loses the answer there",
        "zh": "{what}在|x|很大处不对或不准，{n}个输入中有{count}个（例如x = {x}）；"
        "两个相近的数相减，或中间某一步上溢，都会在那里丢掉结果",
    },
    "check.small_x": {
        "en": "{what} loses relative accuracy at small |x|, at {count} of {n} inputs (for example "
        "x = {x}); look for cancellation, e.g. 1 - something close to 1",
        "zh": "{what}在|x|很小处丢失了相对精度，{n}个输入中有{count}个（例如x = {x}）；"
        "请检查是否有灾难性抵消，例如1减去一个接近1的数",
    },
    "check.small_values": {
        "en": "{what} is inaccurate where its true value is small, at {count} of {n} inputs (for "
        "example x = {x}); a difference of two nearly equal numbers loses the small value",
        "zh": "{what}在真实值很小的地方不准，{n}个输入中有{count}个（例如x = {x}）；"
        "两个相近的数相减会丢掉这个小值",
    },
    "check.wrong_side": {
        "en": "{what} is wrong for {side}, at {count} of {n} inputs (for example x = {x})",
        "zh": "{what}在{side}时不对，{n}个输入中有{count}个（例如x = {x}）",
    },
    "check.wrong_side_factor": {
        "en": "{what} is wrong for {side}, at {count} of {n} inputs (for example x = {x}); it "
        "looks off by a constant factor there",
        "zh": "{what}在{side}时不对，{n}个输入中有{count}个（例如x = {x}）；"
        "那里看起来差了一个常数倍",
    },
    "check.constant_factor": {
        "en": "{what} looks off by a constant factor at {count} of {n} inputs",
        "zh": "{what}在{n}个输入中的{count}个上看起来差了一个常数倍",
    },
    "check.wrong_at": {
        "en": "{what} is wrong at {count} of {n} inputs (for example x = {x})",
        "zh": "{what}在{n}个输入中的{count}个上不对（例如x = {x}）",
    },
    "check.array.shape": {"en": "{what} has shape {shape}", "zh": "{what}的形状为{shape}"},
    "check.array.shape_hint": {
        "en": "{what} has shape {shape}; it should have {hint}",
        "zh": "{what}的形状为{shape}，应为{hint}",
    },
    "check.array.not_float": {
        "en": "{what} has dtype {dtype}; expected floating-point values",
        "zh": "{what}的dtype为{dtype}，应是浮点数",
    },
    "check.array.dtype": {
        "en": "{what} has dtype {got} for {dtype} inputs; the dtype should be preserved",
        "zh": "输入是{dtype}，{what}的dtype却是{got}；dtype应保持不变",
    },
    "check.array.nonfinite": {"en": "{what} contains NaN or inf", "zh": "{what}中有NaN或inf"},
    "check.array.factor": {
        "en": "{what} looks off by a constant factor",
        "zh": "{what}看起来差了一个常数倍",
    },
    "check.array.off": {
        "en": "{what} is off: relative error {error}, where a correct answer gives < {tol}",
        "zh": "{what}不对：相对误差为{error}，正确答案的相对误差小于{tol}",
    },
    "check.array.mismatch": {
        "en": "{what} does not match {against}: relative error {error}, where a correct "
        "answer gives < {tol}",
        "zh": "{what}与{against}不符：相对误差为{error}，正确答案的相对误差小于{tol}",
    },
    "check.fp_problem": {
        "en": "{name} raised {problem} when floating-point errors are made exceptions "
        "(np.errstate(over='raise', divide='raise', invalid='raise')); a stable formula does not "
        "overflow, even at |x| = 1000",
        "zh": "把浮点错误设为异常（np.errstate(over='raise', divide='raise', invalid='raise')）后，"
        "{name}引发了{problem}；数值稳定的公式不会上溢，|x| = 1000时也不会",
    },
    "check.mutated": {
        "en": "{name} modified its input array in place; return a new array",
        "zh": "{name}原地修改了输入数组；请返回一个新数组",
    },
    "check.hint.batch_outputs": {"en": "shape (batch, outputs)", "zh": "形状（批量大小，输出数）"},
    "check.hint.inputs_outputs": {
        "en": "shape (inputs, outputs) = {shape}",
        "zh": "形状（输入数，输出数）= {shape}",
    },
    "check.hint.shape": {"en": "shape {shape}", "zh": "形状{shape}"},
    "check.against.finite_differences": {"en": "central finite differences", "zh": "中心差分"},
    "check.against.autograd": {
        "en": "torch's autograd on the same input",
        "zh": "同一输入上torch自动微分的结果",
    },
    "check.against.vjp": {
        "en": "the vector-Jacobian product of softmax",
        "zh": "softmax的向量-雅可比积",
    },
    "check.probe.not_dict": {
        "en": "{what} should return a dict, got a {type}",
        "zh": "{what}应返回dict，实际返回{type}",
    },
    "check.backward.shape": {
        "en": "{what} returned dx of shape {got} for x of shape {shape}; dx has x's shape",
        "zh": "x的形状为{shape}，{what}返回的dx形状却是{got}；dx应与x形状相同",
    },
    "check.backward.not_float": {
        "en": "{what} returned dx of dtype {dtype}; expected floating-point values",
        "zh": "{what}返回的dx的dtype为{dtype}，应是浮点数",
    },
    "check.backward.nonfinite": {
        "en": "{what} returned NaN or inf in dx",
        "zh": "{what}返回的dx中有NaN或inf",
    },
    "check.backward.kink": {
        "en": "{what} is wrong at x = 0: use the convention for the derivative at the kink that "
        "the question states (torch's)",
        "zh": "{what}在x = 0处不对：折点处的导数请按题目给出的约定（与torch相同）取值",
    },
    "check.backward.ignores_dout": {
        "en": "{what} ignores dout: multiply the local derivative by dout",
        "zh": "{what}没有用到dout：应把局部导数乘以dout",
    },
    "check.backward.passes_negative": {
        "en": "{what} passes the gradient through unchanged where x < 0",
        "zh": "{what}在x < 0处让梯度原样通过了",
    },
    "check.backward.side": {
        "en": "{what} does not match central finite differences for {side}: relative error "
        "{error}, where a correct backward pass gives < {tol}",
        "zh": "{what}在{side}时与中心差分不符：相对误差为{error}，正确的反向传播小于{tol}",
    },
    "check.backward.finite_differences": {
        "en": "{what} does not match central finite differences: relative error {error}, where a "
        "correct backward pass gives < {tol}",
        "zh": "{what}与中心差分不符：相对误差为{error}，正确的反向传播小于{tol}",
    },
    "check.grad.shape": {
        "en": "{what} has shape {got}; it should have {var}'s shape {shape}",
        "zh": "{what}的形状为{got}，应与{var}的形状{shape}相同",
    },
    "check.grad.shape_sum_batch": {
        "en": "{what} has shape {got}; it should have {var}'s shape {shape} (sum over the batch "
        "axis)",
        "zh": "{what}的形状为{got}，应与{var}的形状{shape}相同（请沿批量维求和）",
    },
    "check.grad.shape_transposed": {
        "en": "{what} has shape {got}; it should have {var}'s shape {shape} (it is transposed)",
        "zh": "{what}的形状为{got}，应与{var}的形状{shape}相同（它被转置了）",
    },
    "check.dense.shape": {
        "en": "dense_forward returned shape {got} for x of shape {x} and W of shape {W}; it "
        "should be (batch, outputs)",
        "zh": "x的形状为{x}、W的形状为{W}，dense_forward返回的形状却是{got}；"
        "应为（批量大小，输出数）",
    },
    "check.dense.no_bias": {
        "en": "dense_forward leaves out the bias b",
        "zh": "dense_forward漏掉了偏置b",
    },
    "check.dense.minus_bias": {
        "en": "dense_forward subtracts the bias instead of adding it",
        "zh": "dense_forward减去了偏置，应加上偏置",
    },
    "check.compose.transposed": {
        "en": "{what} is transposed: it should map inputs to outputs",
        "zh": "{what}被转置了：它应把输入映射到输出",
    },
    "check.compose.earlier_biases": {
        "en": "{what} ignores the earlier biases: they pass through the later weight matrices too",
        "zh": "{what}忽略了前面各层的偏置：它们也要经过后面各层的权重矩阵",
    },
    "check.mistake.transposed_weight": {
        "en": "{what} multiplies by W transposed, or with the operands swapped: with x of shape "
        "(n, d) and W of shape (d, h) the layer is x @ W (the shapes here are square, so no error "
        "showed it)",
        "zh": "{what}乘的是W的转置，或者把两个操作数换了位置：x的形状为(n, d)、W的形状为(d, h)时，"
        "这一层是x @ W（这里的形状是方阵，所以没有报错）",
    },
    "check.mistake.dx_untransposed": {
        "en": "dense_backward's dx multiplies dout by W instead of W.T: dout (n, h) times W.T (h, d) "
        "gives x's shape (the shapes here are square, so no error showed it)",
        "zh": "dense_backward的dx用dout乘了W，应乘W.T：dout (n, h)乘W.T (h, d)才得到x的形状"
        "（这里的形状是方阵，所以没有报错）",
    },
    "check.mistake.relu_kink": {
        "en": "{what} uses ReLU'(0) = 1: it passes the gradient where x = 0; the course's "
        "convention, as torch's, is ReLU'(0) = 0, so an input that is exactly 0 gets no gradient",
        "zh": "{what}取了ReLU'(0) = 1，在x = 0处让梯度通过了；本课程与torch的约定是ReLU'(0) = 0，"
        "恰好为0的输入不接收梯度",
    },
    "check.mistake.kink_slope": {
        "en": "{what} uses slope 1 at x = 0, as for x > 0; by torch's convention, which the question "
        "states, the derivative at 0 is the negative side's slope ({slope})",
        "zh": "{what}在x = 0处用了斜率1，与x > 0时相同；按题目给出的torch约定，"
        "0处的导数取负半轴的斜率（{slope}）",
    },
    "check.mistake.derivative_from_output": {
        "en": "{what} computes {wrong}: that is the derivative written from the output, {formula} "
        "with {out}, evaluated at the input x; {what} receives x, not the output, so compute "
        "{out} first",
        "zh": "{what}算的是{wrong}：这是用输出表示的导数{formula}（其中{out}），却代入了输入x；"
        "{what}接收的是x而不是输出，请先算出{out}",
    },
    "check.mistake.linear_sizes": {
        "en": "make_model's layers do not chain ({error}): each nn.Linear(in_features, "
        "out_features) must take as many inputs as the layer before it gives out",
        "zh": "make_model的各层接不上（{error}）：每个nn.Linear(in_features, out_features)"
        "的输入数必须等于前一层的输出数",
    },
    "check.mistake.grad_not_reset": {
        "en": "{what}'s steps are those of SGD whose gradients are never reset: backward() adds to "
        ".grad, so call the optimiser's zero_grad() before each backward()",
        "zh": "{what}的每一步都与梯度从不清零的SGD相同：backward()会把梯度累加到参数的grad属性上，"
        "请在每次backward()之前调用优化器的zero_grad()",
    },
    "check.mistake.global_max": {
        "en": "{what} subtracts the maximum of the whole array, not each row's own maximum: a row "
        "whose logits all lie far below another row's largest logit underflows to 0/0",
        "zh": "{what}减去的是整个数组的最大值，而不是每一行自己的最大值：如果某一行的logit都远小于"
        "另一行最大的logit，这一行就会下溢成0/0",
    },
    "check.mistake.log_of_softmax": {
        "en": "{what} takes the log of softmax's probabilities: a probability that underflows to 0 "
        "becomes log(0) = -inf where the true log-probability is finite (row {row}); stay in the "
        "log domain, with log-sum-exp",
        "zh": "{what}对softmax算出的概率取了对数：下溢成0的概率会变成log(0) = -inf，"
        "而真实的对数概率是有限值（第{row}行）；请在对数域中计算，用log-sum-exp",
    },
    "check.mistake.log_of_probabilities": {
        "en": "cross_entropy is inf where the true loss is finite: it takes the log of a probability "
        "that underflowed to 0; compute the log-probabilities from the logits (log-softmax) "
        "instead",
        "zh": "真实损失是有限值，cross_entropy却得到inf：它对下溢成0的概率取了对数；"
        "请直接由logit算对数概率（log-softmax）",
    },
    "check.mistake.jacobian_diagonal": {
        "en": "softmax_backward uses only the Jacobian's diagonal, s(1 - s): each output of a "
        "softmax row depends on every logit of that row, so the off-diagonal terms -s_i s_j "
        "belong in the backward pass too",
        "zh": "softmax_backward只用了雅可比矩阵的对角线s(1 - s)：softmax一行中的每个输出都依赖这一行"
        "的所有logit，所以非对角项-s_i s_j也要算进反向传播",
    },
    "check.rows.nonfinite": {
        "en": "{what} returns NaN or inf in {rows} row(s) where the true values are finite (for "
        "example row {row})",
        "zh": "真实值是有限值，{what}却在{rows}行中返回NaN或inf（例如第{row}行）",
    },
    "check.rows.sum": {
        "en": "the probabilities that {what} gives do not sum to 1 along a row (for example row "
        "{row})",
        "zh": "{what}给出的概率沿一行加起来不等于1（例如第{row}行）",
    },
    "check.rows.tails": {
        "en": "{what} is inaccurate where the true probability is tiny, at {count} of {n} entries "
        "(for example row {row}): a logit far below its row's maximum needs its own digits",
        "zh": "{what}在真实概率极小的地方不准，{n}个元素中有{count}个（例如第{row}行）："
        "远小于该行最大值的logit也要算准",
    },
    "check.rows.wrong": {
        "en": "{what} is wrong at {count} of {n} entries (for example row {row})",
        "zh": "{what}在{n}个元素中的{count}个上不对（例如第{row}行）",
    },
    "check.softmax.axis": {
        "en": "{what} normalises along the first axis (over the batch), not along the last axis "
        "(over each row's classes)",
        "zh": "{what}沿第一个轴（在批量上）做了归一化，应沿最后一个轴（在每一行的类别上）",
    },
    "check.ce.not_scalar": {
        "en": "cross_entropy returned an array of shape {shape}; return one number, the mean loss "
        "over the batch",
        "zh": "cross_entropy返回了形状为{shape}的数组；应返回一个数，即小批量上的平均损失",
    },
    "check.ce.not_float": {
        "en": "cross_entropy returned a {dtype} value; return a floating-point number",
        "zh": "cross_entropy返回的值是{dtype}，应返回浮点数",
    },
    "check.ce.nonfinite": {
        "en": "cross_entropy returned NaN or inf where the true loss is finite",
        "zh": "真实损失是有限值，cross_entropy却返回NaN或inf",
    },
    "check.ce.sum": {
        "en": "cross_entropy sums the losses over the batch; cross-entropy is their mean "
        "(torch's reduction='mean')",
        "zh": "cross_entropy把小批量上的损失加了起来；交叉熵取的是它们的平均值"
        "（torch的reduction='mean'）",
    },
    "check.ce.sign": {
        "en": "cross_entropy has the wrong sign: the loss is the negative log-probability of the "
        "true class, so it is never negative",
        "zh": "cross_entropy的符号反了：损失是真实类别对数概率的相反数，不会是负数",
    },
    "check.ce.all_classes": {
        "en": "cross_entropy averages the log-probabilities of every class; each row counts only "
        "its true class, labels[n]",
        "zh": "cross_entropy对所有类别的对数概率取了平均；每一行只算它的真实类别labels[n]",
    },
    "check.ce.wrong": {
        "en": "cross_entropy is wrong: the loss is the mean over the batch of -log softmax(x_n)"
        "[labels[n]]",
        "zh": "cross_entropy不对：损失是小批量上-log softmax(x_n)[labels[n]]的平均值",
    },
    "check.softmax_backward.ignores_dout": {
        "en": "softmax_backward ignores dout: the backward pass is the vector-Jacobian product "
        "with the upstream gradient dout",
        "zh": "softmax_backward没有用到dout：反向传播是上游梯度dout与雅可比矩阵的向量-雅可比积",
    },
    "check.softmax_backward.axis": {
        "en": "softmax_backward sums over the batch axis; the sum Σ_j dout_j s_j runs over each "
        "row's classes, the last axis",
        "zh": "softmax_backward沿批量维求和了；Σ_j dout_j s_j应在每一行的类别上，即最后一个轴上求和",
    },
    "check.softmax_backward.keepdims": {
        "en": "softmax_backward subtracts each row's sum Σ_j dout_j s_j along the wrong axis: keep "
        "the summed axis (keepdims=True) so that each sum stays in its own row",
        "zh": "softmax_backward减去每一行的和Σ_j dout_j s_j时沿错了轴：求和时保留该轴"
        "（keepdims=True），让每个和留在自己的那一行",
    },
    "check.cv.not_number": {
        "en": "{what} should be a number, got a {type}",
        "zh": "{what}应是一个数，实际是{type}",
    },
    "check.cv.repeated_rows": {
        "en": "the probe's data set has repeated rows; the check cannot run",
        "zh": "探针的数据集中有重复的行，无法进行检查",
    },
    "check.cv.part_shape": {
        "en": "score_fn received {what} of shape {shape}; expected rows of X",
        "zh": "score_fn收到的{what}形状为{shape}，应是X中的若干行",
    },
    "check.cv.foreign_rows": {
        "en": "score_fn received {what} rows that are not rows of X: split X by indices and pass "
        "the rows unchanged",
        "zh": "score_fn收到的{what}中有不属于X的行：请按索引划分X，原样传入这些行",
    },
    "check.cv.missing_entry": {
        "en": "the result has no {key!r} entry; expected 'mean', 'std', 'choice'",
        "zh": "结果中没有{key!r}项；应有'mean'、'std'和'choice'",
    },
    "check.cv.table_not_dict": {
        "en": "result[{key!r}] should be a dict from activation name to a number",
        "zh": "result[{key!r}]应是从激活函数名到数的dict",
    },
    "check.cv.table_missing": {
        "en": "result[{key!r}] has no entry for {name!r}",
        "zh": "result[{key!r}]中没有{name!r}项",
    },
    "check.cv.choice_type": {
        "en": "result['choice'] should be an activation name (a str), got a {type}",
        "zh": "result['choice']应是激活函数名（str），实际是{type}",
    },
    "check.cv.record": {
        "en": "the record of score_fn's calls is inconsistent; the check cannot judge",
        "zh": "score_fn调用记录前后不一致，无法评判",
    },
    "check.cv.calls": {
        "en": "score_fn was called {calls} times for {activations} activations and "
        "n_splits={n_splits}; call it once per fold and activation",
        "zh": "有{activations}个激活函数、n_splits={n_splits}，score_fn却被调用了{calls}次；"
        "每个折、每个激活函数各调用一次",
    },
    "check.cv.unknown": {
        "en": "score_fn was called with activation(s) not asked for: {names}",
        "zh": "score_fn收到了没有要求比较的激活函数：{names}",
    },
    "check.cv.overlap": {
        "en": "a training part shares samples with its test part",
        "zh": "某次划分的训练部分与测试部分有相同的样本",
    },
    "check.cv.uncovered": {
        "en": "some samples are in neither the training nor the test part of a split",
        "zh": "有些样本既不在某次划分的训练部分中，也不在测试部分中",
    },
    "check.cv.fold_count": {
        "en": "{name!r} was scored on {folds} folds; every activation needs n_splits folds",
        "zh": "{name!r}在{folds}个折上评分；每个激活函数都需要n_splits个折",
    },
    "check.cv.not_partition": {
        "en": "the test folds of {name!r} do not split the data: every sample should be in "
        "exactly one test fold",
        "zh": "{name!r}的各测试折没有划分好数据：每个样本应恰好在一个测试折中",
    },
    "check.cv.different_folds": {
        "en": "the activations were scored on different folds; compare them on the same splits",
        "zh": "各激活函数在不同的折上评分；应在同样的划分上比较",
    },
    "check.cv.not_stratified": {
        "en": "the folds are not stratified: the class proportions differ between folds "
        "(StratifiedKFold keeps them equal)",
        "zh": "这些折没有分层：各折的类别比例不同（StratifiedKFold使各折比例相同）",
    },
    "check.cv.nonfinite": {
        "en": "a mean or a spread is NaN or inf",
        "zh": "某个均值或标准差是NaN或inf",
    },
    "check.cv.mean_range": {
        "en": "a mean accuracy lies outside [0, 1]",
        "zh": "某个平均准确率不在[0, 1]内",
    },
    "check.cv.negative_spread": {"en": "a spread is negative", "zh": "某个标准差是负数"},
    "check.cv.mean": {
        "en": "the mean for {name!r} is not the mean of its fold scores",
        "zh": "{name!r}的均值不是它各折得分的均值",
    },
    "check.cv.spread": {
        "en": "the spread for {name!r} is not the standard deviation of its fold scores",
        "zh": "{name!r}的标准差不是它各折得分的标准差",
    },
    "check.cv.choice_unknown": {
        "en": "the choice {choice!r} is not one of the activations compared",
        "zh": "选出的{choice!r}不是参与比较的激活函数",
    },
    "check.cv.choice": {
        "en": "the choice is not the activation with the highest mean accuracy",
        "zh": "选出的不是平均准确率最高的激活函数",
    },
    "check.cv.made_up": {
        "en": "the fold scores recorded for {name!r} differ from fit_score's on the same split",
        "zh": "为{name!r}记录的各折得分与fit_score在同一划分上的得分不同",
    },
    "check.dead.not_scalar": {
        "en": "dead_fraction returned an array of shape {shape}; return one number",
        "zh": "dead_fraction返回了形状为{shape}的数组；应返回一个数",
    },
    "check.dead.not_number": {
        "en": "dead_fraction returned a {dtype} value; return a number",
        "zh": "dead_fraction返回的值是{dtype}，应返回一个数",
    },
    "check.dead.count": {
        "en": "dead_fraction returned the number of dead units, not their fraction",
        "zh": "dead_fraction返回的是死亡单元的个数，而不是比例",
    },
    "check.dead.percentage": {
        "en": "dead_fraction returned a percentage; return a fraction in [0, 1]",
        "zh": "dead_fraction返回的是百分数；应返回[0, 1]内的比例",
    },
    "check.dead.range": {
        "en": "dead_fraction returned a value outside [0, 1]",
        "zh": "dead_fraction返回的值不在[0, 1]内",
    },
    "check.dead.zero_activations": {
        "en": "dead_fraction counts zero activations; a unit is dead only when it is 0 for every "
        "input",
        "zh": "dead_fraction数的是为0的激活值；只有对所有输入都输出0的单元才是死亡单元",
    },
    "check.dead.ever_zero": {
        "en": "dead_fraction counts units that are 0 on some input, not on every input",
        "zh": "dead_fraction数的是在某个输入上为0的单元，而不是在所有输入上都为0的单元",
    },
    "check.dead.one_layer": {
        "en": "dead_fraction looks at one hidden layer only; count every ReLU layer",
        "zh": "dead_fraction只看了一个隐藏层；应统计所有ReLU层",
    },
    "check.dead.no_gradient": {
        "en": "dead_fraction counts units without gradient; count units whose ReLU output is 0 on "
        "every input (some live units here get no gradient)",
        "zh": "dead_fraction数的是没有梯度的单元；应统计ReLU输出对所有输入都为0的单元"
        "（这里有些活着的单元也得不到梯度）",
    },
    "check.dead.wrong": {
        "en": "dead_fraction returned the wrong fraction",
        "zh": "dead_fraction返回的比例不对",
    },
    "check.fix.not_module": {
        "en": "make_model should return a torch.nn.Module, got {type}",
        "zh": "make_model应返回torch.nn.Module，实际返回{type}",
    },
    "check.fix.layers": {
        "en": "make_model(64, {width}, 10) should contain exactly four nn.Linear layers, "
        "64 -> {width} -> {width} -> {width} -> 10; found {found} with shapes {shapes}",
        "zh": "make_model(64, {width}, 10)应恰好有四个nn.Linear层，"
        "64 -> {width} -> {width} -> {width} -> 10；实际有{found}个，形状为{shapes}",
    },
    "check.fix.gradients": {
        "en": "the hidden units' gradients could not be measured (NaN, or missing)",
        "zh": "无法测出隐藏单元的梯度（是NaN，或者没有）",
    },
    "check.fix.accuracy_nan": {
        "en": "the accuracy after training is NaN",
        "zh": "训练后的准确率是NaN",
    },
    "check.fix.still_dying": {
        "en": "after training at lr={lr}, {dead} of the hidden units receive no gradient on any "
        "training input (at most {allowed} allowed): the units still die",
        "zh": "以lr={lr}训练后，{dead}的隐藏单元在所有训练输入上都得不到梯度（最多允许{allowed}）："
        "这些单元仍会死亡",
    },
    "check.fix.accuracy": {
        "en": "the units stay alive, but the test accuracy after training is {accuracy} (at least "
        "{required} required): the network does not learn well",
        "zh": "单元都活着，但训练后的测试准确率只有{accuracy}（至少要{required}）：网络学得不好",
    },
    "check.fix.passed": {
        "en": "the hidden units stay alive and the network learns",
        "zh": "隐藏单元都活着，网络也学得好",
    },
    "check.gelu.pair": {
        "en": "result[{key!r}] should be a pair (max_error, x_at_max)",
        "zh": "result[{key!r}]应是一对数：(max_error, x_at_max)",
    },
    "check.gelu.pair_numbers": {
        "en": "result[{key!r}] should hold two numbers",
        "zh": "result[{key!r}]应包含两个数",
    },
    "check.gelu.missing_entry": {
        "en": "the result has no {key!r} entry; expected 'tanh' and 'sigmoid'",
        "zh": "结果中没有{key!r}项；应有'tanh'和'sigmoid'",
    },
    "check.gelu.entry_nonfinite": {
        "en": "the {key!r} entry contains NaN or inf",
        "zh": "{key!r}项中有NaN或inf",
    },
    "check.gelu.swapped": {
        "en": "the 'tanh' and 'sigmoid' entries are swapped",
        "zh": "'tanh'和'sigmoid'两项放反了",
    },
    "check.gelu.not_positive": {
        "en": "the {key!r} maximum error is not positive: use the absolute error",
        "zh": "{key!r}的最大误差不是正数：请用绝对误差",
    },
    "check.gelu.max_error": {
        "en": "the maximum error of the {key!r} approximation is wrong (the error is "
        "|approximation - exact| over the whole grid)",
        "zh": "{key!r}近似的最大误差不对（误差是整个网格上的|近似值 - 精确值|）",
    },
    "check.gelu.where": {
        "en": "the x where the {key!r} approximation's error is largest is wrong (return the "
        "input, not its index)",
        "zh": "{key!r}近似误差最大处的x不对（请返回输入值，而不是它的下标）",
    },
    "check.ffn.shape": {
        "en": "ffn_forward returned shape {got} for x of shape {x}; a feed-forward block keeps the "
        "shape (batch, seq, d_model)",
        "zh": "x的形状为{x}，ffn_forward返回的形状却是{got}；前馈块的输出保持x的形状（batch, seq, d_model）",
    },
    "check.ffn.tanh": {
        "en": "ffn_forward uses the tanh approximation; this block uses the exact GELU",
        "zh": "ffn_forward用了tanh近似；这个块用的是精确的GELU",
    },
    "check.ffn.sigmoid": {
        "en": "ffn_forward uses x*sigmoid(1.702x); this block uses the exact GELU",
        "zh": "ffn_forward用了x*sigmoid(1.702x)；这个块用的是精确的GELU",
    },
    "check.ffn.relu": {
        "en": "ffn_forward applies ReLU, not GELU",
        "zh": "ffn_forward用的是ReLU，不是GELU",
    },
    "check.ffn.no_activation": {
        "en": "ffn_forward leaves out the activation between the two linear layers",
        "zh": "ffn_forward在两个线性层之间漏掉了激活函数",
    },
    "check.prelu.batch_axis": {
        "en": "prelu_forward applies alpha along the batch axis; each slope belongs to one feature "
        "(axis 1)",
        "zh": "prelu_forward沿批量维使用了alpha；每个斜率属于一个特征（轴1）",
    },
    "check.prelu.not_module": {
        "en": "{name} should be a subclass of torch.nn.Module, got {got}",
        "zh": "{name}应是torch.nn.Module的子类，实际是{got}",
    },
    "check.prelu.not_tensor": {
        "en": "PReLU's forward returned a {type}, not a tensor",
        "zh": "PReLU的forward返回了{type}，不是张量",
    },
    "check.prelu.plain_tensor": {
        "en": "{call} registers no learnable parameters: alpha is stored as a plain tensor; wrap it "
        "in nn.Parameter",
        "zh": "{call}没有注册可学习参数：alpha存成了普通张量；请用nn.Parameter包装它",
    },
    "check.prelu.no_parameter": {
        "en": "{call} registers no learnable parameters: store alpha as an nn.Parameter attribute",
        "zh": "{call}没有注册可学习参数：请把alpha存为nn.Parameter属性",
    },
    "check.prelu.parameters": {
        "en": "{call} registers {count} parameters; PReLU has exactly one, alpha",
        "zh": "{call}注册了{count}个参数；PReLU恰好有一个参数alpha",
    },
    "check.prelu.numel": {
        "en": "{call} has {numel} learnable slope(s); num_parameters sets how many there are",
        "zh": "{call}有{numel}个可学习的斜率；斜率的个数由num_parameters决定",
    },
    "check.prelu.requires_grad": {
        "en": "{call}'s alpha has requires_grad=False, so it cannot learn",
        "zh": "{call}的alpha的requires_grad=False，因此无法学习",
    },
    "check.prelu.init": {
        "en": "{call}'s alpha does not start at the value of init (every slope)",
        "zh": "{call}的alpha的初始值不是init（每个斜率都应如此）",
    },
    "check.prelu.dtype": {
        "en": "PReLU's forward changed the dtype of a float32 input",
        "zh": "PReLU的forward改变了float32输入的dtype",
    },
    "check.prelu.no_gradient": {
        "en": "no gradient reached alpha after backward(): the forward must compute with the "
        "nn.Parameter itself (no .item(), .detach() or a copy)",
        "zh": "backward()之后没有梯度传到alpha：forward必须直接用nn.Parameter计算"
        "（不能对它调用item()或detach()，也不能用它的副本）",
    },
    "check.prelu.alpha_gradient": {
        "en": "the gradient of alpha after backward()",
        "zh": "backward()之后alpha的梯度",
    },
    "check.prelu.nothing_to_train": {
        "en": "PReLU() has no parameters for an optimiser to train",
        "zh": "PReLU()没有可供优化器训练的参数",
    },
    "check.prelu.no_gradient_in_training": {
        "en": "training cannot move alpha: no gradient reaches the nn.Parameter (compute the "
        "forward with it, without .item(), .detach() or a copy)",
        "zh": "训练无法改变alpha：没有梯度传到nn.Parameter（请直接用它计算forward，"
        "不能对它调用item()或detach()，也不能用它的副本）",
    },
    "check.trains.one_slope": {
        "en": "PReLU() should have exactly one learnable slope",
        "zh": "PReLU()应恰好有一个可学习的斜率",
    },
    "check.trains.steps": {
        "en": "the training did not run every step",
        "zh": "训练没有跑完每一步",
    },
    "check.trains.nonfinite": {
        "en": "training PReLU() produced NaN or inf",
        "zh": "训练PReLU()时出现了NaN或inf",
    },
    "check.trains.init": {
        "en": "PReLU() should start with alpha = 0.25, torch's default init",
        "zh": "PReLU()的alpha初始值应为0.25，即torch的默认init",
    },
    "check.trains.not_moving": {
        "en": "alpha did not move during training: does the forward use the nn.Parameter, so that "
        "gradients reach it?",
        "zh": "训练中alpha没有变化：forward是否直接用了nn.Parameter，让梯度能传到它？",
    },
    "check.trains.wrong_way": {
        "en": "alpha moved the wrong way, or too little, while training on data whose best slope "
        "for x < 0 is known: check the forward for x < 0",
        "zh": "在x < 0部分最佳斜率已知的数据上训练时，alpha朝错误的方向变化，或变化太小："
        "请检查x < 0时的forward",
    },
    "check.trains.trajectory": {
        "en": "training PReLU() does not follow the steps a correct PReLU takes from the same start "
        "on the same data (alpha or the loss differ): check the forward and where the gradient of "
        "alpha comes from",
        "zh": "从同样的起点、在同样的数据上训练，PReLU()走的每一步与正确的PReLU不同"
        "（alpha或损失不同）：请检查forward，以及alpha的梯度从何而来",
    },
    "check.fit.not_list": {
        "en": "fit_slope should return a list of the losses, got a {type}",
        "zh": "fit_slope应返回由各步损失组成的list，实际返回{type}",
    },
    "check.fit.not_numbers": {
        "en": "fit_slope's losses should be numbers (loss.item()), got a {type}",
        "zh": "fit_slope返回的损失应是数（loss.item()），实际是{type}",
    },
    "check.fit.steps": {
        "en": "fit_slope returned {got} losses for steps={steps}; return one loss per step",
        "zh": "steps={steps}，fit_slope却返回了{got}个损失；每一步返回一个损失",
    },
    "check.fit.nonfinite": {
        "en": "training with fit_slope produced NaN or inf",
        "zh": "用fit_slope训练时出现了NaN或inf",
    },
    "check.fit.not_moving": {
        "en": "the slope did not move: at every step fit_slope must call backward() and then the "
        "optimiser's step()",
        "zh": "斜率没有变化：fit_slope在每一步都要先调用backward()，再调用优化器的step()",
    },
    "check.fit.trajectory": {
        "en": "fit_slope's training does not follow plain SGD on the mean squared error from the "
        "same start (the slope or the losses differ): each step is zero_grad(), the loss, "
        "backward(), step(), and the loss of a step is recorded before its update",
        "zh": "从同样的起点出发，fit_slope的训练与在均方误差上做普通SGD不同（斜率或损失不同）："
        "每一步依次是zero_grad()、计算损失、backward()、step()，并记录更新之前的损失",
    },
    "grade.separator": {"en": "; ", "zh": "；"},
    "grade.status.graded": {"en": "graded", "zh": "已评分（graded）"},
    "grade.status.timeout": {"en": "timeout", "zh": "超时（timeout）"},
    "grade.status.crashed": {"en": "crashed", "zh": "崩溃（crashed）"},
    "grade.status.invalid": {"en": "invalid", "zh": "无效（invalid）"},
    "grade.status.error": {"en": "error", "zh": "出错（error）"},
    "grade.all_passed": {"en": "all checks passed", "zh": "全部检查通过"},
    "grade.checks": {"en": "{message} ({n} checks)", "zh": "{message}（共{n}项检查）"},
    "grade.not_graded": {"en": "not graded: {reason}", "zh": "未评分：{reason}"},
    "grade.not_recorded": {"en": "not recorded", "zh": "未记录"},
    "grade.no_result.not_run": {
        "en": "no result: the test did not run ({why})",
        "zh": "没有结果：测试没有运行（{why}）",
    },
    "grade.no_result.stopped": {
        "en": "no result: the test was stopped ({error})",
        "zh": "没有结果：测试被中止了（{error}）",
    },
    "grade.no_result.unfinished": {
        "en": "no result: this test's probe did not run to the end",
        "zh": "没有结果：这项测试的探针没有运行完",
    },
    "grade.kernel_stopped": {"en": "the kernel stopped before it", "zh": "内核在此之前就停止了"},
    "grade.answered_twice": {
        "en": "the kernel answered this check twice; neither answer counts",
        "zh": "内核对这项检查回答了两次，两次都不算",
    },
    "grade.probe_failed": {"en": "the probe failed", "zh": "探针运行失败"},
    "grade.no_verdict": {"en": "the check returned no verdict", "zh": "这项检查没有给出结论"},
    "grade.unjudgeable": {
        "en": "the outputs could not be judged ({error})",
        "zh": "无法评判这些输出（{error}）",
    },
    "grade.output.unreadable": {
        "en": "the probe's output could not be read ({error})",
        "zh": "无法读取探针的输出（{error}）",
    },
    "grade.output.too_many": {
        "en": "the probe's output holds too many arrays",
        "zh": "探针的输出中数组太多",
    },
    "grade.output.too_large": {
        "en": "the probe's output decodes to more than {mib} MiB",
        "zh": "探针的输出解码后超过{mib} MiB",
    },
    "grade.output.not_arrays": {
        "en": "the probe's output holds something other than arrays",
        "zh": "探针的输出中有数组以外的东西",
    },
    "grade.output.objects": {
        "en": "the probe's output holds Python objects, not plain numbers (objects are refused: "
        "their == or conversion could lie)",
        "zh": "探针的输出中有Python对象，而不是单纯的数（对象一律拒收：它们的==或类型转换可能造假）",
    },
    "grade.output.wrong_size": {
        "en": "the probe's output has arrays of the wrong size",
        "zh": "探针输出中数组的大小不对",
    },
    "grade.output.not_numbers": {
        "en": "the probe's output holds something other than numbers",
        "zh": "探针的输出中有数以外的东西",
    },
    "grade.probe.undefined": {"en": "{names} is not defined", "zh": "{names}没有定义"},
    "grade.probe.interrupted": {
        "en": "interrupted: the code under test took longer than the limit",
        "zh": "被中断：所测代码的运行时间超过了限制",
    },
    "grade.probe.broken": {
        "en": "the check could not run: {error}",
        "zh": "这项检查无法运行：{error}",
    },
    "grade.tamper": {
        "en": "0 points: the notebook interferes with the grader: {findings}",
        "zh": "0分：这个笔记本干扰了评分程序：{findings}",
    },
    "grade.violation": {
        "en": "0 points: the answer uses what this question does not allow: {findings}",
        "zh": "0分：答案用了本题不允许使用的东西：{findings}",
    },
    "grade.and_more": {"en": "{shown}; and {n} more", "zh": "{shown}；另有{n}处"},
    "grade.copy_ignored": {
        "en": "a copy of test cell {gid} ({where}) was ignored: the test ran where the exercise "
        "has it",
        "zh": "测试单元格{gid}的一个副本（{where}）被忽略了：测试在练习中原来的位置运行",
    },
    "grade.note.cell_time": {
        "en": "{label} ran past its {seconds} s limit and did not stop when interrupted",
        "zh": "{label}运行超过了{seconds}秒的限制，中断后也没有停下",
    },
    "grade.note.notebook_time": {
        "en": "the notebook ran past its {seconds} s limit",
        "zh": "笔记本运行超过了{seconds}秒的限制",
    },
    "grade.note.memory": {
        "en": "the notebook used more than {mib} MiB of memory",
        "zh": "笔记本使用的内存超过了{mib} MiB",
    },
    "grade.note.disk": {
        "en": "the notebook wrote more than {mib} MiB to disk",
        "zh": "笔记本写入磁盘的数据超过了{mib} MiB",
    },
    "grade.note.files": {
        "en": "the notebook made more than {n} files and directories",
        "zh": "笔记本创建的文件和目录超过了{n}个",
    },
    "grade.note.processes": {
        "en": "the notebook tried to run more than {n} processes or threads at once",
        "zh": "笔记本试图同时运行超过{n}个进程或线程",
    },
    "grade.note.replies": {
        "en": "the kernel sent more than {mib} MiB of replies",
        "zh": "内核发回的回复超过了{mib} MiB",
    },
    "grade.note.result": {
        "en": "the kernel sent a result larger than {mib} MiB",
        "zh": "内核发回的一个结果超过了{mib} MiB",
    },
    "grade.note.killed_number": {
        "en": "the kernel was killed by signal {n} {where}",
        "zh": "内核{where}被信号{n}终止",
    },
    "grade.note.killed": {
        "en": "the kernel was killed by {signal} {where}",
        "zh": "内核{where}被{signal}终止",
    },
    "grade.note.exited": {
        "en": "the kernel exited early (exit code {code}) {where}",
        "zh": "内核{where}提前退出（退出码{code}）",
    },
    "grade.note.sandbox_ended": {
        "en": "the kernel stopped: its sandbox ended unexpectedly {where}",
        "zh": "内核{where}停止了：它的沙箱意外结束",
    },
    "grade.note.no_kernel": {
        "en": "the grading kernel did not start: {why}",
        "zh": "评分用的内核没有启动：{why}",
    },
    "grade.where.during": {"en": "during {label}", "zh": "在运行{label}时"},
    "grade.where.before_first": {"en": "before its first cell", "zh": "在第一个单元格之前"},
    "grade.where.at_end": {"en": "at the end", "zh": "在最后"},
    "grade.label.at_line": {"en": "{label}, line {line}", "zh": "{label}第{line}行"},
    "grade.label.code_cell": {"en": "code cell {n}", "zh": "第{n}个代码单元格"},
    "grade.label.named": {"en": "cell {gid}", "zh": "单元格{gid}"},
    "grade.label.any": {"en": "a cell", "zh": "某个单元格"},
    "grade.finding.with_code": {"en": "{what} (`{code}`, {where})", "zh": "{what}（`{code}`，{where}）"},
    "grade.finding.plain": {"en": "{what} ({where})", "zh": "{what}（{where}）"},
    "grade.finding.silence": {
        "en": "{item}, which turns floating-point errors off",
        "zh": "{item}（它会关闭浮点错误）",
    },
    "grade.finding.hidden": {
        "en": "{what}: a name built at run time, which the grader cannot check",
        "zh": "{what}：运行时才拼出的名字，评分程序无法检查",
    },
    "grade.finding.computed_name": {
        "en": "{function}() with a computed name",
        "zh": "用算出来的名字调用{function}()",
    },
    "grade.finding.shell_method": {
        "en": "uses the IPython shell (get_ipython().{method})",
        "zh": "使用了IPython外壳（get_ipython().{method}）",
    },
    "grade.finding.shell": {"en": "uses the IPython shell", "zh": "使用了IPython外壳"},
    "grade.finding.magic_code": {
        "en": "runs %{name} on code the grader cannot read",
        "zh": "用%{name}运行评分程序读不到的代码",
    },
    "grade.finding.magic": {"en": "runs the %{name} magic", "zh": "运行了魔法命令%{name}"},
    "grade.finding.top_level": {
        "en": "uses {function}() at the top level",
        "zh": "在顶层使用了{function}()",
    },
    "grade.finding.proc": {
        "en": "reads the kernel's own process files (/proc)",
        "zh": "读取了内核自己的进程文件（/proc）",
    },
    "grade.finding.unreadable": {
        "en": "holds code nested too deeply for the grader to read",
        "zh": "含有嵌套过深、评分程序无法读取的代码",
    },
    "grade.finding.too_much_code": {
        "en": "holds more than {kib} KiB of code, more than the grader reads",
        "zh": "含有超过{kib} KiB的代码，超出了评分程序读取的范围",
    },
    "grade.finding.grading_machinery": {
        "en": "imports the grading machinery",
        "zh": "导入了评分程序本身",
    },
    "grade.finding.uses": {"en": "uses {name}", "zh": "使用了{name}"},
    "grade.finding.modifies": {"en": "modifies {name}", "zh": "修改了{name}"},
    "grade.finding.imports": {"en": "imports {module}", "zh": "导入了{module}"},
    "grade.finding.imported_at_run_time": {
        "en": "{item} (imported while the test ran)",
        "zh": "{item}（在测试运行时被导入）",
    },
    "grade.finding.called_at_run_time": {
        "en": "{item} (called while the test ran)",
        "zh": "{item}（在测试运行时被调用）",
    },
    "grade.finding.derives": {
        "en": "{item} ({name} derives from it)",
        "zh": "{item}（{name}继承自它）",
    },
    "grade.finding.held_as": {"en": "{item} (as {name})", "zh": "{item}（作为{name}）"},
    "grade.finding.seen_running": {
        "en": "{event} (seen while the notebook ran)",
        "zh": "{event}（在笔记本运行时发现）",
    },
    "grade.feedback.submission": {"en": "Submission: {path}", "zh": "提交的作业：{path}"},
    "grade.feedback.exercise": {"en": "Exercise:   {name}", "zh": "练习：{name}"},
    "grade.feedback.status": {"en": "Status:     {status}", "zh": "状态：{status}"},
    "grade.feedback.score": {"en": "Score:      {points} / {max}", "zh": "得分：{points} / {max}"},
    "grade.feedback.note": {"en": "Note:       {note}", "zh": "说明：{note}"},
    "grade.feedback.pass": {"en": "PASS", "zh": "通过"},
    "grade.feedback.fail": {"en": "FAIL", "zh": "未通过"},
    "grade.feedback.test": {
        "en": "[{mark}] {gid} ({points} / {max})",
        "zh": "[{mark}] {gid}（{points} / {max}）",
    },
    "grade.feedback.test_described": {
        "en": "[{mark}] {gid} ({points} / {max}) - {description}",
        "zh": "[{mark}] {gid}（{points} / {max}）：{description}",
    },
    "grade.feedback.cell_errors": {
        "en": "Errors raised by cells of the notebook:",
        "zh": "笔记本中各单元格引发的错误：",
    },
    "validate.no_tests": {"en": "no test cells found", "zh": "没有找到测试单元格"},
    "validate.pass": {"en": "pass", "zh": "通过"},
    "validate.fail": {"en": "FAIL", "zh": "未通过"},
    "validate.test": {
        "en": "[{mark}] {gid} ({points} pt): {message}",
        "zh": "[{mark}] {gid}（{points}分）：{message}",
    },
    "validate.cell_error": {
        "en": "error in cell {index}: {message}",
        "zh": "第{index}个单元格出错：{message}",
    },
    "validate.kernel_died": {
        "en": "the kernel died while running the notebook ({error})",
        "zh": "运行笔记本时内核崩溃了（{error}）",
    },
    "validate.summary": {
        "en": "{passed} of {tests} visible test cells pass ({points} of {total} visible points; "
        "hidden tests are run only when grading)",
        "zh": "{tests}个可见测试单元格中有{passed}个通过（可见测试共{total}分，得{points}分；"
        "隐藏测试只在评分时运行）",
    },
    "grade.invalid.unreadable": {"en": "cannot be read ({why})", "zh": "无法读取（{why}）"},
    "grade.invalid.other_exercise": {
        "en": "this notebook is exercise {name}, not {wanted}",
        "zh": "这个笔记本是练习{name}，不是{wanted}",
    },
    "grade.invalid.no_cell": {
        "en": "no cell of exercise {name} in this notebook",
        "zh": "这个笔记本中没有练习{name}的单元格",
    },
    "grade.invalid.json": {
        "en": "not valid notebook JSON ({why})",
        "zh": "不是有效的笔记本JSON（{why}）",
    },
    "grade.invalid.nbformat": {
        "en": "nbformat is {version}; expected 4",
        "zh": "nbformat为{version}，应为4",
    },
    "exercise.max_difference": {"en": "max |difference|", "zh": "最大|差值|"},
    "exercise.dense.two_layers": {
        "en": "two layers: output shape",
        "zh": "两个层：输出的形状",
    },
    "exercise.dense.one_layer": {
        "en": "one composed layer: output shape",
        "zh": "复合成的一个层：输出的形状",
    },
    "exercise.sigmoid.rounds_to_one": {
        "en": "sigmoid_textbook(40) is exactly 1",
        "zh": "sigmoid_textbook(40)恰好等于1",
    },
    "exercise.sigmoid.float32": {
        "en": "float32 in: dtype out (sigmoid, tanh)",
        "zh": "输入float32：输出的dtype（sigmoid、tanh）",
    },
    "exercise.relative_error": {"en": "relative error", "zh": "相对误差"},
    "exercise.backprop.dw1_error": {
        "en": "relative error of dW1 (whole network)",
        "zh": "dW1的相对误差（整个网络）",
    },
    "exercise.prelu.alpha_before": {"en": "alpha before", "zh": "训练前的alpha"},
    "exercise.prelu.alpha_after": {"en": "alpha after", "zh": "训练后的alpha"},
    "exercise.prelu.loss": {"en": "loss, first step -> last", "zh": "损失，第一步 -> 最后一步"},
    "exercise.cv.shape": {"en": "X: shape", "zh": "X的形状"},
    "exercise.cv.per_class": {"en": "samples per class", "zh": "每个类别的样本数"},
    "exercise.cv.per_fold": {
        "en": "samples per class in each stratified test fold",
        "zh": "各分层测试折中每个类别的样本数",
    },
    "exercise.cv.one_split": {
        "en": "one split, relu: test accuracy",
        "zh": "一次划分，relu：测试准确率",
    },
    "exercise.cv.choice": {"en": "choice", "zh": "选择"},
    "exercise.cv.within_noise": {
        "en": "{best} vs {second}: within noise",
        "zh": "{best}与{second}：在噪声之内",
    },
    "exercise.dead.split": {"en": "digits training split: shape", "zh": "手写数字训练集的形状"},
    "exercise.dead.before": {"en": "dead before training", "zh": "训练前的死亡比例"},
    "exercise.dead.after": {"en": "dead after training", "zh": "训练后的死亡比例"},
    "exercise.dead.accuracy": {"en": "test accuracy", "zh": "测试准确率"},
    "exercise.dead.measured": {
        "en": "no gradient {dead}, test accuracy {accuracy}",
        "zh": "无梯度{dead}，测试准确率{accuracy}",
    },
    "exercise.gelu.max_error": {
        "en": "max |error| {error} at |x| = {at}",
        "zh": "最大|误差|为{error}，位于|x| = {at}",
    },
    "exercise.gelu.shape": {"en": "output shape", "zh": "输出的形状"},
    "exercise.gelu.alone": {
        "en": "position 2 run alone: max |difference|",
        "zh": "单独运行位置2：最大|差值|",
    },
    "check.selftest.negative": {
        "en": "{name} is wrong for negative inputs",
        "zh": "{name}在负输入上不对",
    },
    "check.selftest.wrong": {"en": "{name} is wrong", "zh": "{name}不对"},
    "check.selftest.right": {
        "en": "{name} is right on {n} inputs",
        "zh": "{name}在{n}个输入上都正确",
    },
    "check.mistake.shape_mixup": {
        "en": "{what} multiplies matrices whose shapes do not chain (it was called with {shapes}): "
        "an (n, d) batch times a (d, h) weight matrix is x @ W, with equal inner sizes; check the "
        "order of the operands and whether one needs a transpose",
        "zh": "{what}相乘的矩阵形状接不上（调用时的参数为{shapes}）：(n, d)的小批量乘(d, h)的权重矩阵"
        "写作x @ W，中间的两个维数相等；请检查操作数的顺序，以及是否需要转置",
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
