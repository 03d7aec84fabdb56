"""The analysis panel of an item page: results, corrections, the forms an analyst may use."""

from __future__ import annotations

from typing import Any

from yuqing.analysis.forms import CorrectionForm
from yuqing.analysis.models import ItemAnalysis, LabelCorrection, Story
from yuqing.analysis.region import region_name
from yuqing.collect.models import Item
from yuqing.orgs.models import User


def item_panel(user: User, item: Item) -> dict[str, Any]:
    analysis = ItemAnalysis.objects.select_related("event").filter(item=item).first()
    corrections = {c.task: c for c in LabelCorrection.objects.filter(item=item)
                   .select_related("user")}
    context: dict[str, Any] = {"analysis": analysis, "corrections": corrections}
    if analysis is not None:
        context["story"] = Story.objects.filter(id=analysis.story_id).first()
        context["region_names"] = region_name(analysis.province, analysis.city,
                                              analysis.district)
        context["can_correct"] = user.has_role_perm("labels.correct")
        context["correction_form"] = CorrectionForm(initial={
            "tone": corrections["tone"].label if "tone" in corrections else "",
            "emotion": corrections["emotion"].label if "emotion" in corrections else ""})
    return context
