"""The pages a public service owes: accessibility statement, privacy notice, cookies and feedback, as Documents.

Each is one function ``(store, config) -> Document`` (``sendlib.documents``): plain data the app (``ui``) and
the published site render alike. Every contact detail and date comes from ``config.public`` (the council fills
it in: README, *The public pages*); a detail not filled in is named by ``missing_settings`` so officers see it.

What the accessibility statement says about testing is read from the test suite's own result when there is
one: ``tests/test_accessibility.py`` writes ``test-artifacts/accessibility-report.json`` (when it ran, the axe-core
version and rules, the page views checked, what it found by impact). Without it the statement names the checks
and says no dated result is on this server. Known issues are listed honestly: what the automatic checks cannot
see, and what we know the framework does.

The cookies page lists every cookie the app sets (``COOKIES``; ``tests/test_public_pages_browser.py`` checks it
against a real browser session); the published site sets none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sendlib.auth import SESSION_COOKIE
from sendlib.config import PROJECT_ROOT, Config
from sendlib.documents import Document, Link, Section
from sendlib.periods import day_words
from sendlib.store import Store

SERVICE = "SEND Commissioning Dashboard"
ACCESSIBILITY_REPORT = PROJECT_ROOT / "test-artifacts" / "accessibility-report.json"
EASS = "https://www.equalityadvisoryservice.com/"
ICO = "https://ico.org.uk/make-a-complaint/"
WCAG = "https://www.w3.org/TR/WCAG22/"
ABILITYNET = "https://mcmw.abilitynet.org.uk/"
REPLY_DAYS = 10  # working days to answer a request for another format or an accessibility problem

# The page slugs: the app's addresses (url_path) and the published site's file names.
ACCESSIBILITY, PRIVACY, COOKIES_SLUG, FEEDBACK = "accessibility", "privacy", "cookies", "feedback"


@dataclass(frozen=True)
class Cookie:
    """One cookie the app may set: its name, who sets it, why, how long it lasts, and when it is set."""

    name: str
    set_by: str
    purpose: str
    expires: str
    when: str

    def line(self) -> str:
        """The cookie in one line for the cookies page."""
        return f"{self.name} — {self.purpose} Set by {self.set_by}, {self.when}. {self.expires}"


def cookies(config: Config) -> tuple[Cookie, ...]:
    """Every cookie the app sets. Streamlit 1.67's own: ``_streamlit_xsrf`` on every visit (server.
    enableXsrfProtection, on by default), and ``_streamlit_session``, ``_streamlit_user`` and
    ``_streamlit_user_tokens`` only with council sign-in (OpenID Connect, ``st.login``; a long value is split over
    ``_streamlit_user_1`` … ); ours, ``SESSION_COOKIE``, after a local sign-in (``ui.identity``)."""
    hours = config.access.session_hours
    return (
        Cookie(
            "_streamlit_xsrf",
            "Streamlit (the software the dashboard runs on)",
            "Proves that what your browser sends comes from this site's own pages, not another site "
            "(protection against cross-site request forgery). It holds a random token, nothing about you.",
            "It is deleted when you close your browser.",
            "on every visit",
        ),
        Cookie(
            SESSION_COOKIE,
            "this dashboard",
            "Keeps you signed in when you reload the page or open a link in a new tab. It holds your account's "
            "e-mail address and a signed number that sign-out cancels; never your password.",
            f"It lasts {hours} hours, and stops working at once when you sign out.",
            "when you sign in with an account an officer set up for you",
        ),
        Cookie(
            "_streamlit_session",
            "Streamlit",
            "Remembers where a council sign-in started until the council's sign-in page sends you back.",
            "It lasts until the sign-in is finished (at most 14 days).",
            "only when the council's own sign-in is used",
        ),
        Cookie(
            "_streamlit_user",
            "Streamlit",
            "Keeps you signed in with the council's own sign-in: your name and e-mail address from it, signed.",
            "It lasts 30 days, or until you sign out.",
            "only when the council's own sign-in is used (a long value is split over _streamlit_user_1, _2 …)",
        ),
        Cookie(
            "_streamlit_user_tokens",
            "Streamlit",
            "Holds the council sign-in's proof that you signed in, signed.",
            "It lasts 30 days, or until you sign out.",
            "only when the council's own sign-in is used",
        ),
    )


def missing_settings(config: Config) -> list[str]:
    """The ``public.`` settings the council has not filled in yet (the pages say less without them)."""
    wanted = ("contact_email", "dpo_contact", "statement_prepared", "statement_reviewed")
    return [f"public.{name}" for name in wanted if not getattr(config.public, name)]


def _date_words(value: str) -> str:
    return day_words(date.fromisoformat(value)) if value else ""


def _contact_links(config: Config) -> tuple[Link, ...]:
    links = []
    if config.public.contact_email:
        links.append(Link(f"E-mail {config.public.contact_email}", f"mailto:{config.public.contact_email}"))
    if config.public.contact_phone:
        phone = config.public.contact_phone
        links.append(Link(f"Call {phone}", "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")))
    return tuple(links)


def _contact_words(config: Config) -> str:
    """How to reach the team, in a sentence."""
    ways = []
    if config.public.contact_email:
        ways.append(f"e-mail {config.public.contact_email}")
    if config.public.contact_phone:
        ways.append(f"call {config.public.contact_phone}")
    if not ways:
        return f"Contact {config.organisation}'s SEND team, or use the Feedback page of this service."
    return f"Please {' or '.join(ways)}, or use the Feedback page of this service."


# -- accessibility statement ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccessibilityResult:
    """What the test suite's accessibility run found: when, with what, over which page views."""

    tested_on: date
    tool: str
    rules: tuple[str, ...]
    page_views: int
    pages: tuple[str, ...]
    viewports: tuple[str, ...]
    blocking: int
    by_impact: dict[str, int]
    findings: tuple[str, ...]  # "moderate: <help> (rule id)", one per rule found


