from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from decks.forms import LoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("decks.urls")),
]

handler404 = "decks.views.errors.page_not_found"
