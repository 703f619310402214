from django.urls import path

from daiban.network import views

urlpatterns = [
    path("", views.network_overview, name="network_overview"),
    path("region/<str:code>/", views.network_region, name="network_region"),
]
