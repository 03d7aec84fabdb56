"""File import (``yuqing import``): streaming readers, mapping presets, the import runner.

Rows are read one at a time (:mod:`.formats`, :mod:`.streams`), turned into item records by a
preset (:mod:`.presets`), and stored in batches through the ingest pipeline
(:mod:`.runner`); rejected rows go to a quarantine file (:mod:`.quarantine`) and every row is
accounted for (:mod:`.tally`).
"""
