from django.urls import path

from .views import board, extracts

app_name = "dashboards"

urlpatterns = [
    path("", board.board_overview, name="board"),
    path("extracts/", extracts.history, name="extracts"),
    path("extracts/upload/", extracts.upload, name="upload"),
    path("extracts/<int:pk>/", extracts.detail, name="extract"),
    path("extracts/<int:pk>/problems.csv", extracts.error_report, name="extract_problems"),
    path("extracts/files/<str:name>.csv", extracts.template_file, name="extract_template"),
]
