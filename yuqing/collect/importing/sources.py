"""The source that imported items are filed under, created on first use."""

from __future__ import annotations

from yuqing.collect.models import Source, SourceKind
from yuqing.orgs.models import Unit


class SourceError(Exception):
    """The source or unit cannot be determined; the message says what to pass."""


def _unit(code: str) -> Unit:
    if code:
        try:
            return Unit.objects.get(code=code)
        except Unit.DoesNotExist:
            raise SourceError(f"no unit with code {code!r}") from None
    roots = list(Unit.objects.filter(parent__isnull=True)[:2])
    if not roots:
        raise SourceError("there is no unit yet: create the organisation's top unit first "
                          "(in the admin), or pass --unit CODE")
    if len(roots) > 1:
        raise SourceError("there are several top-level units; choose one with --unit CODE")
    return roots[0]


def import_source(name: str, platform: str, unit_code: str = "") -> Source:
    """The source called ``name`` for ``platform``; created (kind "import") under the unit
    ``unit_code``, or the root unit, if it does not exist yet.

    An existing source keeps its unit: moving its items to another unit is an admin decision,
    so a different ``--unit`` is an error rather than a silent re-assignment.
    """
    source = Source.objects.filter(platform=platform, name=name).select_related("unit").first()
    if source is None:
        return Source.objects.create(name=name, platform=platform, kind=SourceKind.IMPORT,
                                     unit=_unit(unit_code))
    if unit_code and source.unit.code != unit_code:
        raise SourceError(f"source {name!r} belongs to unit {source.unit.code!r}, "
                          f"not {unit_code!r}")
    return source
