"""Feedback: anyone (signed in or not) tells us what works and what does not; officers read what was sent and
can turn a message into a "you said" item."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from sendlib import feedback, public_pages, text, you_said
from sendlib.entries import MAX_COMMITMENT_REFERENCE, MAX_LINKED, MAX_REFERENCE, MAX_TEXT, MAX_THEME
from sendlib.views import PAGES

ui.page_guard()
config = ui.get_config()
signed_in = ui.current_actor()
sender = signed_in or ui.ANONYMOUS_FORUM  # a visitor not signed in sends feedback as the public (forum) role

ui.missing_settings_warning()
ui.show_document(public_pages.feedback_page(ui.get_store(), config))

WHOLE_SERVICE = "The service as a whole"
FIELDS = ("feedback_page", "feedback_message", "feedback_contact")
if st.session_state.get("feedback_sent"):  # the run after a message was taken: the form starts empty again
    for key in (*FIELDS, "feedback_sent"):
        st.session_state.pop(key, None)

st.header("Send us your feedback", anchor=False)
with st.form("feedback_form"):
    about = st.selectbox(
        "Which page is it about? (optional)",
        [WHOLE_SERVICE, *(entry.title for entry in PAGES if sender.role in entry.roles)],
        key="feedback_page",
    )
    message = st.text_area(
        "Your feedback",
        max_chars=feedback.MAX_MESSAGE,
        key="feedback_message",
        help="Please do not write anything that could identify a child, such as a name or a school.",
    )
    contact = st.text_input(
        "How can we reply? (optional)",
        max_chars=feedback.MAX_CONTACT,
        key="feedback_contact",
        help="Only if you would like a reply: an e-mail address or a phone number. Only officers see it.",
    )
    st.caption("Leave the last box empty if you do not want a reply. You do not need to give your name.")
    if st.form_submit_button("Send feedback", type="primary"):

        def send() -> int:
            sent = feedback.send_feedback(
                ui.get_store(),
                sender,
                message=message,
                page="" if about == WHOLE_SERVICE else about,
                contact=contact,
                keep_months=config.public.feedback_months,
            )
            st.session_state.feedback_sent = True
            return sent

        ui.run_edit(send, "Thank you. Your feedback has been sent.")
if signed_in is None or not signed_in.may("read feedback"):
    if done := st.session_state.pop("edit_message", None):
        st.success(done)
    st.stop()

st.header("Feedback received (officers)", anchor=False)
received = feedback.query_feedback(ui.get_store(), signed_in, keep_months=config.public.feedback_months)
if done := st.session_state.pop("edit_message", None):
    st.success(done)
if received.empty:
    st.info("No feedback has been sent yet.")
    st.stop()
st.caption(
    f"{len(received)} message(s), newest first. Messages are deleted after {config.public.feedback_months} months "
    "(config.yaml, `public.feedback_months`). A reply line is there only when the sender left one."
)
shown = pd.DataFrame(
    {
        "Received": received["received_at"].dt.strftime("%d %b %Y %H:%M"),
        "About": received["page"].where(received["page"] != "", WHOLE_SERVICE),
        "Feedback": received["message"],
        "Reply to": received["contact"],
        "Sent as": received["role"],
        "'You said' item": received["item_id"].map(lambda i: "" if pd.isna(i) else f"item {int(i)}"),
    }
)
st.dataframe(shown, hide_index=True, width="stretch")

unused = received[received["item_id"].isna()]
if unused.empty:
    st.caption("Every message has been made into a 'you said' item.")
    st.stop()
st.subheader("Make a message into a 'you said' item", anchor=False)
st.markdown(
    "The item is dated the day the message came in. Write what was said in plain words, without the sender's "
    "contact details; then answer it on the *You said, we did* page to publish it."
)
choices = {f"{row.received_at:%d %b %Y}: {str(row.message)[:80]}": int(row.feedback_id) for row in unused.itertuples()}
chosen = st.selectbox("Feedback message", list(choices), key="feedback_choice")
words = str(unused.set_index("feedback_id").loc[choices[chosen], "message"]) if chosen else ""
with st.form("feedback_to_you_said", clear_on_submit=True):
    what = st.text_area(
        "What was said", value=words, max_chars=MAX_TEXT, key=f"feedback_said_{choices.get(chosen or '', '')}"
    )
    cols = st.columns(2)
    said_by = cols[0].selectbox("Who said it", you_said.SAID_BY, key="feedback_said_by")
    theme = cols[1].text_input("Theme", max_chars=MAX_THEME, key="feedback_theme", placeholder="e.g. Information")
    cols = st.columns(2)
    activity = cols[0].text_input(
        "Engagement activity reference (optional)", max_chars=MAX_REFERENCE, key="feedback_activity"
    )
    linked = cols[1].text_input(
        "Commitment references, comma-separated (optional)",
        max_chars=MAX_LINKED * (MAX_COMMITMENT_REFERENCE + 2),
        key="feedback_commitments",
    )
    if st.form_submit_button("Make it a 'you said' item", type="primary") and chosen:
        ui.run_edit(
            lambda: feedback.make_you_said(
                ui.get_store(),
                signed_in,
                choices[chosen],
                said_by=said_by,
                theme=theme,
                what_was_said=what,
                activity_reference=activity,
                commitment_references=[r.strip() for r in linked.split(",") if r.strip()],
            ),
            f"Made {text.markdown(chosen)} into a 'you said' item. Answer it on the You said, we did page to "
            "publish it.",
        )
