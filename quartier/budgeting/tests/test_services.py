"""The prize-money vote's services: set-up, proposals, review, codes, ballots, paper, the close."""

import itertools
from fractions import Fraction

import pytest
from django.db import connection, models
from django.utils import timezone

import voting_rules
from quartier.budgeting import codes, services
from quartier.budgeting.errors import (
    AlreadyVoted,
    BallotInvalid,
    BudgetingError,
    CodeRefused,
    ReceiptRefused,
    SettingsInvalid,
)
from quartier.budgeting.models import Ballot, PaperSheet, Pot, RegisterEntry, Result
from quartier.budgeting.tests.phases import phases
from quartier.budgeting.vocabulary import PaperSheetStatus, ProposalStatus
from quartier.cities.models import District
from quartier.conftest import make_user
from quartier.core.errors import PermissionDenied, RateLimited
from quartier.participation.services import (
    PhaseSpec,
    process_lock_settings,
    process_set_phases,
)
from quartier.participation.vocabulary import Action

APPROVAL = {"kind": "approval", "min_projects": 1, "max_projects": 3}


def one_phase(*allows) -> list[PhaseSpec]:
    return phases(*allows)


def past_phase() -> list[PhaseSpec]:
    return phases(Action.SHOW_RESULTS, past=True)


@pytest.fixture
def vote(dortmund, city_admin):
    return services.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Preisgeld",
        phases=one_phase(Action.PROPOSE, Action.REVIEW),
        ballot=APPROVAL,
    )


@pytest.fixture
def pot(vote, city_admin):
    return services.pot_save(process=vote, actor=city_admin, name="Stadtweit", amount=100_000)


def feasible(vote, pot, author, evaluator, title, cost):
    proposal = services.proposal_submit(
        process=vote, author=author, pot=pot, title=title, description="…", estimate=cost
    )
    return services.proposal_review(proposal=proposal, reviewer=evaluator, feasible=True, reason="")


@pytest.fixture
def ballot_open(vote, pot, resident, evaluator, city_admin):
    projects = [
        feasible(vote, pot, resident, evaluator, title, cost)
        for title, cost in [
            ("Bänke", 30_000),
            ("Brunnen", 50_000),
            ("Beete", 40_000),
            ("Bus", 20_000),
        ]
    ]
    process_set_phases(process=vote, actor=city_admin, phases=one_phase(Action.VOTE))
    return projects


def code_entry(vote, city_admin, count=1):
    _batch, issued = services.codes_issue(process=vote, actor=city_admin, count=count)
    return issued, [services.register_entry_for_code(process=vote, typed=c) for c in issued]


# --- set-up ----------------------------------------------------------------------------------


def test_a_city_admin_sets_up_a_vote_with_the_compute_tools_defaults(vote):
    assert vote.options["rule"] == "equalshares"
    assert vote.options["rule_options"]["completion"] == "add1u"
    assert vote.options["eligibility"] == {"min_age": 14, "residence": "city", "proof": "code"}


def test_only_a_city_admin_sets_up_a_vote(dortmund, moderator):
    with pytest.raises(PermissionDenied):
        services.prize_money_create(
            city=dortmund, creator=moderator, title="x", phases=one_phase(), ballot=APPROVAL
        )


@pytest.mark.parametrize(
    "ballot",
    [
        {"kind": "ranked"},
        {"kind": "approval", "min_projects": 4, "max_projects": 2},
        {"kind": "approval", "max_projects": "3"},
        {"kind": "approval", "max_projects": True},
        {"kind": "cumulative"},
        {"kind": "cumulative", "max_points": 0},
    ],
)
def test_a_ballot_that_makes_no_sense_is_refused(dortmund, city_admin, ballot):
    with pytest.raises(SettingsInvalid):
        services.prize_money_create(
            city=dortmund, creator=city_admin, title="x", phases=one_phase(), ballot=ballot
        )


def test_the_usual_phases_run_from_proposals_to_implementation():
    start = timezone.now()
    phases = services.prize_money_phases(starts_at=start)
    assert [list(p.allows) for p in phases][2] == [Action.VOTE]
    assert phases[-1].ends_at is None
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(phases))


