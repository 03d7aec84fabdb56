"""Matching incoming texts against the debunk base: character n-grams weighted by rarity.

:mod:`.grams` turns a batch of texts into n-gram keys with numpy, :mod:`.background` counts
how common each n-gram is in what the deployment collects, :mod:`.index` scores a batch against
every wording of every entry with one sparse matrix product, and :mod:`.passages` finds the
shared passages an analyst sees highlighted.
"""
