"""You said, we did: what families and young people told us, and what was done about it, newest first."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import ui
from sendlib import text, you_said
from sendlib.entries import MAX_COMMITMENT_REFERENCE, MAX_LINKED, MAX_REFERENCE, MAX_TEXT, MAX_THEME
from sendlib.views import Filters
from sendlib.views import you_said as views

ui.page_guard()
config = ui.get_config()
actor = ui.current_actor()

st.title("You said, we did")
st.markdown(
    f"What children, young people and families in **{text.markdown(config.area.name)}** told us, and "
    "what we did about it. The newest are first. Where we are still working on something, it says so."
)
ui.page_link("pages/easy_read.py", label="Read this in easy read")

# Today is part of the cache key: an answer published for a later date appears on that day.
published = ui.view(views.items, Filters(as_of=date.today()))
if published is not None and published.table is not None:
    st.markdown(text.markdown(published.summary))
    # The items as cards, one group per theme in the view's order (not a table: each is a short story).
    for theme, part in published.table.groupby("Theme", sort=False):
        st.subheader(text.markdown(str(theme)))
        for row in part.to_dict("records"):
            with st.container(border=True):
                if row["State"] == "open":
                    st.markdown(":orange-badge[:material/pending: We are working on it]")
                else:
                    st.markdown(":green-badge[:material/check_circle: Done]")
                st.markdown(f"**{text.markdown(row['You said'])}**")
                st.markdown(text.markdown(row["What we did"]))
                st.caption(text.markdown(row["Details"]))

if actor is None or not actor.may("edit"):
    st.stop()

st.subheader("Add or answer an item (officers)")
items = ui.query(you_said.query_items, date.today())  # every item, published or not: the forms' choices
unpublished = items[items["published_on"].isna()]
if not unpublished.empty:
    st.caption(f"{len(unpublished)} item(s) have no published answer yet and are not shown to families.")
add, answer = st.tabs(["Record what was said", "Record what we did"])
with add, st.form("add_you_said", clear_on_submit=True):
    cols = st.columns(3)
    said_on = cols[0].date_input(
        "When it was said", value=date.today(), max_value=date.today(), format="DD/MM/YYYY", key="said_on"
    )
    said_by = cols[1].selectbox("Who said it", you_said.SAID_BY, key="said_by")
    theme = cols[2].text_input("Theme", max_chars=MAX_THEME, key="said_theme", placeholder="e.g. Being heard")
    what = st.text_area("What was said (their words where possible)", max_chars=MAX_TEXT, key="said_text")
    cols = st.columns(2)
    activity = cols[0].text_input(
        "Engagement activity reference (optional)", max_chars=MAX_REFERENCE, key="said_activity"
    )
    linked = cols[1].text_input(
        "Commitment references, comma-separated (optional)",
        max_chars=MAX_LINKED * (MAX_COMMITMENT_REFERENCE + 2),
        key="said_commitments",
    )
    if st.form_submit_button("Record it", type="primary"):
        ui.run_edit(
            lambda: you_said.add_item(
                ui.get_store(),
                actor,
                said_on=said_on,
                said_by=said_by,
                what_was_said=what,
                theme=theme,
                activity_reference=activity,
                commitment_references=[r.strip() for r in linked.split(",") if r.strip()],
            ),
            "Recorded. Add what we did to publish it.",
        )
with answer:
    # The item is chosen outside the form so that the fields start from its answer as published now: changing
    # the state alone keeps what we did, and the other way round.
    choices = {f"{row.theme}: {row.what_was_said[:80]}": int(row.item_id) for row in items.itertuples()}
    chosen = st.selectbox("Item", list(choices), key="answer_item")
    answered = items.set_index("item_id").loc[choices[chosen]] if chosen else None
    did_now = str(answered["what_we_did"]) if answered is not None and pd.notna(answered["what_we_did"]) else ""
    state_now = str(answered["state"]) if answered is not None and pd.notna(answered["state"]) else you_said.STATES[0]
    stamp = f"{choices.get(chosen or '', '')}_{hash((did_now, state_now))}"
with answer, st.form("answer_you_said", clear_on_submit=True):
    did = st.text_area("What we did", value=did_now, max_chars=MAX_TEXT, key=f"answer_text_{stamp}")
    cols = st.columns(2)
    state = cols[0].radio(
        "State",
        you_said.STATES,
        index=you_said.STATES.index(state_now) if state_now in you_said.STATES else 0,
        horizontal=True,
        key=f"answer_state_{stamp}",
        format_func=lambda s: "Still working on it" if s == "open" else "Done",
    )
    publish = cols[1].checkbox("Publish now (families see it)", value=True, key="answer_publish")
    if st.form_submit_button("Record what we did", type="primary") and chosen:
        ui.run_edit(
            lambda: you_said.respond(
                ui.get_store(),
                actor,
                item_id=choices[chosen],
                what_we_did=did,
                state=state,
                published_on=date.today() if publish else None,
            ),
            "Recorded.",
        )
if message := st.session_state.pop("edit_message", None):
    st.success(message)
