from django.urls import path

from . import lifecycle_views, team_views, views

urlpatterns = [
    path("ideas/", views.idea_list_view, name="idea_list"),
    path("ideas/new/", views.idea_submit_view, name="idea_submit"),
    path("ideas/similar/", views.idea_similar_view, name="idea_similar"),
    path("ideas/<int:idea_id>/", views.idea_detail, name="idea_detail"),
    path("ideas/<int:idea_id>/edit/", views.idea_edit_view, name="idea_edit"),
    path("ideas/<int:idea_id>/withdraw/", views.idea_withdraw_view, name="idea_withdraw"),
    path("ideas/<int:idea_id>/versions/", views.idea_revisions_view, name="idea_revisions"),
    path("ideas/<int:idea_id>/versions/compare/", views.idea_compare_view, name="idea_compare"),
    path(
        "ideas/<int:idea_id>/versions/<int:number>/restore/",
        views.idea_restore_view,
        name="idea_restore",
    ),
    path("ideas/<int:idea_id>/support/", views.idea_support_view, name="idea_support"),
    path("ideas/<int:idea_id>/comments/", views.comment_add_view, name="comment_add"),
    path("ideas/<int:idea_id>/report/", views.report_view, name="idea_report"),
    path(
        "ideas/<int:idea_id>/comments/<int:comment_id>/report/",
        views.report_view,
        name="comment_report",
    ),
    path("ideas/<int:idea_id>/hide/", views.idea_hide_view, name="idea_hide"),
    path("ideas/<int:idea_id>/merge/", views.idea_merge_view, name="idea_merge"),
    path(
        "ideas/<int:idea_id>/comments/<int:comment_id>/resolve/",
        views.comment_resolve_view,
        name="comment_resolve",
    ),
    path("ideas/<int:idea_id>/team/", team_views.team_view, name="idea_team"),
    path("ideas/<int:idea_id>/team/roles/", team_views.team_role_add_view, name="team_role_add"),
    path(
        "ideas/<int:idea_id>/team/roles/<int:role_id>/close/",
        team_views.team_role_close_view,
        name="team_role_close",
    ),
    path("ideas/<int:idea_id>/team/join/", team_views.team_join_view, name="team_join"),
    path(
        "ideas/<int:idea_id>/team/join/withdraw/",
        team_views.team_join_withdraw_view,
        name="team_join_withdraw",
    ),
    path(
        "ideas/<int:idea_id>/team/requests/<int:request_id>/",
        team_views.team_request_decide_view,
        name="team_request_decide",
    ),
    path(
        "ideas/<int:idea_id>/team/members/<int:member_id>/",
        team_views.team_member_view,
        name="team_member",
    ),
    path("ideas/<int:idea_id>/team/me/", team_views.team_self_view, name="team_self"),
    path("people/<int:user_id>/", team_views.person_view, name="person"),
    path("ideas/<int:idea_id>/stage/", lifecycle_views.idea_stage_view, name="idea_stage"),
    path("ideas/evaluation/", lifecycle_views.evaluation_queue_view, name="idea_evaluation_queue"),
    path("ideas/rules/", lifecycle_views.idea_rules_view, name="idea_rules"),
    path(
        "ideas/<int:idea_id>/comments/<int:comment_id>/hide/",
        views.comment_hide_view,
        name="comment_hide",
    ),
]
