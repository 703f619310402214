from django.urls import include, path

from daiban.supervision.wiring import AREAS

urlpatterns = [path("", include(f"daiban.supervision.views.{area}")) for area in AREAS]
