from django.urls import URLPattern, URLResolver, path

from daiban.exchange.exports import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("exports/", views.export_list, name="export_list"),
    path("exports/jobs/<uuid:token>/", views.export_job, name="export_job"),
    path("exports/jobs/<uuid:token>/download/", views.export_download, name="export_download"),
    path("exports/ledger/<str:kind>/", views.ledger_export, name="ledger_export"),
    path("exports/monthly/", views.monthly_report, name="monthly_report"),
]
