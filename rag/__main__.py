"""python -m rag docs|ask|lookup|stats — the library's command line."""

from __future__ import annotations

import sys

from rag.cli import main

sys.exit(main())
