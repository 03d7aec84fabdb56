"""``yuqing demo``: a working platform with a fictional district's week of public opinion."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from yuqing.alerts.models import Alert
from yuqing.audit.context import acting
from yuqing.cases.actions import CaseError
from yuqing.demo import cases, items, org, rules, rumours, schemes
from yuqing.orgs.models import Unit, User
from yuqing.reports import rollup
from yuqing.rumours.models import RumourMatch
from yuqing.search import indexing
from yuqing.server.web import public_url


class Command(BaseCommand):
    help = ("Migrate, create a demo district with one user per role, load the sample items, "
            "schemes, alert rules, debunk entries and cases; prints the URL and the logins. "
            "Safe to re-run.")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--serve", action="store_true",
                            help="then start the web server and scheduler (yuqing run)")
        parser.add_argument("--reset", action="store_true",
                            help="delete the sample items and what was derived from them "
                                 "first, so they load dated from now")

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        with acting("cli"):
            if opts["reset"]:
                self._reset()
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
            # Schemes, rules and entries exist before the items are analysed: the analysis's
            # hooks match each item against them and raise the alerts as it goes.
            if self._ensure_content(units, users, loaded.clock):
                requeued = items.reanalyse()
                if requeued:
                    self.stdout.write(f"{requeued} sample items queued again for the new "
                                      "schemes, rules and entries")
            call_command("analyse", stdout=self.stdout)
            # The dashboard's hourly counts and the search index, which the scheduler's jobs
            # keep: done here too, so both are right at once, even under `yuqing serve` alone.
            rollup.refresh()
            indexing.drain()
            try:
                opened = cases.ensure_cases(users)
            except CaseError as exc:
                raise CommandError(f"a demo case cannot be opened: {exc}") from exc
        raised = Alert.objects.filter(rule__in=rules.demo_rules()).count()
        matched = RumourMatch.objects.filter(debunk__origin=rumours.ORIGIN).count()
        self.stdout.write(f"{opened.total} cases ({opened.new} new), {raised} alerts, "
                          f"{matched} rumour matches")
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

    def _reset(self) -> None:
        """Remove what the sample items carry: cases, alerts, and the schemes and rules whose
        matches and hourly counts were about them; the ensure steps make them again."""
        removed_cases = cases.remove()
        removed_rules, removed_alerts = rules.remove()
        removed_schemes = schemes.remove()
        self.stdout.write(f"removed {removed_cases} demo cases, {removed_alerts} alerts, "
                          f"{removed_rules} alert rules and {removed_schemes} schemes")
        self.stdout.write(f"removed {items.remove()} sample items")

    def _ensure_content(self, units: dict[str, Unit], users: list[User],
                          clock: datetime) -> int:
        """Create what items are matched against and where alerts go; print the counts and
        return how many schemes, rules and entries are new."""
        made_schemes = schemes.ensure_schemes(units)
        channels = rules.ensure_channels(units)
        made_rules = rules.ensure_rules(units, made_schemes.objects, users)
        routes = cases.ensure_routing(units)
        self.stdout.write(
            f"{made_schemes.total} monitoring schemes ({made_schemes.new} new), "
            f"{made_rules.total} alert rules ({made_rules.new} new), {channels.total} in-app "
            f"channels ({channels.new} new), {routes.total} case routing rules "
            f"({routes.new} new)")
        entries = rumours.ensure_entries(clock)
        self.stdout.write(f"{entries.imported} debunk entries: {entries.created} new, "
                          f"{entries.updated} updated, {entries.unchanged} unchanged")
        return made_schemes.new + made_rules.new + entries.created + entries.updated