def test_pots_split_by_population_and_one_pot_per_district(vote, city_admin, dortmund):
    districts = list(District.objects.filter(city=dortmund))
    pots = services.pots_split_by_population(
        process=vote, actor=city_admin, total=1_000_000, districts=districts, unit=100
    )
    assert len(pots) == len(districts) == 12
    assert sum(p.amount for p in pots) == 1_000_000
    biggest = max(districts, key=lambda d: d.population)
    assert max(pots, key=lambda p: p.amount).district == biggest
    with pytest.raises(SettingsInvalid):
        services.pot_save(process=vote, actor=city_admin, name="x", amount=5, district=districts[0])
    # Splitting again updates the same pots instead of adding more.
    services.pots_split_by_population(
        process=vote, actor=city_admin, total=500_000, districts=districts
    )
    assert Pot.objects.filter(process=vote).count() == 12


# --- proposals and review --------------------------------------------------------------------


def test_a_resident_proposes_and_the_jury_reviews(vote, pot, resident, evaluator):
    proposal = services.proposal_submit(
        process=vote,
        author=resident,
        pot=pot,
        title="Trinkbrunnen",
        description="Am Platz",
        estimate=12_000,
    )
    assert proposal.status == ProposalStatus.SUBMITTED
    services.proposal_review(
        proposal=proposal, reviewer=evaluator, feasible=True, reason="", cost=15_000
    )
    assert (proposal.status, proposal.effective_cost, proposal.estimate) == (
        "feasible",
        15_000,
        12_000,
    )
    other = services.proposal_submit(
        process=vote,
        author=resident,
        pot=pot,
        title="Trinkwasser",
        description="dasselbe",
        estimate=9_000,
    )
    services.proposal_merge(
        proposal=other, into=proposal, reviewer=evaluator, reason="Gleiche Idee"
    )
    assert other.status == ProposalStatus.MERGED and other.merged_into == proposal


def test_a_rejection_needs_a_public_reason_and_only_the_jury_reviews(
    vote, pot, resident, evaluator, moderator
):
    proposal = services.proposal_submit(
        process=vote, author=resident, pot=pot, title="Seilbahn", description="…", estimate=90_000
    )
    with pytest.raises(BudgetingError):
        services.proposal_review(proposal=proposal, reviewer=evaluator, feasible=False, reason=" ")
    with pytest.raises(PermissionDenied):
        services.proposal_review(proposal=proposal, reviewer=moderator, feasible=True, reason="")
    services.proposal_review(
        proposal=proposal, reviewer=evaluator, feasible=False, reason="Zu teuer"
    )
    assert proposal.status == ProposalStatus.INFEASIBLE


def test_proposals_are_taken_only_in_their_phase(vote, pot, resident, city_admin):
    process_set_phases(process=vote, actor=city_admin, phases=one_phase(Action.VOTE))
    with pytest.raises(BudgetingError):
        services.proposal_submit(
            process=vote, author=resident, pot=pot, title="Spät", description="…", estimate=10
        )


def test_an_estimate_above_the_pot_is_refused(vote, pot, resident):
    with pytest.raises(BudgetingError):
        services.proposal_submit(
            process=vote, author=resident, pot=pot, title="Teuer", description="…", estimate=100_001
        )


# --- codes and ballots -----------------------------------------------------------------------


def test_codes_are_stored_only_as_keyed_hashes(vote, city_admin):
    _batch, issued = services.codes_issue(process=vote, actor=city_admin, count=50)
    stored = set(RegisterEntry.objects.filter(process=vote).values_list("code_hash", flat=True))
    assert len(stored) == 50
    assert not any(code in hashed or code.lower() in hashed for code in issued for hashed in stored)
    assert codes.code_hash(issued[0], secret=b"another secret") not in stored


def test_a_typed_code_is_checked_before_it_is_looked_up(vote, city_admin):
    issued, _entries = code_entry(vote, city_admin)
    code = issued[0]
    assert services.register_entry_for_code(process=vote, typed=codes.formatted(code).lower())
    typo = code[:3] + ("X" if code[3] != "X" else "Y") + code[4:]
    with pytest.raises(CodeRefused, match="typo"):
        services.register_entry_for_code(process=vote, typed=typo)
    other = next(codes.codes_generate(1))
    with pytest.raises(CodeRefused, match="not valid"):
        services.register_entry_for_code(process=vote, typed=other)


