"""The pages a public service owes, as Documents: each carries the council's contact details and dates from config,
what the law and GOV.UK's model ask for, and what the test suite's accessibility run found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendlib import public_pages
from sendlib.auth import SESSION_COOKIE
from sendlib.config import Config, ConfigError, load_config
from sendlib.store import Store

PUBLIC_YAML = """
public:
  organisation: Testshire County Council
  contact_email: send.voice@testshire.example
  contact_phone: 01234 567890
  dpo_contact: dpo@testshire.example
  privacy_notice_url: https://testshire.example/privacy
  statement_prepared: 2026-09-01
  statement_reviewed: 2026-11-30
  feedback_months: 18
  records_retention: the Testshire retention schedule
"""


@pytest.fixture
def filled(tmp_path: Path) -> Config:
    path = tmp_path / "config.yaml"
    path.write_text(PUBLIC_YAML, encoding="utf-8")
    return load_config(path)


def test_the_public_settings_read_dates_and_refuse_a_wrong_one(filled: Config, tmp_path: Path) -> None:
    assert filled.public.statement_prepared == "2026-09-01"  # YAML's date kept as its ISO text
    assert filled.organisation == "Testshire County Council"
    assert Config().organisation == "Sunderland Council"  # unset: named from the area
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("public:\n  statement_reviewed: last Tuesday\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"public\.statement_reviewed: 'last Tuesday' is not a date"):
        load_config(wrong)
    assert public_pages.missing_settings(filled) == []
    assert "public.contact_email" in public_pages.missing_settings(Config())


@pytest.mark.parametrize("slug", list(public_pages.DOCUMENTS))
def test_every_page_gives_the_councils_contact_from_config(store: Store, filled: Config, slug: str) -> None:
    document = public_pages.DOCUMENTS[slug](store, filled)
    assert document.slug == slug
    words = document.all_text()
    assert "Testshire County Council" in words
    expected = "dpo@testshire.example" if slug == public_pages.PRIVACY else "send.voice@testshire.example"
    assert expected in words, words
    # Every link is a page of the app/site (a slug) or an address a browser opens.
    for section in document.sections:
        for link in section.links:
            assert link.target in public_pages.DOCUMENTS or link.target.startswith(("https://", "mailto:", "tel:"))


def test_the_accessibility_statement_says_what_the_law_asks(store: Store, filled: Config, tmp_path: Path) -> None:
    words = public_pages.accessibility_statement(store, filled, report=tmp_path / "none.json").all_text()
    assert "partially compliant with the Web Content Accessibility Guidelines (WCAG) version 2.2 AA" in words
    assert "Equality and Human Rights Commission (EHRC)" in words and "Equality Advisory and" in words
    assert "prepared on 1 September 2026" in words and "last reviewed on 30 November 2026" in words
    assert "Charts are pictures" in words and "not tagged PDFs" in words  # known issues, honestly
    assert "No dated result is kept on this server." in words  # no report: the checks, undated
    assert "01234 567890" in words and "10 working days" in words


def test_the_statement_cites_the_suites_accessibility_result(store: Store, filled: Config, tmp_path: Path) -> None:
    report = tmp_path / "accessibility-report.json"
    report.write_text(
        json.dumps(
            {
                "tested_on": "2026-11-28",
                "tool": "axe-core 4.14.1 in Chromium",
                "rules": ["wcag2a", "wcag22aa"],
                "page_views": 47,
                "pages": ["Overview, officer", "Feedback, forum"],
                "viewports": ["1400 × 900 pixels"],
                "blocking": 0,
                "by_impact": {"moderate": 3},
                "findings": ["moderate: Ensure all page content is contained by landmarks (region)"],
            }
        ),
        encoding="utf-8",
    )
    document = public_pages.accessibility_statement(store, filled, report=report)
    words = document.all_text()
    assert "The last run, on 28 November 2026, used axe-core 4.14.1 in Chromium over 47 page views" in words
    assert "no serious or critical problem; findings by impact: 3 moderate." in words
    assert "The automatic check found: moderate: Ensure all page content is contained by landmarks" in words
    assert "last tested on 28 November 2026" in words and "The pages checked: Overview, Feedback." in words
    report.write_text("{not json", encoding="utf-8")  # a damaged file is no result, never a crash
    assert public_pages.read_accessibility_report(report) is None


def test_the_privacy_notice_names_the_data_the_basis_and_how_long(store: Store, filled: Config) -> None:
    words = public_pages.privacy_notice(store, filled).all_text()
    for held in ("e-mail address, role", "argon2id hash", "Sign-in attempts", "keyed code", "Feedback sent"):
        assert held in words, held
    assert "'public task'" in words and "Article 6(1)(e)" in words and "Article 9(2)(g)" in words
    assert "Feedback: 18 months" in words and f"{filled.access.failure_window_minutes} minutes" in words
    assert "the Testshire retention schedule" in words and "Information Commissioner's Office" in words
    assert any(
        link.target == "https://testshire.example/privacy"
        for s in public_pages.privacy_notice(store, filled).sections
        for link in s.links
    )


def test_the_cookies_page_lists_each_cookie_and_none_on_the_published_site(store: Store, filled: Config) -> None:
    words = public_pages.cookies_page(store, filled).all_text()
    for name in ("_streamlit_xsrf", SESSION_COOKIE, "_streamlit_user", "_streamlit_user_tokens", "_streamlit_session"):
        assert name in words, name
    assert f"It lasts {filled.access.session_hours} hours" in words
    assert "set no cookies at all" in words


def test_the_feedback_page_asks_for_no_personal_data(store: Store, filled: Config) -> None:
    words = public_pages.feedback_page(store, filled).all_text()
    assert "You do not need to give your name." in words and "could identify a child" in words
    assert "18 months" in words
