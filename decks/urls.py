from django.urls import path

from decks import views

urlpatterns = [
    path("", views.home, name="home"),
    path("decks/<slug:slug>/", views.deck_detail, name="deck_detail"),
    path("decks/<slug:slug>/study/", views.study, name="study"),
    path("decks/<slug:slug>/study/answer/", views.study_answer, name="study_answer"),
    path("decks/<slug:slug>/export.csv", views.deck_export, {"fmt": "csv"}, name="deck_export_csv"),
    path(
        "decks/<slug:slug>/export.apkg", views.deck_export, {"fmt": "apkg"}, name="deck_export_apkg"
    ),
    path("accounts/signup/", views.signup, name="signup"),
]
