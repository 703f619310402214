from django.urls import URLPattern, path

from daiban.annual import views

app_name = "annual"

urlpatterns: list[URLPattern] = [
    path("annual/", views.report_page, name="report"),
    path("annual/report.docx", views.report_docx, name="docx"),
    path("annual/report.pdf", views.report_pdf, name="pdf"),
    path("annual/<str:code>/<int:year>/foreword/", views.foreword, name="foreword"),
    path("annual/proposals/", views.proposals, name="proposals"),
    path("annual/<str:code>/<int:year>/proposals/new/", views.proposal_new, name="proposal_new"),
    path("annual/proposals/<int:pk>/answer/", views.proposal_answer, name="proposal_answer"),
]
