from django.urls import path

from daiban.documents import views

app_name = "documents"

urlpatterns = [
    path("documents/matter/<int:matter_id>/", views.matter_documents, name="matter"),
    path("documents/matter/<int:matter_id>/new/", views.new, name="new"),
    path("documents/<int:pk>/", views.detail, name="detail"),
    path("documents/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("documents/<int:pk>/docx/", views.docx, name="docx"),
    path("documents/<int:pk>/sign/", views.sign, name="sign"),
    path("documents/<int:pk>/scan/", views.scan, name="scan"),
    path("documents/<int:pk>/scan/file/", views.scan_file, name="scan_file"),
    path("documents/<int:pk>/serve/", views.serve, name="serve"),
    path("documents/<int:pk>/correct/", views.correct, name="correct"),
    path("documents/<int:pk>/cancel/", views.cancel, name="cancel"),
]
