from django.urls import URLPattern, URLResolver, include, path

from yuqing.alerts import views

# Schemes and rules in their own namespaces, so that the menu highlights their entries (and
# not "Alerts") on their pages.
schemes = ([
    path("", views.scheme_list, name="list"),
    path("new/", views.scheme_create, name="create"),
    path("<int:pk>/", views.scheme_edit, name="edit"),
    path("<int:pk>/delete/", views.scheme_delete, name="delete"),
], "schemes")
rules = ([
    path("", views.rule_list, name="list"),
    path("new/", views.rule_create, name="create"),
    path("<int:pk>/", views.rule_edit, name="edit"),
    path("<int:pk>/delete/", views.rule_delete, name="delete"),
], "rules")

app_name = "alerts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.alert_list, name="alert-list"),
    path("<int:pk>/", views.alert_detail, name="alert-detail"),
    path("<int:pk>/ack/", views.alert_ack, name="alert-ack"),
    path("schemes/", include(schemes)),
    path("rules/", include(rules)),
]
