from django.urls import path

from cadence.goals import views, views_kpis, views_periods

app_name = "goals"
urlpatterns = [
    path("", views.my_goals, name="my_goals"),
    path("new/", views.create, name="create"),
    path("team/", views.team, name="team"),
    path("tree/", views.goal_tree, name="tree"),
    path("tree/data.json", views.goal_tree_data, name="tree_data"),
    path("company/", views.company, name="company"),
    path("approvals/", views.approvals, name="approvals"),
    path("export/", views.export, name="export"),
    path("periods/", views_periods.period_list, name="period_list"),
    path("periods/new/", views_periods.period_edit, name="period_create"),
    path("periods/<int:pk>/edit/", views_periods.period_edit, name="period_edit"),
    path("periods/<int:pk>/remind/", views_periods.period_remind, name="period_remind"),
    path("key-results/nudge/", views.key_result_nudge, name="key_result_nudge"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/approval/", views.decide_approval, name="decide_approval"),
    path("<int:pk>/key-results/new/", views.key_result_edit, name="key_result_create"),
    path(
        "<int:pk>/key-results/<int:kr_pk>/edit/",
        views.key_result_edit,
        name="key_result_edit",
    ),
    path(
        "<int:pk>/key-results/<int:kr_pk>/check-in/",
        views.check_in,
        name="check_in",
    ),
    path("kpis/", views_kpis.kpi_list, name="kpi_list"),
    path("kpis/new/", views_kpis.kpi_create, name="kpi_create"),
    path("kpis/upload/", views_kpis.kpi_upload, name="kpi_upload"),
    path("kpis/upload/sample.csv", views_kpis.kpi_upload_sample, name="kpi_upload_sample"),
    path("kpis/upload/<slug:token>/", views_kpis.kpi_upload_preview, name="kpi_upload_preview"),
    path("kpis/upload/<slug:token>/save/", views_kpis.kpi_upload_apply, name="kpi_upload_apply"),
    path("kpis/<int:pk>/", views_kpis.kpi_detail, name="kpi_detail"),
    path("kpis/<int:pk>/edit/", views_kpis.kpi_edit, name="kpi_edit"),
    path("kpis/<int:pk>/measurements/", views_kpis.kpi_record, name="kpi_record"),
]
