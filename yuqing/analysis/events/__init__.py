"""Streaming grouping of stories into events (see :mod:`.index`, :mod:`.vectors`)."""

from .index import EventConfig, EventIndex, EventState, StoryDoc
from .vectors import story_vector, top_terms

__all__ = [
    "EventConfig",
    "EventIndex",
    "EventState",
    "StoryDoc",
    "story_vector",
    "top_terms",
]
