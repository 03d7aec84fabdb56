"""``yuqing analyse``: run the analysis pipeline over queued items now."""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand

from yuqing.analysis import queue, runner
from yuqing.analysis.models import Pending, PipelineState
from yuqing.audit.context import acting


class Command(BaseCommand):
    help = ("Analyse every queued item (tone, region, stories, events, bursts). `yuqing run` "
            "does this continuously; imports do it when they finish.")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--status", action="store_true",
                            help="show the queue and parked failures; analyse nothing")
        parser.add_argument("--retry", action="store_true",
                            help="put items that failed analysis back in the queue first")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["status"]:
            self._status()
            return
        if opts["retry"]:
            self.stdout.write(f"re-queued {queue.retry_failed()} parked items")
        started = time.monotonic()
        with acting("cli"):
            summary = runner.analyse_pending()
        if summary.busy:
            self.stdout.write("another process (yuqing run) is analysing the queue")
            return
        seconds = time.monotonic() - started
        rate = summary.analysed / seconds if seconds > 0 else 0.0
        self.stdout.write(f"analysed {summary.analysed} items in {seconds:.1f}s "
                          f"({rate:,.0f}/s); failed {summary.failed}")
        if summary.failed:
            self.stdout.write("see `yuqing analyse --status`; fix, then `yuqing analyse --retry`")

    def _status(self) -> None:
        queued, parked = queue.waiting()
        state = PipelineState.objects.filter(id=1).first()
        self.stdout.write(f"queued: {queued}  parked after failing: {parked}")
        if state is not None:
            self.stdout.write(f"last batch: {state.last_run_at or '-'}  holder: "
                              f"{state.holder or '-'}")
            if state.last_error:
                self.stdout.write("last error:\n" + state.last_error)
        for pending in Pending.objects.exclude(error="").order_by("item_id")[:20]:
            reason = pending.error.strip().splitlines()[-1] if pending.error.strip() else ""
            self.stdout.write(f"  item {pending.item_id}: {reason}")
