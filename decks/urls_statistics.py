from django.urls import path

from decks.views.statistics import statistics

urlpatterns = [
    path("statistics/", statistics, name="statistics"),
    path("statistics/<slug:slug>/", statistics, name="deck_statistics"),
]
