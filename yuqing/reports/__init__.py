"""Dashboard and reports upward: daily bulletin, flash report, weekly report, event analysis."""
