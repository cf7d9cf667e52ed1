"""Similar ideas: which ideas of the city are like the one a resident is typing.

No Django, no quartier imports; numpy only. German and English text is normalised and stemmed
(similar_ideas.text), then ranked by BM25 or TF-IDF cosine over an inverted index:

    index = Index.build(((i.id, i.title, i.text) for i in ideas), method="bm25")
    index.similar(title, text, k=5, exclude={draft_id})   # [Match(doc_id, score), ...]
    index.add(doc_id, title, text); index.remove(doc_id)

`precision_at_k` measures a ranker on a labelled set of duplicates (similar_ideas.evaluation).
"""

from similar_ideas.evaluation import LabelledIdea, precision_at_k, read_labelled
from similar_ideas.index import METHODS, Index, Match, Method
from similar_ideas.text import MAX_INPUT_CHARS, MAX_TOKENS, analyse, normalise, stem

__all__ = [
    "MAX_INPUT_CHARS",
    "MAX_TOKENS",
    "METHODS",
    "Index",
    "LabelledIdea",
    "Match",
    "Method",
    "analyse",
    "normalise",
    "precision_at_k",
    "read_labelled",
    "stem",
]
