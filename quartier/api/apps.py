from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "quartier.api"
    verbose_name = "API"
