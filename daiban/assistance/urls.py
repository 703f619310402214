from django.urls import URLPattern, path

from daiban.assistance import views

app_name = "assistance"

urlpatterns: list[URLPattern] = [
    path("assistance/", views.referral_list, name="assistance_referrals"),
]
