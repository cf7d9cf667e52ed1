import time

import pytest

from similar_ideas import METHODS, Index, Match, Method

IDEAS = [
    (1, "Mehr Bänke im Westpark", "Im Westpark fehlen Sitzgelegenheiten zum Ausruhen."),
    (2, "Repair-Café in Hörde", "Nachbarn reparieren gemeinsam Toaster und Lampen."),
    (3, "Trinkbrunnen in der Innenstadt", "Kostenloses Wasser an heißen Tagen."),
    (4, "Radweg am Rheinlanddamm", "Poller trennen den Radweg von der Fahrbahn."),
    (5, "Spielplatz im Fredenbaumpark", "Sonnensegel über dem Sandkasten."),
]


def _index(method: Method) -> Index[int]:
    return Index.build(IDEAS, method=method)


@pytest.mark.parametrize("method", METHODS)
def test_a_paraphrase_ranks_its_original_first(method: Method) -> None:
    index = _index(method)
    found = index.similar("Sitzbänke für den Westpark", "Im Park fehlt eine Bank zum Ausruhen.")
    assert found[0].doc_id == 1
    found = index.similar("Reparaturcafé Hörde", "Lampen und Toaster gemeinsam reparieren")
    assert found[0].doc_id == 2


@pytest.mark.parametrize("method", METHODS)
def test_a_compound_partly_matches_its_head_word(method: Method) -> None:
    index = Index.build([(1, "Parkbänke", ""), (2, "Laternen", "")], method=method)
    assert [m.doc_id for m in index.similar("Bänke", "")] == [1]


@pytest.mark.parametrize("method", METHODS)
def test_the_title_weighs_more_than_the_body(method: Method) -> None:
    index = Index.build(
        [(1, "Brunnen", "Ein Platz im Park."), (2, "Ein Platz im Park", "Brunnen.")], method=method
    )
    assert [m.doc_id for m in index.similar("Brunnen", "")] == [1, 2]


@pytest.mark.parametrize("method", METHODS)
def test_add_and_remove_change_the_results(method: Method) -> None:
    index = _index(method)
    assert 6 not in [m.doc_id for m in index.similar("Lastenrad zum Ausleihen", "")]
    index.add(6, "Lastenrad zum Ausleihen", "Ein Cargobike für die Nachbarschaft.")
    assert index.similar("Lastenrad zum Ausleihen", "")[0].doc_id == 6
    index.remove(6)
    assert 6 not in [m.doc_id for m in index.similar("Lastenrad zum Ausleihen", "")]
    index.remove(6)  # unknown ids are ignored
    assert len(index) == 5


@pytest.mark.parametrize("method", METHODS)
def test_adding_an_id_again_replaces_it(method: Method) -> None:
    index = _index(method)
    index.add(1, "Hundewiese", "Eine eingezäunte Wiese für Hunde.")
    assert 1 not in [m.doc_id for m in index.similar("Bänke Westpark", "")]
    assert index.similar("Hundewiese", "")[0].doc_id == 1


@pytest.mark.parametrize("method", METHODS)
def test_exclude_and_k(method: Method) -> None:
    index = Index.build([(i, "Bank", "") for i in range(10)], method=method)
    assert [m.doc_id for m in index.similar("Bank", "", k=3, exclude={0, 1})] == [2, 3, 4]
    assert index.similar("Bank", "", k=0) == []


@pytest.mark.parametrize("method", METHODS)
def test_ties_go_by_id_and_scores_do_not_depend_on_order(method: Method) -> None:
    forward = _index(method)
    backward = Index.build(reversed(IDEAS), method=method)
    query = ("Bänke und Radweg", "Wasser für den Spielplatz im Park")
    assert forward.similar(*query) == backward.similar(*query)
    tied = Index.build([("b", "Bank", ""), ("a", "Bank", ""), ("c", "Bank", "")], method=method)
    found = tied.similar("Bank", "")
    assert [m.doc_id for m in found] == ["a", "b", "c"]
    assert len({m.score for m in found}) == 1


@pytest.mark.parametrize("method", METHODS)
def test_compaction_after_many_removals_keeps_the_scores(method: Method) -> None:
    index = _index(method)
    for i in range(100, 120):
        index.add(i, f"Füllidee {i}", "Bank Westpark Wasser")
    for i in range(100, 120):
        index.remove(i)
    assert len(index._ids) == len(index)  # compacted: no dead slots left
    query = ("Bänke Westpark", "Wasser")
    assert index.similar(*query) == _index(method).similar(*query)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "title, text",
    [
        ("", ""),
        ("!!! ??? ...", "-- // ** ,,,"),
        ("und der die das", "the and of"),
        ("\x00\x01\x07\x1b[31m", "\u200b\u202e\ufeff"),
    ],
)
def test_empty_and_hostile_input_gives_no_matches(method: Method, title: str, text: str) -> None:
    assert _index(method).similar(title, text) == []


@pytest.mark.parametrize("method", METHODS)
def test_a_megabyte_of_text_returns_quickly(method: Method) -> None:
    index = _index(method)
    started = time.perf_counter()
    found = index.similar("Bank\x00" * 200_000, "Westpark " * 120_000)
    assert time.perf_counter() - started < 0.5
    assert found and found[0].doc_id == 1
    index.add(99, "x" * 1_000_000, "ä" * 1_000_000)  # one 20,000-letter word, harmless
    assert all(isinstance(m, Match) for m in index.similar("x" * 50, ""))


def test_an_empty_index_and_an_unknown_method() -> None:
    assert Index().similar("Bank", "") == []
    with pytest.raises(ValueError, match="unknown method"):
        Index(method="lsi")  # type: ignore[arg-type]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Sitzbänke für den Westpark", "Im Park fehlt eine Bank zum Ausruhen."),
        ("Quantenrechner xyzzy", "Wörter, die kein anderes Thema kennt."),
    ],
)
def test_own_score_is_the_score_against_itself_once_added(
    method: Method, title: str, text: str
) -> None:
    index = _index(method)
    vocabulary = len(index._term_ids)
    expected = index.own_score(title, text)
    assert len(index._term_ids) == vocabulary  # measuring a draft adds no words
    index.add(99, title, text)
    (best,) = index.similar(title, text, k=1)
    assert best.doc_id == 99 and best.score == pytest.approx(expected, rel=1e-6)


def test_own_score_of_nothing_is_zero() -> None:
    assert _index("bm25").own_score("", "!!! und oder") == 0.0
