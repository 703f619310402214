from django.urls import path

from daiban.mediation import views

app_name = "mediation"

urlpatterns = [
    path("mediation/matter/<int:pk>/", views.dossier, name="dossier"),
    path("mediation/matter/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("mediation/matter/<int:pk>/agreements/new/", views.agreement_new, name="agreement_new"),
    path("mediation/agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("mediation/agreements/<int:pk>/revise/", views.agreement_revise, name="agreement_revise"),
    path("mediation/agreements/<int:pk>/judicial/", views.judicial, name="judicial"),
    path("mediation/obligations/<int:pk>/perform/", views.perform, name="perform"),
]
