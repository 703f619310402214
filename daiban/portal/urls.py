"""The portal's URLs, namespace ``portal``. Public pages sit at short addresses a person can type from a
poster (/lookup/, /apply/, /agents/); the staff pages of the online-request queue under /online-requests/."""

from django.urls import include, path

from daiban.portal import public, views

app_name = "portal"

urlpatterns = [
    path("public/", views.index, name="index"),
    path("public/view/", public.set_view, name="set_view"),
    path("", include("daiban.portal.lookup.urls")),
    path("", include("daiban.portal.requests.urls")),
    path("", include("daiban.portal.directory.urls")),
]
