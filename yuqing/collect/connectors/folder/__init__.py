"""A watched folder: new and grown CSV/TSV/JSONL files (JSON, XLSX when changed) imported
with the presets of ``yuqing import``, each byte once."""

from yuqing.collect.connectors.folder.connector import CONNECTOR

__all__ = ["CONNECTOR"]
