"""The ``yuqing`` command: Django's management commands under the project's settings.

``yuqing serve``, ``yuqing run``, ``yuqing import`` … are management commands of the apps, so
each capability adds its sub-commands where its code lives.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuqing.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yuqing", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
