"""Reading a published site as an attacker reads it: every HTML table and CSV download, and the text on the charts'
marks, for counts from 1 to the threshold. Shared by tests/test_publish.py and tests/test_publish_small_numbers.py."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from sendlib.config import Config

THRESHOLD = Config().suppression.threshold


def html_pages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


def small_counts_in_tables(folder: Path) -> list[str]:
    """Whole numbers from 1 to the threshold in the count columns of every HTML table and CSV download (a
    percentage, share, ratio, score or key is not a count; see NOT_COUNTS)."""
    found = []
    for path in (folder / "downloads").glob("*.csv"):
        rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))
        for row in rows:
            for column, cell in row.items():
                if is_count_column(column) and re.fullmatch(r"\d[\d,]*", cell or "") and 1 <= int(cell) <= THRESHOLD:
                    found.append(f"{path.name}: {column} = {cell}")
    for path in html_pages(folder):
        for caption, header, cells in html_tables(path.read_text(encoding="utf-8")):
            for row in cells:
                for column, cell in zip(header, row):
                    digits = cell.replace(",", "")
                    if is_count_column(column) and digits.isdigit() and 1 <= int(digits) <= THRESHOLD:
                        found.append(f"{path.name}, {caption}: {column} = {cell}")
    return found


# Whole-number columns that are not counts of children: the stakeholder grid's row key and scores, the year, a
# difference of two shown figures (tests/test_views_registry.py's DIFFERENCES_OF_SHOWN), ranks among all LAs.
NOT_COUNTS = {"Key", "Year", "More people to reach the overall rate", "Rank", "Influence", "Importance"}


def is_count_column(column: str) -> bool:
    return not (
        column in NOT_COUNTS
        or "%" in column
        or column in ("Share", "Representation ratio", "Distance to target", "Moved since last")
    )


def html_tables(html: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """Every <table> of a page: its caption, header cells and body rows, as text."""
    tables = []
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, flags=re.S)
        header = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
        body = re.search(r"<tbody>(.*?)</tbody>", table, flags=re.S)
        rows = [
            [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body.group(1) if body else "", flags=re.S)
        ]
        tables.append((caption.group(1) if caption else "", header, rows))
    return tables


def small_counts_in_charts(folder: Path) -> list[str]:
    """Numbers from 1 to the threshold written on a chart's marks (a bar's label, "3 (0.2%)", a point's text): what a
    reader of the SVG's text sees beside the marks. The stakeholder grid's points are labelled with their group's
    key (1, 2, …: the table's Key column), not a count."""
    found = []
    for path in html_pages(folder):
        html = path.read_text(encoding="utf-8")
        labels = re.findall(r'<text class="bartext[^"]*"[^>]*>(.*?)</text>', html, flags=re.S)
        if path.name != "stakeholders.html":
            labels += re.findall(r'class="textpoint"[^>]*>\s*<text[^>]*>(.*?)</text>', html, flags=re.S)
        for label in labels:
            plain = re.sub(r"<[^>]+>", "", label).strip()
            match = re.match(r"^(\d[\d,]*)(?:\s|$)", plain)
            if match and 1 <= int(match.group(1).replace(",", "")) <= THRESHOLD:
                found.append(f"{path.name}: a mark labelled {plain!r}")
    return found
