"""Routes of the reviews pages for the review packet PDF, the historical
results import and the cycle page's reminders button; included by
reviews/urls.py under the "reviews" namespace."""

from django.urls import URLPattern, path

from cadence.reviews import views_history, views_packet, views_reminders

urlpatterns: list[URLPattern] = [
    path("results/<int:pk>/packet.pdf", views_packet.result_packet, name="result_packet"),
    path("admin/history/", views_history.history_upload, name="history_upload"),
    path("admin/history/apply/", views_history.history_apply, name="history_apply"),
    path("cycles/<int:pk>/reminders/", views_reminders.cycle_remind, name="cycle_remind"),
]
