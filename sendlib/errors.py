"""The one base of every error sendlib raises for a person to read.

Each module keeps its own error type (``StoreError``, ``IngestRejected``, ``EntryError`` …) with the built-in
base it always had (``ValueError``, ``RuntimeError`` …), and all of them derive from :class:`SendlibError`, so the
app shell and the command line can show any refusal plainly with one ``except`` and never match message text.
Private control-flow exceptions (``_RollBack`` and the like) are not errors and do not derive from it.
"""

from __future__ import annotations


class SendlibError(Exception):
    """A refusal or failure whose message is plain English, fit to show to the person as it is."""