def read_accessibility_report(path: Path = ACCESSIBILITY_REPORT) -> AccessibilityResult | None:
    """The result ``tests/test_accessibility.py`` wrote, or None when there is none (or it cannot be read)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return AccessibilityResult(
            tested_on=date.fromisoformat(str(raw["tested_on"])),
            tool=str(raw["tool"]),
            rules=tuple(str(rule) for rule in raw["rules"]),
            page_views=int(raw["page_views"]),
            pages=tuple(str(page) for page in raw["pages"]),
            viewports=tuple(str(size) for size in raw["viewports"]),
            blocking=int(raw["blocking"]),
            by_impact={str(k): int(v) for k, v in raw["by_impact"].items()},
            findings=tuple(str(line) for line in raw["findings"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


# What we know the automatic checks do not show, or the framework does: said plainly in the statement.
KNOWN_ISSUES: tuple[str, ...] = (
    "Charts are pictures. Each has a one-sentence summary, read out by screen readers and shown under it, and "
    "its figures as a table one click away; but a screen reader cannot move around inside the chart itself.",
    "Tables of figures are drawn by the software the dashboard runs on (Streamlit). Screen readers reach their "
    "cells, but moving around a large table is slow; every table can also be downloaded as CSV or Excel.",
    "The dashboard needs JavaScript: without it, nothing shows. The pages the council publishes from it are "
    "plain web pages and do not.",
    "The meeting pack (PDF and PowerPoint) and the printable 'How your voice made a difference' letters are "
    "not tagged PDFs, so a screen reader reads them as plain text without headings. Ask us for another format.",
    "We have not yet had the dashboard tested by disabled people or audited by hand against every WCAG 2.2 "
    "success criterion; the checks below are automatic, plus one keyboard-only journey.",
    "A local sign-in ends after the time the council sets (8 hours unless changed). A form left open longer "
    "asks you to sign in again, and what was typed in it is lost.",
)


def accessibility_statement(store: Store, config: Config, *, report: Path = ACCESSIBILITY_REPORT) -> Document:
    """The accessibility statement (GOV.UK's model): using the service, how accessible it is, the WCAG 2.2 AA
    status (partially compliant), known issues, what is tested and when (from ``report`` when present), other
    formats, reporting problems, the enforcement procedure, and the dates prepared and reviewed."""
    organisation = config.organisation
    result = read_accessibility_report(report)
    prepared, reviewed = (_date_words(config.public.statement_prepared), _date_words(config.public.statement_reviewed))
    issues = list(KNOWN_ISSUES)
    if result is not None and result.findings:
        issues += [f"The automatic check found: {line}" for line in result.findings]
    sections = [
        Section(
            "Using this service",
            (
                f"This service is run by {organisation}. We want as many people as possible to be able to use it. "
                "You should be able to:",
            ),
            (
                "change colours, contrast levels and fonts using your browser or device settings",
                "zoom in up to 400% without the text spilling off the screen",
                "move around the whole service using just a keyboard",
                "use it with a screen reader: every chart has a one-sentence summary and a table of its figures",
                "use it on a phone: every page fits a 390 pixel wide screen",
                "read the Easy read page: the figures in short sentences and everyday words",
            ),
            (Link("AbilityNet has advice on making your device easier to use", ABILITYNET),),
        ),
        Section(
            "How accessible this service is",
            ("We know some parts of this service are not fully accessible:",),
            tuple(issues),
        ),
        Section(
            "Compliance status",
            (
                "This service is partially compliant with the Web Content Accessibility Guidelines (WCAG) version "
                "2.2 AA standard, due to the non-compliances and gaps listed above.",
            ),
            links=(Link("WCAG 2.2", WCAG),),
        ),
        _testing_section(result),
        Section(
            "Asking for another format",
            (
                "If you need information on this service in a different format, like accessible PDF, large print, "
                "easy read, audio recording or braille: " + _contact_words(config),
                f"We'll consider your request and get back to you within {REPLY_DAYS} working days.",
            ),
            links=_contact_links(config),
        ),
        Section(
            "Reporting accessibility problems with this service",
            (
                "We're always looking to improve the accessibility of this service. If you find any problems not "
                "listed on this page or think we're not meeting accessibility requirements: " + _contact_words(config),
            ),
            links=(*_contact_links(config), Link("Send feedback", FEEDBACK)),
        ),
        Section(
            "Enforcement procedure",
            (
                "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector "
                "Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the "
                "'accessibility regulations').",
                "If you're not happy with how we respond to your complaint, contact the Equality Advisory and "
                "Support Service (EASS).",
            ),
            links=(Link("Equality Advisory and Support Service (EASS)", EASS),),
        ),
        Section(
            "Preparation of this accessibility statement",
            tuple(
                line
                for line in (
                    f"This statement was prepared on {prepared}." if prepared else "",
                    f"It was last reviewed on {reviewed}." if reviewed else "",
                    f"This service was last tested on {day_words(result.tested_on)}, by the automatic checks "
                    "described above."
                    if result
                    else "",
                )
                if line
            )
            or ("The council has not yet given the date this statement was prepared.",),
        ),
    ]
    return Document(
        ACCESSIBILITY,
        "Accessibility statement",
        f"This accessibility statement applies to the {config.area.name} {SERVICE}.",
        tuple(sections),
        updated=f"Last reviewed {reviewed}" if reviewed else "",
    )


def _testing_section(result: AccessibilityResult | None) -> Section:
    """What is tested, how and when: the suite's result when present, else the checks it makes."""
    how = (
        "Every page, as every role, is checked in a real browser (Chromium) with axe-core, using its WCAG 2.0, "
        "2.1 and 2.2 level A and AA rules, in normal and presentation mode. A finding of serious or critical "
        "impact stops a release.",
        "A keyboard-only journey is tested from the first Tab: signing in, the menu, a filter, a chart's table "
        "and loading a file, with a visible focus outline at every step.",
        "Every page the forum sees is checked on a 390 by 844 pixel phone screen for sideways scrolling.",
        "Every colour is checked for contrast (4.5 to 1 for text, 3 to 1 for chart marks) and under simulated "
        "colour blindness, and no chart tells two lines or bars apart by colour alone.",
    )
    if result is None:
        return Section(
            "What we test, how and when",
            (*how, "The checks run before every release. No dated result is kept on this server."),
        )
    impacts = ", ".join(f"{count} {impact}" for impact, count in sorted(result.by_impact.items()) if count)
    outcome = (
        f"The last run, on {day_words(result.tested_on)}, used {result.tool} over {result.page_views} page views "
        f"({', '.join(result.viewports)}). It found "
        + ("no serious or critical problem" if not result.blocking else f"{result.blocking} serious or critical")
        + (f"; findings by impact: {impacts}." if impacts else ", and nothing else.")
    )
    # The pages checked, each once ("Overview, officer" and "Overview, forum" are one page seen as two roles).
    pages = tuple(dict.fromkeys(view.split(",")[0] for view in result.pages))
    checked = f"The pages checked: {', '.join(pages)}." if pages else ""
    return Section("What we test, how and when", (*how, outcome, *((checked,) if checked else ())))


# -- privacy notice ------------------------------------------------------------------------------------------------
def privacy_notice(store: Store, config: Config) -> Document:
    """The privacy notice: who is responsible, which personal data the service holds (accounts, sign-in attempts,
    pseudonymous participant records, feedback), why, the lawful basis (public task), how long each is kept
    (from config), who it is shared with, people's rights and who to contact (the DPO from config)."""
    public = config.public
    organisation = config.organisation
    dpo = public.dpo_contact
    dpo_links = (Link(f"E-mail the Data Protection Officer: {dpo}", f"mailto:{dpo}"),) if "@" in dpo else ()
    more = (
        (Link(f"{organisation}'s full privacy notice", public.privacy_notice_url),) if public.privacy_notice_url else ()
    )
    minutes = config.access.failure_window_minutes
    sections = (
        Section(
            "Who we are",
            (
                f"{organisation} runs the {config.area.name} {SERVICE} and is the data controller for the personal "
                "data in it.",
                f"You can contact our Data Protection Officer: {dpo}."
                if dpo
                else "You can contact our Data Protection Officer through the council's main switchboard.",
            ),
            links=dpo_links + more,
        ),
        Section(
            "What personal data the service holds",
            (
                "The dashboard is about groups of children, not one child. School census figures are counts for the "
                "whole area; a file with pupils' names, dates of birth or other personal details is refused, and a "
                "pupil-level extract is counted as it is loaded and never kept.",
                "The personal data it does hold is:",
            ),
            (
                "Accounts for officers, commissioners and forum members: e-mail address, role, a scrambled form of "
                "the password (an argon2id hash: the password itself is never stored), when the account was made and "
                "by whom, and a log of changes to accounts (who changed what, and when).",
                f"Sign-in attempts: the e-mail address typed, the network address it came from, when, and whether it "
                f"worked, kept for {minutes} minutes to slow down password guessing.",
                "Who recorded or changed each record (an officer's e-mail address beside what they entered).",
                "People who took part in engagement activities: usually only counts. Where an activity records people "
                "one by one, the reference given for each person is stored only as a keyed code that cannot be turned "
                "back into the reference, with their kind of help, main need, age band and setting. No names, "
                "addresses or dates of birth.",
                "Feedback sent from the Feedback page: what you wrote, the page it is about, the role you used and "
                "when. Not your account. A way to reply only if you choose to leave one.",
            ),
        ),
        Section(
            "Why we use it",
            (),
            (
                "accounts and sign-in attempts: to let the right people in and keep everyone else out",
                "who recorded what: so every figure and change can be checked",
                "engagement records: to see which children, young people and families we hear from, and who we miss",
                "feedback: to improve the service and to reply to you if you asked us to",
            ),
        ),
        Section(
            "Our lawful basis",
            (
                "We use this data to carry out a task in the public interest (UK GDPR Article 6(1)(e), 'public task'): "
                "our duties under the Children and Families Act 2014 to keep special educational provision under "
                "review and to involve children, young people and parents in decisions.",
                "A child's main type of need is health information. Where engagement records hold it, we rely on "
                "reasons of substantial public interest (UK GDPR Article 9(2)(g) and the Data Protection Act 2018, "
                "Schedule 1, statutory and government purposes).",
            ),
        ),
        Section(
            "How long we keep it",
            (),
            (
                f"Feedback: {public.feedback_months} months, then it is deleted.",
                f"Sign-in attempts: {minutes} minutes.",
                "Accounts: until an officer removes the account; the log of account changes and engagement records "
                f"as long as {public.records_retention} says.",
                "A signed-in session: for as long as the sign-in lasts (see the Cookies page).",
            ),
        ),
        Section(
            "Who we share it with",
            (
                "Nobody. What the public and the parent carer forum see has small numbers hidden, so no child can be "
                "picked out. Backups of the data are kept by the council.",
            ),
        ),
        Section(
            "Your rights",
            (
                "You can ask to see the personal data we hold about you, and ask us to correct it, delete it, limit "
                "how we use it, or object to our using it. "
                + (f"Contact our Data Protection Officer: {dpo}." if dpo else "Contact our Data Protection Officer."),
                "If you are unhappy with how we have used your data you can complain to the Information "
                "Commissioner's Office (ICO), telephone 0303 123 1113.",
            ),
            links=(*dpo_links, Link("Make a complaint to the ICO", ICO)),
        ),
        Section(
            "Cookies",
            ("The cookies this service sets are listed on the Cookies page.",),
            links=(Link("Cookies", COOKIES_SLUG),),
        ),
    )
    return Document(
        PRIVACY,
        "Privacy notice",
        f"How the {config.area.name} {SERVICE} uses personal data, and your rights.",
        sections,
    )


# -- cookies -------------------------------------------------------------------------------------------------------
def cookies_page(store: Store, config: Config) -> Document:
    """Every cookie the app sets (name, purpose, expiry, who sets it and when), that none is for tracking or
    advertising, and that the published site sets none."""
    listed = cookies(config)
    return Document(
        COOKIES_SLUG,
        "Cookies",
        "Cookies are small files saved on your phone, tablet or computer when you visit a website. This service, "
        f"run by {config.organisation}, uses only the cookies it needs to work.",
        (
            Section(
                "Cookies this dashboard sets",
                (
                    "These cookies are essential: the dashboard cannot work safely without them, so we do not ask "
                    "first. None tracks you, measures visits or shows adverts, and none is shared with anyone.",
                ),
                tuple(cookie.line() for cookie in listed),
            ),
            Section(
                "The published pages",
                (
                    "The public pages the council publishes from this dashboard (for example on its Local Offer) "
                    "set no cookies at all.",
                ),
            ),
            Section(
                "Questions",
                (_contact_words(config),),
                links=(*_contact_links(config), Link("Privacy notice", PRIVACY)),
            ),
        ),
    )


# -- feedback ------------------------------------------------------------------------------------------------------
def feedback_page(store: Store, config: Config) -> Document:
    """What the Feedback page (and the published site's feedback page) tells people: what to send, what not to,
    who reads it, what we do with it, and other ways to reach us."""
    return Document(
        FEEDBACK,
        "Feedback",
        "Tell us what works for you in this service, and what does not. Your feedback will help us improve it.",
        (
            Section(
                "What to tell us",
                (
                    "You do not need to give your name. Please do not write anything that could identify a child, "
                    "such as a name, a school or a date of birth.",
                    "If you would like a reply, leave an e-mail address or a phone number. It is kept with your "
                    "message and only officers see it.",
                ),
            ),
            Section(
                "What happens next",
                (
                    f"Officers at {config.organisation} read every message. What many people tell us may become a "
                    "'You said, we did' item, in our own words and without your contact details.",
                    f"We keep feedback for {config.public.feedback_months} months, then delete it.",
                ),
                links=(Link("Privacy notice", PRIVACY),),
            ),
            Section("Other ways to reach us", (_contact_words(config),), links=_contact_links(config)),
        ),
    )


DOCUMENTS: dict[str, Callable[[Store, Config], Document]] = {
    ACCESSIBILITY: accessibility_statement,
    PRIVACY: privacy_notice,
    COOKIES_SLUG: cookies_page,
    FEEDBACK: feedback_page,
}
