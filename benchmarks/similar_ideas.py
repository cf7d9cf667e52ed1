"""Similar ideas at city scale: build, memory and query time of each ranker over 100,000 ideas.

    .venv/bin/python benchmarks/similar_ideas.py [--ideas N] [--queries N]

Generates N synthetic German ideas (seeded, from the word lists below; reproducible), builds the
index of each method in a forked child (so each one's RSS growth is its own), times
`similar()` for 200 new ideas from another seed against the target "p95 under 100 ms", then one
`add` and the first query after it (TF-IDF recomputes its norms then). Last, precision@5 of each
method on the labelled set (similar_ideas/tests/fixtures/labelled_ideas.json).
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from similar_ideas import METHODS, Index, Method, precision_at_k, read_labelled  # noqa: E402

TARGET_P95_MS = 100.0
FIXTURE = REPO / "similar_ideas" / "tests" / "fixtures" / "labelled_ideas.json"


def _words(text: str) -> list[str]:
    return text.split()


# Written for this benchmark: the vocabulary of idea texts, compounds included.
PLACES = _words(
    "Westpark Fredenbaumpark Rombergpark Westfalenpark Hoeschpark Stadtgarten Nordmarkt "
    "Wilhelmplatz Phoenix-See Hauptbahnhof Rheinlanddamm Münsterstraße Hainallee Westenhellweg "
    "Kreuzviertel Unionviertel Nordstadt Hörde Eving Hombruch Scharnhorst Dorstfeld Aplerbeck "
    "Brackel Huckarde Mengede Lütgendortmund Kirchhörde Holzen Wambel Körne Marten Hacheney"
)
THINGS = _words(
    "Bank Sitzbank Parkbank Baum Straßenbaum Spielplatz Wasserspielplatz Trinkbrunnen Brunnen "
    "Radweg Fahrradstraße Fahrradständer Lastenrad Laterne Beleuchtung Straßenlaterne Mülleimer "
    "Abfallbehälter Hundewiese Skateanlage Basketballkorb Bücherschrank Sonnensegel Hochbeet "
    "Gemeinschaftsgarten Blühwiese Zebrastreifen Ampel Bushaltestelle Schulhof Pausenhof "
    "Jugendzentrum Stadtteilzentrum Bibliothek Makerspace Werkstatt Reparaturcafé Bühne Theater "
    "Sommerkino Wochenmarkt Flohmarkt Dorfladen Unverpacktladen Toilette Wickelraum Hitzesensor "
    "Messstation Grünfläche Dachbegrünung Fassadengrün Regenwassertonne Picknicktisch Grillplatz"
)
GROUPS = _words(
    "Kinder Jugendliche Senioren Familien Nachbarn Radfahrende Eltern Schulkinder Hundehalter "
    "Anwohner Vereine Ehrenamtliche Studierende Berufstätige Menschen"
)
ADJECTIVES = _words(
    "neue mehr größere sichere helle schattige barrierefreie kostenlose grüne ruhige saubere "
    "öffentliche gemeinsame dauerhafte bessere breitere überdachte"
)
VERBS = _words(
    "aufstellen bauen pflanzen reparieren erneuern einrichten öffnen beleuchten begrünen "
    "sanieren erweitern pflegen gestalten verlegen anbieten"
)
REASONS = (
    "weil es im Sommer zu heiß wird",
    "damit sich alle sicher fühlen",
    "weil es dort abends sehr dunkel ist",
    "damit die Kinder draußen spielen können",
    "weil der Weg für ältere Menschen zu lang ist",
    "damit weniger Müll herumliegt",
    "weil viele Familien keinen Garten haben",
    "damit man sich in der Nachbarschaft trifft",
    "weil der Verkehr dort gefährlich ist",
    "damit Regenwasser versickern kann",
)


def idea(rng: random.Random) -> tuple[str, str]:
    thing, place = rng.choice(THINGS), rng.choice(PLACES)
    preposition = rng.choice(("im", "am", "in"))
    title = f"{rng.choice(ADJECTIVES).capitalize()} {thing} {preposition} {place}"
    sentences = [
        f"Am {place} sollte man {rng.choice(ADJECTIVES)} {rng.choice(THINGS)} "
        f"{rng.choice(VERBS)}, {rng.choice(REASONS)}.",
        f"Für {rng.choice(GROUPS)} und {rng.choice(GROUPS)} wäre {thing} ein Gewinn.",
    ]
    if rng.random() < 0.6:
        sentences.append(
            f"Auch {rng.choice(GROUPS)} in {rng.choice(PLACES)} wünschen sich "
            f"{rng.choice(THINGS)}, {rng.choice(REASONS)}."
        )
    return title, " ".join(sentences)


def ideas(count: int, seed: int) -> list[tuple[int, str, str]]:
    rng = random.Random(seed)
    return [(number, *idea(rng)) for number in range(count)]


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    method: Method,
    count: int,
    queries: int,
    results: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    docs = ideas(count, seed=2026)
    new = [(title, text) for _, title, text in ideas(queries, seed=1203)]
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    index = Index.build(docs, method=method)
    build = time.perf_counter() - started
    gc.collect()
    memory = rss_bytes() - before
    index.similar(*new[0])  # TF-IDF computes its norms here; the cost after an add is timed below
    times = []
    for title, text in new:
        started = time.perf_counter()
        index.similar(title, text, k=5)
        times.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    index.add(count, *new[1])
    add_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    index.similar(*new[2])
    after_add_ms = (time.perf_counter() - started) * 1000
    results.put((method, build, memory, times, add_ms, after_add_ms))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"# {now}, load average {load}, {args.ideas:,} synthetic ideas, {args.queries} queries")
    context = multiprocessing.get_context("fork")
    for method in METHODS:
        results: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
        child = context.Process(target=measure, args=(method, args.ideas, args.queries, results))
        child.start()
        _, build, memory, times, add_ms, after_add_ms = results.get()
        child.join()
        p95 = percentile(times, 0.95)
        verdict = "met" if p95 < TARGET_P95_MS else "MISSED"
        print(
            f"{method:5}  build {build:5.1f} s  memory (RSS growth) {memory / 2**20:5.0f} MiB  "
            f"similar() p50 {statistics.median(times):5.1f} ms  p95 {p95:5.1f} ms "
            f"(target p95 < {TARGET_P95_MS:.0f} ms: {verdict})  max {max(times):5.1f} ms"
        )
        print(
            f"       add one idea {add_ms:.2f} ms, first similar() after it {after_add_ms:.1f} ms"
        )

    labelled = read_labelled(FIXTURE)
    for method in METHODS:
        index = Index.build(((i.id, i.title, i.text) for i in labelled), method=method)
        print(
            f"{method:5}  precision@5 on the labelled set ({len(labelled)} ideas): "
            f"{precision_at_k(index, labelled, k=5):.3f}"
        )


if __name__ == "__main__":
    main()
