from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from quartier.api.api import api
from quartier.notifications import views as notification_views
from quartier.pages import views as pages_views


def _system_admins_only(request) -> bool:
    # The admin spans every city: only the installation's system administrators use it. City
    # staff work in their city's pages, where every write is checked against their city role.
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _system_admins_only  # type: ignore[method-assign]

urlpatterns = [
    path("", pages_views.root, name="root"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("accounts/profile/", include("quartier.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", include("quartier.notifications.urls")),
    path("api/v1/", api.urls),
    path("healthz", pages_views.health, name="health"),
    path("<slug:city_slug>/", pages_views.city_home, name="city_home"),
    path("<slug:city_slug>/map/", pages_views.city_map, name="city_map"),
    path("<slug:city_slug>/follow/", notification_views.follow_view, name="follow"),
    path("<slug:city_slug>/", include("quartier.ideas.urls")),
    path("<slug:city_slug>/", include("quartier.deliberation.urls")),
    path("<slug:city_slug>/", include("quartier.budgeting.urls")),
    path("<slug:city_slug>/", include("quartier.labs.urls")),
    path(
        "<slug:city_slug>/prize-money/<int:process_id>/implementation/",
        include("quartier.implementation.urls"),
    ),
    path("<slug:city_slug>/", include("quartier.moderation.urls")),
    path("<slug:city_slug>/", include("quartier.participation.urls")),
    path("<slug:city_slug>/", include("quartier.legal.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
