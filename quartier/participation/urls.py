from django.urls import path

from . import views

urlpatterns = [
    path("roles/", views.city_roles, name="city_roles"),
    path("roles/<int:role_id>/revoke/", views.city_role_revoke, name="city_role_revoke"),
    path("moderation/log/", views.audit_log_view, name="audit_log"),
    path("processes/", views.process_list_view, name="process_list"),
    path("processes/<int:process_id>/", views.process_detail, name="process_detail"),
]
