"""The vote pages: what one needs, the code or the declaration, the ballot, the confirmation, the
receipt, changing a ballot; and what the session and the responses never hold."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quartier.budgeting import codes, services
from quartier.budgeting.ballots import BallotRules
from quartier.budgeting.errors import ReceiptRefused
from quartier.budgeting.models import Ballot, RegisterEntry
from quartier.budgeting.views.voting import SESSION_KEY, summary_lines
from quartier.cities.models import District
from quartier.conftest import make_user
from quartier.participation.services import PhaseSpec, process_set_phases
from quartier.participation.vocabulary import Action
from quartier.tests.conftest import forget_district_shapes, musterstadt_create

APPROVAL = {"kind": "approval", "min_projects": 1, "max_projects": 3}


def phase(*, days_from: int, days_to: int, allows=(Action.VOTE,)) -> list[PhaseSpec]:
    now = timezone.now()
    return [
        PhaseSpec(
            name="Vote",
            starts_at=now + timedelta(days=days_from),
            ends_at=now + timedelta(days=days_to),
            allows=list(allows),
        )
    ]


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def musterstadt(db):
    city = musterstadt_create()
    yield city
    forget_district_shapes(city)


def make_vote(city, admin, author, evaluator, *, ballot=APPROVAL, eligibility=None, title="Vote"):
    vote = services.prize_money_create(
        city=city,
        creator=admin,
        title=title,
        phases=phase(days_from=-1, days_to=1, allows=(Action.PROPOSE,)),
        ballot=ballot,
        eligibility=eligibility,
    )
    pot = services.pot_save(process=vote, actor=admin, name="City-wide", amount=100_000)
    projects = []
    for name, cost in [
        ("Benches", 30_000),
        ("Fountain", 50_000),
        ("Beds", 40_000),
        ("Bus", 20_000),
    ]:
        proposal = services.proposal_submit(
            process=vote,
            author=author,
            pot=pot,
            title=name,
            description=f"About {name}",
            estimate=cost,
        )
        projects.append(
            services.proposal_review(
                proposal=proposal, reviewer=evaluator, feasible=True, reason=""
            )
        )
    process_set_phases(process=vote, actor=admin, phases=phase(days_from=-1, days_to=1))
    return vote, pot, projects


@pytest.fixture
def vote(dortmund, city_admin, resident, evaluator):
    return make_vote(dortmund, city_admin, resident, evaluator)


def issue(vote, admin, count=1):
    return services.codes_issue(process=vote, actor=admin, count=count)[1]


def url(name, vote, city="dortmund"):
    return reverse(name, args=[city, vote.pk])


def sessions_text() -> str:
    """Every stored session, decoded: what a database administrator could read."""
    return "\n".join(str(s.get_decoded()) + s.session_data for s in Session.objects.all())


def enter(client, vote, code):
    return client.post(url("budget_vote", vote), {"code": code})


def pick(pot, *projects):
    return {f"pot-{pot.pk}": [str(p.pk) for p in projects]}


def promise_in(response) -> str:
    """The signed receipt promise the confirmation page carries to the cast."""
    match = re.search(r'name="promise" value="([^"]+)"', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def confirm(client, vote, pot, *projects, receipt=""):
    """The confirmation step: the ballot checked, as the "Check my choices" button sends it."""
    data = {"step": "check"} | pick(pot, *projects) | ({"receipt": receipt} if receipt else {})
    return client.post(url("budget_vote_ballot", vote), data)


def cast(client, vote, pot, *projects, receipt="", promise=None):
    """Cast as a browser does: the confirmation page, then its cast button (whose form carries
    the choices and the page's promise)."""
    if promise is None:
        checked = confirm(client, vote, pot, *projects, receipt=receipt)
        if checked.status_code != 200 or 'name="promise"' not in checked.content.decode():
            return checked
        promise = promise_in(checked)
    return client.post(url("budget_vote_cast", vote), pick(pot, *projects) | {"promise": promise})


def receipt_in(response) -> str:
    match = re.search(r'id="receipt-code"[^>]*>([0-9A-Z-]{19})<', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


# --- The vote page ----------------------------------------------------------------------------


def test_the_vote_page_says_up_front_what_one_needs(client, vote):
    process, _pot, _projects = vote
    page = client.get(url("budget_vote", process)).content.decode()
    assert "The voting code from your letter" in page
    assert "You are at least 14 years old." in page
    assert "You live in Dortmund." in page
    assert "At least 1 and at most 3 projects per pot." in page
    assert "Without it your ballot still counts, but you cannot change it." in page
    assert 'name="code"' in page and "ballot.js" in page


def test_a_vote_of_another_kind_or_city_is_not_found(client, vote, musterstadt):
    process, _pot, _projects = vote
    assert client.get(reverse("budget_vote", args=["musterstadt", process.pk])).status_code == 404
    assert client.get(reverse("budget_vote", args=["dortmund", 999_999])).status_code == 404


def test_before_and_after_the_vote_the_page_says_so_and_takes_no_code(client, vote, city_admin):
    process, _pot, _projects = vote
    code = issue(process, city_admin)[0]
    for days, text in [((1, 2), "The vote has not opened yet."), ((-3, -1), "The vote is closed.")]:
        process_set_phases(
            process=process, actor=city_admin, phases=phase(days_from=days[0], days_to=days[1])
        )
        page = client.get(url("budget_vote", process)).content.decode()
        assert text in page and 'name="code"' not in page
        response = enter(client, process, code)
        assert response.status_code == 302 and response["Location"] == url("budget_vote", process)
        assert SESSION_KEY % process.pk not in client.session
        assert client.get(url("budget_vote_ballot", process)).status_code == 302


def test_a_typo_in_the_code_is_caught_with_a_clear_message(client, vote, city_admin):
    process, _pot, _projects = vote
    code = issue(process, city_admin)[0]
    wrong = ("0" if code[3] != "0" else "1").join([code[:3], code[4:]])
    response = enter(client, process, codes.formatted(wrong))
    assert response.status_code == 400
    assert "This code has a typo: please compare it with your letter" in response.content.decode()
    assert SESSION_KEY % process.pk not in client.session
    short = enter(client, process, code[:10])
    assert "A voting code has 16 characters" in short.content.decode()


def test_code_lookups_are_limited_per_client_address(client, vote, city_admin):
    process, _pot, _projects = vote
    good = issue(process, city_admin)[0]
    limit = services.CODE_FAILURES_PER_HOUR  # unknown codes only: right ones never count
    unknown = list(codes.codes_generate(limit + 1))
    statuses = [enter(client, process, code).status_code for code in unknown]
    assert statuses[:limit] == [400] * limit and statuses[limit] == 429
    # Typos are caught before the lookup and cost nothing; once guessing is stopped, the
    # network waits, with a good code too.
    assert enter(client, process, good).status_code == 429


def test_a_code_of_another_citys_vote_says_where_it_belongs(
    client, vote, resident, system_admin, musterstadt
):
    process, _pot, _projects = vote
    other, _p, _x = make_vote(
        musterstadt, system_admin, resident, system_admin, title="Musterstadt decides"
    )
    code = issue(other, system_admin)[0]
    response = enter(client, process, code)
    page = response.content.decode()
    assert response.status_code == 400
    assert "This code is not valid for this vote." in page
    assert "This code belongs to another vote: Musterstadt decides (Musterstadt)." in page
    assert reverse("budget_vote", args=["musterstadt", other.pk]) in page


# --- Voting with a code -----------------------------------------------------------------------


def test_voting_with_a_code_from_code_to_receipt(client, vote, city_admin):
    process, pot, projects = vote
    code = issue(process, city_admin)[0]
    before_key = client.session.session_key
    response = enter(client, process, code.lower())
    assert response.status_code == 302
    assert response["Location"] == url("budget_vote_ballot", process)
    entry = RegisterEntry.objects.get(process=process)
    held = client.session[SESSION_KEY % process.pk]
    assert held == {"entry": entry.pk}
    assert client.session.session_key != before_key  # a fresh session id once the code is proven
    assert code not in sessions_text() and codes.formatted(code) not in sessions_text()

    ballot = client.get(url("budget_vote_ballot", process)).content.decode()
    for project in projects:
        assert project.title in ballot
        assert reverse("budget_proposal", args=["dortmund", process.pk, project.pk]) in ballot
    assert "€100,000" in ballot and "€30,000" in ballot
    assert 'aria-live="polite"' in ballot
    assert "0 projects chosen, costing €0 of €100,000." in ballot

    check = client.post(
        url("budget_vote_ballot", process), {"step": "check", **pick(pot, *projects[:2])}
    )
    page = check.content.decode()
    assert check.status_code == 200 and "Please check your choices" in page
    assert "2 projects chosen, costing €80,000 of €100,000." in page
    assert Ballot.objects.filter(process=process).count() == 0  # not cast before the confirmation

    done = cast(client, process, pot, *projects[:2])
    assert done.status_code == 200
    receipt = receipt_in(done)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt)
    assert "Keep this receipt: with it you find your ballot" in done.content.decode()
    assert "no-store" in done["Cache-Control"]
    stored = Ballot.objects.get(process=process)
    assert sorted(stored.choices) == sorted([[str(p.pk), 1] for p in projects[:2]])
    assert stored.receipt_hash == codes.receipt_hash(receipt.replace("-", ""))
    entry.refresh_from_db()
    assert entry.voted
    # The session forgets the entry; neither it nor any stored session names the receipt,
    # the code or the ballot.
    assert client.session[SESSION_KEY % process.pk] == {"cast": True}
    stored_sessions = sessions_text()
    for secret in (receipt, receipt.replace("-", ""), code, str(stored.pk), stored.change_tag):
        assert secret not in stored_sessions
    assert "messages" not in done.cookies


def test_the_session_holds_nothing_but_the_entry_at_each_step(client, vote, city_admin):
    process, pot, projects = vote
    code = issue(process, city_admin)[0]
    steps = [
        lambda: client.get(url("budget_vote", process)),
        lambda: enter(client, process, code),
        lambda: client.get(url("budget_vote_ballot", process)),
        lambda: client.post(
            url("budget_vote_ballot", process), {"step": "check", **pick(pot, projects[0])}
        ),
        lambda: client.post(
            url("budget_vote_ballot", process), {"step": "edit", **pick(pot, projects[0])}
        ),
        lambda: cast(client, process, pot, projects[0]),
    ]
    secrets = {code, codes.formatted(code)}
    for step in steps:
        response = step()
        assert response.status_code in (200, 302)
        if b"receipt-code" in response.content:
            receipt = receipt_in(response)
            secrets |= {receipt, receipt.replace("-", "")}
        secrets |= {str(b.pk) for b in Ballot.objects.filter(process=process)}
        secrets |= {b.change_tag for b in Ballot.objects.filter(process=process)}
        stored = sessions_text()
        assert [s for s in secrets if s in stored] == []
        held = client.session.get(SESSION_KEY % process.pk)
        assert held in (
            None,
            {"entry": RegisterEntry.objects.get(process=process).pk},
            {"cast": True},
        )


def test_every_problem_is_listed_and_the_choices_kept(client, vote, city_admin):
    process, pot, projects = vote
    enter(client, process, issue(process, city_admin)[0])
    response = client.post(
        url("budget_vote_ballot", process), {"step": "check", **pick(pot, *projects)}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Your ballot cannot be cast yet" in page
    assert "Please choose at most 3 projects." in page
    assert "That is 1 project too many." in page  # the running total, shown without script
    assert page.count(" checked>") == 4
    empty = client.post(url("budget_vote_ballot", process), {"step": "check"})
    assert (
        empty.status_code == 400 and "Please choose at least one project." in empty.content.decode()
    )
    foreign = client.post(
        url("budget_vote_ballot", process), {"step": "check", f"pot-{pot.pk}": ["x", "999999"]}
    )
    assert "A chosen project is not on this ballot." in foreign.content.decode()
    # The cast checks again: a forged form casts nothing.
    assert cast(client, process, pot, *projects).status_code == 400
    assert Ballot.objects.filter(process=process).count() == 0


def test_a_knapsack_ballot_refuses_more_than_the_pot(
    client, dortmund, city_admin, resident, evaluator
):
    process, pot, projects = make_vote(
        dortmund, city_admin, resident, evaluator, ballot={"kind": "knapsack"}
    )
    enter(client, process, issue(process, city_admin)[0])
    response = client.post(
        url("budget_vote_ballot", process), {"step": "check", **pick(pot, *projects[:3])}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The chosen projects cost 120000 EUR, more than the 100000 EUR of the pot." in page
    assert "That is €20,000 more than the pot." in page


def test_a_points_ballot_takes_whole_points(client, dortmund, city_admin, resident, evaluator):
    ballot = {"kind": "cumulative", "max_points": 5, "max_points_per_project": 3}
    process, pot, projects = make_vote(dortmund, city_admin, resident, evaluator, ballot=ballot)
    enter(client, process, issue(process, city_admin)[0])
    field = f"pot-{pot.pk}-{projects[0].pk}"
    page = client.get(url("budget_vote_ballot", process)).content.decode()
    assert f'name="{field}"' in page and 'type="number"' in page
    bad = client.post(
        url("budget_vote_ballot", process),
        {"step": "check", field: "2.5", f"pot-{pot.pk}-{projects[1].pk}": "4"},
    )
    text = bad.content.decode()
    assert bad.status_code == 400 and "Points are whole numbers, e.g. 3." in text
    assert 'value="4"' in text  # the readable choice is kept
    good = {field: "3", f"pot-{pot.pk}-{projects[1].pk}": "2"}
    checked = client.post(url("budget_vote_ballot", process), {"step": "check", **good})
    done = client.post(url("budget_vote_cast", process), good | {"promise": promise_in(checked)})
    assert done.status_code == 200
    assert sorted(Ballot.objects.get(process=process).choices) == sorted(
        [[str(projects[0].pk), 3], [str(projects[1].pk), 2]]
    )


# --- Double submit, changing the ballot -------------------------------------------------------


def test_pressing_cast_twice_casts_one_ballot_and_shows_the_same_receipt(client, vote, city_admin):
    process, pot, projects = vote
    enter(client, process, issue(process, city_admin)[0])
    promise = promise_in(confirm(client, process, pot, projects[0]))
    first = cast(client, process, pot, projects[0], promise=promise)
    assert first.status_code == 200
    # The same form again (a second press, or a reload after the answer was lost).
    again = cast(client, process, pot, projects[0], promise=promise)
    assert again.status_code == 200 and receipt_in(again) == receipt_in(first)
    assert Ballot.objects.filter(process=process).count() == 1


def test_the_receipt_page_has_no_way_off_that_would_lose_the_receipt(client, vote, city_admin):
    # The language switch posts and returns to the cast's address (a POST-only view): the
    # receipt, shown once, would be gone. The legal links stay, as on every page.
    process, pot, projects = vote
    enter(client, process, issue(process, city_admin)[0])
    page = cast(client, process, pot, projects[0])
    html = page.content.decode()
    assert page.status_code == 200 and receipt_in(page)
    assert 'class="language-switch"' not in html and "Main navigation" not in html
    assert reverse("legal_page", args=["dortmund", "impressum"]) in html
    # The ballot page before it keeps both.
    ballot = client.get(url("budget_vote", process))
    assert 'class="language-switch"' in ballot.content.decode()


def test_a_cast_whose_answer_was_lost_gets_its_receipt_on_retry(client, vote, city_admin):
    """The worker died after the commit and before the session was saved: the retry finds
    the session still holding the code, and the ballot stored."""
    process, pot, projects = vote
    enter(client, process, issue(process, city_admin)[0])
    held = client.session[SESSION_KEY % process.pk]
    promise = promise_in(confirm(client, process, pot, projects[0]))
    first = cast(client, process, pot, projects[0], promise=promise)
    session = client.session
    session[SESSION_KEY % process.pk] = held
    session.save()
    again = cast(client, process, pot, projects[0], promise=promise)
    assert again.status_code == 200 and receipt_in(again) == receipt_in(first)
    assert Ballot.objects.filter(process=process).count() == 1


def test_two_tabs_casting_at_once_cast_one_ballot(client, vote, city_admin):
    process, pot, projects = vote
    enter(client, process, issue(process, city_admin)[0])
    # Two tabs reach the confirmation with different choices; both press "cast".
    first_tab = promise_in(confirm(client, process, pot, projects[0]))
    second_tab = promise_in(confirm(client, process, pot, projects[1]))
    assert cast(client, process, pot, projects[0], promise=first_tab).status_code == 200
    again = cast(client, process, pot, projects[1], promise=second_tab)
    assert again.status_code == 409 and "already" in again.content.decode()
    assert 'id="receipt-code"' not in again.content.decode()
    # Not even the first tab's choices with the second tab's promise show a receipt.
    mixed = cast(client, process, pot, projects[0], promise=second_tab)
    assert mixed.status_code == 409 and 'id="receipt-code"' not in mixed.content.decode()
    assert Ballot.objects.filter(process=process).count() == 1


def test_a_cast_without_the_confirmations_promise_casts_nothing(client, vote, city_admin):
    process, pot, projects = vote
    first, second = issue(process, city_admin, count=2)
    enter(client, process, first)
    others = promise_in(confirm(client, process, pot, projects[0]))
    enter(client, process, second)
    forged = signing.dumps(
        {"entry": 10**6, "receipt": codes.receipt_new(), "change": False},
        salt="another salt",
    )
    for promise in ("", "garbage", forged, others):
        sent = cast(client, process, pot, projects[0], promise=promise)
        assert sent.status_code == 302 and sent.url == url("budget_vote_ballot", process)
    assert not Ballot.objects.filter(process=process).exists()


def test_changing_the_ballot_with_the_receipt(client, vote, city_admin):
    process, pot, projects = vote
    code = issue(process, city_admin)[0]
    enter(client, process, code)
    receipt = receipt_in(cast(client, process, pot, projects[0], projects[1]))

    other = Client()
    other.cookies["django_language"] = "en"
    enter(other, process, code)
    voted = other.get(url("budget_vote_ballot", process)).content.decode()
    assert "This code has been used to vote." in voted and 'name="receipt"' in voted
    # One character changed (never to itself: a receipt may end in either of these).
    typo = receipt[:-1] + ("0" if receipt[-1] != "0" else "1")
    wrong = other.post(url("budget_vote_change", process), {"receipt": typo})
    assert wrong.status_code == 400
    assert "typo" in wrong.content.decode() or "does not belong" in wrong.content.decode()

    shown = other.post(url("budget_vote_change", process), {"receipt": receipt.lower()})
    page = shown.content.decode()
    assert shown.status_code == 200 and "Change your ballot" in page
    assert page.count(" checked>") == 2
    for project in projects[:2]:
        assert re.search(rf'value="{project.pk}"[^>]* checked>', page)
    assert "no-store" in shown["Cache-Control"]
    assert receipt.replace("-", "") not in sessions_text()

    confirm = other.post(
        url("budget_vote_ballot", process),
        {"step": "check", "receipt": receipt, **pick(pot, projects[2])},
    )
    assert "Cast my changed ballot" in confirm.content.decode()
    changed = cast(other, process, pot, projects[2], receipt=receipt.replace("-", ""))
    assert changed.status_code == 200 and "Your ballot has been changed" in changed.content.decode()
    assert receipt_in(changed) == receipt
    assert Ballot.objects.get(process=process).choices == [[str(projects[2].pk), 1]]
    assert receipt.replace("-", "") not in sessions_text()


def test_a_receipt_changes_only_its_own_voters_ballot(client, vote, city_admin):
    process, pot, projects = vote
    first, second = issue(process, city_admin, 2)
    enter(client, process, first)
    receipt = receipt_in(cast(client, process, pot, projects[0]))
    other = Client()
    other.cookies["django_language"] = "en"
    enter(other, process, second)
    assert cast(other, process, pot, projects[3]).status_code == 200
    enter(other, process, second)
    refused = other.post(url("budget_vote_change", process), {"receipt": receipt})
    page = refused.content.decode()
    assert refused.status_code == 400 and "This receipt does not belong to this code." in page
    assert projects[0].title not in page  # nothing of the other voter's ballot
    forged = cast(other, process, pot, projects[1], receipt=receipt)
    assert forged.status_code == 400
    assert sorted(b.choices[0][0] for b in Ballot.objects.filter(process=process)) == sorted(
        [str(projects[0].pk), str(projects[3].pk)]
    )


def test_no_response_shows_another_voters_receipt_or_choices(client, vote, city_admin):
    process, pot, projects = vote
    first, second = issue(process, city_admin, 2)
    enter(client, process, first)
    receipt = receipt_in(cast(client, process, pot, projects[1]))
    other = Client()
    other.cookies["django_language"] = "en"
    pages = [
        other.get(url("budget_vote", process)),
        enter(other, process, second),
        other.get(url("budget_vote_ballot", process)),
        other.post(url("budget_vote_ballot", process), {"step": "check", **pick(pot, projects[0])}),
        cast(other, process, pot, projects[0]),
    ]
    for response in pages:
        text = response.content.decode()
        assert receipt not in text and receipt.replace("-", "") not in text
        assert " checked>" not in text
    assert receipt_in(pages[-1]) != receipt


def test_csrf_is_checked_on_every_form(vote, city_admin):
    process, pot, projects = vote
    strict = Client(enforce_csrf_checks=True)
    code = issue(process, city_admin)[0]
    for name, data in [
        ("budget_vote", {"code": code}),
        ("budget_vote_ballot", pick(pot, projects[0])),
        ("budget_vote_cast", pick(pot, projects[0])),
        ("budget_vote_change", {"receipt": code}),
        ("budget_vote_leave", {}),
    ]:
        assert strict.post(url(name, process), data).status_code == 403
    assert (
        Ballot.objects.filter(process=process).count() == 0
        and SESSION_KEY % process.pk not in strict.session
    )


def test_leaving_forgets_the_code_in_this_browser(client, vote, city_admin):
    process, _pot, _projects = vote
    enter(client, process, issue(process, city_admin)[0])
    assert SESSION_KEY % process.pk in client.session
    client.post(url("budget_vote_leave", process))
    assert SESSION_KEY % process.pk not in client.session
    assert client.get(url("budget_vote_ballot", process)).status_code == 302


def test_a_session_entry_of_another_vote_or_a_forged_one_opens_nothing(client, vote, city_admin):
    process, _pot, _projects = vote
    session = client.session
    session[SESSION_KEY % process.pk] = {"entry": "1 OR 1=1"}
    session.save()
    assert client.get(url("budget_vote_ballot", process)).status_code == 302


# --- Accounts and a declaration ---------------------------------------------------------------

ACCOUNTS = {"proof": "account", "residence": "district", "min_age": 16}


@pytest.fixture
def account_vote(dortmund, city_admin, resident, evaluator):
    return make_vote(dortmund, city_admin, resident, evaluator, eligibility=ACCOUNTS)


def test_an_account_vote_asks_anonymous_visitors_to_sign_in(client, account_vote):
    process, _pot, _projects = account_vote
    page = client.get(url("budget_vote", process)).content.decode()
    assert "An account of this platform with a confirmed email address." in page
    assert "You are at least 16 years old." in page
    assert "Sign in to vote" in page and 'name="code"' not in page


def test_an_unverified_account_is_told_to_confirm_its_address(client, account_vote, unverified):
    process, _pot, _projects = account_vote
    client.force_login(unverified)
    page = client.get(url("budget_vote", process)).content.decode()
    assert 'id="unverified"' in page and 'name="declaration"' not in page
    refused = client.post(url("budget_vote", process), {"declaration": "on"})
    assert refused.status_code == 302 and not RegisterEntry.objects.exists()


def test_a_verified_account_declares_and_votes(client, account_vote, neighbour, dortmund):
    process, pot, projects = account_vote
    client.force_login(neighbour)
    page = client.get(url("budget_vote", process)).content.decode()
    assert "I declare that I live in Dortmund, am at least 16 years old" in page
    missing = client.post(url("budget_vote", process), {"declaration": "on"})
    assert missing.status_code == 400
    assert "Please choose the district you live in." in missing.content.decode()
    district = District.objects.filter(city=dortmund).first()
    response = client.post(
        url("budget_vote", process), {"declaration": "on", "district": district.pk}
    )
    assert response.status_code == 302
    entry = RegisterEntry.objects.get(user=neighbour)
    assert entry.district == district and "I declare" in entry.declaration
    receipt = receipt_in(cast(client, process, pot, projects[0]))
    assert receipt.replace("-", "") not in sessions_text()
    # Signed in as someone else, the browser's entry is not theirs.
    client.post(url("budget_vote", process), {"declaration": "on", "district": district.pk})
    other = make_user("other@example.org")
    client.force_login(other)
    assert client.get(url("budget_vote_ballot", process)).status_code == 302


# --- The running total in words -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "chosen", "expected"),
    [
        (
            BallotRules(kind="approval", budget=100, min_projects=1, max_projects=3),
            [("a", 1)],
            ["1 project chosen, costing €30 of €100.", "You may choose 2 more projects."],
        ),
        (
            BallotRules(kind="approval", budget=100, min_projects=2, max_projects=3),
            [],
            ["0 projects chosen, costing €0 of €100.", "Please choose at least 2 more projects."],
        ),
        (
            BallotRules(kind="approval", budget=100, max_projects=1),
            [("a", 1)],
            [
                "1 project chosen, costing €30 of €100.",
                "You have chosen as many projects as allowed.",
            ],
        ),
        (
            BallotRules(kind="knapsack", budget=100),
            [("b", 1)],
            [
                "1 project chosen, costing €80 of €100.",
                "Money left: €20.",
                "1 more project still fits.",
            ],
        ),
        (
            BallotRules(kind="knapsack", budget=100),
            [("a", 1), ("b", 1)],
            [
                "2 projects chosen, costing €110 of €100.",
                "That is €10 more than the pot.",
                "0 more projects still fit.",
            ],
        ),
        (
            BallotRules(kind="cumulative", budget=100, max_points=5),
            [("a", 2), ("b", 1)],
            ["3 of 5 points given, to 2 projects.", "You may give 2 more points."],
        ),
        (
            BallotRules(kind="cumulative", budget=100, max_points=2),
            [("a", 3)],
            ["3 of 2 points given, to 1 project.", "That is 1 points too many."],
        ),
    ],
)
def test_the_running_total_says_what_is_chosen_and_still_allowed(rules, chosen, expected):
    costs = {"a": 30, "b": 80, "c": 20}
    assert summary_lines(rules, chosen, costs) == expected


# --- The services behind the change -----------------------------------------------------------


def test_current_choices_come_back_only_for_the_receipts_own_entry(vote, city_admin):
    process, pot, projects = vote
    issued = issue(process, city_admin, 2)
    mine, theirs = (services.register_entry_for_code(process=process, typed=c) for c in issued)
    receipt = services.ballot_cast(
        process=process, entry=mine, choices_by_pot={pot.pk: [(projects[0].pk, 1)]}
    )
    assert services.ballot_choices_for_receipt(process=process, entry=mine, receipt=receipt) == {
        pot.pk: [(projects[0].pk, 1)]
    }
    with pytest.raises(ReceiptRefused):
        services.ballot_choices_for_receipt(process=process, entry=theirs, receipt=receipt)
    with pytest.raises(ReceiptRefused):
        services.ballot_choices_for_receipt(process=process, entry=mine, receipt="nonsense")
    services.ballot_cast(
        process=process, entry=theirs, choices_by_pot={pot.pk: [(projects[1].pk, 1)]}
    )
    with pytest.raises(ReceiptRefused):
        services.ballot_choices_for_receipt(process=process, entry=theirs, receipt=receipt)


def test_a_code_finds_its_vote_in_any_city(vote, city_admin):
    process, _pot, _projects = vote
    code = issue(process, city_admin)[0]
    assert services.vote_for_code(typed=codes.formatted(code)) == process
    assert services.vote_for_code(typed=next(codes.codes_generate(1))) is None
    assert services.vote_for_code(typed="typo") is None
