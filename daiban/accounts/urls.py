from django.urls import path

from daiban.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/password/", views.password_change, name="password_change"),
    path("account/sessions/", views.session_list, name="sessions"),
    path("account/sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("account/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("account/mfa/", views.mfa_enrol, name="mfa_enrol"),
    path("account/mfa/verify/", views.mfa_verify, name="mfa_verify"),
]
