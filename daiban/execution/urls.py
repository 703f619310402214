from django.urls import path

from daiban.execution import views

app_name = "execution"

urlpatterns = [
    path("execution/", views.execution_list, name="execution_list"),
    path("execution/evidence/<int:pk>/", views.evidence_download, name="execution_evidence"),
]
