"""Optional backend: a pretrained transformer exported to ONNX, run with onnxruntime.

Nothing is downloaded: the operator puts a directory in place and names it in
``YUQING_TONE_TRANSFORMER_DIR`` / ``YUQING_EMOTION_TRANSFORMER_DIR``. The directory holds
``model.onnx``, a Hugging Face ``tokenizer.json`` and ``labels.json`` (the output classes in
order, already in this platform's label names). onnxruntime and tokenizers are imported only
here and are not dependencies of the platform; without them the backend says so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np

from yuqing.analysis.tone.model import Prediction, softmax

MAX_TOKENS = 256


class TransformerUnavailable(RuntimeError):
    """The configured transformer directory or its runtime libraries cannot be used."""


def _import(name: str) -> Any:
    try:
        return import_module(name)
    except ImportError:
        raise TransformerUnavailable(
            f"the transformer backend needs the {name!r} package: pip install {name}") from None


class OnnxTransformerModel:
    name = "transformer"

    def __init__(self, task: str, directory: Path) -> None:
        for required in ("model.onnx", "tokenizer.json", "labels.json"):
            if not (directory / required).is_file():
                raise TransformerUnavailable(f"{directory} has no {required}")
        runtime = _import("onnxruntime")
        tokenizers = _import("tokenizers")
        self.task = task
        self.version = directory.resolve().name
        self.labels: list[str] = json.loads((directory / "labels.json").read_text("utf-8"))
        self.tokenizer = tokenizers.Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self.session = runtime.InferenceSession(str(directory / "model.onnx"),
                                                providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        encoded = self.tokenizer.encode_batch(list(texts))
        feed = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        logits = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
        probabilities = softmax(np.asarray(logits, dtype=np.float64))
        return [Prediction(self.labels[int(i)], float(p[i]))
                for p, i in zip(probabilities, probabilities.argmax(axis=1), strict=True)]
