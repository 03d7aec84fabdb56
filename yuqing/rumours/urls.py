from django.urls import include, path

from yuqing.rumours import views

app_name = "rumours"
#: The review queue has its own namespace, so the menu highlights it (not the base) there.
match_patterns = ([
    path("", views.match_list, name="list"),
    path("<int:pk>/", views.match_detail, name="detail"),
    path("<int:pk>/review/", views.match_review, name="review"),
], "matches")
urlpatterns = [
    path("", views.debunk_list, name="debunk-list"),
    path("new/", views.debunk_create, name="debunk-create"),
    path("import/", views.debunk_import, name="debunk-import"),
    path("<int:pk>/", views.debunk_detail, name="debunk-detail"),
    path("<int:pk>/edit/", views.debunk_edit, name="debunk-edit"),
    path("matches/", include(match_patterns)),
]
