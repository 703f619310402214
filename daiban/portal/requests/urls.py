"""The requests area's URLs (included by daiban.portal.urls, namespace portal): the public form under
/apply/, the staff queue under /online-requests/."""

from django.urls import URLPattern, path

from daiban.portal.requests import apply, queue

urlpatterns: list[URLPattern] = [
    path("apply/", apply.apply, name="apply"),
    path("apply/code/", apply.apply_code, name="apply_code"),
    path("apply/regions/", apply.apply_regions, name="apply_regions"),
    path("apply/done/", apply.apply_done, name="apply_done"),
    path("online-requests/", queue.request_list, name="request_list"),
    path("online-requests/<int:pk>/", queue.request_detail, name="request_detail"),
    path("online-requests/<int:pk>/phone/", queue.request_phone, name="request_phone"),
    path("online-requests/<int:pk>/decline/", queue.request_decline, name="request_decline"),
    path("online-requests/photos/<int:pk>/", queue.request_photo, name="request_photo"),
]
