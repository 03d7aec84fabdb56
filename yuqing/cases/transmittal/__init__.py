"""The one-page transmittal (舆情传递单) of a case, as DOCX (:mod:`.word`) and PDF (:mod:`.pdf`),
both from the same :class:`~.content.Sheet`."""
