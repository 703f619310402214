"""Prevention's pages: one URL module per area (each view module holds its own ``urlpatterns``)."""

from django.urls import include, path

from daiban.prevention.wiring import AREAS

urlpatterns = [path("", include(f"daiban.prevention.views.{area}")) for area in AREAS]
