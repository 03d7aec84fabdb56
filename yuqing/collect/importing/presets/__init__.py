"""Mapping presets by name, and ``auto``: pick the one preset that recognises a file.

Auto-detection only decides when exactly one preset claims the file (by MediaCrawler's file
naming, else by its columns); otherwise it stops and asks for ``--preset``, because importing
a file under the wrong mapping fills the database with plausible nonsense.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from yuqing.collect.importing.presets import generic, mediacrawler, weibo_sets
from yuqing.collect.importing.presets.base import Options, Preset, PresetError

AUTO = "auto"

PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (*mediacrawler.PRESETS, weibo_sets.DATAFOUNTAIN, weibo_sets.HASHTAG_DAYS,
                   generic.GENERIC)
}

__all__ = ["AUTO", "PRESETS", "Options", "Preset", "PresetError", "resolve"]


def resolve(name: str, path: Path, columns: Sequence[str], options: Options) -> Preset:
    """The preset called ``name``, or for ``auto`` the one that recognises the file."""
    if name != AUTO:
        try:
            return PRESETS[name]
        except KeyError:
            raise PresetError(f"unknown preset {name!r}; presets: "
                              f"{', '.join([AUTO, *PRESETS])}") from None
    if options.mapping:
        return generic.GENERIC
    kind = mediacrawler.file_kind(path)
    if kind and kind[1] == "creators":
        raise PresetError(f"{path.name}: MediaCrawler creator profiles describe people, "
                          f"not posts, and are not imported")
    found = [preset for preset in PRESETS.values() if preset.detect(path, columns)]
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(p.name for p in found)
        raise PresetError(f"{path.name}: could be {names}; choose one with --preset")
    raise PresetError(f"{path.name}: no preset recognises the columns "
                      f"({', '.join(columns) or 'none'}); choose one with --preset, or name "
                      f"the columns with --map column=field")
