"""The app shell's shared Streamlit helpers: the cached store, cached queries, and how a chart is shown.

Caching lives here, not in sendlib (DESIGN.md §3): one Store per process (every query takes its own
cursor, as DuckDB 2.0 requires across threads), and query results cached by the store's data
version, so a new load is seen at once and an unchanged store is never queried twice.
"""

from __future__ import annotations

import importlib
import logging
import runpy
import re
import os
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitAPIException, StreamlitSecretNotFoundError

from sendlib.auth import (FORUM, Actor, AuthError, account_state, role_for_identity, set_own_password,
                          sign_in)
from sendlib.errors import SendlibError
from sendlib.codes import format_period
from sendlib.config import CONFIG_ENV_VAR, Config, ConfigError, load_config
from sendlib.demo import load_demo, store_is_empty
from sendlib import easy_read, pack, palette, text
from sendlib.backup import backup
from sendlib.charts import with_note
from sendlib.export import figure_to_image, table_to_csv, table_to_xlsx
from sendlib.store import Store, StoreError
from sendlib.views import Audience, Filters, View, ViewFunction


LOG = logging.getLogger("sendlib.app")
_frame = threading.local()
FRAME_SCRIPT = Path(__file__).resolve().parent / "dashboard.py"


def run_in_frame(navigation: Any) -> None:
    """Run the selected page inside the frame (dashboard.py), marking that the frame is active."""
    _frame.active = True
    try:
        navigation.run()
    finally:
        _frame.active = False


def page_guard() -> None:
    """First line of every page: make sure the page runs inside the frame, never on its own.

    Streamlit keeps its legacy ``pages/`` behaviour for the first session of a server process (and for
    every AppTest run) until some script calls ``st.navigation``: a visitor opening ``/upload`` directly
    would run the page file alone, without the frame's configuration and its role checks. When that
    happens we run the frame here instead — it calls ``st.navigation``, which resolves the requested page
    and runs it inside the frame — and stop this bare run. No rerun, so widget events are not lost.
    """
    if getattr(_frame, "active", False):
        return
    runpy.run_path(str(FRAME_SCRIPT), run_name="__main__")
    st.stop()


@st.cache_resource(show_spinner=False)
def _load_config(path: str) -> Config:
    return load_config(path or None)


def get_config() -> Config:
    """The settings from config.yaml (or SENDLIB_CONFIG), read once per process and file.

    A malformed file stops the page with the key that is wrong.
    """
    try:
        return _load_config(os.environ.get(CONFIG_ENV_VAR, ""))
    except ConfigError as exc:
        st.error(f"config.yaml cannot be used: {exc}")
        st.stop()
        raise  # unreachable: st.stop() ends the script run


@st.cache_resource(show_spinner="Opening the data store…")
def _open_store(path: str, load_demo_data: bool) -> Store:
    store = Store.open(path)
    if load_demo_data and store_is_empty(store):
        load_demo(store, get_config())
    config = get_config()
    if config.store.backup_folder:
        _start_backups(store, Path(config.store.backup_folder), config.store.backup_every_hours)
    return store


def _start_backups(store: Store, folder: Path, every_hours: int) -> None:
    """Back the store up into ``folder`` every ``every_hours`` from this process, which holds the store (a
    separate backup process could not open it while the dashboard runs). A failure is logged, never fatal."""

    def loop() -> None:
        while True:
            try:
                LOG.info(backup(store, folder / f"send-{datetime.now():%Y-%m-%d-%H%M}"))
            except Exception:  # noqa: BLE001 — a failed backup must not stop the dashboard; it goes to the log
                LOG.exception("The scheduled backup failed")
            time.sleep(every_hours * 3600)

    threading.Thread(target=loop, name="sendlib-backups", daemon=True).start()


