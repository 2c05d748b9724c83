"""Every setting is documented where operators look: .env.example (with its default) and the README."""

from bot.config import Settings
from tests.conftest import REPO_ROOT


def setting_names() -> list[str]:
    return [name.upper() for name in Settings.model_fields]


def test_env_example_lists_every_setting_with_its_default() -> None:
    lines = (REPO_ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    assigned = {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}
    assert set(setting_names()) - assigned == set()
    assert assigned - set(setting_names()) == set(), "settings in .env.example the bot does not read"


def test_env_example_defaults_are_the_defaults() -> None:
    lines = (REPO_ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    values = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    example = Settings(_env_file=None, **{k.lower(): v for k, v in values.items() if v})  # type: ignore[arg-type]
    default = Settings(_env_file=None)
    assert example.model_dump() == default.model_dump()


def test_readme_names_every_setting() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in setting_names() if f"`{name}`" not in readme]
    assert missing == []
