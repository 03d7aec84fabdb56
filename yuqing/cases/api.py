"""What other capabilities may ask of cases: the cases already opened about an alert, an event
or an item, so their pages can link to them instead of inviting a duplicate case.

To open a case from another page, link to ``/cases/new/?alert=ID`` (or ``?event=ID``,
``?item=ID``; the ``cases:case-new`` URL) for users holding ``cases.open``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yuqing.cases.models import Case
from yuqing.cases.scope import visible_cases
from yuqing.orgs.models import User


def linked_cases(user: User, *, alert: int | None = None, event: int | None = None,
                 item: int | None = None) -> QuerySet[Case]:
    """Cases ``user`` may see that were opened from ``alert`` or hold ``event``/``item`` as
    evidence (any of those given), newest first; none when nothing is given."""
    match = Q(pk__in=[])
    if alert is not None:
        match |= Q(alert_id=alert)
    if event is not None:
        match |= Q(linked_events__event_id=event)
    if item is not None:
        match |= Q(evidence__item_id=item)
    return (visible_cases(user).filter(match).distinct()
            .select_related("level", "unit").order_by("-opened_at", "-id"))