def get_store() -> Store:
    """The process's store, opened (and seeded with demo data when empty and so configured) on first use.

    A store that cannot be opened stops the page with one plain sentence saying what to do.
    """
    config = get_config()
    try:
        return _open_store(str(config.db_path), config.store.demo_on_first_run)
    except StoreError as exc:
        LOG.error("The data store could not be opened", exc_info=exc)  # the traceback, for the log only
        st.error(text.markdown(str(exc)))
        st.stop()
        raise  # unreachable: st.stop() ends the script run


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_call(module: str, name: str, store_path: str, data_version: str, args: tuple[Any, ...]) -> Any:
    function = getattr(importlib.import_module(module), name)
    return function(get_store(), *args)


def query(function: Callable[..., Any], *args: Any) -> Any:
    """``function(store, *args)``, cached until the store's data changes (keyed by the store's file too, so
    two stores in one process — as in the tests — never share results)."""
    store = get_store()
    return _cached_call(function.__module__, function.__name__, store.path, store.data_version(), tuple(args))


def show_chart(
    figure: go.Figure,
    *,
    summary: str,
    table: pd.DataFrame | None = None,
    table_label: str = "Show the figures as a table",
    table_expanded: bool = False,
    column_config: dict[str, Any] | None = None,
    note: str | None = None,
    key: str,
) -> None:
    """A chart, its one-sentence summary (visible, and the chart's text alternative), its table, and downloads:
    the chart as PNG and SVG (title, source line and any suppression ``note`` inside the image) and the table
    as CSV and Excel (made when clicked; formulas neutralised)."""
    shown = scaled_for_projector(figure) if presenting() else figure
    # The summary is also the chart's accessible name (role="figure" with aria-label): a screen reader announces it.
    st.plotly_chart(shown, key=key, config={"displaylogo": False, "responsive": True}, alt=summary)
    st.markdown(text.markdown(summary))  # summaries quote names from uploaded files: text, never markup
    if table is not None:
        # Counts with thousands separators, as in the charts, unless the page formats a column itself.
        formats = {column: st.column_config.NumberColumn(format="localized")
                   for column in table.columns if pd.api.types.is_integer_dtype(table[column])}
        formats.update(column_config or {})
        with st.expander(table_label, expanded=table_expanded):
            st.dataframe(table, hide_index=True, column_config=formats, width="stretch")
    download_row(figure, table, note=note, key=key)


def audience() -> Audience:
    """Who is looking at this session's pages (the signed-in role; the public forum role when signed out)."""
    actor = current_actor()
    return Audience.of(actor.role if actor is not None else FORUM, get_config())


def view(build: ViewFunction, filters: Filters | None = None) -> View | None:
    """``build(store, config, filters, audience)`` for this session's audience, cached until the data changes."""
    result: View | None = query(build, get_config(), filters or Filters(), audience())
    return result


def show_view(view: View | None, *, key: str | None = None, heading: bool = True) -> None:
    """Render one view: its title as a heading, headline tiles, chart (its summary as the accessible name),
    further sentences, notes, table and downloads. Nothing when ``view`` is None (nothing to show)."""
    if view is None:
        return
    if heading:
        st.subheader(text.markdown(view.title), anchor=False)
    if view.metrics:
        for column, metric in zip(st.columns(len(view.metrics)), view.metrics):
            column.metric(metric.label, metric.value, delta=metric.delta, delta_color="off", help=metric.help,
                          delta_arrow="auto" if metric.arrow else "off")
    decimals = get_config().display.percent_decimals
    percent = st.column_config.NumberColumn(format=f"%.{decimals}f%%")
    column_config = {column: percent for column in view.percent_columns}
    if view.figure is not None:
        show_chart(view.figure, summary=view.summary, table=view.table, table_label=view.table_label,
                   table_expanded=view.table_expanded, column_config=column_config, note=view.suppression_note,
                   key=key or view.key)
    else:
        if view.table is not None or not view.metrics:  # a tiles-only view's summary is its tiles in words
            st.markdown(text.markdown(view.summary))
        if view.table is not None:
            st.dataframe(view.table, hide_index=True, column_config=column_config, width="stretch")
    for sentence in view.sentences:
        st.markdown(text.markdown(sentence))
    for note in view.notes:
        st.caption(text.markdown(note))


