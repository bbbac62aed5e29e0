"""PDF rendering with WeasyPrint: HTML templates → PDF bytes, CJK fonts, selectable text.

Official documents follow GB/T 9704-2012 (DOMAIN.md §9); their layout lives in
``templates/pdf/official.css`` and ``templates/pdf/base_official.html``.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to a PDF document."""
    from weasyprint import HTML  # imported lazily: loading Pango costs ~0.3 s

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
