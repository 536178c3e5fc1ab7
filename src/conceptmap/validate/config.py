"""``[tool.conceptmap.validate]`` (pyproject.toml) or ``[validate]`` (conceptmap.toml).

::

    [tool.conceptmap.validate]
    select = ["CM1", "unknown-concept"]   # rule names, codes or code prefixes
    ignore = ["matrix-unlisted-relationship"]
    strict = true                         # warnings fail too (exit 1)

Pure: :func:`load_config` takes the file's text and returns a :class:`ValidateConfig`.

>>> load_config('[validate]\\nignore = ["CM304"]\\n', source="conceptmap.toml").ignore
('CM304',)
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from conceptmap.errors import InputError

__all__ = ["ValidateConfig", "load_config", "rule_selected"]


class ValidateConfig(BaseModel):
    """Which rules run and whether warnings fail."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    select: tuple[str, ...] = Field((), description="Only these rules (empty: all).")
    ignore: tuple[str, ...] = Field((), description="Never these rules.")
    strict: bool = Field(False, description="Warnings count as failures.")

    def merged(
        self,
        *,
        select: Iterable[str] = (),
        ignore: Iterable[str] = (),
        strict: bool = False,
    ) -> ValidateConfig:
        """Command-line options over the file's: --select replaces, --ignore adds."""
        sel = tuple(select)
        return ValidateConfig(
            select=sel or self.select,
            ignore=tuple(dict.fromkeys([*self.ignore, *ignore])),
            strict=strict or self.strict,
        )


def _names(value: object, key: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"[validate] {key} must be a list of rule names or codes", path=source)
    return tuple(v.strip() for v in value if v.strip())


def load_config(text: str, *, source: str = "pyproject.toml") -> ValidateConfig:
    """Read the validate section from a ``pyproject.toml`` or ``conceptmap.toml`` text.

    A file without the section gives the defaults. The section of ``pyproject.toml`` is
    ``[tool.conceptmap.validate]``; of ``conceptmap.toml``, ``[validate]`` (or the same
    ``[tool.conceptmap.validate]``).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", path=source) from None
    section = data.get("tool", {}).get("conceptmap", {}).get("validate")
    if section is None and not source.endswith("pyproject.toml"):
        section = data.get("validate")
    if section is None:
        return ValidateConfig()
    if not isinstance(section, dict):
        raise InputError("[validate] must be a table", path=source)
    unknown = sorted(set(section) - {"select", "ignore", "strict"})
    if unknown:
        raise InputError(f"[validate] unknown key(s): {', '.join(unknown)}", path=source)
    strict = section.get("strict", False)
    if not isinstance(strict, bool):
        raise InputError("[validate] strict must be true or false", path=source)
    return ValidateConfig(
        select=_names(section.get("select", []), "select", source),
        ignore=_names(section.get("ignore", []), "ignore", source),
        strict=strict,
    )


def _matches(pattern: str, name: str, code: str) -> bool:
    p = pattern.strip()
    if not p:
        return False
    if p.lower() == name or p.upper() == code:
        return True
    # A code prefix such as "CM1" selects every CM1xx rule.
    return p.upper().startswith("CM") and code.startswith(p.upper())


def rule_selected(config: ValidateConfig | None, name: str, code: str) -> bool:
    """True when the rule *name*/*code* runs under *config*.

    >>> rule_selected(ValidateConfig(select=("CM1",)), "total-concepts", "CM101")
    True
    """
    if config is None:
        return True
    if config.select and not any(_matches(p, name, code) for p in config.select):
        return False
    return not any(_matches(p, name, code) for p in config.ignore)
