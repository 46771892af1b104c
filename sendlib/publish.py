"""The public website: the forum's views as a static, self-contained folder of HTML, CSS, SVG and CSV.

``publish(store, config, out)`` writes the site of ``SITE_PAGES`` (the registry below: slug, title, builder) for
the forum audience (``Audience.of(FORUM, config)``: the same suppression as the forum's pages, because every
figure comes from the same view functions, built with ``Filters()``). Each page is drawn by one template from
what its builder returns: a page of views (``views.html``: per view its title, summary, sentences, tiles, chart
as inline SVG named by its summary, table as a real ``<table>`` formatted by ``sendlib.tables``, notes,
suppression note, source and period lines, CSV download), Easy read (``easy_read.html``) or any
``sendlib.documents.Document`` (``document.html``), so a text page is added to the site by naming its builder in
``SITE_PAGES``. Every page has the phase banner, a skip link, "data as at", and a footer linking every page of
the registry. Links are relative only (the folder works from any folder, ``file://`` or any web server); no
JavaScript; Jinja2 autoescapes every text, and SVG ids are renamed per chart so they never clash.

The new site is written into a sibling ``<name>.new`` folder, then swapped in (``_swap``): on Linux one
``renameat2(RENAME_EXCHANGE)`` exchanges the two folders atomically, so a reader sees the old site or the new,
never half and never none; elsewhere the rename dance (old → ``<name>.old``, new → ``<name>``, remove old), where
a request in the microseconds between the two renames finds no folder, still never half a site. A failed
publish removes ``.new``, leaves the last good site as it was, and is recorded in ``<name>.status.json`` beside
the folder (``read_status``; the Upload page shows it).

Kept current (``keep_current``): with ``publish.folder`` set, a hook on the store (``Store.add_commit_hook``,
called after every committed change, so every load, undo and edit) asks a background worker to republish; the
worker runs one publish at a time and folds the changes that arrive meanwhile into one more. A publish never
makes the write fail: the write has committed before the hook runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
import plotly.graph_objects as go
from markupsafe import Markup

from sendlib import easy_read, public_pages, text
from sendlib.auth import FORUM
from sendlib.charts import for_screen
from sendlib.config import Config
from sendlib.documents import Document, Link, Section
from sendlib.errors import SetupError
from sendlib.export import figure_to_image, table_to_csv
from sendlib.pack import data_as_at
from sendlib.periods import day_words
from sendlib.store import Store
from sendlib.tables import table_text
from sendlib.views import Audience, Filters, View, headline_key, page

LOG = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates" / "site"
STYLESHEET = "site.css"
DOWNLOADS = "downloads"
LONG_TABLE = 20  # a table of more rows is folded away under its label (the app's expander), open when the view says
# CSS pixels the charts are drawn at; the SVG then scales to its column (width 100%, at most 800 px): narrow
# enough that a phone's 360 px shows the text at more than half its size, wide enough for the long labels.
CHART_WIDTH = 640
PHASE = "Beta"


class PublishError(SetupError, RuntimeError):
    """The site could not be published; the last good site is left as it was."""


# -- what a page holds ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ViewsContent:
    """A page of views, in the registry's order (``None`` and views with nothing loaded left out)."""

    views: tuple[View, ...]


@dataclass(frozen=True)
class EasyReadContent:
    """The Easy read page's parts for the forum."""

    parts: tuple[easy_read.Part, ...]


Content = ViewsContent | EasyReadContent | Document
Builder = Callable[[Store, Config, Audience], Content]


@dataclass(frozen=True)
class SitePage:
    """One page of the site: its file is ``<slug>.html``; ``in_menu`` pages are in the header's navigation as well
    as the footer (the text pages a public service owes are in the footer only)."""

    slug: str
    title: str
    build: Builder
    in_menu: bool = True


