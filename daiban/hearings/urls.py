from django.urls import path

from daiban.hearings import views

app_name = "hearings"

urlpatterns = [
    path("hearings/", views.record_list, name="list"),
    path("hearings/<int:pk>/", views.record_detail, name="detail"),
]
