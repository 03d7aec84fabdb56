"""``yuqing createuser NAME --role ROLE --unit CODE``: add a person who can log in."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from yuqing.orgs.actions import create_user
from yuqing.orgs.models import Unit
from yuqing.orgs.roles import Role


class Command(BaseCommand):
    help = "Create a user in a unit with a role; prints a generated password unless one is given."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=[r.value for r in Role], required=True)
        parser.add_argument("--unit", help="unit code (required except for administrators)")
        parser.add_argument("--password", help="password; generated and printed when omitted")
        parser.add_argument("--name", default="", help="display name")

    def handle(self, *args: Any, **opts: Any) -> None:
        unit = None
        if opts["unit"]:
            try:
                unit = Unit.objects.get(code=opts["unit"])
            except Unit.DoesNotExist:
                raise CommandError(f"no unit with code {opts['unit']!r}") from None
        try:
            user, password = create_user(
                opts["username"], role=opts["role"], unit=unit,
                password=opts["password"], display_name=opts["name"],
            )
        except (ValueError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"created {user.username} ({user.role}) password: {password}")
