"""``yuqing token create|list|revoke``: API tokens that let a source push items.

The secret is printed once, at creation; only its hash is kept, so a lost secret is replaced
(revoke and create), never recovered. Tokens are named by their prefix everywhere else.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yuqing.audit.context import acting
from yuqing.collect.models import ApiToken, Platform, Source


class Command(BaseCommand):
    help = "Create, list or revoke API tokens for the push API."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token; prints the secret once")
        create.add_argument("--source", required=True, help="source name")
        create.add_argument("--platform", required=True, choices=Platform.values,
                            help="source platform (names are unique per platform)")
        create.add_argument("--name", required=True, help="label, e.g. the collecting host")
        sub.add_parser("list", help="all tokens, without secrets")
        revoke = sub.add_parser("revoke", help="stop a token from working")
        revoke.add_argument("prefix", help="the token's prefix, as shown by 'list'")

    def handle(self, *args: Any, **opts: Any) -> None:
        with acting("cli"):
            getattr(self, f"_{opts['action']}")(**opts)

    def _create(self, *, source: str, platform: str, name: str, **_: Any) -> None:
        try:
            src = Source.objects.get(name=source, platform=platform)
        except Source.DoesNotExist:
            raise CommandError(f"no {platform} source named {source!r}") from None
        token, secret = ApiToken.issue(src, name)
        self.stdout.write(f"created token {token.prefix} for {src}")
        self.stdout.write(f"secret (shown only now): {secret}")

    def _list(self, **_: Any) -> None:
        tokens = ApiToken.objects.select_related("source").order_by("source__name", "created_at")
        if not tokens:
            self.stdout.write("no tokens")
        for t in tokens:
            used = (f"{timezone.localtime(t.last_used_at):%Y-%m-%d %H:%M}" if t.last_used_at
                    else "never")
            state = "revoked" if t.revoked else "active"
            created = f"{timezone.localtime(t.created_at):%Y-%m-%d}"
            self.stdout.write(f"{t.prefix}  {state:8} {t.source}  {t.name}  "
                              f"created {created}  last used {used}")

    def _revoke(self, *, prefix: str, **_: Any) -> None:
        tokens = list(ApiToken.objects.filter(prefix=prefix))
        if not tokens:
            raise CommandError(f"no token with prefix {prefix!r}")
        if len(tokens) > 1:
            raise CommandError(f"prefix {prefix!r} matches {len(tokens)} tokens; revoke them "
                               "in the admin")
        token = tokens[0]
        if token.revoked:
            self.stdout.write(f"token {prefix} was already revoked")
            return
        token.revoked = True
        token.save(update_fields=["revoked"])  # audited by the save signal
        self.stdout.write(f"revoked token {prefix} ({token.name}, {token.source})")
