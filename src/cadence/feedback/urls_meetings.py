"""Routes of the 1:1 and coaching pages (app namespace `feedback`, mounted
at /feedback/)."""

from django.urls import URLPattern, URLResolver, path

from cadence.feedback import views_coaching as coaching
from cadence.feedback import views_meetings as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("one-on-ones/", views.one_on_ones, name="one_on_ones"),
    path("one-on-ones/new/", views.series_new, name="series_new"),
    path("one-on-ones/adherence/", views.adherence, name="adherence"),
    path("one-on-ones/adherence/export/", views.adherence_export, name="adherence_export"),
    path("one-on-ones/<int:pk>/", views.series, name="series"),
    path("one-on-ones/<int:pk>/end/", views.series_end, name="series_end"),
    path("one-on-ones/meetings/<int:pk>/", views.meeting, name="meeting"),
    path("one-on-ones/meetings/<int:pk>/status/", views.meeting_status, name="meeting_status"),
    path("one-on-ones/meetings/<int:pk>/notes/", views.meeting_notes, name="meeting_notes"),
    path(
        "one-on-ones/meetings/<int:pk>/private-note/",
        views.meeting_private_note,
        name="meeting_private_note",
    ),
    path("one-on-ones/meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("one-on-ones/meetings/<int:pk>/actions/", views.action_add, name="action_add"),
    path("one-on-ones/agenda-items/<int:pk>/", views.agenda_item, name="agenda_item"),
    path("one-on-ones/action-items/<int:pk>/", views.action_item, name="action_item"),
    path("coaching/", coaching.coaching_list, name="coaching"),
    path("coaching/<int:employee_pk>/", coaching.coaching_journal, name="coaching_journal"),
    path("coaching/notes/<int:pk>/edit/", coaching.coaching_edit, name="coaching_edit"),
    path("coaching/notes/<int:pk>/delete/", coaching.coaching_delete, name="coaching_delete"),
]
