"""HTML to PDF (``coachmaster/reports/pdf.py``): only our own static files and ``data:`` URLs
are fetched, never the network; the fonts come from ``static/``; a page cap stops runaway
documents; every PDF is PDF/A-3b with its title."""

from __future__ import annotations

import io
import socket
import urllib.request

import pytest
from django.template import Context, Template
from pypdf import PdfReader

from coachmaster.reports import pdf

PNG_DATA = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _document(body: str) -> str:
    """An HTML document on our PDF base template (fonts, page headers)."""
    template = Template('{% extends "pdf/base.html" %}{% block body %}' + body + "{% endblock %}")
    return template.render(Context({"pdf_static": pdf.STATIC_URL, "title": "Proef"}))


@pytest.fixture
def no_network(monkeypatch):
    """Records (and refuses) every attempt to open a connection or an URL."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network use in a test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    # Our fetcher is an OpenerDirector too (it opens file: and data: URLs), so the network
    # is watched where urllib would use it: its HTTP(S) and FTP handlers.
    monkeypatch.setattr(urllib.request.HTTPHandler, "http_open", refuse)
    monkeypatch.setattr(urllib.request.HTTPSHandler, "https_open", refuse)
    monkeypatch.setattr(urllib.request.FTPHandler, "ftp_open", refuse)
    return attempts


@pytest.fixture
def fetched(monkeypatch):
    """The URLs the renderer asked our fetcher for."""
    urls = []
    original = pdf.OwnFilesOnly.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf.OwnFilesOnly, "fetch", spy)
    return urls


# --- the URL fetcher -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "https://example.org/style.css",
        "HTTPS://EXAMPLE.ORG/x.png",
        "ftp://example.org/x",
        "file:///etc/passwd",
        pdf.STATIC_URL + "../pyproject.toml",
        pdf.STATIC_URL + "..%2F..%2Fetc%2Fpasswd",
        (pdf.STATIC_DIR.parent / "media" / "private" / "x.pdf").as_uri(),
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url, no_network):
    with pytest.raises(pdf.RefusedURL):
        pdf.OwnFilesOnly().fetch(url)
    assert no_network == []


def test_the_fetcher_serves_our_static_files_and_data_urls(no_network):
    font = pdf.STATIC_URL + "fonts/dejavu-2.37/DejaVuSans.ttf"
    for url, magic in ((font, b"\x00\x01\x00\x00"), (PNG_DATA, b"\x89PNG\r\n\x1a\n")):
        response = pdf.OwnFilesOnly().fetch(url)
        try:
            assert response.read(len(magic)) == magic
        finally:
            response.close()
    assert no_network == []


def test_outside_urls_in_a_document_are_refused_not_fetched(no_network, fetched):
    html = _document(
        '<link rel="stylesheet" href="https://example.org/style.css">'
        '<p>Voor <img src="http://example.org/x.png" alt="extern"> na</p>'
        '<p style="background: url(http://example.org/bg.png)">Achtergrond</p>'
        f'<p><img src="{PNG_DATA}" alt="eigen"></p>'
    )
    rendered = pdf.render_pdf(html, title="Proef")
    assert rendered.content.startswith(b"%PDF") and rendered.pages == 1
    assert no_network == []
    assert "http://example.org/x.png" in fetched  # asked for, and refused
    text = PdfReader(io.BytesIO(rendered.content)).pages[0].extract_text()
    assert "Voor" in text and "Achtergrond" in text


def test_the_fonts_come_from_our_static_folder(no_network, fetched):
    rendered = pdf.render_pdf(_document("<p>Hallo <strong>wereld</strong> ± ë</p>"), title="Proef")
    fonts = [url for url in fetched if url.endswith(".ttf")]
    assert fonts and all(url.startswith(pdf.STATIC_URL + "fonts/") for url in fonts)
    assert all(url.startswith((pdf.STATIC_URL, "data:")) for url in fetched)
    reader = PdfReader(io.BytesIO(rendered.content))
    used = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert used and all("DejaVu-Sans" in name for name in used)
    assert "Hallo wereld ± ë" in " ".join(reader.pages[0].extract_text().split())


# --- page cap -----------------------------------------------------------------------------------


def test_a_document_over_the_page_cap_is_refused():
    pages = "".join('<p style="break-after: page">Bladzijde</p>' for _ in range(5))
    with pytest.raises(pdf.PageCapExceeded) as caught:
        pdf.render_pdf(_document(pages), title="Lang", max_pages=3)
    assert (caught.value.pages, caught.value.cap) == (5, 3)
    assert pdf.render_pdf(_document(pages), title="Lang", max_pages=5).pages == 5


def test_the_cap_defaults_to_the_setting(settings):
    settings.REPORTS_MAX_PAGES = 1
    with pytest.raises(pdf.PageCapExceeded):
        pdf.render_pdf(_document('<p style="break-after: page">een</p><p>twee</p>'))


# --- PDF/A --------------------------------------------------------------------------------------


def test_the_pdf_is_pdf_a_3b_with_its_title():
    rendered = pdf.render_pdf(_document("<p>Archief</p>"), title="Portfolio van Eva")
    reader = PdfReader(io.BytesIO(rendered.content))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "pdfaid" in xmp
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp or 'pdfaid:conformance="B"' in xmp
    assert reader.metadata.title == "Portfolio van Eva"
    assert "/OutputIntents" in reader.trailer["/Root"]
