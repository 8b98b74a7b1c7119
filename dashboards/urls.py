from django.urls import path

from .views import areas, board, board_packs, extracts, indicators, insight, logic, risks, workstreams

app_name = "dashboards"

urlpatterns = [
    path("", board.board_overview, name="board"),
    path("indicators/", indicators.indicator_index, name="indicators"),
    path("indicators/<slug:code>/", indicators.indicator_detail, name="indicator"),
    path("indicators/<slug:code>/<str:area_code>/", indicators.indicator_detail, name="indicator_area"),
    path("indicators/<slug:code>/<str:area_code>/data.csv", indicators.indicator_csv, name="indicator_csv"),
    path("indicators/<slug:code>/<str:area_code>/data.xlsx", indicators.indicator_xlsx, name="indicator_xlsx"),
    path("indicators/<slug:code>/<str:area_code>/commentary/", indicators.add_commentary, name="commentary"),
    path("pcns/<str:code>/", areas.pcn_detail, name="pcn"),
    path("jsna/", areas.jsna, name="jsna"),
    path("extracts/", extracts.history, name="extracts"),
    path("extracts/upload/", extracts.upload, name="upload"),
    path("extracts/<int:pk>/", extracts.detail, name="extract"),
    path("extracts/<int:pk>/problems.csv", extracts.error_report, name="extract_problems"),
    path("extracts/<int:pk>/problems.xlsx", extracts.error_report_xlsx, name="extract_problems_xlsx"),
    path("extracts/files/<str:name>.csv", extracts.template_file, name="extract_template"),
    path("board-packs/", board_packs.pack_list, name="board_packs"),
    path("board-packs/<int:pk>/", board_packs.pack_detail, name="board_pack"),
    path("board-packs/<int:pk>/pack.html", board_packs.pack_html, name="board_pack_html"),
    path("board-packs/<int:pk>/pack.pdf", board_packs.pack_pdf, name="board_pack_pdf"),
    path("workstreams/", workstreams.workstream_list, name="workstreams"),
    path("workstreams/not-reported/", workstreams.workstreams_not_reported, name="not_reported"),
    path("workstreams/<slug:code>/", workstreams.workstream_page, name="workstream"),
    path("workstreams/<slug:code>/report/", workstreams.report_status, name="report_status"),
    path("risks/", risks.register, name="risks"),
    path("risks/new/", risks.new_risk, name="new_risk"),
    path("risks/<slug:reference>/", risks.risk_detail, name="risk"),
    path("logic-model/", logic.logic_model_page, name="logic_model"),
    path("insight/", insight.log, name="insight"),
    path("insight/new/", insight.record, name="new_insight"),
    path("insight/<int:pk>/respond/", insight.respond, name="respond_insight"),
    path("insight/<int:year>/<int:month>/", insight.month_summary, name="insight_month"),
]
