"""The proposals area: list, detail, propose (also from an idea), the jury's queue and review,
moderation, personal data, and the money field."""

from datetime import timedelta

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quartier.budgeting import services
from quartier.budgeting.forms_proposals import MoneyField, money_parse
from quartier.budgeting.models import Proposal
from quartier.budgeting.vocabulary import ProposalStatus
from quartier.cities.models import District
from quartier.conftest import BORSIGPLATZ, make_user
from quartier.core import personal_data
from quartier.ideas.services import idea_submit
from quartier.moderation.registry import kind_for_model
from quartier.moderation.services import content_approve, premoderation_set, report_create
from quartier.participation.models import AuditEntry
from quartier.participation.services import PhaseSpec, process_set_phases
from quartier.participation.vocabulary import Action

APPROVAL = {"kind": "approval", "min_projects": 1, "max_projects": 3}


def phase(*allows, days_ago: int = 1, days_left: int = 1) -> list[PhaseSpec]:
    now = timezone.now()
    return [
        PhaseSpec(
            name="Now",
            starts_at=now - timedelta(days=days_ago),
            ends_at=now + timedelta(days=days_left),
            allows=allows,
        )
    ]


@pytest.fixture
def evaluator(dortmund):
    return make_user("jury@example.org", name="Jury Person", city=dortmund, role="evaluator")


@pytest.fixture
def vote(dortmund, city_admin):
    return services.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Preisgeld",
        phases=phase(Action.PROPOSE, Action.REVIEW),
        ballot=APPROVAL,
    )


@pytest.fixture
def borsig(dortmund):
    # The district the Borsigplatz lies in (the demo's shapes).
    from quartier.cities.services import district_for_idea_location

    return district_for_idea_location(city=dortmund, lat=BORSIGPLATZ[0], lon=BORSIGPLATZ[1])


@pytest.fixture
def pots(vote, city_admin, borsig, dortmund):
    city_wide = services.pot_save(process=vote, actor=city_admin, name="Stadtweit", amount=500_000)
    local = services.pot_save(
        process=vote, actor=city_admin, name=borsig.name, amount=100_000, district=borsig
    )
    other = District.objects.filter(city=dortmund).exclude(pk=borsig.pk).order_by("name").first()
    empty = services.pot_save(
        process=vote, actor=city_admin, name=other.name, amount=80_000, district=other
    )
    return city_wide, local, empty


@pytest.fixture
def idea(dortmund, resident):
    return idea_submit(
        city=dortmund,
        author=resident,
        title="Shade trees on the square",
        summary="Trees for shade in summer.",
        description="Plant **ten** trees.",
        kind="ecological",
        innovator_type="resident",
        lat=BORSIGPLATZ[0],
        lon=BORSIGPLATZ[1],
    )


def propose(vote, pot, author, title="Benches", estimate=12_500, **kwargs):
    return services.proposal_submit(
        process=vote,
        author=author,
        pot=pot,
        title=title,
        description=kwargs.pop("description", "Four benches."),
        estimate=estimate,
        **kwargs,
    )


@pytest.fixture
def client(client):
    # Pages in English (the messages asserted below); German is the e2e journey's.
    client.cookies["django_language"] = "en"
    return client


def url(name, vote, *args):
    return reverse(name, args=["dortmund", vote.pk, *args])


# --- The money field ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12500", 12_500),
        ("12.500", 12_500),
        ("12.500,00", 12_500),
        ("12,500", 12_500),  # English grouping: three digits after the mark are a group
        ("12,500.00", 12_500),
        ("12 500", 12_500),
        ("12\u202f500", 12_500),
        ("1.250.000", 1_250_000),
        ("12500,-", 12_500),
        ("12.500 €", 12_500),
        ("€ 12.500", 12_500),
        ("EUR 12500", 12_500),
        ("12500 Euro", 12_500),
        ("  7 ", 7),
        ("12,0", 12),
    ],
)
def test_money_is_read_as_people_type_it(typed, amount):
    assert MoneyField().clean(typed) == amount


