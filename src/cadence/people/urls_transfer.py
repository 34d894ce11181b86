from django.urls import path

from cadence.people import views_transfer as views

app_name = "transfer"
urlpatterns = [
    path("import/", views.import_upload, name="import_upload"),
    path("import/<str:token>/map/", views.import_mapping, name="import_mapping"),
    path("import/<str:token>/preview/", views.import_preview, name="import_preview"),
    path("import/<str:token>/apply/", views.import_apply, name="import_apply"),
    path("import/done/", views.import_result, name="import_result"),
    path("export/", views.export, name="export"),
]
