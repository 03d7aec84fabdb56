from django.urls import URLPattern, URLResolver, path

from yuqing.cases import config_views, views

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_list, name="case-list"),
    path("new/", views.case_new, name="case-new"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("<int:pk>/status/", views.case_move, name="case-move"),
    path("<int:pk>/timeline/", views.case_record, name="case-record"),
    path("<int:pk>/assign/", views.case_assign, name="case-assign"),
    path("<int:pk>/route/", views.case_route, name="case-route"),
    path("<int:pk>/evidence/", views.case_evidence, name="case-evidence"),
    path("<int:pk>/transmittal.docx", views.transmittal_docx, name="transmittal-docx"),
    path("<int:pk>/transmittal.pdf", views.transmittal_pdf, name="transmittal-pdf"),
    path("settings/", config_views.settings_index, name="settings"),
    path("settings/levels/<int:pk>/", config_views.level_edit, name="level-edit"),
    path("settings/categories/new/", config_views.category_new, name="category-new"),
    path("settings/categories/<int:pk>/", config_views.category_edit, name="category-edit"),
    path("settings/categories/<int:pk>/delete/", config_views.category_delete,
         name="category-delete"),
    path("settings/rules/new/", config_views.rule_new, name="rule-new"),
    path("settings/rules/<int:pk>/", config_views.rule_edit, name="rule-edit"),
    path("settings/rules/<int:pk>/delete/", config_views.rule_delete, name="rule-delete"),
]