@pytest.mark.parametrize("typed", ["12,5", "12,50", "12.50", "1.000,5", "12.500,01"])
def test_cents_are_refused_with_a_message_that_says_why(typed):
    with pytest.raises(forms.ValidationError) as error:
        MoneyField().clean(typed)
    assert error.value.code == "cents"
    assert "whole euros" in str(error.value.messages[0])
    assert money_parse(typed) == "cents"


@pytest.mark.parametrize(
    "typed",
    [
        "1.25.000",  # groups of two: no sure reading
        "1000.000",
        "12.500.00",
        "1.000,000",
        "-500",
        "+500",
        "1e5",
        "zwölf",
        "0012",
        "12..500",
        ",50",
        "12.5.00",
        "9" * 20,
        "12 500,5 0",
    ],
)
def test_amounts_without_a_sure_reading_are_refused(typed):
    with pytest.raises(forms.ValidationError) as error:
        MoneyField().clean(typed)
    assert error.value.code == "invalid"


def test_zero_is_no_cost_and_empty_is_required():
    with pytest.raises(forms.ValidationError):
        MoneyField().clean("0")
    with pytest.raises(forms.ValidationError) as error:
        MoneyField().clean("")
    assert error.value.code == "required"
    assert MoneyField(required=False).clean("") is None


def test_the_money_field_is_a_text_box_with_a_digit_keyboard():
    html = str(forms.Form.__new__(forms.Form) and MoneyField().widget.render("x", "12.500"))
    assert 'type="text"' in html
    attrs = MoneyField().widget_attrs(MoneyField().widget)
    assert attrs["inputmode"] == "decimal" and "max" not in attrs


# --- The list -----------------------------------------------------------------------------------


