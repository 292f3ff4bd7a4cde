from django.urls import include, path, re_path

from decks.views import account, classes, media, offline, study

urlpatterns = [
    path("", study.home, name="home"),
    # decks.html.MEDIA_URL_PREFIX: the only sources card HTML may name.
    re_path(
        r"^media/(?P<sha256>[0-9a-f]{64})\.(?P<ext>[a-z0-9]{2,4})$",
        media.media_file,
        name="media_file",
    ),
    path("offline/", offline.offline_page, name="study_offline"),
    path("study/sync/", offline.study_sync, name="study_sync"),
    path("decks/<slug:slug>/", study.deck_detail, name="deck_detail"),
    path("decks/<slug:slug>/study/", study.study, name="study"),
    path("decks/<slug:slug>/options/", study.deck_options, name="deck_options"),
    path("decks/<slug:slug>/study/answer/", study.study_answer, name="study_answer"),
    path("decks/<slug:slug>/study/next/", study.study_next, name="study_next"),
    path("decks/<slug:slug>/study/undo/", study.study_undo, name="study_undo"),
    path("decks/<slug:slug>/study/pack/", offline.study_pack_view, name="study_pack"),
    path("decks/<slug:slug>/export.csv", study.deck_export, {"fmt": "csv"}, name="deck_export_csv"),
    path(
        "decks/<slug:slug>/export.apkg", study.deck_export, {"fmt": "apkg"}, name="deck_export_apkg"
    ),
    path("accounts/signup/", study.signup, name="signup"),
    path("profile/", classes.profile, name="profile"),
    path("account/", account.account, name="account"),
    path("account/export.json", account.account_export, name="account_export"),
    path("account/delete/", account.account_delete_view, name="account_delete"),
    path("account/reminders/", account.account_reminders, name="account_reminders"),
    path("account/push/", account.push_subscribe, name="push_subscribe"),
    path("account/push/remove/", account.push_unsubscribe, name="push_unsubscribe"),
    path(
        "reminders/unsubscribe/<str:token>/",
        account.reminder_unsubscribe_view,
        name="reminder_unsubscribe",
    ),
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
    path("", include("decks.urls_statistics")),
]
