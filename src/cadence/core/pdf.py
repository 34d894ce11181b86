"""HTML made into a PDF by WeasyPrint, for the printable records (the
review packet, the improvement plan). WeasyPrint needs Pango from the
system; it is imported only when a PDF is made, so a server without Pango
runs every other page and answers a PDF with `PdfUnavailable` (a 503 from
`pdf_attachment`)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers


class PdfUnavailable(Exception):
    """WeasyPrint (or the Pango library under it) cannot be loaded here."""


def html_to_pdf(html: str) -> bytes:
    """The PDF of `html`. Fetches nothing: the templates are self-contained,
    and refusing every URL means no text a person wrote can make the server
    fetch anything. PdfUnavailable when WeasyPrint cannot be loaded."""
    try:
        # Imported here: loading WeasyPrint loads Pango through ctypes, and a
        # missing system library must cost this page only, not the app.
        from weasyprint import HTML, URLFetcher
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    fetcher = URLFetcher(allowed_protocols=())
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf


def pdf_attachment(html: str, filename: str, *, unavailable: str) -> HttpResponse:
    """The PDF of `html` as an attachment named `filename`, never cached (it
    holds one person's record). When WeasyPrint cannot be loaded, a 503
    saying `unavailable`: a missing system library is the server's state,
    not a bug."""
    try:
        pdf = html_to_pdf(html)
    except PdfUnavailable:
        response = HttpResponse(unavailable, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "3600"
    else:
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response
