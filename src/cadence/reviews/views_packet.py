"""The review packet download: one result, as the viewer may read it, as a
PDF. Which results a viewer may open is `ReviewResult.objects.visible_to`
(404 otherwise, so existence does not leak); what the packet shows is
`disclosure.disclose`, through reviews/packet.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from cadence.core.models import User
from cadence.core.pdf import pdf_attachment
from cadence.reviews import packet
from cadence.reviews import selectors_results as selectors
from cadence.reviews.models import ReviewResult

UNAVAILABLE = (
    "The review packet PDF is unavailable on this server: WeasyPrint cannot load "
    "the Pango library it needs. Ask your administrator to install it "
    "(apt-get install libpango-1.0-0 libpangoft2-1.0-0). The result page itself "
    "still works."
)


@login_required
@require_GET
def result_packet(request: HttpRequest, pk: int) -> HttpResponse:
    """The result's review packet as a PDF attachment, never cached (it
    holds one person's review)."""
    user: User = request.user  # type: ignore[assignment]
    try:
        result = selectors.visible_result(user, pk)
    except ReviewResult.DoesNotExist:
        raise Http404("No such result.") from None
    made = packet.render_packet_html(result, user)
    return pdf_attachment(made.html, made.filename, unavailable=UNAVAILABLE)
