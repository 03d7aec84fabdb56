from django.urls import URLPattern, URLResolver, path

from yuqing.reports import config_views, views

app_name = "reports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report_list, name="report-list"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("new/", views.report_new, name="report-new"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/view/", views.report_view, name="report-view"),
    path("<int:pk>/download/<str:fmt>/", views.report_download, name="report-download"),
    path("templates/", config_views.template_list, name="template-list"),
    path("templates/<str:kind>/", config_views.template_edit, name="template-edit"),
    path("templates/<str:kind>/reset/", config_views.template_reset, name="template-reset"),
    path("schedules/", config_views.schedule_list, name="schedule-list"),
    path("schedules/new/", config_views.schedule_new, name="schedule-new"),
    path("schedules/<int:pk>/", config_views.schedule_edit, name="schedule-edit"),
    path("schedules/<int:pk>/delete/", config_views.schedule_delete, name="schedule-delete"),
]
