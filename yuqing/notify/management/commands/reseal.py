"""``yuqing reseal``: seal every channel's secrets under the first key of
``YUQING_SECRETS_KEY``, so that an old key can be dropped from the list after a rotation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yuqing.notify.sealed import reseal


class Command(BaseCommand):
    help = "Seal every delivery channel's secrets afresh under the first secrets key."

    def handle(self, *args: Any, **opts: Any) -> None:
        done, lost = reseal()
        self.stdout.write(f"resealed {done} channel(s)")
        if lost:
            raise CommandError(
                f"{lost} channel(s) were sealed under a key that is not in YUQING_SECRETS_KEY; "
                "add that key back, or enter those channels' secrets again")
