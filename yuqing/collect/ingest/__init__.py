"""The write path shared by file import and the push API: records in, upserted items out."""
