from django.apps import AppConfig


class LanduseConfig(AppConfig):
    name = "landuse"
    verbose_name = "建设用地指标"
