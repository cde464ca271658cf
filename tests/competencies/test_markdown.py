"""User Markdown is rendered, and everything that could run or reach out is stripped."""

from html.parser import HTMLParser

import pytest

from competencies.markdown import ALLOWED_TAGS, render_markdown


class Elements(HTMLParser):
    """The real elements and attributes of rendered HTML (escaped text does not count)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        '<a href="/x" hx-get="/admin/" hx-trigger="load">x</a>',
        '<div onclick="steal()">x</div>',
        "[data](data:text/html;base64,PHNjcmlwdD4=)",
        '<iframe src="https://example.org"></iframe>',
        "![beeld](https://tracker.example/pixel.png)",
        '[x](https://example.org "title" onmouseover=alert(1))',
    ],
)
def test_dangerous_markup_is_stripped(source):
    for tag, attributes in Elements(render_markdown(source)).found:
        assert tag in ALLOWED_TAGS
        for name, value in attributes.items():
            assert not name.startswith(("on", "hx-", "data-", "style"))
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:")), value


def test_markdown_is_rendered_with_safe_links():
    html = render_markdown("# Kop\n\n**vet** en een [link](https://example.org)\n\n- een\n- twee")
    assert "<h3>Kop</h3>" in html
    assert "<strong>vet</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<li>een</li>" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
