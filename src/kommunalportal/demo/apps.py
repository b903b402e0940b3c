from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kommunalportal.demo"
    label = "demo"
    verbose_name = "Demo"