def views_page(url_path: str) -> Builder:
    """The builder of the site's copy of the app's page ``url_path``: every view of it the audience may see,
    built with the default filters. The page's headline (the Overview's tiles) is left out when the page has
    tiles of its own, as the app's page does."""
    entry = page(url_path)

    def build(store: Store, config: Config, audience: Audience) -> ViewsContent:
        specs = entry.visible_views(audience)
        built = [(spec.key, spec.build(store, config, Filters(), audience)) for spec in specs]
        shown = [view for _, view in built if view is not None and view.missing is None]
        own_tiles = any(view.metrics and view.key != headline_key(entry) for view in shown)
        return ViewsContent(tuple(view for view in shown if not (own_tiles and view.key == headline_key(entry))))

    return build


def easy_read_page(store: Store, config: Config, audience: Audience) -> EasyReadContent:
    """The Easy read page, written for ``audience`` (``sendlib.easy_read``)."""
    return EasyReadContent(tuple(easy_read.build_easy_read(store, config, audience)))


def document_page(make: Callable[[Store, Config], Document]) -> Builder:
    """The builder of a text page the app also shows (``sendlib.public_pages``): the same words on the site."""

    def build(store: Store, config: Config, audience: Audience) -> Document:
        return make(store, config)

    return build


def feedback_site_page(store: Store, config: Config, audience: Audience) -> Document:
    """The site's feedback page: the app's words about feedback (what to send, who reads it, how long it is kept),
    and — a static page holds no form — where to send it: ``publish.feedback`` when set (the app's Feedback page,
    a form or an e-mail address), else the council's contact details, which the page gives in any case."""
    words = public_pages.feedback_page(store, config)
    send_to = config.publish.feedback.strip()
    if not send_to:
        return words
    how = Section(
        "How to send it",
        ("Use the link below to send your message. It opens our feedback form or your e-mail.",),
        links=(Link("Send us your feedback", send_to),),
    )
    return replace(words, sections=(how, *words.sections))


# The site's pages in menu order, then the pages a public service owes (in every page's footer, not the menu):
# each is one entry, and a text page (a sendlib.documents.Document) is drawn by document.html.
SITE_PAGES: tuple[SitePage, ...] = (
    SitePage("reach-gaps", page("reach_gaps").title, views_page("reach_gaps")),
    SitePage("you-said-we-did", page("you_said").title, views_page("you_said")),
    SitePage("easy-read", page("easy_read").title, easy_read_page),
    SitePage("primary-needs", page("primary_needs").title, views_page("primary_needs")),
    SitePage("ehc-plans", page("ehc_plans").title, views_page("ehc_plans")),
    SitePage("stakeholders", "Stakeholder grid", views_page("stakeholders")),
    SitePage(
        public_pages.ACCESSIBILITY,
        "Accessibility statement",
        document_page(public_pages.accessibility_statement),
        in_menu=False,
    ),
    SitePage(public_pages.PRIVACY, "Privacy notice", document_page(public_pages.privacy_notice), in_menu=False),
    SitePage(public_pages.COOKIES_SLUG, "Cookies", document_page(public_pages.cookies_page), in_menu=False),
    SitePage(public_pages.FEEDBACK, "Feedback", feedback_site_page, in_menu=False),
)


@dataclass(frozen=True)
class PublishResult:
    """What a publish wrote: the folder, each page's file, every file's count, the data's date and the time taken."""

    folder: Path
    pages: tuple[str, ...]
    files: int
    data_as_at: str
    seconds: float

    def summary(self) -> str:
        """One line for the command line and the officers' page."""
        return (
            f"Published {len(self.pages)} pages ({self.files} files) to {self.folder} in {self.seconds:.1f} s; "
            f"data as at {self.data_as_at}."
        )


# -- charts as inline SVG ------------------------------------------------------------------------------------------
_SVG_CACHE: OrderedDict[str, str] = OrderedDict()  # figure JSON's digest → SVG: a republish exports changed charts only
_SVG_CACHE_SIZE = 256
_SVG_CACHE_LOCK = threading.Lock()
_ID = re.compile(r'\bid="([^"]+)"')
_ROOT_SIZE = re.compile(r'^<svg([^>]*?) width="[\d.]+" height="[\d.]+"')