def test_a_code_is_valid_in_its_own_vote_only(vote, dortmund, city_admin):
    issued, _entries = code_entry(vote, city_admin)
    second = services.prize_money_create(
        city=dortmund, creator=city_admin, title="Zweite", phases=one_phase(), ballot=APPROVAL
    )
    with pytest.raises(CodeRefused):
        services.register_entry_for_code(process=second, typed=issued[0])


def test_a_voter_casts_one_ballot_and_changes_it_with_the_receipt(
    vote, pot, ballot_open, city_admin
):
    _issued, (entry,) = code_entry(vote, city_admin)
    benches, fountain, beds, _bus = ballot_open
    receipt = services.ballot_cast(
        process=vote, entry=entry, choices_by_pot={pot.pk: [(benches.pk, 1)]}
    )
    assert Ballot.objects.get().choices == [[str(benches.pk), 1]]
    with pytest.raises(AlreadyVoted):
        services.ballot_cast(process=vote, entry=entry, choices_by_pot={pot.pk: [(beds.pk, 1)]})
    services.ballot_cast(
        process=vote,
        entry=entry,
        choices_by_pot={pot.pk: [(fountain.pk, 1), (beds.pk, 1)]},
        receipt=codes.formatted(receipt).lower(),
    )
    ballot = Ballot.objects.get()
    assert sorted(p for p, _ in ballot.choices) == sorted([str(fountain.pk), str(beds.pk)])
    assert ballot.receipt_hash == codes.receipt_hash(receipt)
    vote.refresh_from_db()
    assert vote.settings_locked_at is not None


def test_someone_elses_receipt_changes_nothing(vote, pot, ballot_open, city_admin):
    _issued, (first, second) = code_entry(vote, city_admin, count=2)
    benches, fountain, *_ = ballot_open
    first_receipt = services.ballot_cast(
        process=vote, entry=first, choices_by_pot={pot.pk: [(benches.pk, 1)]}
    )
    services.ballot_cast(process=vote, entry=second, choices_by_pot={pot.pk: [(fountain.pk, 1)]})
    with pytest.raises(ReceiptRefused):
        services.ballot_cast(
            process=vote,
            entry=second,
            choices_by_pot={pot.pk: [(benches.pk, 1)]},
            receipt=first_receipt,
        )
    assert sorted(c for b in Ballot.objects.all() for c, _ in b.choices) == sorted(
        [str(benches.pk), str(fountain.pk)]
    )


def test_an_invalid_ballot_is_refused_with_every_problem_named(vote, pot, ballot_open, city_admin):
    _issued, (entry,) = code_entry(vote, city_admin)
    benches, fountain, beds, bus = ballot_open
    with pytest.raises(BallotInvalid) as refused:
        services.ballot_cast(
            process=vote,
            entry=entry,
            choices_by_pot={pot.pk: [(p.pk, 1) for p in (benches, fountain, beds, bus)]},
        )
    assert "at most 3" in refused.value.message
    with pytest.raises(BallotInvalid):
        services.ballot_cast(process=vote, entry=entry, choices_by_pot={pot.pk: [(999_999, 1)]})
    entry.refresh_from_db()
    assert not entry.voted and Ballot.objects.count() == 0


def test_a_rejected_proposal_is_not_on_the_ballot(vote, pot, resident, evaluator, city_admin):
    rejected = services.proposal_submit(
        process=vote, author=resident, pot=pot, title="Nein", description="…", estimate=5
    )
    services.proposal_review(proposal=rejected, reviewer=evaluator, feasible=False, reason="Privat")
    process_set_phases(process=vote, actor=city_admin, phases=one_phase(Action.VOTE))
    _issued, (entry,) = code_entry(vote, city_admin)
    with pytest.raises(BallotInvalid):
        services.ballot_cast(process=vote, entry=entry, choices_by_pot={pot.pk: [(rejected.pk, 1)]})


def test_the_settings_lock_at_the_first_ballot(vote, pot, ballot_open, city_admin):
    _issued, (entry,) = code_entry(vote, city_admin)
    services.ballot_cast(
        process=vote, entry=entry, choices_by_pot={pot.pk: [(ballot_open[0].pk, 1)]}
    )
    with pytest.raises(Exception, match="can no longer be changed"):
        services.prize_money_configure(process=vote, actor=city_admin, changes={"rule": "greedy"})
    with pytest.raises(SettingsInvalid):
        services.pot_save(process=vote, actor=city_admin, name="Mehr", amount=1, pot=pot)


