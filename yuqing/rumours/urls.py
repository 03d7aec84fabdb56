from django.urls import path

from yuqing.rumours import views

app_name = "rumours"
urlpatterns = [
    path("", views.debunk_list, name="debunk-list"),
    path("new/", views.debunk_create, name="debunk-create"),
    path("import/", views.debunk_import, name="debunk-import"),
    path("<int:pk>/", views.debunk_detail, name="debunk-detail"),
    path("<int:pk>/edit/", views.debunk_edit, name="debunk-edit"),
    path("matches/", views.match_list, name="match-list"),
    path("matches/<int:pk>/", views.match_detail, name="match-detail"),
    path("matches/<int:pk>/review/", views.match_review, name="match-review"),
]
