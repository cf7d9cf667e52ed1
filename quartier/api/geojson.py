"""GeoJSON documents for the map layers, built as text for speed at 100,000 features."""

import json

from django.core.cache import cache

from quartier.cities.models import City
from quartier.ideas.selectors import idea_geojson_rows


def ideas_geojson_text(*, city: City) -> str:
    """The whole city's idea layer; cached until the next write that changes the layer.

    The cache key carries ``ideas_changed_at``, which every idea write bumps, so every server
    sees a change at once without explicit invalidation.
    """
    key = f"ideas-geojson:{city.pk}:{city.ideas_changed_at.timestamp()}"
    text = cache.get(key)
    if text is None:
        text = _build(city)
        cache.set(key, text, timeout=3600)
    return text


def _build(city: City) -> str:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    features = [
        f'{{"type":"Feature","id":{pk},"geometry":{{"type":"Point","coordinates":'
        f'[{round(lon, 6)!r},{round(lat, 6)!r}]}},"properties":{{"title":{dumps(title)},'
        f'"kind":{dumps(kind)},"district":{dumps(district)}}}}}'
        for pk, lat, lon, title, kind, district in idea_geojson_rows(city=city).iterator(
            chunk_size=5000
        )
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
