"""The demo's organisation: a fictional district, its streets and communities, one user per role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings

from yuqing.env import env_str
from yuqing.orgs.actions import create_user, ensure_unit
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role

DISTRICT = ("binjiang", "江城市滨江区")
#: street code, name, communities (code, name)
STREETS = (
    ("binjiang-donghu", "东湖街道", (("binjiang-donghu-jinhua", "锦华社区"),
                                    ("binjiang-donghu-hubin", "湖滨社区"))),
    ("binjiang-xihu", "西湖街道", (("binjiang-xihu-xihulu", "西湖路社区"),
                                  ("binjiang-xihu-liuan", "柳岸社区"))),
    ("binjiang-nanan", "南岸街道", (("binjiang-nanan-caichang", "菜场社区"),
                                   ("binjiang-nanan-binhe", "滨河社区"))),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    unit_code: str
    display_name: str


#: The handler and reporter sit in streets so that the demo also shows unit scoping.
USERS = (
    DemoUser("demo-admin", Role.ADMIN, "binjiang", "演示管理员"),
    DemoUser("demo-analyst", Role.ANALYST, "binjiang", "演示分析员"),
    DemoUser("demo-handler", Role.HANDLER, "binjiang-donghu", "演示处置员"),
    DemoUser("demo-reporter", Role.REPORTER, "binjiang-xihu", "演示报送员"),
    DemoUser("demo-viewer", Role.VIEWER, "binjiang", "演示领导"),
)

_PASSWORD_FILE = "demo_password"


def ensure_units() -> dict[str, Unit]:
    """The unit tree, by code; existing units are left as they are."""
    district = ensure_unit(*DISTRICT, kind="district")
    units = {district.code: district}
    for code, name, communities in STREETS:
        street = units[code] = ensure_unit(code, name, parent=district, kind="street")
        for c_code, c_name in communities:
            units[c_code] = ensure_unit(c_code, c_name, parent=street, kind="community")
    return units


def demo_password() -> str:
    """``YUQING_DEMO_PASSWORD``, else one generated once and kept in the data directory, so
    that every ``yuqing demo`` prints the logins that actually work."""
    given = env_str("YUQING_DEMO_PASSWORD", "")
    if given:
        return given
    path = settings.DATA_DIR / _PASSWORD_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def ensure_users(units: dict[str, Unit], password: str) -> list[User]:
    """One user per role; an existing one only gets its password set when it differs."""
    users = []
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user, _ = create_user(spec.username, role=spec.role, unit=units[spec.unit_code],
                                  password=password, display_name=spec.display_name)
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        users.append(user)
    return users
