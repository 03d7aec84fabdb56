from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("yuqing.web.urls")),
    path("items/", include("yuqing.collect.urls")),
    path("events/", include("yuqing.analysis.urls")),
    path("rumours/", include("yuqing.rumours.urls")),
    path("notify/", include("yuqing.notify.urls")),
    path("alerts/", include("yuqing.alerts.urls")),
    path("cases/", include("yuqing.cases.urls")),
    path("search/", include("yuqing.search.urls")),
    path("reports/", include("yuqing.reports.urls")),
    path("api/v1/", include("yuqing.collect.api.urls")),
    path("audit/", include("yuqing.audit.urls")),
    path("admin/", admin.site.urls),
]
