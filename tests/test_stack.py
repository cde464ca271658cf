"""The system libraries the platform needs are really there."""

import weasyprint


def test_weasyprint_renders_a_pdf_with_pango():
    pdf = weasyprint.HTML(string="<h1>CoachMaster</h1><p>Organisatiecoaching</p>").write_pdf()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 500