def test_a_ballot_is_joined_to_nobody():
    # The schema itself: no field of a ballot points at a person or the register, and no
    # field records a time (ADR 0005).
    for field in Ballot._meta.get_fields():
        if field.is_relation:
            assert field.related_model.__name__ in {"Process", "Pot"}, field.name
        assert not isinstance(field, models.DateTimeField | models.DateField | models.AutoField), (
            field.name
        )
    for field in RegisterEntry._meta.get_fields():
        assert not isinstance(field, models.DateTimeField | models.DateField), field.name


# --- paper ballots ---------------------------------------------------------------------------


def test_a_paper_ballot_counts_when_two_people_enter_it_alike(
    vote, pot, ballot_open, evaluator, dortmund
):
    second = make_user("zweite@example.org", city=dortmund, role="evaluator")
    benches, _fountain, *_ = ballot_open
    first = services.paper_ballot_enter(
        process=vote, pot=pot, number="A-17", entered_by=evaluator, choices=[(benches.pk, 1)]
    )
    assert not first.counted and Ballot.objects.count() == 0
    with pytest.raises(BudgetingError):
        services.paper_ballot_enter(
            process=vote, pot=pot, number="A-17", entered_by=evaluator, choices=[(benches.pk, 1)]
        )
    done = services.paper_ballot_enter(
        process=vote, pot=pot, number="A-17", entered_by=second, choices=[(benches.pk, 1)]
    )
    assert done.counted and Ballot.objects.get().channel == "paper"


def test_differing_entries_are_flagged_and_do_not_count(
    vote, pot, ballot_open, evaluator, dortmund
):
    second = make_user("zweite@example.org", city=dortmund, role="evaluator")
    benches, fountain, *_ = ballot_open
    services.paper_ballot_enter(
        process=vote, pot=pot, number="B-1", entered_by=evaluator, choices=[(benches.pk, 1)]
    )
    outcome = services.paper_ballot_enter(
        process=vote, pot=pot, number="B-1", entered_by=second, choices=[(fountain.pk, 1)]
    )
    assert outcome.mismatch and not outcome.counted
    assert PaperSheet.objects.get().status == PaperSheetStatus.MISMATCH
    assert Ballot.objects.count() == 0


def test_a_paper_ballot_with_a_code_uses_the_code_up(
    vote, pot, ballot_open, evaluator, dortmund, city_admin
):
    second = make_user("zweite@example.org", city=dortmund, role="evaluator")
    issued, (entry,) = code_entry(vote, city_admin)
    for person in (evaluator, second):
        services.paper_ballot_enter(
            process=vote,
            pot=pot,
            number="C-3",
            entered_by=person,
            choices=[(ballot_open[0].pk, 1)],
            code=issued[0],
        )
    entry.refresh_from_db()
    assert entry.voted
    with pytest.raises(AlreadyVoted):
        services.ballot_cast(
            process=vote, entry=entry, choices_by_pot={pot.pk: [(ballot_open[1].pk, 1)]}
        )


# --- the close -------------------------------------------------------------------------------


