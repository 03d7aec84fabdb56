"""Sources that fetch themselves: scheduling and dispatch (:mod:`.dispatch`), one run of a
source (:mod:`.run`), health (:mod:`.health`), import/export of source lists
(:mod:`.transfer`) and the management pages (:mod:`.views`)."""
