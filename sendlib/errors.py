"""The one error hierarchy: a base, :class:`SendlibError`, and one *kind* under it for each place a refusal
comes from.

==================  ==========================================================================================
kind                what it covers (the module types that derive from it)
==================  ==========================================================================================
``EntryError``      a form or an edit refused (entries; StakeholderError, EngagementError, CommitmentError,
                    YouSaidError)
``IngestError``     a file refused or a load that cannot go ahead (IngestRejected, SourceError, AlreadyLoaded,
                    PreviewOutOfDate, UndoError)
``StoreError``      the data store itself (store.py's kinds: StoreLockedError, StoreDamagedError, … ; BackupError)
``AccessError``     sign-in, roles and accounts (AuthError, PermissionDenied)
``SetupError``      the installation, not the person's input: config.yaml (ConfigError), the browser that image
                    exports need (ExportError)
==================  ==========================================================================================

Every error a person reads derives from exactly one kind (``tests/test_architecture.py`` checks), and each module's
type keeps the built-in base it always had (``ValueError``, ``RuntimeError`` …), so old ``except ValueError``
callers still work. The app shell and the command line catch ``SendlibError`` once and show its message as it is;
nothing anywhere decides what happened by reading an exception's message text (a test scans for it). Each type
stays importable where it always was (``sendlib.store.StoreError``, ``sendlib.entries.EntryError`` …).
Private control-flow exceptions (``_RollBack`` and the like) are not errors and do not derive from the base.
"""

from __future__ import annotations


class SendlibError(Exception):
    """A refusal or failure whose message is plain English, fit to show to the person as it is."""


class EntryError(SendlibError, ValueError):
    """An entry (a form, an edit) was refused; nothing was written. Each kind of entry has its own subclass."""


class IngestError(SendlibError):
    """A file was refused, or its load (or undo) cannot go ahead; nothing was written."""


class StoreError(SendlibError, RuntimeError):
    """Something went wrong in the store; the message is fit to show to a user as it is."""


class AccessError(SendlibError):
    """Sign-in, a role or an account: who may do what, and the accounts themselves."""


class SetupError(SendlibError):
    """The installation cannot do this (its configuration, a program it needs); the message says what to fix."""


KINDS: tuple[type[SendlibError], ...] = (EntryError, IngestError, StoreError, AccessError, SetupError)
"""Every kind, in the order above: each public sendlib error derives from exactly one of them."""
