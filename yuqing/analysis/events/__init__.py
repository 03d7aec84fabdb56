"""Streaming grouping of stories into events (see :mod:`.index`, :mod:`.vectors`)."""

from .index import EventConfig, EventIndex, EventState, StoryDoc
from .vectors import IdfTable, load_idf, story_vector, top_terms

__all__ = [
    "EventConfig",
    "EventIndex",
    "EventState",
    "IdfTable",
    "StoryDoc",
    "load_idf",
    "story_vector",
    "top_terms",
]
