"""Versioned prompt templates under prompts/, filled by name (never f-strings in code)."""

from __future__ import annotations

import string
from functools import lru_cache

from rag.config import PROJECT_ROOT

PROMPTS = PROJECT_ROOT / "prompts"


@lru_cache(maxsize=16)
def load_prompt(name: str) -> str:
    """The template prompts/<name>.txt without its '#' comment lines."""
    path = PROMPTS / f"{name}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#")).strip() + "\n"


def render(name: str, **values: str) -> str:
    """Fill a template; every placeholder must be given and no other."""
    template = load_prompt(name)
    wanted = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    if wanted != set(values):
        raise ValueError(f"prompt {name}: needs {sorted(wanted)}, got {sorted(values)}")
    return template.format(**values)
