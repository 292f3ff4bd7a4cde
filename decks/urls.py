from django.urls import path

from decks.views import study

urlpatterns = [
    path("", study.home, name="home"),
    path("decks/<slug:slug>/", study.deck_detail, name="deck_detail"),
    path("decks/<slug:slug>/study/", study.study, name="study"),
    path("decks/<slug:slug>/study/answer/", study.study_answer, name="study_answer"),
    path("decks/<slug:slug>/export.csv", study.deck_export, {"fmt": "csv"}, name="deck_export_csv"),
    path(
        "decks/<slug:slug>/export.apkg", study.deck_export, {"fmt": "apkg"}, name="deck_export_apkg"
    ),
    path("accounts/signup/", study.signup, name="signup"),
]
