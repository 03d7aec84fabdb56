"""Every setting the code reads is documented in docs/settings.md."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READ = r'(?:env_\w+|_persisted_secret)\(\s*"((?:YUQING_|DATABASE_URL)\w*)"'


def test_every_setting_is_documented() -> None:
    used: set[str] = set()
    for path in (ROOT / "yuqing").rglob("*.py"):
        used.update(re.findall(READ, path.read_text()))
    documented = set(re.findall(r"^\| `(\w+)` \|", (ROOT / "docs/settings.md").read_text(), re.M))
    assert used, "no settings found: the pattern is wrong"
    assert used - documented == set(), "undocumented settings"
    assert documented - used == set(), "documented settings that nothing reads"
