from django.urls import path

from daiban.accountability import views

app_name = "accountability"

urlpatterns = [
    path("accountability/", views.overview, name="accountability"),
    path("accountability/failures/<slug:kind>/", views.failure_list, name="failure_list"),
    path("accountability/orders/", views.order_list, name="correction_orders"),
    path("accountability/orders/<int:pk>/", views.order_detail, name="correction_order"),
    path("accountability/orders/<int:pk>/report/", views.order_report, name="correction_report"),
]
