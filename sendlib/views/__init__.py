"""The registry: every page of the dashboard and the views each shows, in page order.

Adding a chart is writing one view function (``sendlib.views.base``) and naming it here. The pages render
these views; the meeting pack is ``views_for(audience)`` in this order, so it cannot drift from the pages;
the small-numbers tests run over every entry, so a new view is covered without a new test.

A page's headline (its tiles and lines on the Overview) is the view keyed ``"<url_path>.headline"``: it has
``metrics`` and ``sentences``, and ``missing`` when the page's data is not loaded.
"""

from __future__ import annotations

from sendlib.auth import COMMISSIONER, FORUM, OFFICER
from sendlib.views import commitments as commitment_views
from sendlib.views import ehcp as ehcp_views
from sendlib.views import needs, stakeholders, you_said
from sendlib.views import reach as reach_views
from sendlib.views.base import Audience, CommitmentChoice, Filters, Metric, Page, View, ViewFunction, ViewSpec

EVERYONE = (OFFICER, COMMISSIONER, FORUM)
STAFF = (OFFICER, COMMISSIONER)

PAGES: tuple[Page, ...] = (
    Page("pages/overview.py", "Overview", ":material/dashboard:", "overview", EVERYONE),
    Page(
        "pages/primary_needs.py",
        "Primary needs",
        ":material/bar_chart:",
        "primary_needs",
        EVERYONE,
        (
            ViewSpec("primary_needs.headline", needs.headline),
            ViewSpec("primary_needs.metrics", needs.metrics),
            ViewSpec("primary_needs.need", needs.by_need),
            ViewSpec("primary_needs.prevalence", needs.against_all_pupils),
            ViewSpec("primary_needs.comparison", needs.compared),
            ViewSpec("primary_needs.standing", needs.standing),
            ViewSpec("primary_needs.trend", needs.over_time),
        ),
    ),
    Page(
        "pages/ehc_plans.py",
        "EHC plans",
        ":material/description:",
        "ehc_plans",
        EVERYONE,
        (
            ViewSpec("ehc_plans.headline", ehcp_views.headline),  # the page's tiles and the Overview's
            ViewSpec("ehc_plans.caseload", ehcp_views.caseload),
            ViewSpec("ehc_plans.caseload_ranking", ehcp_views.caseload_ranking),
            ViewSpec("ehc_plans.need", ehcp_views.by_need),
            ViewSpec("ehc_plans.setting", ehcp_views.by_setting),
            ViewSpec("ehc_plans.path", ehcp_views.path),
            ViewSpec("ehc_plans.timeliness", ehcp_views.timeliness),
            ViewSpec("ehc_plans.timeliness_ranking", ehcp_views.timeliness_ranking),
        ),
    ),
    Page(
        "pages/stakeholders.py",
        "Stakeholders",
        ":material/groups:",
        "stakeholders",
        EVERYONE,
        (
            ViewSpec("stakeholders.headline", stakeholders.headline),
            ViewSpec("stakeholders.grid", stakeholders.grid),
        ),
    ),
    Page(
        "pages/participation.py",
        "Participation reach",
        ":material/record_voice_over:",
        "participation",
        STAFF,
        (
            ViewSpec("participation.levels", reach_views.reach_levels),
            ViewSpec("participation.groups", reach_views.reach_groups),
            ViewSpec("participation.takers", reach_views.reach_takers, in_pack=False),
            ViewSpec("participation.hart", reach_views.reach_hart),
            ViewSpec("participation.quality", reach_views.reach_quality),
            ViewSpec("participation.quarters", reach_views.reach_quarters),
            ViewSpec("participation.activities", reach_views.reach_activities, in_pack=False),
        ),
    ),
    Page(
        "pages/reach_gaps.py",
        "Reach gaps",
        ":material/hearing:",
        "reach_gaps",
        EVERYONE,
        (
            ViewSpec(
                "reach_gaps.headline", reach_views.reach_headline, in_pack=False
            ),  # the Overview's tiles and lines
            ViewSpec("reach_gaps.provision", reach_views.gaps_by_provision),
            ViewSpec("reach_gaps.primary_need", reach_views.gaps_by_need),
        ),
    ),
    Page(
        "pages/commitments.py",
        "Commitments",
        ":material/checklist:",
        "commitments",
        STAFF,
        (
            ViewSpec("commitments.headline", commitment_views.commitments_headline, in_pack=False),  # the Overview's
            ViewSpec("commitments.rag", commitment_views.rag_summary, in_pack=False),
            ViewSpec("commitments.exceptions", commitment_views.exception_list),
            ViewSpec("commitments.tracker", commitment_views.tracker_table, in_pack=False),
            ViewSpec("commitments.timeline", commitment_views.timeline),
            ViewSpec("commitments.burn_up", commitment_views.burn_up),
            # One commitment, chosen on the page: not in the pack.
            ViewSpec("commitments.progress", commitment_views.progress, in_pack=False),
        ),
    ),
    Page(
        "pages/you_said.py",
        "You said, we did",
        ":material/forum:",
        "you_said",
        EVERYONE,
        (ViewSpec("you_said.items", you_said.items),),
    ),
    Page("pages/easy_read.py", "Easy read", ":material/menu_book:", "easy_read", EVERYONE),
    Page("pages/upload.py", "Upload data", ":material/upload_file:", "upload", (OFFICER,)),
    Page("pages/accounts.py", "Accounts", ":material/manage_accounts:", "accounts", (OFFICER,)),
    # The pages a public service owes: in every page's footer (not the menu), open without signing in.
    Page(
        "pages/accessibility.py",
        "Accessibility",
        ":material/accessibility_new:",
        "accessibility",
        EVERYONE,
        public=True,
    ),
    Page("pages/privacy.py", "Privacy", ":material/shield_person:", "privacy", EVERYONE, public=True),
    Page("pages/cookies.py", "Cookies", ":material/cookie:", "cookies", EVERYONE, public=True),
    Page("pages/feedback.py", "Feedback", ":material/rate_review:", "feedback", EVERYONE, public=True),
)
PUBLIC_PAGES: tuple[Page, ...] = tuple(entry for entry in PAGES if entry.public)


def page(url_path: str) -> Page:
    """The page registered at ``url_path``."""
    return next(entry for entry in PAGES if entry.url_path == url_path)


def view_spec(key: str) -> ViewSpec:
    """The registered view with ``key``."""
    return next(spec for entry in PAGES for spec in entry.views if spec.key == key)


def headline_key(entry: Page) -> str:
    """The key of ``entry``'s headline view (the Overview shows it when registered)."""
    return f"{entry.url_path}.headline"


def all_views() -> list[ViewSpec]:
    """Every registered view, in page order."""
    return [spec for entry in PAGES for spec in entry.views]


def views_for(audience: Audience) -> list[ViewSpec]:
    """Every view ``audience`` may see, in page order (the meeting pack's contents)."""
    return [spec for entry in PAGES for spec in entry.visible_views(audience)]


__all__ = [
    "EVERYONE",
    "PAGES",
    "PUBLIC_PAGES",
    "STAFF",
    "Audience",
    "CommitmentChoice",
    "Filters",
    "Metric",
    "Page",
    "View",
    "ViewFunction",
    "ViewSpec",
    "all_views",
    "headline_key",
    "page",
    "view_spec",
    "views_for",
]