def download_row(figure: go.Figure, table: pd.DataFrame | None, *, note: str | None, key: str) -> None:
    """PNG, SVG, CSV and Excel downloads for one chart, each made only when clicked (no rerun)."""
    stem = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    exported = with_note(figure, note)
    columns = st.columns([1, 1, 1, 1, 4])

    def image(fmt: str) -> Callable[[], bytes]:
        return lambda: figure_to_image(exported, fmt=fmt, width=1400)

    columns[0].download_button("PNG", image("png"), file_name=f"{stem}.png", mime="image/png", key=f"{key}_png",
                               on_click="ignore", icon=":material/image:", help="The chart as an image")
    columns[1].download_button("SVG", image("svg"), file_name=f"{stem}.svg", mime="image/svg+xml",
                               key=f"{key}_svg", on_click="ignore", icon=":material/image:",
                               help="The chart as a scalable image, for slides and print")
    if table is not None:
        columns[2].download_button("CSV", lambda: table_to_csv(table), file_name=f"{stem}.csv", mime="text/csv",
                                   key=f"{key}_csv", on_click="ignore", icon=":material/table:",
                                   help="The figures as a CSV file")
        columns[3].download_button("Excel", lambda: table_to_xlsx(table), file_name=f"{stem}.xlsx",
                                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                   key=f"{key}_xlsx", on_click="ignore", icon=":material/table:",
                                   help="The figures as an Excel workbook")


# -- presentation mode and links that reopen a view --------------------------------------------------------------
PRESENT_PARAM = "present"
PROJECTOR_FONT_SCALE = 1.35
PROJECTOR_MAX_HEIGHT = 600  # a chart fits a 1280×720 projector under the page title


def presenting() -> bool:
    """True when the address asks for presentation mode (``?present=1``)."""
    return st.query_params.get(PRESENT_PARAM, "") in ("1", "true", "yes", "on")


def scaled_for_projector(figure: go.Figure) -> go.Figure:
    """A copy of the chart with larger text, grown to fit it but no taller than a projector shows at once
    (unless it was already taller)."""
    copy = go.Figure(figure)
    base = copy.layout.font.size or 14
    title = copy.layout.title.font.size or 20
    height = copy.layout.height or PROJECTOR_MAX_HEIGHT
    # Larger text needs more room; a chart already taller than a projector (one row per group) keeps its height.
    copy.update_layout(font={"size": round(base * PROJECTOR_FONT_SCALE)},
                       title={"font": {"size": round(title * PROJECTOR_FONT_SCALE)}},
                       height=round(min(height * PROJECTOR_FONT_SCALE, max(height, PROJECTOR_MAX_HEIGHT))))
    copy.update_xaxes(tickfont={"size": round(base * PROJECTOR_FONT_SCALE)})
    copy.update_yaxes(tickfont={"size": round(base * PROJECTOR_FONT_SCALE)})
    return copy


# Our own fixed CSS (never text from a file or a user): hide the sidebar, the toolbar and every control, and
# enlarge the text, so the page reads on a projector. The filters still apply: they come from the address.
_PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stExpander"], [data-testid="stForm"], [data-testid="stTabs"],
[data-testid="stElementContainer"]:has(> [data-testid="stDownloadButton"]),
[data-testid="stElementContainer"]:has([data-testid="stWidgetLabel"]):not(.st-key-leave_presentation),
[data-testid="stElementContainer"]:has(> [data-testid="stButton"]):not(.st-key-leave_presentation),
[data-testid="stElementContainer"]:has([data-testid="stFileUploader"]) { display: none !important; }
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 100%; }
</style>
"""


# WCAG 2.2 AA fixes to Streamlit's own styling, found by axe-core (tests/test_accessibility.py):
# - captions are drawn in a faded grey (4.2–4.4:1); they carry sources and dates, so they get note text;
# - the day/month/year parts of a date box are 18×20 px, under the 24 px minimum target (2.5.8);
# - keyboard focus gets one strong, visible outline everywhere (2.4.7, 2.4.11), the file upload's hidden
#   input included (shown on its drop zone).
_ACCESSIBLE_CSS = f"""
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{ color: {palette.NOTE_TEXT} !important;
    opacity: 1 !important; }}