def test_the_list_groups_by_pot_with_costs_status_reason_and_idea(
    client, vote, pots, resident, evaluator, idea
):
    city_wide, local, _empty = pots
    good = propose(vote, local, resident, "Benches at the square", 12_500, idea=idea)
    services.proposal_review(
        proposal=good, reviewer=evaluator, feasible=True, reason="", cost=9_800
    )
    bad = propose(vote, city_wide, resident, "A cable car", 400_000)
    services.proposal_review(
        proposal=bad, reviewer=evaluator, feasible=False, reason="Not on city land."
    )
    twin = propose(vote, local, resident, "Benches again", 11_000)
    services.proposal_merge(proposal=twin, into=good, reviewer=evaluator, reason="Same benches.")
    response = client.get(url("budget_proposals", vote))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Stadtweit") < page.index(local.name + " (pot of")
    assert "€9,800" in page and "estimate €12,500" in page  # the reviewed cost counts
    assert "Not on city land." in page
    assert "Same benches." in page and url("budget_proposal", vote, good.pk) in page
    assert reverse("idea_detail", args=["dortmund", idea.pk]) in page
    assert "Not feasible" in page and "Merged into another proposal" in page


def test_the_list_filters_and_refuses_bad_filters(client, vote, pots, resident):
    city_wide, local, _empty = pots
    propose(vote, city_wide, resident, "City-wide thing")
    propose(vote, local, resident, "Local thing")
    page = client.get(url("budget_proposals", vote), {"pot": local.pk}).content.decode()
    assert "Local thing" in page and "City-wide thing" not in page
    page = client.get(url("budget_proposals", vote), {"status": "feasible"}).content.decode()
    assert "No proposals match these filters." in page
    for bad in ({"pot": "999999"}, {"pot": "x"}, {"status": "won"}, {"page": "-1"}):
        response = client.get(url("budget_proposals", vote), bad)
        assert response.status_code == 400, bad
        assert "Some filters are not valid" in response.content.decode()


def test_an_empty_district_says_so_and_what_to_do(client, vote, pots):
    _city_wide, _local, empty = pots
    response = client.get(url("budget_proposals", vote), {"district": empty.district.slug})
    page = response.content.decode()
    assert f"No proposals in {empty.district.name} yet." in page
    assert "Propose a project" not in page or "Sign in to propose a project" in page
    assert "Find an idea to grow into a project" in page


@pytest.fixture
def placed(vote, pots, resident, idea):
    """Four proposals, three of them in the Borsigplatz's district: a city-wide one placed
    there, a city-wide one from an idea there, one of the district's pot; and one nowhere."""
    city_wide, local, _empty = pots
    return {
        "Fountain": propose(
            vote, city_wide, resident, title="Fountain", lat=BORSIGPLATZ[0], lon=BORSIGPLATZ[1]
        ),
        "Shade": propose(vote, city_wide, resident, title="Shade", idea=idea),
        "Benches": propose(vote, local, resident, title="Benches"),
        "Website": propose(vote, city_wide, resident, title="Website"),
    }


def test_a_districts_list_shows_the_city_wide_projects_placed_in_it(
    client, vote, pots, placed, borsig
):
    assert [p.district for p in placed.values()] == [borsig, borsig, borsig, None]
    page = client.get(url("budget_proposals", vote), {"district": borsig.slug}).content.decode()
    for shown in ("Fountain", "Shade", "Benches"):
        assert shown in page
    assert "Website" not in page
    other = client.get(url("budget_proposals", vote), {"district": pots[2].district.slug})
    assert "Fountain" not in other.content.decode()


def test_the_migration_gives_existing_proposals_their_district(placed, borsig):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("quartier.budgeting.migrations.0003_proposal_district")
    Proposal.objects.update(district=None)
    migration.districts_filled(apps, None)
    for proposal in placed.values():
        proposal.refresh_from_db()
    assert [p.district for p in placed.values()] == [borsig, borsig, borsig, None]


def test_the_list_pages_and_needs_no_query_per_row(client, vote, pots, resident, idea):
    city_wide, local, _empty = pots
    for number in range(30):  # past the rate limit of one author: written directly
        Proposal.objects.create(
            process=vote,
            pot=local if number % 2 else city_wide,
            author=resident,
            title=f"Project {number:02}",
            description="Text",
            estimate=1_000 + number,
            status=ProposalStatus.MERGED if number == 5 else ProposalStatus.SUBMITTED,
            merged_into=Proposal.objects.filter(process=vote).first() if number == 5 else None,
            idea=idea if number % 3 == 0 else None,
            lat=BORSIGPLATZ[0] if number % 2 else None,
            lon=BORSIGPLATZ[1] if number % 2 else None,
        )
    with CaptureQueriesContext(connection) as few:
        client.get(url("budget_proposals", vote))
    propose(vote, city_wide, resident, "One more")
    with CaptureQueriesContext(connection) as more:
        response = client.get(url("budget_proposals", vote))
    assert len(more) == len(few)
    assert len(few) < 15
    page = response.content.decode()
    assert "Page 1 of 2" in page and "proposals-map" in page
    second = client.get(url("budget_proposals", vote), {"page": 2}).content.decode()
    assert "Project 29" in second or "Project 28" in second


def test_the_map_gets_the_placed_proposals_only(client, vote, pots, resident):
    _city_wide, local, _empty = pots
    propose(vote, local, resident, "Placed", lat=BORSIGPLATZ[0], lon=BORSIGPLATZ[1])
    propose(vote, local, resident, "Nowhere")
    response = client.get(url("budget_proposals", vote))
    config = response.context["map_config"]
    assert [f["properties"]["title"] for f in config["ideasData"]["features"]] == ["Placed"]
    assert config["hotspotsUrl"] == ""


def test_another_citys_or_kinds_process_is_not_found(client, vote, dortmund, city_admin):
    from quartier.participation.services import process_create
    from quartier.participation.vocabulary import ProcessKind

    other = process_create(
        city=dortmund, kind=ProcessKind.CALL_FOR_IDEAS, title="Call", phases=[], creator=city_admin
    )
    assert client.get(url("budget_proposals", other)).status_code == 404
    assert client.get(reverse("budget_proposals", args=["dortmund", 999_999])).status_code == 404


# --- The detail page ------------------------------------------------------------------------------


def test_the_detail_shows_markdown_costs_review_by_role_and_merged_from(
    client, vote, pots, resident, evaluator, idea
):
    _city_wide, local, _empty = pots
    good = propose(vote, local, resident, "Benches", idea=idea, description="Four **oak** benches.")
    twin = propose(vote, local, resident, "More benches")
    services.proposal_merge(proposal=twin, into=good, reviewer=evaluator, reason="Duplicate.")
    services.proposal_review(proposal=good, reviewer=evaluator, feasible=True, reason="Fine.")
    page = client.get(url("budget_proposal", vote, good.pk)).content.decode()
    assert "<strong>oak</strong>" in page
    assert "Decided by the city's jury" in page and "Jury Person" not in page
    assert "More benches" in page and "Duplicate." in page
    assert reverse("idea_detail", args=["dortmund", idea.pk]) in page
    assert "Feasible: this project goes on the ballot." in page
    assert client.get(url("budget_proposal", vote, 999_999)).status_code == 404


def test_a_proposal_of_another_vote_is_not_found_under_this_one(
    client, vote, pots, resident, dortmund, city_admin
):
    other = services.prize_money_create(
        city=dortmund, creator=city_admin, title="Other", phases=phase(), ballot=APPROVAL
    )
    proposal = propose(vote, pots[0], resident)
    assert client.get(url("budget_proposal", other, proposal.pk)).status_code == 404


# --- Proposing ----------------------------------------------------------------------------------


def test_anonymous_visitors_sign_in_and_unverified_accounts_confirm_first(
    client, vote, pots, unverified
):
    response = client.get(url("budget_propose", vote))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(unverified)
    response = client.get(url("budget_propose", vote))
    assert response.status_code == 302 and response["Location"] == reverse("account_email")


def test_outside_the_proposal_phase_the_form_sends_back_with_a_message(
    client, vote, pots, resident, city_admin
):
    process_set_phases(process=vote, actor=city_admin, phases=phase(Action.REVIEW))
    client.force_login(resident)
    response = client.post(url("budget_propose", vote), {"title": "x"}, follow=True)
    assert response.redirect_chain[-1][0] == url("budget_proposals", vote)
    assert "takes no proposals at the moment" in response.content.decode()
    assert not Proposal.objects.filter(process=vote).exists()


def test_a_resident_proposes_with_a_german_amount_and_a_place(client, vote, pots, resident):
    _city_wide, local, _empty = pots
    client.force_login(resident)
    assert client.get(url("budget_propose", vote)).status_code == 200
    response = client.post(
        url("budget_propose", vote),
        {
            "title": "Benches",
            "description": "Four benches.",
            "estimate": "12.500",
            "pot": local.pk,
            "lat": "51,523333",
            "lon": "7,481667",
        },
    )
    proposal = Proposal.objects.get(process=vote)
    assert response.status_code == 302 and response["Location"] == url(
        "budget_proposal", vote, proposal.pk
    )
    assert (proposal.estimate, proposal.pot, proposal.author) == (12_500, local, resident)
    assert proposal.lat == pytest.approx(51.523333) and proposal.hidden_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"estimate": "12,5"}, "whole euros without cents"),
        ({"estimate": "zwölf"}, "Enter an amount in whole euros"),
        ({"estimate": "900.000"}, "more than the whole pot"),
        ({"title": ""}, "This field is required"),
        ({"pot": "999999"}, "Select a valid choice"),
        ({"lat": "51,5"}, "Give both latitude and longitude, or neither."),
        ({"lat": "51.513.6", "lon": "7.4"}, "Enter a decimal number"),
        ({"lat": "52.9", "lon": "9.9"}, "outside"),  # far from Dortmund
    ],
)
def test_bad_input_comes_back_with_a_message(client, vote, pots, resident, data, message):
    _city_wide, local, _empty = pots
    client.force_login(resident)
    form = {"title": "Benches", "description": "Text", "estimate": "12500", "pot": local.pk}
    response = client.post(url("budget_propose", vote), {**form, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Proposal.objects.filter(process=vote).exists()


def test_a_place_outside_the_pots_district_is_refused(client, vote, pots, resident):
    _city_wide, _local, empty = pots
    client.force_login(resident)
    response = client.post(
        url("budget_propose", vote),
        {
            "title": "Benches",
            "description": "Text",
            "estimate": "12500",
            "pot": empty.pk,
            "lat": str(BORSIGPLATZ[0]),
            "lon": str(BORSIGPLATZ[1]),
        },
    )
    assert response.status_code == 400
    assert "This place lies in Innenstadt-Nord, not in the pot" in response.content.decode()


def test_proposing_from_an_idea_prefills_and_links_both_ways(client, vote, pots, resident, idea):
    _city_wide, local, _empty = pots
    client.force_login(resident)
    response = client.get(url("budget_propose", vote), {"idea": idea.pk})
    form = response.context["form"]
    assert form.initial["title"] == idea.title and form.initial["pot"] == local.pk
    assert "Trees for shade" in form.initial["description"]
    response = client.post(
        url("budget_propose", vote),
        {
            "title": idea.title,
            "description": form.initial["description"],
            "estimate": "30.000",
            "pot": local.pk,
            "idea": idea.pk,
        },
    )
    proposal = Proposal.objects.get(process=vote)
    assert proposal.idea == idea
    page = client.get(reverse("idea_detail", args=["dortmund", idea.pk])).content.decode()
    assert "Projects proposed from this idea" in page
    assert url("budget_proposal", vote, proposal.pk) in page


@pytest.mark.parametrize("bad", ["abc", "999999", "-3"])
def test_a_bad_idea_parameter_is_a_400_with_a_message(client, vote, pots, resident, bad):
    client.force_login(resident)
    response = client.get(url("budget_propose", vote), {"idea": bad})
    assert response.status_code == 400
    assert "This idea cannot be proposed" in response.content.decode()


# --- The panel on the idea page -------------------------------------------------------------------


def test_the_idea_page_offers_to_propose_while_a_vote_takes_proposals(
    client, vote, pots, idea, resident, unverified, city_admin
):
    idea_url = reverse("idea_detail", args=["dortmund", idea.pk])
    propose_link = url("budget_propose", vote) + f"?idea={idea.pk}"
    assert propose_link in client.get(idea_url).content.decode()  # visitors: leads to sign-in
    client.force_login(resident)
    assert "Propose as a project" in client.get(idea_url).content.decode()
    client.force_login(unverified)
    assert propose_link not in client.get(idea_url).content.decode()
    process_set_phases(process=vote, actor=city_admin, phases=phase(Action.VOTE))
    client.force_login(resident)
    assert propose_link not in client.get(idea_url).content.decode()


# --- The jury -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("resident", 404), ("moderator", 404), ("evaluator", 200), ("admin", 200)],
)
def test_only_the_jury_sees_the_queue(
    client, vote, pots, who, status, evaluator, moderator, city_admin, resident
):
    users = {
        "resident": resident,
        "moderator": moderator,
        "evaluator": evaluator,
        "admin": city_admin,
    }
    if who in users:
        client.force_login(users[who])
    proposal = propose(vote, pots[0], resident)
    assert client.get(url("budget_review_queue", vote)).status_code == status
    assert client.get(url("budget_review", vote, proposal.pk)).status_code == status


def test_the_queue_is_oldest_first_with_how_long_each_waited(
    client, vote, pots, resident, evaluator
):
    old = propose(vote, pots[0], resident, "Old one")
    new = propose(vote, pots[0], resident, "New one")
    Proposal.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    done = propose(vote, pots[0], resident, "Decided one")
    services.proposal_review(proposal=done, reviewer=evaluator, feasible=True, reason="")
    client.force_login(evaluator)
    page = client.get(url("budget_review_queue", vote)).content.decode()
    assert page.index("Old one") < page.index("New one")
    assert "waiting for 3 days" in page and "waiting since today" in page
    assert "2 proposals to review" in page
    assert "Decided one" in page and "Review again" in page
    assert new.pk


def test_the_jury_reviews_feasible_at_a_lower_cost_and_not_feasible_with_a_reason(
    client, vote, pots, resident, evaluator
):
    good = propose(vote, pots[0], resident, "Good", 12_500)
    bad = propose(vote, pots[0], resident, "Bad", 12_500)
    client.force_login(evaluator)
    response = client.post(
        url("budget_review", vote, good.pk),
        {"action": "review", "decision": "feasible", "reason": "", "cost": "9.800"},
    )
    assert response.status_code == 302 and response["Location"] == url("budget_review_queue", vote)
    response = client.post(
        url("budget_review", vote, bad.pk), {"action": "review", "decision": "infeasible"}
    )
    assert response.status_code == 400
    assert "Please say publicly why" in response.content.decode()
    client.post(
        url("budget_review", vote, bad.pk),
        {"action": "review", "decision": "infeasible", "reason": "Private land."},
    )
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, good.cost, good.effective_cost) == ("feasible", 9_800, 9_800)
    assert (bad.status, bad.review_reason) == ("infeasible", "Private land.")
    decisions = AuditEntry.objects.filter(target_type="budgeting.proposal").order_by("pk")
    assert [e.detail["decision"] for e in decisions] == ["feasible", "infeasible"]
    assert decisions[1].reason == "Private land."


