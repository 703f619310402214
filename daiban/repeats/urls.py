from django.urls import path

from daiban.repeats import views

app_name = "repeats"

urlpatterns = [
    path("repeats/candidates/", views.candidates, name="candidates"),
    path("repeats/matter/<int:pk>/of/<int:candidate>/decide/", views.decide, name="decide"),
]