def test_the_close_computes_equal_shares_once_and_publishes_a_pb_that_recomputes(
    vote, pot, ballot_open, city_admin
):
    benches, fountain, beds, bus = ballot_open
    _issued, entries = code_entry(vote, city_admin, count=6)
    picks = [[benches, bus], [benches, bus], [benches], [fountain], [fountain, beds], [beds]]
    for entry, chosen in zip(entries, picks, strict=True):
        services.ballot_cast(
            process=vote, entry=entry, choices_by_pot={pot.pk: [(p.pk, 1) for p in chosen]}
        )
    with pytest.raises(BudgetingError, match="still open"):
        services.vote_close(process=vote, actor=city_admin)
    process_set_phases(process=vote, actor=city_admin, phases=past_phase())
    (result,) = services.vote_close(process=vote, actor=city_admin)
    assert result.ballots == 6 and result.spent <= 100_000
    assert set(result.explanations) == {str(p.pk) for p in ballot_open}
    # The published file, read back by the engine, gives the same winners.
    election = voting_rules.parse_election(result.pabulib)
    assert election.budget == Fraction(100_000)
    assert sorted(election.officially_selected()) == sorted(result.winners)
    rule, options = services.rule_for(vote)
    assert services.result_verify(pabulib_text=result.pabulib, rule=rule, options=options) == []
    # The voter ids in it are the receipt hashes, nothing else.
    assert {b.voter_id for b in election.ballots} == set(
        Ballot.objects.values_list("receipt_hash", flat=True)
    )
    with pytest.raises(BudgetingError):
        services.vote_close(process=vote, actor=city_admin)
    assert Result.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections racing need a server database (runs in make test's PostgreSQL pass)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("settings_locked", [False, True], ids=["first cast", "later casts"])
def test_two_requests_racing_with_one_code_make_one_ballot(
    dortmund, city_admin, resident, evaluator, settings_locked
):
    """The vote's first ballot goes through the ORM's transaction, every later one through
    the one-statement cast (ADR 0007): both let exactly one of eight racers in."""
    import threading

    process = services.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Rennen",
        phases=one_phase(Action.PROPOSE, Action.REVIEW),
        ballot=APPROVAL,
    )
    the_pot = services.pot_save(process=process, actor=city_admin, name="Alle", amount=100)
    project = feasible(process, the_pot, resident, evaluator, "Bank", 10)
    process_set_phases(process=process, actor=city_admin, phases=one_phase(Action.VOTE))
    if settings_locked:
        process_lock_settings(process=process)
    _issued, (entry,) = code_entry(process, city_admin)
    start, outcomes = threading.Barrier(8), []

    def cast():
        try:
            start.wait()
            services.ballot_cast(
                process=process, entry=entry, choices_by_pot={the_pot.pk: [(project.pk, 1)]}
            )
            outcomes.append("cast")
        except AlreadyVoted:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=cast) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["cast"] + ["refused"] * 7
    assert Ballot.objects.filter(process=process).count() == 1


@pytest.mark.parametrize(
    ("options", "rule", "completion"),
    [
        ({}, "equalshares", "add1u"),
        ({"completion": "add1", "comparison": "none"}, "equalshares", "add1"),
        ({"completion": "add1", "add1_exhaustive": False}, "equalshares", "add1"),
        ({"completion": "utilitarian"}, "equalshares", "utilitarian"),
        ({"completion": "none"}, "equalshares", "none"),
        ({"completion": "add1-no-greedy"}, "mes-add1", None),
    ],
)
def test_every_option_of_the_compute_tool_reaches_the_engine(
    dortmund, city_admin, options, rule, completion
):
    process = services.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Optionen",
        phases=one_phase(),
        ballot=APPROVAL,
        rule_options=options,
    )
    name, engine_options = services.rule_for(process)
    assert name == rule
    if completion is not None:
        assert engine_options.completion == completion
        assert engine_options.add1_exhaustive == options.get("add1_exhaustive", True)


@pytest.mark.parametrize(
    "options",
    [{"completion": "add2"}, {"add1_exhaustive": "no"}, {"comparison": "votes"}, {"typo": 1}],
)
def test_unknown_rule_options_are_refused(dortmund, city_admin, options):
    with pytest.raises(SettingsInvalid):
        services.prize_money_create(
            city=dortmund,
            creator=city_admin,
            title="x",
            phases=one_phase(),
            ballot=APPROVAL,
            rule_options=options,
        )


def test_a_class_voting_from_one_address_is_not_stopped_but_guessing_is(vote, city_admin):
    issued, _entries = code_entry(vote, city_admin, count=40)
    # Forty people at one school computer: every right code opens its entry.
    for code in issued:
        assert services.register_entry_for_code(process=vote, typed=code, client_key="school")
    # Guessing: well-formed codes that are not in the register.
    guesses = codes.codes_generate(services.CODE_FAILURES_PER_HOUR)
    for guess in guesses:
        with pytest.raises(CodeRefused):
            services.register_entry_for_code(process=vote, typed=guess, client_key="attacker")
    with pytest.raises(RateLimited):
        services.register_entry_for_code(process=vote, typed=issued[0], client_key="attacker")
    # Another network is not affected, and typos never count.
    assert services.register_entry_for_code(process=vote, typed=issued[0], client_key="library")
    for _ in range(30):
        with pytest.raises(CodeRefused, match="typo"):
            services.register_entry_for_code(
                process=vote,
                typed=issued[1][:15] + ("0" if issued[1][15] != "0" else "1"),
                client_key="typist",
            )
    assert services.register_entry_for_code(process=vote, typed=issued[1], client_key="typist")
