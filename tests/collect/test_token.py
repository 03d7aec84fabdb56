"""``yuqing token create|list|revoke``: the secret shown once, revocation audited."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from yuqing.audit.models import Action, AuditEntry
from yuqing.collect.models import ApiToken, Source

SECRET = re.compile(r"yq_[\w-]{40,}")


def run(*args: str) -> str:
    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_create_list_revoke(source: Source) -> None:
    output = run("create", "--source", source.name, "--platform", "weibo", "--name", "host-1")
    match = SECRET.search(output)
    assert match
    secret = match.group()
    token = ApiToken.lookup(secret)
    assert token is not None and token.source == source and token.name == "host-1"
    assert AuditEntry.objects.filter(action=Action.CREATE, model="collect.ApiToken",
                                     channel="cli").exists()

    listing = run("list")
    assert token.prefix in listing and "active" in listing and "never" in listing
    assert secret not in listing

    assert "revoked token" in run("revoke", token.prefix)
    assert ApiToken.lookup(secret) is None
    assert "revoked" in run("list")
    assert "already revoked" in run("revoke", token.prefix)
    change = AuditEntry.objects.filter(action=Action.UPDATE, model="collect.ApiToken").get()
    assert change.details == {"changes": {"revoked": [False, True]}}


def test_create_for_unknown_source_fails(source: Source) -> None:
    with pytest.raises(CommandError, match="no douyin source"):
        run("create", "--source", source.name, "--platform", "douyin", "--name", "x")
    assert not ApiToken.objects.exists()


def test_revoke_unknown_prefix_fails(db: None) -> None:
    with pytest.raises(CommandError, match="no token"):
        run("revoke", "yq_nothing")
