from django.urls import path

from .views import areas, board, extracts, indicators

app_name = "dashboards"

urlpatterns = [
    path("", board.board_overview, name="board"),
    path("indicators/<slug:code>/", indicators.indicator_detail, name="indicator"),
    path("indicators/<slug:code>/<str:area_code>/", indicators.indicator_detail, name="indicator_area"),
    path("indicators/<slug:code>/<str:area_code>/data.csv", indicators.indicator_csv, name="indicator_csv"),
    path("indicators/<slug:code>/<str:area_code>/commentary/", indicators.add_commentary, name="commentary"),
    path("pcns/<str:code>/", areas.pcn_detail, name="pcn"),
    path("jsna/", areas.jsna, name="jsna"),
    path("extracts/", extracts.history, name="extracts"),
    path("extracts/upload/", extracts.upload, name="upload"),
    path("extracts/<int:pk>/", extracts.detail, name="extract"),
    path("extracts/<int:pk>/problems.csv", extracts.error_report, name="extract_problems"),
    path("extracts/files/<str:name>.csv", extracts.template_file, name="extract_template"),
]
