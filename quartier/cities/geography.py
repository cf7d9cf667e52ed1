"""Point-in-polygon for districts, with one prepared index per city and process.

The index is rebuilt when ``City.districts_version`` changes, so several app servers stay
correct after an import without sharing memory.
"""

from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock

from shapely.geometry import Point, shape
from shapely.strtree import STRtree


@dataclass(frozen=True)
class DistrictShapes:
    version: int
    district_ids: tuple[int, ...]
    tree: STRtree

    def district_id_at(self, lat: float, lon: float) -> int | None:
        point = Point(lon, lat)
        for index in self.tree.query(point, predicate="intersects"):
            return self.district_ids[int(index)]
        return None


_cache: dict[int, DistrictShapes] = {}
_lock = Lock()


def district_shapes(
    *, city_id: int, version: int, load: Callable[[], list[tuple[int, dict]]]
) -> DistrictShapes:
    cached = _cache.get(city_id)
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        rows = load()
        shapes = DistrictShapes(
            version=version,
            district_ids=tuple(district_id for district_id, _ in rows),
            tree=STRtree([shape(geometry) for _, geometry in rows]),
        )
        _cache[city_id] = shapes
        return shapes
