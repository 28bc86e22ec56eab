"""A setting made of parts (an augmentation's ranges, a schedule's kind and epochs) that a settings
log keeps as one line of JSON: ``to_text`` and ``from_dict`` for every such dataclass."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import ClassVar


class SettingTable:
    """Mixed into a frozen dataclass; ``WHAT`` names it in messages ("augmentation")."""

    WHAT: ClassVar[str] = "setting"

    def to_dict(self) -> dict:
        return asdict(self)

    def to_text(self) -> str:
        """One line of JSON: the form a settings log keeps (hashable, and the same for equal values)."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, values):
        """From an instance, ``to_dict``'s output or ``to_text``'s; an unknown part or a bad value
        raises ValueError."""
        if isinstance(values, cls):
            return values
        if isinstance(values, str):
            try:
                values = json.loads(values)
            except ValueError:
                raise ValueError(f"not a{'n' if cls.WHAT[0] in 'aeiou' else ''} {cls.WHAT}: {values[:60]!r}") from None
        if not isinstance(values, dict):
            raise ValueError(
                f"a{'n' if cls.WHAT[0] in 'aeiou' else ''} {cls.WHAT} is a table of its parts, not {values!r}"
            )
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown {cls.WHAT} setting {', '.join(sorted(unknown))}")
        return cls(**values)
