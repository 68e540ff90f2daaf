from django.urls import path, re_path

from cxworkshop.ids import ID_PATTERN
from sessions import views
from sessions.views import COMMANDS, MODERATION

app_name = "live_sessions"

commands = "|".join(COMMANDS)
moderation = "|".join(MODERATION)

urlpatterns = [
    path("live/", views.session_list, name="session-list"),
    path("decks/<slug:slug>/start/", views.session_start, name="session-start"),
    path("live/<int:pk>/", views.console, name="console"),
    path("live/<int:pk>/room/", views.room, name="room"),
    path("live/<int:pk>/summary/", views.summary, name="summary"),
    re_path(
        rf"^live/(?P<pk>{ID_PATTERN})/summary\.(?P<file_format>csv|md)$",
        views.summary_export,
        name="summary-export",
    ),
    re_path(
        rf"^live/(?P<pk>{ID_PATTERN})/(?P<command>{commands})/$",
        views.session_command,
        name="command",
    ),
    path("live/<int:pk>/timer/", views.timer_change, name="timer"),
    re_path(
        rf"^live/(?P<pk>{ID_PATTERN})/answers/(?P<answer_id>{ID_PATTERN})/(?P<action>{moderation})/$",
        views.answer_moderate,
        name="answer-moderate",
    ),
    path(
        "live/<int:pk>/people/<int:participant_id>/",
        views.participant_detail,
        name="participant-detail",
    ),
    path(
        "live/<int:pk>/people/<int:participant_id>/rename/",
        views.participant_rename,
        name="participant-rename",
    ),
    path(
        "live/<int:pk>/people/<int:participant_id>/remove/",
        views.participant_remove,
        name="participant-remove",
    ),
    path(
        "live/<int:pk>/co-facilitators/add/",
        views.co_facilitator_add,
        name="co-facilitator-add",
    ),
    path(
        "live/<int:pk>/co-facilitators/<int:user_id>/remove/",
        views.co_facilitator_remove,
        name="co-facilitator-remove",
    ),
    path(
        "live/<int:pk>/people/<int:participant_id>/turn/",
        views.participant_turn,
        name="participant-turn",
    ),
    path("live/<int:pk>/passes/", views.passes_change, name="passes"),
    path("join/", views.join_code, name="join-code"),
    path("join/<joincode:code>/", views.join, name="join"),
    path("join/<joincode:code>/answer/", views.phone_answer, name="answer"),
    path("join/<joincode:code>/pick/<int:card_id>/", views.phone_pick, name="pick"),
    path("join/<joincode:code>/thanks/", views.phone_thanks, name="thanks"),
    path("join/<joincode:code>/name/", views.phone_rename, name="rename"),
    path("join/<joincode:code>/draw/", views.phone_draw, name="draw"),
    path("join/<joincode:code>/redraw/", views.phone_redraw, name="redraw"),
    path("join/<joincode:code>/draw/mine/", views.phone_own_draw, name="own-draw"),
    path("join/<joincode:code>/pass/", views.phone_pass, name="pass"),
    path("join/<joincode:code>/language/", views.phone_language, name="language"),
    path("join/<joincode:code>/answers/<int:answer_id>/react/", views.phone_react, name="react"),
]
