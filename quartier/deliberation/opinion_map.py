"""The opinion map as SVG geometry: participants as dots, coloured and labelled by group."""

from dataclasses import dataclass

# Okabe–Ito colours, distinguishable with the common colour-vision deficiencies; each group
# also carries its letter, so colour is never the only cue.
GROUP_COLOURS = {
    "A": "#0072B2",
    "B": "#D55E00",
    "C": "#009E73",
    "D": "#CC79A7",
    "E": "#E69F00",
}
UNGROUPED_COLOUR = "#767676"
SIZE = 400
MARGIN = 24


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    colour: str


@dataclass(frozen=True)
class GroupMark:
    label: str
    x: float
    y: float
    colour: str
    size: int


@dataclass(frozen=True)
class OpinionMap:
    dots: list[Dot]
    groups: list[GroupMark]
    size: int = SIZE


def opinion_map(results: dict) -> OpinionMap | None:
    points = results.get("points") or []
    if not points:
        return None
    xs = [point[0] for point in points]
    ys = [point[1] for point in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = (SIZE - 2 * MARGIN) / span
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def place(x: float, y: float) -> tuple[float, float]:
        return (
            round(SIZE / 2 + (x - mid_x) * scale, 1),
            round(SIZE / 2 - (y - mid_y) * scale, 1),
        )

    dots = []
    members: dict[str, list[tuple[float, float]]] = {}
    for x, y, label in points:
        px, py = place(x, y)
        dots.append(Dot(px, py, GROUP_COLOURS.get(label, UNGROUPED_COLOUR)))
        if label:
            members.setdefault(label, []).append((px, py))
    sizes = {group["label"]: group["size"] for group in results.get("groups", [])}
    groups = [
        GroupMark(
            label=label,
            x=round(sum(x for x, _ in spots) / len(spots), 1),
            y=round(sum(y for _, y in spots) / len(spots), 1),
            colour=GROUP_COLOURS.get(label, UNGROUPED_COLOUR),
            size=sizes.get(label, len(spots)),
        )
        for label, spots in sorted(members.items())
    ]
    return OpinionMap(dots=dots, groups=groups)
