"""Upload: officers load a census file, DfE's EHC plan release or an engagement file — check, preview what changes,
confirm; the load log and undo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

import ui
from sendlib import text
from sendlib.codes import format_period
from sendlib.config import PROJECT_ROOT
from sendlib.errors import SendlibError
from sendlib.ingest import IngestRejected, check_ehcp, load_census, load_ehcp, preview_census, upload_limit
from sendlib.ingest.census import FORMAT_NAMES, FORMATS, uploaded_file
from sendlib.ingest.engagement import load_engagement, preview_engagement
from sendlib.ingest.sen2 import is_sen2_file
from sendlib.loads import PreviewOutOfDate, build_history_table, query_load_history, undo_load

ui.page_guard()
config = ui.get_config()
store = ui.get_store()
actor = ui.require_permission("load")
# The size limit is for files uploaded here (the file box and every check and load); the command line has none.
upload_max_bytes = upload_limit(config)

st.title("Upload data")
templates = PROJECT_ROOT / "data" / "templates"
if "upload_round" not in st.session_state:
    st.session_state.upload_round = 0


def show_refusal(refused: SendlibError) -> None:
    """Why a file was not checked: a refused file's every problem, under one sentence saying nothing was written;
    any other refusal (the store, a role) as its plain message."""
    if not isinstance(refused, IngestRejected):
        st.error(text.markdown(str(refused)))
        return
    rejection = refused
    st.error(
        f"**{text.markdown(rejection.file_name)} cannot be loaded.** {rejection.total} problem"
        f"{'s' if rejection.total != 1 else ''} found; nothing was written. Correct the file and try again."
    )
    st.markdown(
        "\n".join(f"- {text.markdown(str(problem))}" for problem in rejection.problems)
        + (
            f"\n- … and {rejection.total - len(rejection.problems)} more."
            if rejection.total > len(rejection.problems)
            else ""
        )
    )


def template_buttons(kind: str) -> None:
    """The blank template and a filled example of a kind of file, to download."""
    left, right = st.columns(2)
    left.download_button(
        "Download the blank template",
        (templates / f"{kind}-template.csv").read_bytes(),
        file_name=f"{kind}-template.csv",
        mime="text/csv",
        key=f"{kind}_template",
    )
    right.download_button(
        "Download a filled example",
        (templates / f"{kind}-example.csv").read_bytes(),
        file_name=f"{kind}-example.csv",
        mime="text/csv",
        key=f"{kind}_example",
    )


def end_upload(
    preview_key: str, data: bytes | None = None, file_name: str = "", load: Callable[[Path], str] | None = None
) -> None:
    """Load the previewed bytes with ``load`` (when given) and keep its summary, or the reason it was refused,
    to show after the rerun; then clear the preview and the file box. A preview another load has overtaken
    keeps the file chosen, so that checking it again is one click."""
    overtaken = False
    if load is not None and data is not None:
        with uploaded_file(store, data, file_name) as path:
            try:
                st.session_state.upload_message = load(path)
            except SendlibError as refused:  # a refused file describes itself (its problems); the rest are one line
                st.session_state.upload_refusal = str(refused)
                overtaken = isinstance(refused, PreviewOutOfDate)
    st.session_state.pop(preview_key, None)
    forget_undo_choice()
    if not overtaken:
        st.session_state.upload_round += 1
    st.rerun()


def forget_undo_choice() -> None:
    """Start the Undo box afresh after a load or an undo: the newest load in force chosen, the box unticked (a
    choice kept from before would name an older load, and a kept tick would confirm the next undo unasked)."""
    for key in ("undo_choice", "undo_sure"):
        st.session_state.pop(key, None)


def census_section() -> None:
    """Census: choose a file, check it, see what changes, confirm."""
    st.markdown(
        "Load a new census: DfE's *Special educational needs in England* open data, the local template, or a "
        "pupil-level school census extract (it is counted on the way in; no name, UPN or date of birth is kept). "
        "Nothing is written until you confirm, and any load can be undone."
    )
    template_buttons("census")
    uploaded = st.file_uploader(
        "Census file (CSV)",
        type=["csv", "zip"],  # a zip is DfE's EHC plan release, recognised and checked as such
        key=f"census_file_{st.session_state.upload_round}",
        max_upload_size=config.upload.max_file_mb,
    )
    columns = st.columns(2)
    chosen_format = columns[0].selectbox(
        "Format",
        ["auto", *FORMATS],
        key="census_format",
        format_func=lambda f: "Detect from the header" if f == "auto" else FORMAT_NAMES[f],
    )
    period = columns[1].text_input(
        "Census period (pupil-level extracts only)", max_chars=20, placeholder="e.g. 202425 or 2024/25"
    )
    checked = st.button("Check the file", type="primary", key="check_file")

    if checked and uploaded is not None:
        st.session_state.pop("census_preview", None)
        st.session_state.pop("ehcp_preview", None)
        progress = st.progress(0.0, text="Checking the file")
        with uploaded_file(store, uploaded.getvalue(), uploaded.name) as path:
            if is_sen2_file(path):
                st.info(
                    f"This is DfE's EHC plan data ({text.markdown(uploaded.name)}), not a census file: it is checked "
                    "as EHC plans."
                )
                check_ehcp_upload(path, uploaded.name, uploaded.getvalue(), progress)
                progress.empty()
                show_ehcp_preview()
                return
            try:
                preview = preview_census(
                    store,
                    path,
                    config=config,
                    file_name=uploaded.name,
                    fmt=chosen_format,
                    period=period.strip() or None,
                    progress=lambda f, t: progress.progress(f, text=t),
                    max_bytes=upload_max_bytes,
                )
                st.session_state.census_preview = (preview, uploaded.getvalue(), chosen_format, period.strip() or None)
            except SendlibError as refused:
                show_refusal(refused)
        progress.empty()
    elif checked:
        st.warning("Choose a file first.")

    show_ehcp_preview()  # a census upload found to be EHC plan data, checked on an earlier run
    pending = st.session_state.get("census_preview")
    if pending:
        preview, data, chosen_format, chosen_period = pending
        st.subheader(f"Check before loading: {text.markdown(preview.file_name)}")
        st.markdown(
            f"**Format:** {FORMAT_NAMES[preview.format]}  \n"
            f"**Rows read:** {preview.rows_read:,}  \n"
            f"**Census:** {', '.join(format_period(p) for p in preview.periods)}  \n"
            f"**Areas:** {len(preview.areas):,} ({text.markdown(', '.join(preview.areas[:8]))}"
            f"{' …' if len(preview.areas) > 8 else ''})"
        )
        if preview.already_loaded_as is not None:
            st.info(
                f"This exact file is already loaded (load {preview.already_loaded_as}); loading it again "
                "changes nothing."
            )
        for warning in preview.warnings:
            st.warning(text.markdown(warning))
        st.markdown("**Totals in the file**")
        st.dataframe(ui.label_columns(preview.totals), hide_index=True, width="stretch")
        st.markdown("**What changes against what is stored now** (all phases together; blank *before* means new)")
        changed = preview.changes[preview.changes["difference"].fillna(1) != 0]
        st.dataframe(
            ui.label_columns(changed if not changed.empty else preview.changes), hide_index=True, width="stretch"
        )
        confirm, cancel = st.columns([1, 4])
        if confirm.button("Load this file", type="primary", key="confirm_load"):
            progress = st.progress(0.0, text="Loading")
            end_upload(
                "census_preview",
                data,
                preview.file_name,
                lambda path: load_census(
                    store,
                    path,
                    config=config,
                    actor=actor,
                    file_name=preview.file_name,
                    fmt=chosen_format,
                    period=chosen_period,
                    progress=lambda f, t: progress.progress(f, text=t),
                    checked_version=preview.checked_version,
                    max_bytes=upload_max_bytes,
                ).summary(),
            )
        if cancel.button("Cancel", key="cancel_load"):
            end_upload("census_preview")


def check_ehcp_upload(path: Path, name: str, data: bytes, progress: Any) -> None:
    """Check an upload as DfE's EHC plan data and keep its preview (or show why it was refused)."""
    try:
        preview = check_ehcp(
            store,
            path,
            config=config,
            file_name=name,
            max_bytes=upload_max_bytes,
            progress=lambda f, t: progress.progress(f, text=t),
        )
        st.session_state.ehcp_preview = (preview, data)
    except SendlibError as refused:
        show_refusal(refused)


