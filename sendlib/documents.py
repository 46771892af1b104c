"""Plain documents: pages of headed sections of text, drawn alike by the app and the published site.

The pages a public service owes (accessibility statement, privacy notice, cookies, feedback) and other
text-only pages are built in sendlib as a ``Document`` — plain data, no Markdown or HTML — so the app
(``ui``) and the published site (``sendlib.publish``) each render the same words in their own way and
escape them with ``sendlib.text`` at the point of drawing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """A link inside a section: ``text`` shown, ``target`` a page slug of the site/app or an absolute URL
    (``https://…``, ``mailto:…``, ``tel:…``)."""

    text: str
    target: str


@dataclass(frozen=True)
class Section:
    """One headed part of a document: its paragraphs, then a bulleted list, then links (each may be empty)."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Document:
    """A text page: ``slug`` names it in the app's address and the site's file (``<slug>.html``);
    ``updated`` is the human date line ("Last reviewed 1 December 2026"), '' for none."""

    slug: str
    title: str
    summary: str
    sections: tuple[Section, ...]
    updated: str = ""

    def all_text(self) -> str:
        """Every word of the document, for readability and leak checks."""
        parts = [self.title, self.summary, self.updated]
        for section in self.sections:
            parts += [section.heading, *section.paragraphs, *section.items, *(link.text for link in section.links)]
        return "\n".join(part for part in parts if part)
