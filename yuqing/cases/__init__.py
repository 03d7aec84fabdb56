"""Case handling (舆情处置): from alert or event to response, closure and archive."""
