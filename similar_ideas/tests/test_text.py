from similar_ideas.text import (
    GRAM_WEIGHT,
    MAX_TOKENS,
    TITLE_WEIGHT,
    analyse,
    grams,
    normalise,
    stem,
    words,
)


def test_umlauts_and_sharp_s_fold_to_their_spelled_out_forms() -> None:
    assert normalise("Bänke, Öfen, Übergänge, Straße") == "baenke, oefen, uebergaenge, strasse"
    assert normalise("BÄNKE") == normalise("Baenke")


def test_nfkc_composes_a_combining_diaeresis_before_folding() -> None:
    assert normalise("Ba\u0308nke") == "baenke"
    assert normalise("\ufb01lm") == "film"  # the "fi" ligature


def test_split_on_anything_but_letters_and_digits_and_drop_stop_words() -> None:
    assert list(words("Ich schlage vor: mehr Bänke (und Tische) im Park_Nord!")) == [
        "baenke",
        "tische",
        "park",
        "nord",
    ]
    assert list(words("The benches in the park, please")) == ["benches", "park"]


def test_stemmer_joins_german_inflections_and_umlaut_plurals() -> None:
    assert stem("baenke") == stem("baenken") == stem("bank") == "bank"
    assert stem("baeume") == stem("baum") == "baum"
    assert stem("kindern") == stem("kinder") == stem("kind") == "kind"
    assert stem("spielplaetze") == stem("spielplatz")
    assert stem("benches") == stem("bench")


def test_stemmer_keeps_short_words_and_numbers_and_false_umlauts() -> None:
    assert stem("haus") == "haus"  # "hau" would be below the minimum stem
    assert stem("bus") == "bus"
    assert stem("2026") == "2026"
    assert stem("neue") == "neue"  # "ue" after "e" is no umlaut


def test_long_words_give_four_grams_that_meet_short_stems() -> None:
    assert "bank" in grams(stem("sitzbank"))
    assert "bank" in grams(stem(normalise("parkbänke")))
    assert grams("bank") == []


def test_title_words_weigh_double_and_grams_a_quarter() -> None:
    terms = analyse("Sitzbank", "Bank")
    assert terms["sitzbank"] == TITLE_WEIGHT
    assert terms["bank"] == 1.0 + TITLE_WEIGHT * GRAM_WEIGHT


def test_tokens_are_capped_and_stop_word_only_text_is_empty() -> None:
    assert len(list(words("wort " * (MAX_TOKENS * 3)))) == MAX_TOKENS
    assert analyse("und der die", "the and of ... !!!") == {}