[role="spinbutton"][contenteditable] {{ display: inline-block; min-width: 24px; min-height: 24px;
    line-height: 24px; text-align: center; }}
:focus-visible {{ outline: 3px solid {palette.ACCENT} !important; outline-offset: 2px !important; }}
[data-testid="stFileUploaderDropzone"]:focus-within {{ outline-style: solid !important; outline-width: 3px !important;
    outline-color: {palette.ACCENT} !important; }}
</style>
"""


def apply_accessible_styles() -> None:
    """On every page: the styling fixes that keep Streamlit's own widgets within WCAG 2.2 AA."""
    st.html(_ACCESSIBLE_CSS)


def apply_presentation_mode() -> None:
    """In presentation mode: the projector layout, and one way back out."""
    if not presenting():
        return
    st.html(_PRESENTATION_CSS)


def presentation_controls() -> None:
    """The sidebar toggle into presentation mode, and (in it) a small button back out."""
    if presenting():
        if st.button("Leave presentation mode", key="leave_presentation", icon=":material/close_fullscreen:"):
            del st.query_params[PRESENT_PARAM]
            st.rerun()
        return
    with st.sidebar:
        if st.button("Presentation mode", key="enter_presentation", icon=":material/present_to_all:",
                     help="Hide the menu and controls and enlarge the text, for a projector. The address "
                          "(with ?present=1) opens this same view in presentation mode."):
            st.query_params[PRESENT_PARAM] = "1"
            st.rerun()


def url_param(key: str, *, options: list[Any] | None = None, kind: str = "text") -> None:
    """Keep a filter widget's value in the address, so a link opens exactly this view.

    Call before creating the widget with the same ``key`` (and no default ``value``): on the first run of a
    session the value is taken from the address when it is valid (one of ``options``; ``kind`` 'date' for
    ISO dates, 'list' for comma-separated choices); on every run the widget's current value is written
    back to the address.
    """
    raw = st.query_params.get(key)
    if key not in st.session_state and raw is not None:
        value = _parse_param(raw, kind, options)
        if value is not None:
            st.session_state[key] = value
    if key in st.session_state:
        st.query_params[key] = _format_param(st.session_state[key], kind)


def _parse_param(raw: str, kind: str, options: list[Any] | None) -> Any:
    """A value from the address, or None when it is not valid here."""
    if kind == "date":
        try:
            chosen = date.fromisoformat(raw)
        except ValueError:
            return None
        # Every date filter runs from 2000 to today: anything else from a link is ignored, not an error.
        return chosen if date(2000, 1, 1) <= chosen <= date.today() else None
    if kind == "list":
        chosen = [part for part in raw.split(",") if part]
        by_text = {str(option): option for option in options or []}
        return [by_text[part] for part in chosen if part in by_text] if options is not None else chosen
    if options is None:
        return raw
    by_text = {str(option): option for option in options}
    return by_text.get(raw)


def _format_param(value: Any, kind: str) -> str:
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == "list":
        return ",".join(str(v) for v in value)
    return str(value)


# -- who is using the app ---------------------------------------------------------------------------
ANONYMOUS_FORUM = Actor("visitor (not signed in)", FORUM)


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml sets up an OpenID Connect provider ([auth])."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return False


def suppression_threshold(actor: Actor | None, config: Config) -> int | None:
    """The small-number threshold for ``actor``'s views: None (figures as they are) for roles that may see
    unsuppressed figures or when suppression is switched off; else the configured threshold."""
    if actor is not None and actor.may("see unsuppressed"):
        return None
    return config.suppression.threshold or None


