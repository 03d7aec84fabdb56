from pathlib import Path

import pytest

from yuqing.env import (
    SettingError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_url,
    load_env_file,
)


def test_defaults_apply_when_unset_or_blank() -> None:
    assert env_int("YUQING_X", 5, environ={}) == 5
    assert env_int("YUQING_X", 5, environ={"YUQING_X": "  "}) == 5
    assert env_bool("YUQING_X", True, environ={}) is True
    assert env_list("YUQING_X", ["a"], environ={}) == ["a"]
    assert env_str("YUQING_X", "d", environ={}) == "d"
    assert env_url("YUQING_X", "", ("redis",), environ={}) == ""
    assert env_url("YUQING_X", "", ("redis",),
                   environ={"YUQING_X": " redis://h:6379/0 "}) == "redis://h:6379/0"


@pytest.mark.parametrize("value,expected", [("1", True), ("yes", True), ("OFF", False)])
def test_bool_values(value: str, expected: bool) -> None:
    assert env_bool("YUQING_X", not expected, environ={"YUQING_X": value}) is expected


@pytest.mark.parametrize(
    "call",
    [
        lambda e: env_int("YUQING_X", 1, environ=e),
        lambda e: env_int("YUQING_N", 1, minimum=0, maximum=9, environ={"YUQING_N": "10"}),
        lambda e: env_bool("YUQING_X", True, environ=e),
        lambda e: env_choice("YUQING_X", "a", ("a", "b"), environ=e),
        lambda e: env_list("YUQING_L", [], environ={"YUQING_L": "a,,b"}),
        lambda e: env_url("YUQING_X", "", ("redis",), environ=e),
        lambda e: env_url("YUQING_U", "", ("redis",), environ={"YUQING_U": "amqp://h/"}),
        lambda e: env_url("YUQING_U", "", ("redis",), environ={"YUQING_U": "redis://"}),
    ],
)
def test_bad_values_are_rejected_with_the_variable_name(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SettingError, match="YUQING_"):
        call({"YUQING_X": "maybe"})


def test_unprefixed_names_are_refused() -> None:
    with pytest.raises(ValueError, match="must be named"):
        env_str("SECRET_KEY", "x", environ={})


def test_env_file_fills_but_does_not_override(tmp_path: Path) -> None:
    env_file = tmp_path / "yuqing.env"
    env_file.write_text("# comment\nYUQING_A=1\nexport YUQING_B='two'\nDATABASE_URL=x\n")
    environ = {"YUQING_A": "already"}
    load_env_file(env_file, environ)
    assert environ == {"YUQING_A": "already", "YUQING_B": "two", "DATABASE_URL": "x"}


def test_env_file_rejects_foreign_names(tmp_path: Path) -> None:
    env_file = tmp_path / "yuqing.env"
    env_file.write_text("PATH=/evil\n")
    with pytest.raises(ValueError, match=r"yuqing\.env:1"):
        load_env_file(env_file, {})
