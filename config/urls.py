from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from quartier.api.api import api
from quartier.core import views as core_views

urlpatterns = [
    path("", core_views.root, name="root"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("accounts/profile/", include("quartier.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("healthz", core_views.health, name="health"),
    path("<slug:city_slug>/", core_views.city_home, name="city_home"),
    path("<slug:city_slug>/map/", core_views.city_map, name="city_map"),
    path("<slug:city_slug>/", include("quartier.ideas.urls")),
    path("<slug:city_slug>/", include("quartier.deliberation.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