def current_actor() -> Actor | None:
    """The signed-in person and their role; the public forum role when access.public allows; else None."""
    config = get_config()
    if oidc_configured():
        if st.user.get("is_logged_in", False):
            email = str(st.user.get("email") or "")
            return Actor(email, role_for_identity(email, config.access))
    elif (signed_in := st.session_state.get("actor")) is not None:
        state = account_state(get_store(), signed_in.name)
        signed_in_at = st.session_state.get("signed_in_at")  # set with "actor" by the sign-in form
        # The account was removed, or its password reset, while this tab was open: the session ends.
        if state is None or (signed_in_at is not None and state.password_set_at > signed_in_at):
            st.session_state.pop("actor", None)
            return ANONYMOUS_FORUM if config.access.public else None
        return Actor(signed_in.name, state.role)
    return ANONYMOUS_FORUM if config.access.public else None


def must_choose_password(actor: Actor) -> bool:
    """True when ``actor`` signed in with a one-time password (a reset or a new account) and must choose their own
    before anything else."""
    if oidc_configured() or actor == ANONYMOUS_FORUM:
        return False
    state = account_state(get_store(), actor.name)
    return state is not None and state.must_change_password


def client_address() -> str:
    """The visitor's network address, for slowing password guessing per client: the connection's own address,
    or behind a reverse proxy the last address in ``access.client_address_header`` (the one the proxy added;
    earlier ones are whatever the visitor sent)."""
    header = get_config().access.client_address_header
    if header:
        forwarded = st.context.headers.get(header)
        if isinstance(forwarded, str) and (last := forwarded.split(",")[-1].strip()):
            return last
    address = st.context.ip_address  # None (or, in AppTest, no real value) when there is no connection
    return address if isinstance(address, str) and address else "unknown"


def require_permission(action: str) -> Actor:
    """The current actor if they may do ``action``; otherwise a polite refusal and the page stops."""
    actor = current_actor()
    if actor is None or not actor.may(action):
        role = actor.role if actor else "not signed in"
        st.warning(f"This part of the dashboard is for officers. You are {'signed in as ' + role if actor else role}.")
        st.stop()
    return actor


