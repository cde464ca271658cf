from django.urls import path

from . import views

urlpatterns = [
    path("role/", views.switch_role, name="switch_role"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/preferences/", views.preferences, name="preferences"),
]
urlpatterns += [
    path(
        "programme/people/<uuid:user_uuid>/invite/",
        views.resend_invitation,
        name="resend_invitation",
    ),
]
