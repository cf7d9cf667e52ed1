from django.urls import path

from . import views

TEST = "ideas/<int:idea_id>/tests/<int:iteration>/"

urlpatterns = [
    path("ideas/<int:idea_id>/tests/", views.lab_tests_view, name="lab_tests"),
    path("ideas/<int:idea_id>/tests/new/", views.lab_test_new_view, name="lab_test_new"),
    path(TEST, views.lab_test_view, name="lab_test"),
    path(TEST + "signup/", views.lab_signup_view, name="lab_signup"),
    path(TEST + "feedback/", views.lab_feedback_view, name="lab_feedback"),
    path(TEST + "results/", views.lab_results_view, name="lab_results"),
]