def sign_in_page() -> None:
    """The sign-in page: the council's identity provider when configured, else local accounts."""
    config = get_config()
    st.title(f"{text.markdown(config.area.name)} SEND Commissioning Dashboard")
    if oidc_configured():
        st.markdown("Sign in with your council account to continue.")
        if st.button("Sign in", type="primary", key="oidc_sign_in"):
            st.login()
        return
    st.markdown("Sign in with the account an officer set up for you.")
    with st.form("sign_in"):
        email = st.text_input("E-mail address", key="sign_in_email", autocomplete="username")
        password = st.text_input("Password", type="password", key="sign_in_password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            st.session_state.actor = sign_in(get_store(), email, password, config.access, client=client_address())
            st.session_state.signed_in_at = datetime.now()
            st.rerun()
        except AuthError as exc:
            st.error(text.markdown(str(exc)))


def sign_in_page_at(title: str) -> Callable[[], None]:
    """The sign-in form standing at a page's own address (one function per page: Streamlit tells pages apart by
    them); once signed in, the same address opens the page."""

    def sign_in_first() -> None:
        sign_in_page()

    sign_in_first.__name__ = f"sign_in_for_{title}"
    return sign_in_first


def choose_password_page() -> None:
    """After signing in with a one-time password: choose your own before anything else is shown."""
    actor = current_actor()
    st.title("Choose a new password")
    st.markdown("You signed in with a one-time password. Choose your own password (at least 10 characters) to "
                "continue; the one-time password stops working.")
    with st.form("choose_password"):
        first = st.text_input("New password", type="password", key="new_password", autocomplete="new-password")
        second = st.text_input("New password again", type="password", key="new_password_again",
                               autocomplete="new-password")
        submitted = st.form_submit_button("Set my password", type="primary")
    if submitted and actor is not None:
        if first != second:
            st.error("The two passwords differ; type the same password twice.")
            return
        try:
            set_own_password(get_store(), actor, first)
        except AuthError as exc:
            st.error(text.markdown(str(exc)))
            return
        st.session_state.signed_in_at = datetime.now()  # this session chose the new password: it stays signed in
        st.rerun()


def refusal_page(title: str, roles: tuple[str, ...]) -> Callable[[], None]:
    """A page that stands at another role's URL and says, politely, that it is not for this role."""

    def refuse() -> None:
        actor = current_actor()
        st.title(title)
        who = f"You are signed in as **{actor.role}**" if actor and actor != ANONYMOUS_FORUM else "You are not signed in"
        st.info(f"This page is for {' and '.join(roles)} accounts. {who}, so it is not available to you. "
                "Use the menu to see the pages that are.")

    refuse.__name__ = f"refuse_{title.lower().replace(' ', '_')}"
    return refuse


def sidebar_identity(actor: Actor) -> None:
    """Who is signed in, their role, and sign-out."""
    with st.sidebar:
        if actor == ANONYMOUS_FORUM:
            st.caption("Public view: small numbers are hidden. Officers and commissioners: use Sign in.")
            return
        st.markdown(f"Signed in as **{text.markdown(actor.name)}**  \nRole: **{actor.role}**")
        if st.button("Sign out", key="sign_out"):
            if oidc_configured():
                st.logout()
            st.session_state.pop("actor", None)
            st.rerun()


def label_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Column names as people read them ('primary_need' → 'Primary need'); periods spelt out."""
    shown = table.copy()
    if "period" in shown:
        shown["period"] = shown["period"].map(format_period)
    return shown.rename(columns=lambda c: c.replace("_", " ").capitalize())


def run_edit(edit: Callable[[], Any], success: str) -> None:
    """Run an officer's edit; on success remember ``success`` and rerun (so every chart shows the change),
    on refusal show the reason plainly and change nothing (a store error's message is fit to show as it is)."""
    try:
        edit()
    except SendlibError as exc:  # every refusal sendlib raises (entry, role, account, store …) reads plainly
        st.error(text.markdown(str(exc)))
        return
    st.session_state.edit_message = success
    st.rerun()


_EASY_READ_CSS = """
<style>
.easy-read ul { list-style: none; padding-left: 0; margin: 0 0 0.5rem 0; }
.easy-read li { display: flex; gap: 1rem; align-items: center; margin: 0 0 1rem 0; }
.easy-read .words { font-size: 1.5rem !important; line-height: 1.5 !important; }
.easy-read .picture { font-family: 'Material Symbols Rounded'; font-size: 2.4rem !important; line-height: 1;
    flex: 0 0 2.6rem; font-feature-settings: 'liga'; }
</style>
"""


def show_easy_read(parts: list[easy_read.Part]) -> None:
    """Easy read parts: a heading each, then one point per line in large text with its picture beside it.

    The pictures are decorative (hidden from screen readers); the words are escaped text.
    """
    for part in parts:
        st.header(part.title, anchor=False)
        items = "".join(f'<li><span class="picture" aria-hidden="true">{text.html(point.icon)}</span>'
                        f'<span class="words">{text.html(point.text)}</span></li>' for point in part.points)
        st.html(f'{_EASY_READ_CSS}<div class="easy-read"><ul>{items}</ul></div>')
        if part.more:
            page_link(part.more, label="See the full figures")


def source_caption(source: str) -> None:
    """The line saying where the figures came from (it names uploaded files: shown as text)."""
    st.caption(text.markdown(source))


def page_link(page: str, label: str = "Open the page for the detail") -> None:
    """A link to a page when the current role may open it (pages it may not open are not linked)."""
    try:
        st.page_link(page, label=label, icon=":material/arrow_forward:")
    except StreamlitAPIException:  # the page is not in this role's navigation
        pass


def make_meeting_pack(role: str, progress: Callable[[float, str], None]) -> tuple[bytes, bytes]:
    """The meeting pack (deck, PDF) for ``role`` as of today, from the process's store."""
    store, config = get_store(), get_config()
    slides = pack.collect_slides(store, config, role, date.today())
    return pack.build_pack(slides, area=config.area.name, role=role, as_of=date.today(),
                           data_date=pack.data_as_at(store), threshold=config.suppression.threshold,
                           progress=progress)