def ehcp_section() -> None:
    """DfE's EHC plan release: the zip as downloaded or one of its CSVs; check it, see what changes, confirm."""
    st.markdown(
        "Load DfE's *Education, health and care plans* release (the SEN2 collection) as you download it: the zip, "
        "or one of its data files (caseload.csv, sen_needs_all_plans.csv, newplans.csv, requests.csv, "
        "assessments.csv, timeliness_20_week.csv, …). Every figure is kept exactly as published, for England, "
        "every region and every local authority. Files already loaded are skipped; nothing is written until you "
        "confirm, and the load can be undone."
    )
    uploaded = st.file_uploader(
        "EHC plan release (zip) or one of its files (CSV)",
        type=["zip", "csv"],
        key=f"ehcp_file_{st.session_state.upload_round}",
        max_upload_size=config.upload.max_file_mb,
    )
    if st.button("Check the file", type="primary", key="check_ehcp"):
        st.session_state.pop("ehcp_preview", None)
        if uploaded is None:
            st.warning("Choose a file first.")
        else:
            progress = st.progress(0.0, text="Checking the file")
            with uploaded_file(store, uploaded.getvalue(), uploaded.name) as path:
                check_ehcp_upload(path, uploaded.name, uploaded.getvalue(), progress)
            progress.empty()
    show_ehcp_preview()