def _svg_of(figure: go.Figure) -> str:
    """The figure as Kaleido draws it (one lock, in sendlib.export), cached by the figure's JSON."""
    digest = hashlib.sha256(f"{CHART_WIDTH}:{figure.to_json()}".encode()).hexdigest()
    with _SVG_CACHE_LOCK:
        if digest in _SVG_CACHE:
            _SVG_CACHE.move_to_end(digest)
            return _SVG_CACHE[digest]
    svg = figure_to_image(figure, fmt="svg", width=CHART_WIDTH).decode("utf-8")
    with _SVG_CACHE_LOCK:
        _SVG_CACHE[digest] = svg
        while len(_SVG_CACHE) > _SVG_CACHE_SIZE:
            _SVG_CACHE.popitem(last=False)
    return svg


def inline_svg(figure: go.Figure, *, name: str, label: str) -> Markup:
    """``figure`` (its page copy, without the source line) as SVG to put inline: sized by its viewBox (the
    stylesheet makes it 100% wide, height auto), ``role="img"`` named by ``label`` (its sentence, escaped for
    the attribute and as its ``<title>``), and every id prefixed with ``name`` so charts on one page never share
    one (Plotly's random ids would also make each publish differ)."""
    svg = _svg_of(for_screen(figure))
    if not svg.startswith("<svg") or re.search(r"(?i)<script|<foreignobject|\son\w+=", svg):
        raise PublishError("A chart's image held something other than a drawing; the site was not published.")
    renamed = {old: f"{name}-{number}" for number, old in enumerate(dict.fromkeys(_ID.findall(svg)))}
    if renamed:  # each id="…" and each reference to it (url(#…), url('#…'), href="#…"), whole ids only
        ids = "|".join(re.escape(old) for old in sorted(renamed, key=len, reverse=True))
        svg = re.sub(rf'(?<=id=")({ids})(?=")|(?<=#)({ids})(?![\w-])', lambda m: renamed[m.group(0)], svg)
    svg = _ROOT_SIZE.sub(
        lambda match: f'<svg{match.group(1)} role="img" aria-label="{text.html(label)}" focusable="false"', svg, count=1
    )
    svg = svg.replace(">", f"><title>{text.html(label)}</title>", 1)
    return Markup(svg)  # Kaleido's drawing, its text escaped by sendlib.charts; checked above


# -- rendering -----------------------------------------------------------------------------------------------------
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value is text: escaped wherever it goes, attributes included
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


@dataclass
class _Rendered:
    """One view as the template draws it."""

    view: View
    anchor: str
    svg: Markup | None = None
    columns: list[str] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    csv: str | None = None
    flags: list[str] = field(default_factory=list)  # the view's age notes not already flagged on the page


def _rendered(view: View, config: Config, downloads: Path) -> _Rendered:
    anchor = _slug(view.key)
    shown = _Rendered(view, anchor)
    if view.figure is not None:
        shown.svg = inline_svg(view.figure, name=anchor, label=view.summary)
    if view.table is not None:
        table = view.table
        shown.columns = [str(column) for column in table.columns]
        shown.rows = table_text(table, view.percent_columns, config.display.percent_decimals)
        shown.numeric = [
            all(cell == "" or _looks_numeric(cell) for cell in (row[i] for row in shown.rows))
            and any(row[i] for row in shown.rows)
            for i in range(len(shown.columns))
        ]
        name = f"{anchor}.csv"
        (downloads / name).write_bytes(table_to_csv(table))
        shown.csv = f"{DOWNLOADS}/{name}"
    return shown


def _rendered_views(views: Sequence[View], config: Config, downloads: Path) -> list[_Rendered]:
    """The page's views as drawn, each age note (old data) flagged once, under the first view it applies to, as
    the app's page does."""
    rendered: list[_Rendered] = []
    flagged: set[str] = set()
    for view in views:
        shown = _rendered(view, config, downloads)
        shown.flags = [note for note in view.age_notes if note not in flagged]
        flagged.update(view.age_notes)
        rendered.append(shown)
    return rendered


def _looks_numeric(cell: str) -> bool:
    """A cell right-aligned as a figure: a number as formatted, or a published symbol beside numbers."""
    return bool(re.fullmatch(r"[-+]?[\d,]*\.?\d+%?|c|x|z|low|u", cell))