def test_a_review_can_be_corrected_and_is_audited_again(client, vote, pots, resident, evaluator):
    proposal = propose(vote, pots[0], resident)
    services.proposal_review(proposal=proposal, reviewer=evaluator, feasible=True, reason="")
    client.force_login(evaluator)
    form = client.get(url("budget_review", vote, proposal.pk)).context["review_form"]
    assert form.initial["decision"] == "feasible"
    client.post(
        url("budget_review", vote, proposal.pk),
        {"action": "review", "decision": "infeasible", "reason": "Too close to the road."},
    )
    proposal.refresh_from_db()
    assert proposal.status == "infeasible"
    assert AuditEntry.objects.filter(target_type="budgeting.proposal").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "review", "decision": "maybe"}, "Select a valid choice"),
        ({"action": "review", "decision": "feasible", "cost": "12,5"}, "whole euros"),
        (
            {"action": "review", "decision": "feasible", "cost": "999.999"},
            "more than the whole pot",
        ),
        ({"action": "merge", "into": "999999", "merge_reason": "x"}, "Select a valid choice"),
        ({"action": "merge", "merge_reason": "dup"}, "This field is required"),
        ({"action": "dance"}, "Please choose a decision"),
    ],
)
def test_bad_review_input_is_a_400_with_a_message(
    client, vote, pots, resident, evaluator, data, message
):
    proposal = propose(vote, pots[1], resident)
    propose(vote, pots[1], resident, "Another")
    client.force_login(evaluator)
    response = client.post(url("budget_review", vote, proposal.pk), data, follow=False)
    assert response.status_code == 400
    assert message in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_the_jury_merges_a_duplicate_with_a_reason(client, vote, pots, resident, evaluator):
    original = propose(vote, pots[0], resident, "Original")
    twin = propose(vote, pots[0], resident, "Twin")
    earlier = propose(vote, pots[0], resident, "Earlier twin")
    services.proposal_merge(proposal=earlier, into=twin, reviewer=evaluator, reason="Same.")
    client.force_login(evaluator)
    response = client.post(
        url("budget_review", vote, twin.pk),
        {"action": "merge", "into": original.pk, "merge_reason": "The same benches."},
    )
    assert response.status_code == 302
    twin.refresh_from_db()
    earlier.refresh_from_db()
    assert (twin.status, twin.merged_into, twin.review_reason) == (
        "merged",
        original,
        "The same benches.",
    )
    assert earlier.merged_into == original  # no chains
    page = client.get(url("budget_proposal", vote, original.pk)).content.decode()
    assert "Twin" in page and "Earlier twin" in page


