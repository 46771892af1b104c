"""``python -m sendlib``: the officers' command line (see sendlib.cli)."""

from __future__ import annotations

import sys

from sendlib.cli import main

sys.exit(main())
