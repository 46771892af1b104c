"""The Publish section of the Upload page: publish the public website now, see how the last publish went, or
download the site as a zip when no ``publish.folder`` is set."""

from __future__ import annotations

import streamlit as st

from sendlib import text
from sendlib.errors import SendlibError
from sendlib.publish import publish, read_status, site_zip
from ui.state import get_config, get_store


def publish_section() -> None:
    """Officers' controls for the public site (README: Publishing to the Local Offer)."""
    config = get_config()
    folder = config.publish_folder
    st.subheader("Public website")
    st.markdown(
        "The forum's views (reach gaps, you said we did, Easy read, primary needs, EHC plans and the stakeholder "
        "grid) as a website of plain pages, with small numbers hidden as the forum sees them."
    )
    if folder is None:
        st.caption(
            "No publish folder is set (publish.folder in config.yaml): download the site and copy it to the "
            "council's web server."
        )
        st.download_button(
            "Publish: download the site (zip)",
            lambda: site_zip(get_store(), get_config()),
            file_name="send-site.zip",
            mime="application/zip",
            key="publish_zip",
            on_click="ignore",
            icon=":material/public:",
            help="Builds the whole site (about half a minute) and downloads it as one zip file",
        )
        return
    st.caption(text.markdown(f"Kept in {folder}: republished by itself after every load, undo and edit."))
    status = read_status(folder)
    if status is not None:
        when = status.when.replace("T", " ")
        if status.ok:
            st.success(text.markdown(f"Last published {when}. {status.message}"), icon=":material/public:")
        else:
            st.error(text.markdown(f"The last publish ({when}) failed. {status.message}"), icon=":material/error:")
    if st.button("Publish now", key="publish_now", icon=":material/public:"):
        with st.spinner("Publishing the site…"):
            try:
                result = publish(get_store(), config, folder)
            except SendlibError as exc:
                st.error(text.markdown(str(exc)))
            else:
                st.success(text.markdown(result.summary()))
