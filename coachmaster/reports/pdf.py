"""HTML to PDF: the only module that imports WeasyPrint.

Documents are rendered from our templates with our own fonts and styles. The URL fetcher
resolves only files inside the project's ``static/`` folder and ``data:`` URLs; anything else
(an image link in a student's Markdown, a stylesheet on the internet, a local file elsewhere)
is refused and never fetched. Long documents stop at a page cap with a clear error, and every
PDF is PDF/A-3b, fit for archiving.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STATIC_DIR = (Path(settings.BASE_DIR) / "static").resolve()
# Templates refer to our files through this base: ``{{ pdf_static }}fonts/…``.
STATIC_URL = STATIC_DIR.as_uri() + "/"
PDF_VARIANT = "pdf/a-3b"


class PageCapExceeded(Exception):
    """The document has more pages than REPORTS_MAX_PAGES allows."""

    def __init__(self, pages: int, cap: int):
        super().__init__(f"{pages} pages, more than the cap of {cap}")
        self.pages, self.cap = pages, cap


class RefusedURL(ValueError):
    """An URL the renderer does not fetch."""


class OwnFilesOnly(URLFetcher):
    """Fetches our own static files and ``data:`` URLs; refuses everything else."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not path.is_relative_to(STATIC_DIR):
                raise RefusedURL(f"outside the project's static files: {url}")
        elif scheme != "data":
            raise RefusedURL(f"not fetched: {url}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class Rendered:
    content: bytes
    pages: int


def render_pdf(html: str, *, title: str = "", max_pages: int | None = None) -> Rendered:
    """The PDF of ``html`` (PDF/A-3b). Raises ``PageCapExceeded`` past ``max_pages``
    (``settings.REPORTS_MAX_PAGES`` when not given)."""
    cap = max_pages or settings.REPORTS_MAX_PAGES
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=STATIC_URL, url_fetcher=OwnFilesOnly()).render(
        font_config=fonts
    )
    if len(document.pages) > cap:
        raise PageCapExceeded(len(document.pages), cap)
    if title:
        document.metadata.title = title
    content = document.write_pdf(pdf_variant=PDF_VARIANT)
    return Rendered(content=content, pages=len(document.pages))