def _write_site(store: Store, config: Config, folder: Path, pages: Sequence[SitePage]) -> tuple[str, ...]:
    """Every page of ``pages``, the index and the stylesheet into the empty ``folder``; the pages' file names."""
    audience = Audience.of(FORUM, config)
    env = _environment()
    downloads = folder / DOWNLOADS
    downloads.mkdir()
    shutil.copyfile(TEMPLATES / STYLESHEET, folder / STYLESHEET)
    common: dict[str, Any] = {
        "area": config.area.name,
        "data_as_at": data_as_at(store),
        "phase": PHASE,
        "feedback": _feedback_link(config, pages),
        "menu": [(f"{entry.slug}.html", entry.title) for entry in pages if entry.in_menu],
        "footer": [(f"{entry.slug}.html", entry.title) for entry in pages],
        "stylesheet": STYLESHEET,
        "long_table": LONG_TABLE,
        "published": day_words(date.today()),
    }
    written: list[str] = []
    summaries: list[tuple[str, str, str]] = []
    for entry in pages:
        content = entry.build(store, config, audience)
        file_name = f"{entry.slug}.html"
        if isinstance(content, Document):
            template, values = "document.html", {"document": content, "links": _document_links(content, pages)}
            summary = content.summary
        elif isinstance(content, EasyReadContent):
            template, values = "easy_read.html", {"parts": content.parts, "icons": _ICONS}
            summary = "The figures in short sentences and everyday words."
        else:
            template = "views.html"
            values = {"views": _rendered_views(content.views, config, downloads)}
            summary = content.views[0].summary if content.views else "Nothing has been loaded for this page yet."
        html = env.get_template(template).render(
            **common, **values, title=entry.title, current=file_name, page_slug=entry.slug
        )
        (folder / file_name).write_text(html, encoding="utf-8")
        written.append(file_name)
        summaries.append((file_name, entry.title, summary))
    index = env.get_template("index.html").render(
        **common, title=f"SEND in {config.area.name}", current="index.html", page_slug="index", pages=summaries
    )
    (folder / "index.html").write_text(index, encoding="utf-8")
    return ("index.html", *written)


def _feedback_link(config: Config, pages: Sequence[SitePage]) -> str:
    """Where the phase banner's feedback link goes: the site's own feedback page when it has one, else
    ``publish.feedback`` (a mailto: or https: address), else nowhere ('')."""
    if any(entry.slug == "feedback" for entry in pages):
        return "feedback.html"
    return config.publish.feedback.strip()


def _document_links(document: Document, pages: Sequence[SitePage]) -> dict[str, str]:
    """Each link target of ``document`` as an href: a page slug of the site → its file; an address as it is."""
    slugs = {entry.slug for entry in pages}
    targets: dict[str, str] = {}
    for section in document.sections:
        for link in section.links:
            if link.target in slugs:
                targets[link.target] = f"{link.target}.html"
            elif link.target.startswith(("https://", "mailto:", "tel:")):
                targets[link.target] = link.target
            else:
                raise PublishError(f"The page '{document.title}' links to '{link.target}', which is not on the site.")
    return targets


