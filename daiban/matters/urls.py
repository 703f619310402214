from django.urls import path

from daiban.matters import views

urlpatterns = [
    path("matters/", views.matter_list, name="matter_list"),
    path("matters/export.csv", views.matter_export, name="matter_export"),
    path("matters/new/", views.matter_intake, name="matter_intake"),
    path("matters/lookup/", views.petitioner_lookup, name="petitioner_lookup"),
    path("matters/<int:pk>/", views.matter_detail, name="matter_detail"),
    path("matters/<int:pk>/act/<slug:action>/", views.matter_action, name="matter_action"),
    path(
        "matters/<int:pk>/petitioners/<int:link_id>/reveal/<slug:field>/",
        views.reveal_pii,
        name="matter_reveal",
    ),
    path(
        "matters/<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="matter_attachment",
    ),
    path("petitioners/", views.petitioner_search, name="petitioner_search"),
    path("petitioners/<int:pk>/", views.petitioner_detail, name="petitioner_detail"),
]
