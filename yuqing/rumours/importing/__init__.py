"""Import debunk entries from files: the public platforms' JSON exports and a generic CSV/JSON.

:mod:`.readers` turns a file into rows that know their line number, :mod:`.formats` turns rows
into :class:`.formats.Entry` values (or a message saying why not), :mod:`.upsert` writes them.
``yuqing rumours import`` and the upload page both call :func:`.run.import_file`.
"""
