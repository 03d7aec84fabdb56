"""``yuqing demo``: a working platform with a fictional district's week of public opinion."""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from yuqing.audit.context import acting
from yuqing.demo import items, org
from yuqing.server.web import public_url


class Command(BaseCommand):
    help = ("Migrate, create a demo district with one user per role and load the sample "
            "items; prints the URL and the logins. Safe to re-run.")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--serve", action="store_true",
                            help="then start the web server and scheduler (yuqing run)")
        parser.add_argument("--reset", action="store_true",
                            help="delete the sample items first, so they load dated from now")

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        with acting("cli"):
            if opts["reset"]:
                self.stdout.write(f"removed {items.remove()} sample items")
            units = org.ensure_units()
            password = org.demo_password()
            users = org.ensure_users(units, password)
            try:
                loaded = items.load(units, units[org.DISTRICT[0]])
            except ValueError as exc:
                raise CommandError(f"the sample data is invalid: {exc}") from exc
        counts = loaded.counts
        self.stdout.write(
            f"{loaded.total} sample items: {counts['inserted']} new, {counts['updated']} "
            f"updated, {counts['unchanged']} unchanged"
        )
        call_command("analyse", stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"yuqing demo: {public_url(settings.YUQING_HOST, settings.YUQING_PORT)}"))
        self.stdout.write(f"password of every demo user: {password}")
        for user in users:
            unit = user.unit.name if user.unit else "-"
            self.stdout.write(f"  {user.username:<14} {user.get_role_display()} · {unit}")
        if opts["serve"]:
            self.stdout.write("")
            call_command("run")
        else:
            self.stdout.write("start it with: yuqing run")
