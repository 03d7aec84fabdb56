"""Versioned model files under ``$YUQING_DATA_DIR/models/<task>/<version>/``.

Each version directory holds ``model.joblib`` and ``metadata.json`` (task, labels, SHA-256 of
the training rows, date, library versions, cross-validation metrics). Versions sort by time,
so "newest" needs no index file. Only files this platform wrote are loaded: joblib runs code
on load, so never point it at a model file of unknown origin.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
from django.conf import settings

from yuqing.analysis.tone.model import LinearModel

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"


class ModelNotFound(LookupError):
    """No trained model (of the requested version) exists for the task."""


def models_root() -> Path:
    return Path(settings.DATA_DIR) / "models"


def new_version(data_sha256: str, now: datetime | None = None) -> str:
    """``YYYYMMDD-HHMMSS-micro-<hash prefix>``: sortable by time and tied to its training data."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S-%f")
    return f"{stamp}-{data_sha256[:8]}"


def save(model: LinearModel, metadata: dict[str, Any]) -> Path:
    """Write a new version directory and return it; the model's ``version`` is set here."""
    model.version = new_version(str(metadata["data_sha256"]))
    directory = models_root() / model.task / model.version
    directory.mkdir(parents=True, exist_ok=False)
    joblib.dump(model, directory / MODEL_FILE, compress=3)
    metadata = {**metadata, "version": model.version}
    (directory / METADATA_FILE).write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8")
    return directory


def versions(task: str) -> list[str]:
    """Versions of a task, oldest first."""
    root = models_root() / task
    if not root.is_dir():
        return []
    return sorted(d.name for d in root.iterdir() if (d / MODEL_FILE).is_file())


def metadata(task: str, version: str) -> dict[str, Any]:
    path = models_root() / task / version / METADATA_FILE
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


def load(task: str, version: str | None = None) -> LinearModel:
    """The pinned ``version``, else the newest one."""
    available = versions(task)
    if not available:
        raise ModelNotFound(f"no trained {task} model under {models_root() / task}")
    chosen = version or available[-1]
    if chosen not in available:
        raise ModelNotFound(f"no {task} model version {chosen!r}; have {', '.join(available)}")
    model = joblib.load(models_root() / task / chosen / MODEL_FILE)
    if not isinstance(model, LinearModel):
        raise ModelNotFound(f"{task} model {chosen} is not a model this version can use")
    return model
