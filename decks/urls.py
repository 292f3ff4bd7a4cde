from django.urls import path, re_path

from decks.views import account, classes, media, practice, site, statistics, study

urlpatterns = [
    path("", study.home, name="home"),
    path("favicon.ico", site.favicon, name="favicon"),
    # decks.html.MEDIA_URL_PREFIX: the only sources card HTML may name.
    re_path(
        r"^media/(?P<sha256>[0-9a-f]{64})\.(?P<ext>[a-z0-9]{2,4})$",
        media.media_file,
        name="media_file",
    ),
    path("decks/<slug:slug>/", study.deck_detail, name="deck_detail"),
    path("decks/<slug:slug>/study/", study.study, name="study"),
    path("decks/<slug:slug>/options/", study.deck_options, name="deck_options"),
    path("decks/<slug:slug>/study/answer/", study.study_answer, name="study_answer"),
    path("decks/<slug:slug>/study/check/", study.study_check, name="study_check"),
    path("decks/<slug:slug>/study/mode/", study.study_mode, name="study_mode"),
    path("decks/<slug:slug>/study/next/", study.study_next, name="study_next"),
    path("decks/<slug:slug>/study/undo/", study.study_undo, name="study_undo"),
    path("decks/<slug:slug>/export.csv", study.deck_export, {"fmt": "csv"}, name="deck_export_csv"),
    path(
        "decks/<slug:slug>/export.apkg", study.deck_export, {"fmt": "apkg"}, name="deck_export_apkg"
    ),
    path("decks/<slug:slug>/practice/", practice.practice_start, name="practice_start"),
    path("decks/<slug:slug>/test/", practice.deck_test_start, name="deck_test_start"),
    path("practice/", practice.practice_list, name="practice_list"),
    path("practice/<int:pk>/", practice.practice_page, name="practice"),
    path("practice/<int:pk>/answer/", practice.practice_answer, name="practice_answer"),
    path("classes/<int:pk>/test/", practice.class_test_start, name="class_test_start"),
    path("classes/<int:pk>/tests/", classes.class_tests_view, name="class_tests"),
    path("classes/<int:pk>/tests/new/", classes.class_test_new, name="class_test_new"),
    path("accounts/signup/", account.signup, name="signup"),
    path("profile/", account.profile, name="profile"),
    path("account/", account.account, name="account"),
    path("account/email/", account.account_email, name="account_email"),
    path("account/password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("account/export.json", account.account_export, name="account_export"),
    path("account/delete/", account.account_delete_view, name="account_delete"),
    path("teach/", classes.teach, name="teach"),
    path("classes/", classes.class_list, name="class_list"),
    path("classes/join/", classes.class_join_view, name="class_join"),
    path("classes/join/<str:code>/", classes.class_join_view, name="class_join_code"),
    path("classes/<int:pk>/", classes.class_detail, name="class_detail"),
    path("classes/<int:pk>/leave/", classes.class_leave_view, name="class_leave"),
    path("classes/<int:pk>/update/", classes.class_update, name="class_update"),
    path("classes/<int:pk>/leaderboard/", classes.leaderboard, name="leaderboard"),
    path("classes/<int:pk>/progress/", classes.class_progress_view, name="class_progress"),
    path("classes/<int:pk>/items/", classes.class_items_view, name="class_items"),
    path(
        "classes/<int:pk>/students/<int:student_id>/",
        classes.class_student_view,
        name="class_student",
    ),
    path(
        "classes/<int:pk>/students/<int:student_id>/password-reset/",
        classes.class_student_password_reset,
        name="class_student_password_reset",
    ),
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/<slug:slug>/", statistics.statistics, name="deck_statistics"),
]