# Easy read's pictures (Material Symbols names) as small decorative drawings: a plain shape per idea, so the site
# needs no icon font. Unknown names fall back to a dot.
_ICONS: dict[str, str] = {
    "family_restroom": '<circle cx="8" cy="6" r="3"/><circle cx="16" cy="8" r="2.5"/><path d="M4 22v-8a4 4 0 0 1 8 0v8'
    'zM13 22v-6a3 3 0 0 1 6 0v6z"/>',
    "school": '<path d="M12 3 1 9l11 6 9-4.9V17h2V9zM5 13.2v4L12 21l7-3.8v-4L12 17z"/>',
    "description": '<path d="M6 2h8l6 6v14H6zm7 1.5V9h5.5zM8 13h8v1.5H8zm0 3h8v1.5H8z"/>',
    "extension": '<path d="M10 3a2 2 0 0 1 4 0v2h5v5h-2a2 2 0 0 0 0 4h2v5h-5v-2a2 2 0 0 0-4 0v2H5v-5h2a2 2 0 0 0 '
    '0-4H5V5h5z"/>',
    "hearing": '<path d="M12 2a7 7 0 0 0-7 7h2a5 5 0 0 1 10 0c0 3-3 4-3.5 6.5S12 20 10 20v2c3 0 4.5-2 5-4.5S19 13 19 9'
    'a7 7 0 0 0-7-7z"/>',
    "check_circle": '<path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm-2 15-5-5 1.4-1.4 3.6 3.6 7.6-7.6L19 8z"/>',
    "priority_high": '<path d="M10 3h4v12h-4zm0 15h4v3h-4z"/>',
    "handshake": '<path d="M2 11 7 6l4 2 3-2 8 5-4 5-2-1-2 2-3-1-2 2-3-2z"/>',
    "task_alt": '<path d="M12 2a10 10 0 1 0 9.8 8h-2A8 8 0 1 1 12 4zm-2 15-5-5 1.4-1.4 3.6 3.6 9.6-9.6L21 6z"/>',
    "construction": '<path d="m14 6 4-4 4 4-4 4zM3 19l9-9 2 2-9 9z"/>',
    "chat": '<path d="M3 3h18v14H7l-4 4z"/>',
    "calendar_month": '<path d="M4 5h16v16H4zm2 5v9h12v-9zM7 2h2v4H7zm8 0h2v4h-2z"/>',
    "schedule": '<path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 5v5.4l4 2.4-.8 1.3L11 13V7z"/>',
    "leaderboard": '<path d="M2 21V11h6v10zm7 0V4h6v17zm7 0v-7h6v7z"/>',
}


# -- writing the folder and swapping it in -------------------------------------------------------------------------
_PUBLISH_LOCK = threading.Lock()  # one publish at a time in this process (a lock file covers other processes)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux's renameat2 with RENAME_EXCHANGE); False where it is not
    available (another system, an old kernel, a file system without it)."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)


