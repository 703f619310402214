"""The lookup area's URLs (included by daiban.portal.urls, namespace portal): short public addresses —
the receipt's QR code points to /lookup/?number=…"""

from django.urls import path

from daiban.portal.lookup import views

urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("lookup/matter/", views.result, name="lookup_result"),
    path("lookup/leave/", views.leave, name="lookup_leave"),
    path("lookup/documents/<int:pk>/", views.document, name="lookup_document"),
    path("lookup/rate/", views.rate, name="rate"),
]
