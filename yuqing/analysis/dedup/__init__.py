"""Near-duplicate detection and story grouping (see :mod:`.stories`)."""

from .stories import BatchResult, StoryConfig, StoryIndex, StoryItem

__all__ = ["BatchResult", "StoryConfig", "StoryIndex", "StoryItem"]
