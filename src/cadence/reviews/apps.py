from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "cadence.reviews"
    label = "reviews"
    verbose_name = "Reviews"
