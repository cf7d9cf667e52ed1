"""Readable differences between two versions of a text: words, not lines.

Plain Python (no Django), so it is tested alone. A text is compared paragraph by paragraph
first, and only paragraphs that changed are compared word by word: the word comparison is
quadratic at worst, and a paragraph is short where a whole description (10,000 characters)
is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["same", "removed", "added"]

# A word, a run of spaces, or one other character: joined again they give the text back.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
# Beyond this many tokens on either side, a changed paragraph shows as removed and added
# whole instead of word by word (the comparison grows with the square: 0.07 s at 1,000).
MAX_WORD_TOKENS = 1_000


@dataclass(frozen=True)
class Piece:
    op: Op
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn ``old`` into ``new``; joined, the "same" and "removed" pieces give
    ``old`` and the "same" and "added" pieces give ``new``."""
    old_paragraphs, new_paragraphs = _paragraphs(old), _paragraphs(new)
    pieces: list[Piece] = []
    matcher = SequenceMatcher(None, old_paragraphs, new_paragraphs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_paragraphs[i1:i2]), "".join(new_paragraphs[j1:j2])
        if tag == "equal":
            pieces.append(Piece("same", before))
        elif tag == "replace":
            # Paragraph by paragraph: the k-th one removed is compared with the k-th one added.
            olds, news = old_paragraphs[i1:i2], new_paragraphs[j1:j2]
            for k in range(max(len(olds), len(news))):
                pieces.extend(
                    _words(olds[k] if k < len(olds) else "", news[k] if k < len(news) else "")
                )
        elif tag == "delete":
            pieces.append(Piece("removed", before))
        else:
            pieces.append(Piece("added", after))
    return _merged(pieces)


def changed(pieces: list[Piece]) -> bool:
    return any(piece.op != "same" for piece in pieces)


def _paragraphs(text: str) -> list[str]:
    # Keep the line ends with their line, so that joining gives the text back.
    return text.splitlines(keepends=True)


def _words(old: str, new: str) -> list[Piece]:
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    if max(len(old_tokens), len(new_tokens)) > MAX_WORD_TOKENS:
        return [Piece("removed", old), Piece("added", new)]
    pieces = []
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(old_tokens[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(old_tokens[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(new_tokens[j1:j2])))
    return pieces


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Neighbours of the same kind as one piece, and no empty pieces."""
    out: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if out and out[-1].op == piece.op:
            out[-1] = Piece(piece.op, out[-1].text + piece.text)
        else:
            out.append(piece)
    return out