def test_after_the_review_phase_the_jury_can_look_but_not_decide(
    client, vote, pots, resident, evaluator, city_admin
):
    proposal = propose(vote, pots[0], resident)
    process_set_phases(process=vote, actor=city_admin, phases=phase(Action.VOTE))
    client.force_login(evaluator)
    page = client.get(url("budget_review_queue", vote)).content.decode()
    assert "Proposals can be reviewed only before the vote." in page
    response = client.post(
        url("budget_review", vote, proposal.pk), {"action": "review", "decision": "feasible"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


# --- Moderation and personal data ---------------------------------------------------------------


def test_proposals_wait_for_premoderation_like_ideas(
    client, vote, pots, resident, neighbour, dortmund, city_admin, moderator
):
    premoderation_set(city=dortmund, enabled=True, actor=city_admin)
    dortmund.refresh_from_db()
    vote.city.refresh_from_db()
    proposal = propose(vote, pots[0], resident, "Held back ZZHELD")
    assert proposal.awaiting_review and proposal.hidden_at is not None
    assert "ZZHELD" not in client.get(url("budget_proposals", vote)).content.decode()
    assert client.get(url("budget_proposal", vote, proposal.pk)).status_code == 410
    client.force_login(resident)
    assert "ZZHELD" in client.get(url("budget_proposals", vote)).content.decode()
    assert client.get(url("budget_proposal", vote, proposal.pk)).status_code == 200
    client.force_login(neighbour)
    assert client.get(url("budget_proposal", vote, proposal.pk)).status_code == 410
    content_approve(target=proposal, moderator=moderator)
    client.logout()
    assert "ZZHELD" in client.get(url("budget_proposals", vote)).content.decode()


def test_a_proposal_is_reportable_content(client, vote, pots, resident, neighbour):
    proposal = propose(vote, pots[0], resident)
    kind = kind_for_model(Proposal)
    assert kind is not None and kind.key == "proposal"
    assert kind.url(proposal) == url("budget_proposal", vote, proposal.pk)
    report = report_create(reporter=neighbour, target=proposal, reason="abuse")
    assert report.city_id == vote.city_id
    client.force_login(neighbour)
    page = client.get(url("budget_proposal", vote, proposal.pk)).content.decode()
    assert reverse("report_content", args=["dortmund", "proposal", proposal.pk]) in page
    assert (
        client.get(
            reverse("report_content", args=["dortmund", "proposal", proposal.pk])
        ).status_code
        == 200
    )


def test_the_author_is_exported_and_erased_the_proposal_stays(vote, pots, resident):
    proposal = propose(vote, pots[0], resident, "Mine")
    section = next(s for s in personal_data.sections() if s.name == "prize_money_proposals")
    exported = section.export(user=resident)
    assert [row["title"] for row in exported] == ["Mine"] and exported[0]["estimate"] == 12_500
    assert section.erase is not None
    section.erase(user=resident)
    proposal.refresh_from_db()
    assert proposal.author is None and proposal.title == "Mine"


def test_a_reported_proposal_is_in_the_moderators_queue_and_hiding_takes_it_off_the_list(
    client, vote, pots, resident, neighbour, moderator
):
    proposal = propose(vote, pots[0], resident, "Reported ZZREPORTED")
    report_create(reporter=neighbour, target=proposal, reason="spam")
    client.force_login(moderator)
    assert (
        "ZZREPORTED" in client.get(reverse("moderation_queue", args=["dortmund"])).content.decode()
    )
    response = client.post(
        reverse("moderation_act", args=["dortmund", "proposal", proposal.pk, "hide"]),
        {"reason": "Advertising"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.hidden_at is not None and proposal.hidden_reason == "Advertising"
    client.logout()
    assert "ZZREPORTED" not in client.get(url("budget_proposals", vote)).content.decode()
    response = client.get(url("budget_proposal", vote, proposal.pk))
    assert response.status_code == 410 and "Advertising" in response.content.decode()
    assert "ZZREPORTED" not in response.content.decode()


def test_the_idea_page_panel_costs_the_same_queries_for_one_proposal_or_many(
    client, vote, pots, resident, neighbour, idea
):
    idea_url = reverse("idea_detail", args=["dortmund", idea.pk])
    propose(vote, pots[1], resident, "First", idea=idea)
    client.get(idea_url)  # the first view builds the city's similar-ideas index
    with CaptureQueriesContext(connection) as one:
        client.get(idea_url)
    for number in range(5):
        propose(vote, pots[1], neighbour, f"More {number}", idea=idea)
    with CaptureQueriesContext(connection) as many:
        page = client.get(idea_url).content.decode()
    assert len(many) == len(one)
    assert page.count("/proposals/") >= 6
