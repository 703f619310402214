from django.urls import URLPattern, URLResolver, path

from daiban.lifecycle.views import access_report

app_name = "lifecycle"

urlpatterns: list[URLPattern | URLResolver] = [
    path("privacy/held/", access_report, name="access_report"),
]
