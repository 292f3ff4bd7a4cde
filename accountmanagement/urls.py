from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy

from decks import admin as decks_admin
from decks.forms import QueuedPasswordResetForm
from decks.throttles import login_failures_capped, throttled
from decks.views import account, app

PASSWORD_RESET_THROTTLED = gettext_lazy(
    "Too many password resets were asked for from your network. Try again in an hour."
)

# The admin's own log-in page, capped like the site's.
admin.site.login = login_failures_capped(admin.site.login)  # type: ignore[method-assign]
# Its log-out wipes what the site kept on the device too: admin pages run no offline.js.
admin.site.logout = account.logout_clears_device(admin.site.logout)  # type: ignore[method-assign,assignment]

urlpatterns = [
    # Before the admin's own: its "view on site" shortcut answers for any object.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(decks_admin.view_on_site),
        name="view_on_site",
    ),
    path("admin/", admin.site.urls),
    # At the root: a service worker controls only the paths below its own URL.
    path("sw.js", app.service_worker, name="service_worker"),
    path("manifest.webmanifest", app.manifest, name="webmanifest"),
    path("favicon.ico", app.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        login_failures_capped(account.LoginView.as_view()),
        name="login",
    ),
    path(
        "accounts/logout/",
        account.logout_clears_device(auth_views.LogoutView.as_view()),
        name="logout",
    ),
    # Django's password reset, by e-mail (settings.EMAIL_BACKEND); templates/registration/.
    # Each request sends a mail: throttled per address, so the form can't be used to spam.
    path(
        "accounts/password-reset/",
        throttled("password-reset", PASSWORD_RESET_THROTTLED)(
            # The mail goes out from a task: the page is the same whether the account exists.
            auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("decks.urls")),
]

handler404 = "decks.views.errors.page_not_found"