def _swap(new: Path, out: Path) -> None:
    """Put the finished ``new`` folder in place of ``out``, then remove the old site (``<name>.old``)."""
    old = out.with_name(f"{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.is_dir() and _exchange(new, out):
        shutil.rmtree(new)  # after the exchange, ``new`` holds the old site
        return
    if out.exists():
        os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _folder_lock(out: Path) -> Iterator[None]:
    """Held while publishing into ``out``: one publish at a time, in this process and across processes (the app
    and a command line run may both publish)."""
    with _PUBLISH_LOCK, open(out.with_name(f".{out.name}.lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def status_path(out: Path) -> Path:
    """Where the outcome of the last publish into ``out`` is recorded: ``<name>.status.json`` beside it."""
    return out.with_name(f"{out.name}.status.json")


@dataclass(frozen=True)
class PublishStatus:
    """The outcome of the last publish: when, whether it worked, and its message (the summary, or why not)."""

    when: str
    ok: bool
    message: str
    folder: str


_LAST_STATUS: dict[str, PublishStatus] = {}  # by folder: kept in memory too, for when the JSON cannot be written


def _record(out: Path, ok: bool, message: str) -> PublishStatus:
    status = PublishStatus(datetime.now().isoformat(timespec="seconds"), ok, message, str(out))
    _LAST_STATUS[str(out)] = status
    try:
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.status-", dir=out.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(status.__dict__, file, indent=2)
        os.chmod(name, 0o644)  # read by whoever reads the site's folder (mkstemp makes it owner-only)
        os.replace(name, status_path(out))
    except OSError:
        LOG.exception("The publish status could not be written beside %s", out)
    return status


def read_status(out: Path) -> PublishStatus | None:
    """The last publish into ``out`` (from its status file, else this process's memory), or None if never."""
    try:
        raw = json.loads(status_path(out).read_text(encoding="utf-8"))
        return PublishStatus(str(raw["when"]), bool(raw["ok"]), str(raw["message"]), str(raw["folder"]))
    except (OSError, ValueError, KeyError, TypeError):
        return _LAST_STATUS.get(str(out))


def publish(store: Store, config: Config, out: Path, pages: Sequence[SitePage] = SITE_PAGES) -> PublishResult:
    """Write the public site of ``pages`` into ``out`` (created, or replaced whole), as the forum sees the views.

    The site is built in ``<name>.new`` beside ``out`` and swapped in (``_swap``); on any failure the new folder
    is removed, ``out`` is left exactly as it was, the failure is recorded (``read_status``) and ``PublishError``
    raised. ``out`` must not be a file."""
    started = time.perf_counter()
    out = Path(out).expanduser().absolute()
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out} is a file, not a folder: give a folder to publish the site into.")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"The folder {out.parent} cannot be made ({exc.strerror}); nothing was published.") from exc
    new = out.with_name(f"{out.name}.new")
    building = False  # True once this call holds the lock and owns ``new``
    try:
        with _folder_lock(out):
            building = True
            shutil.rmtree(new, ignore_errors=True)  # left by a publish that was killed
            new.mkdir()
            written = _write_site(store, config, new, pages)
            files = sum(1 for path in new.rglob("*") if path.is_file())
            _swap(new, out)
            result = PublishResult(out, written, files, data_as_at(store), time.perf_counter() - started)
            _record(out, True, result.summary())
            return result
    except Exception as exc:  # any failure: the last good site stays, and the officers are told
        if building:
            shutil.rmtree(new, ignore_errors=True)
        reason = str(exc) if isinstance(exc, PublishError) else f"{type(exc).__name__}: {str(exc)[:200]}"
        message = f"Publishing failed; the last site is unchanged. {reason}"
        _record(out, False, message)
        LOG.exception("Publishing the site to %s failed", out)
        raise PublishError(message) from exc


def site_zip(store: Store, config: Config) -> bytes:
    """The whole site as a zip (for officers when no ``publish.folder`` is set): published into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="sendlib-site-") as work:
        folder = Path(work) / "site"
        publish(store, config, folder)
        buffer = _zip_folder(folder)
    return buffer


def _zip_folder(folder: Path) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"site/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


# -- kept current --------------------------------------------------------------------------------------------------
class Republisher:
    """Republishes one store's site into one folder in a background thread after each committed change: one
    publish at a time, changes that arrive meanwhile folded into one more. Failures are recorded, never raised."""

    def __init__(self, store: Store, config: Config, out: Path) -> None:
        self.store, self.config, self.out = store, config, out
        self._wanted = threading.Event()
        self._idle = threading.Condition()
        self._busy = False
        self.runs = 0  # publishes done (or tried) so far
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="sendlib-publish", daemon=True)
        self._thread.start()

    def changed(self) -> None:
        """The store changed: publish again soon (the store's commit hook)."""
        if self._closed:
            return
        with self._idle:
            self._busy = True
        self._wanted.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no publish is wanted or running (True), or ``timeout`` seconds pass (False)."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._busy, timeout)

    def close(self) -> None:
        """Stop republishing (after the publish under way, if any): the hook is left but does nothing more."""
        self._closed = True
        self._wanted.set()
        self._thread.join(timeout=600)
        with _REPUBLISHERS_LOCK:
            for key in [key for key, value in _REPUBLISHERS.items() if value is self]:
                del _REPUBLISHERS[key]

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._closed:
                with self._idle:
                    self._busy = False
                    self._idle.notify_all()
                return
            try:
                self.runs += 1
                LOG.info(publish(self.store, self.config, self.out).summary())
            except Exception:  # noqa: BLE001 - recorded in the status file by publish; the app and the write go on
                LOG.warning("Republishing the site failed; see %s", status_path(self.out))
            with self._idle:
                if not self._wanted.is_set():
                    self._busy = False
                    self._idle.notify_all()


_REPUBLISHERS: dict[tuple[int, str], Republisher] = {}
_REPUBLISHERS_LOCK = threading.Lock()


def keep_current(store: Store, config: Config) -> Republisher | None:
    """With ``publish.folder`` set, republish the site after every committed change to ``store`` (its commit
    hook: every load, undo and edit, from the app or the command line); the Republisher, or None when off.
    Calling it again for the same store and folder returns the same Republisher."""
    out = config.publish_folder
    if out is None:
        return None
    key = (id(store), str(out))
    with _REPUBLISHERS_LOCK:
        if key not in _REPUBLISHERS:
            republisher = Republisher(store, config, out)
            store.add_commit_hook(republisher.changed)
            _REPUBLISHERS[key] = republisher
        return _REPUBLISHERS[key]
