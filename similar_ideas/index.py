"""An inverted index of ideas with two rankers, BM25 and TF-IDF cosine, scored with numpy.

Storage is appendable `array.array`s read through zero-copy numpy views: per term its postings
(slots, weighted frequencies), and per idea its terms in one flat forward store (for `remove` and
the TF-IDF norms). `add` costs the new idea's terms; a query touches only the postings of its own
terms. `remove` marks the slot dead and corrects the statistics; dead entries are dropped once
they are half of all slots.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from similar_ideas.text import analyse

DocId = TypeVar("DocId", int, str)
Method = Literal["bm25", "tfidf"]
METHODS: tuple[Method, ...] = ("bm25", "tfidf")

BM25_K1 = 1.2
BM25_B = 0.75

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Match(Generic[DocId]):
    doc_id: DocId
    score: float


def _sublinear(weights: Floats) -> Floats:
    # 1 + ln(tf) for tf >= 1 (a word said five times is not five times as relevant); a lone
    # 4-gram's 0.25 stays 0.25 instead of turning negative. Continuous at 1.
    return np.where(weights >= 1.0, 1.0 + np.log(np.maximum(weights, 1.0)), weights)


class Index(Generic[DocId]):
    """Ideas by id; `similar` ranks them against a new title and text.

    Ids are all ints or all strs in one index: ties are broken by id, so they must compare.
    Weights are multiples of 1/4 (similar_ideas.text), so the sums kept here are exact and a
    score does not depend on the order in which ideas were added or removed.
    """

    def __init__(self, method: Method = "bm25", k1: float = BM25_K1, b: float = BM25_B) -> None:
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
        self.method: Method = method
        self.k1 = k1
        self.b = b
        self._term_ids: dict[str, int] = {}
        self._document_frequency = array("q")  # by term id, living ideas only
        self._reset_slots()

    def _reset_slots(self) -> None:
        self._posting_slots: list[array[int]] = [array("i") for _ in self._term_ids]
        self._posting_weights: list[array[float]] = [array("f") for _ in self._term_ids]
        self._slot_of: dict[DocId, int] = {}
        self._ids: list[DocId | None] = []  # by slot; None once removed
        self._alive = array("b")
        self._starts = array("q")  # by slot: where its terms begin in the forward store
        self._lengths = array("d")  # by slot: sum of its term weights (BM25's length)
        self._total_length = 0.0
        self._entry_terms = array("i")
        self._entry_weights = array("f")
        self._norms: Floats | None = None  # TF-IDF, recomputed lazily after a change

    @classmethod
    def build(
        cls,
        docs: Iterable[tuple[DocId, str, str]],
        method: Method = "bm25",
        k1: float = BM25_K1,
        b: float = BM25_B,
    ) -> Index[DocId]:
        index: Index[DocId] = cls(method, k1, b)
        for doc_id, title, text in docs:
            index.add(doc_id, title, text)
        return index

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._slot_of

    def add(self, doc_id: DocId, title: str, text: str) -> None:
        """Index an idea; an id already present is replaced (an edited idea)."""
        self.remove(doc_id)
        terms = analyse(title, text)
        term_ids = []
        for term in terms:
            term_id = self._term_ids.get(term)
            if term_id is None:
                term_id = self._term_ids[term] = len(self._term_ids)
                self._document_frequency.append(0)
                self._posting_slots.append(array("i"))
                self._posting_weights.append(array("f"))
            term_ids.append(term_id)
        self._append(doc_id, term_ids, list(terms.values()))

    def _append(self, doc_id: DocId, term_ids: list[int], weights: list[float]) -> None:
        slot = len(self._ids)
        self._slot_of[doc_id] = slot
        self._ids.append(doc_id)
        self._alive.append(1)
        self._starts.append(len(self._entry_terms))
        self._entry_terms.extend(term_ids)
        self._entry_weights.extend(weights)
        length = sum(weights)
        self._lengths.append(length)
        self._total_length += length
        for term_id, weight in zip(term_ids, weights, strict=True):
            self._posting_slots[term_id].append(slot)
            self._posting_weights[term_id].append(weight)
            self._document_frequency[term_id] += 1
        self._norms = None

    def _entries(self, slot: int) -> slice:
        end = self._starts[slot + 1] if slot + 1 < len(self._starts) else len(self._entry_terms)
        return slice(self._starts[slot], end)

    def remove(self, doc_id: DocId) -> None:
        """Forget an idea (hidden, merged); an unknown id is ignored."""
        slot = self._slot_of.pop(doc_id, None)
        if slot is None:
            return
        for term_id in self._entry_terms[self._entries(slot)]:
            self._document_frequency[term_id] -= 1
        self._total_length -= self._lengths[slot]
        self._ids[slot] = None
        self._alive[slot] = 0
        self._norms = None
        if len(self._slot_of) * 2 < len(self._ids):
            self._compact()

    def _compact(self) -> None:
        # Re-append the living ideas in slot order; term ids (and so the vocabulary) stay.
        living = [
            (doc_id, self._entry_terms[self._entries(slot)].tolist(), self._entries(slot))
            for slot, doc_id in enumerate(self._ids)
            if doc_id is not None
        ]
        weights = self._entry_weights
        for term_id in range(len(self._document_frequency)):
            self._document_frequency[term_id] = 0
        self._reset_slots()
        for doc_id, term_ids, entries in living:
            self._append(doc_id, term_ids, weights[entries].tolist())

    def similar(
        self,
        title: str,
        text: str = "",
        k: int = 5,
        exclude: Iterable[DocId] | None = None,
    ) -> list[Match[DocId]]:
        """The k ideas most like this title and text, best first, ties by id; [] when the text
        has no indexed word (empty, punctuation, stop words only) or the index is empty."""
        if k <= 0 or not self._slot_of:
            return []
        query = analyse(title, text)
        # Sorted by term (not by id, which depends on the order of adds): the same additions in
        # the same order, so equal inputs give bit-equal scores.
        known = [
            (self._term_ids[term], query[term])
            for term in sorted(query)
            if term in self._term_ids and self._document_frequency[self._term_ids[term]]
        ]
        if not known:
            return []
        if self.method == "bm25":
            scores = self._bm25(known)
        else:
            unknown = [weight for term, weight in query.items() if term not in self._term_ids]
            scores = self._tfidf(known, unknown)
        scores[np.frombuffer(self._alive, dtype=np.int8) == 0] = 0.0
        for doc_id in exclude or ():
            slot = self._slot_of.get(doc_id)
            if slot is not None:
                scores[slot] = 0.0
        return self._top(scores, k)

    def own_score(self, title: str, text: str = "") -> float:
        """The score this text would get against itself once added, without adding it: a
        yardstick for how good a match is (scores only rank, their scale varies). The index
        does not change, so untrusted drafts cannot grow its vocabulary."""
        query = analyse(title, text)
        if not query:
            return 0.0
        if self.method != "bm25":
            return 1.0  # a cosine with itself
        count = len(self._slot_of) + 1
        weights = np.array([query[term] for term in sorted(query)], dtype=np.float64)
        frequency = np.array(
            [
                self._document_frequency[self._term_ids[term]] + 1 if term in self._term_ids else 1
                for term in sorted(query)
            ],
            dtype=np.float64,
        )
        idf = np.log(1.0 + (count - frequency + 0.5) / (frequency + 0.5))
        length = float(weights.sum())
        average = (self._total_length + length) / count
        saturation = weights + self.k1 * (1.0 - self.b + self.b * length / average)
        return float(np.sum(weights * idf * weights * (self.k1 + 1.0) / saturation))

    def _postings(
        self, known: list[tuple[int, float]]
    ) -> tuple[NDArray[np.int32], Floats, NDArray[np.intp]]:
        """All postings of the query's terms: slots, frequencies, and each one's term index
        into `known`."""
        slots = [
            np.frombuffer(self._posting_slots[term_id], dtype=np.int32) for term_id, _ in known
        ]
        frequencies = [
            np.frombuffer(self._posting_weights[term_id], dtype=np.float32) for term_id, _ in known
        ]
        owners = np.repeat(np.arange(len(known)), [len(s) for s in slots])
        return np.concatenate(slots), np.concatenate(frequencies).astype(np.float64), owners

    def _bm25(self, known: list[tuple[int, float]]) -> Floats:
        count = len(self._slot_of)
        frequency = np.array([self._document_frequency[t] for t, _ in known], dtype=np.float64)
        idf = np.log(1.0 + (count - frequency + 0.5) / (frequency + 0.5))
        # The query's own weight (title twice, grams a quarter) scales each term's share.
        factor = np.array([weight for _, weight in known]) * idf
        slots, tf, owners = self._postings(known)
        lengths = np.frombuffer(self._lengths, dtype=np.float64)[slots]
        average = self._total_length / count
        saturation = tf + self.k1 * (1.0 - self.b + self.b * lengths / average)
        return self._by_slot(slots, factor[owners] * tf * (self.k1 + 1.0) / saturation)

    def _by_slot(self, slots: NDArray[np.integer], values: Floats) -> Floats:
        """Sums of values per slot, in the order given (bit-equal for equal inputs)."""
        return np.bincount(slots, values, minlength=len(self._ids)).astype(np.float64, copy=False)

    def _idf(self, frequency: Floats) -> Floats:
        # Smoothed: a term in every idea still weighs 1, an unknown term ln(N + 1) + 1.
        return np.log((1.0 + len(self._slot_of)) / (1.0 + frequency)) + 1.0

    def _document_norms(self) -> Floats:
        if self._norms is None:
            starts = np.frombuffer(self._starts, dtype=np.int64)
            counts = np.diff(np.append(starts, len(self._entry_terms)))
            entry_slots = np.repeat(np.arange(len(self._ids)), counts)
            idf = self._idf(np.frombuffer(self._document_frequency, dtype=np.int64).astype(float))
            terms = np.frombuffer(self._entry_terms, dtype=np.int32)
            weights = np.frombuffer(self._entry_weights, dtype=np.float32).astype(np.float64)
            squares = (_sublinear(weights) * idf[terms]) ** 2
            norms = np.sqrt(self._by_slot(entry_slots, squares))
            self._norms = np.where(norms > 0.0, norms, 1.0)
        return self._norms

    def _tfidf(self, known: list[tuple[int, float]], unknown: list[float]) -> Floats:
        frequency = np.array([self._document_frequency[t] for t, _ in known], dtype=np.float64)
        idf = self._idf(frequency)
        query = _sublinear(np.array([weight for _, weight in known])) * idf
        # Words no idea has still lengthen the query vector: the same factor for every idea.
        missing = _sublinear(np.array(unknown, dtype=np.float64)) * self._idf(
            np.zeros(len(unknown))
        )
        query_norm = float(np.sqrt(np.sum(query**2) + np.sum(missing**2)))
        slots, tf, owners = self._postings(known)
        norms = self._document_norms()[slots]
        products = query[owners] * idf[owners] * _sublinear(tf) / norms
        return self._by_slot(slots, products) / query_norm

    def _top(self, scores: Floats, k: int) -> list[Match[DocId]]:
        candidates = np.flatnonzero(scores > 0.0)
        if candidates.size > k:
            values = scores[candidates]
            kth = np.partition(values, candidates.size - k)[candidates.size - k]
            candidates = candidates[values >= kth]  # keeps every tie at the k-th score
        ranked = sorted((-float(scores[slot]), self._ids[slot], int(slot)) for slot in candidates)
        matches = []
        for negative, doc_id, _ in ranked[:k]:
            assert doc_id is not None
            matches.append(Match(doc_id, -negative))
        return matches