def show_ehcp_preview() -> None:
    """The checked EHC plan file: its files, what changes against what is loaded, and Load / Cancel."""
    pending = st.session_state.get("ehcp_preview")
    if not pending:
        return
    preview, data = pending
    st.subheader(f"Check before loading: {text.markdown(preview.file_name)}")
    if preview.already_loaded_as is not None:
        st.info(
            f"This exact file is already loaded (load {preview.already_loaded_as}); loading it again changes nothing."
        )
    st.markdown("\n".join(f"- {text.markdown(line)}" for line in preview.lines()))
    if not preview.changes.empty:
        st.markdown("**What changes against what is stored now**")
        st.dataframe(ui.label_columns(preview.changes.drop(columns=["what"])), hide_index=True, width="stretch")
    if not preview.examples.empty:
        st.markdown("**The first figures that change**")
        st.dataframe(ui.label_columns(preview.examples), hide_index=True, width="stretch")
    confirm, cancel = st.columns([1, 4])
    if confirm.button("Load this file", type="primary", key="confirm_ehcp"):
        progress = st.progress(0.0, text="Loading")
        end_upload(
            "ehcp_preview",
            data,
            preview.file_name,
            lambda path: load_ehcp(
                store,
                path,
                config=config,
                actor=actor,
                file_name=preview.file_name,
                max_bytes=upload_max_bytes,
                progress=lambda f, t: progress.progress(f, text=t),
                checked_version=preview.checked_version,
            ).summary(),
        )
    if cancel.button("Cancel", key="cancel_ehcp"):
        end_upload("ehcp_preview")


def engagement_section() -> None:
    """Engagement activities: choose a file, check it, see its activities, confirm."""
    st.markdown(
        "Load engagement activities from the engagement template: one line per count of who took part, or one "
        "line per participant with a pseudonymous reference (such as YC-01). References are turned into a keyed "
        "hash on the way in and never kept as given. Nothing is written until you confirm, and a load can be undone."
    )
    template_buttons("engagement")
    chosen = st.file_uploader(
        "Engagement file (CSV)",
        type=["csv"],
        key=f"engagement_file_{st.session_state.upload_round}",
        max_upload_size=config.upload.max_file_mb,
    )
    if st.button("Check the file", type="primary", key="check_engagement"):
        st.session_state.pop("engagement_preview", None)
        if chosen is None:
            st.warning("Choose a file first.")
        else:
            with uploaded_file(store, chosen.getvalue(), chosen.name) as path:
                try:
                    checked = preview_engagement(
                        store, path, config=config, file_name=chosen.name, max_bytes=upload_max_bytes
                    )
                    st.session_state.engagement_preview = (checked, chosen.getvalue())
                except SendlibError as refused:
                    show_refusal(refused)
    pending = st.session_state.get("engagement_preview")
    if not pending:
        return
    checked, data = pending
    st.subheader(f"Check before loading: {text.markdown(checked.file_name)}")
    if checked.already_loaded_as is not None:
        st.info(
            f"This exact file is already loaded (load {checked.already_loaded_as}); loading it again changes nothing."
        )
    else:
        st.markdown(text.markdown(checked.describe()))
        st.dataframe(checked.table(), hide_index=True, width="stretch")
    confirm, cancel = st.columns([1, 4])
    if confirm.button("Load this file", type="primary", key="confirm_engagement"):
        end_upload(
            "engagement_preview",
            data,
            checked.file_name,
            lambda path: load_engagement(
                store,
                path,
                config=config,
                actor=actor,
                file_name=checked.file_name,
                checked_version=checked.checked_version,
                max_bytes=upload_max_bytes,
            ).summary(),
        )
    if cancel.button("Cancel", key="cancel_engagement"):
        end_upload("engagement_preview")


KINDS = {"census": "A census file", "ehcp": "EHC plans (DfE's release)", "engagement": "Engagement activities"}
what = st.radio("What are you loading?", list(KINDS), horizontal=True, key="upload_kind", format_func=KINDS.__getitem__)
if what == "census":
    census_section()
elif what == "ehcp":
    ehcp_section()
else:
    engagement_section()

if message := st.session_state.pop("upload_message", None):
    st.success(text.markdown(message))
if refusal := st.session_state.pop("upload_refusal", None):
    st.warning(text.markdown(refusal))

st.subheader("Past loads")
history = ui.query(query_load_history)
if history.empty:
    st.caption("Nothing has been loaded yet.")
else:
    st.dataframe(build_history_table(history), hide_index=True, width="stretch")
    in_force = history[history["outcome"] == "loaded"]
    if not in_force.empty:
        with st.form("undo_load"):
            st.markdown(
                "**Undo a load.** What that load replaced comes back (a census or EHC plan load) or its "
                "activities stop counting (an engagement load); nothing is deleted."
            )
            choice = st.selectbox(
                "Load to undo",
                in_force["load_id"].tolist(),
                key="undo_choice",
                format_func=lambda i: f"Load {i}: {in_force.set_index('load_id').loc[i, 'file_name']}",
            )
            sure = st.checkbox("Yes, undo this load", key="undo_sure")
            if st.form_submit_button("Undo", key="undo_button"):
                if not sure:
                    st.warning("Tick 'Yes, undo this load' to confirm.")
                else:
                    try:
                        st.session_state.upload_message = undo_load(store, int(choice), actor)
                        forget_undo_choice()
                        st.rerun()
                    except SendlibError as exc:
                        st.error(text.markdown(str(exc)))

ui.publish_section()  # the public website: publish now, or its zip; how the last publish went
