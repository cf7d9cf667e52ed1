"""GeoJSON documents for the map layers, built as bytes for speed at 100,000 features."""

import gzip
import re
import threading
from dataclasses import dataclass
from json.encoder import encode_basestring

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from quartier.cities.models import City
from quartier.ideas.selectors import idea_geojson_rows

GZIP_LEVEL = 6  # 100,000 ideas: about 19 MB of JSON become 2-4 MB, compressed once per change
_accepts_gzip = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class IdeasLayer:
    version: str
    body: bytes  # UTF-8 GeoJSON
    gzipped: bytes  # the same document, gzip-compressed


# One layer per city and process. The version carries ``ideas_changed_at``, which every idea
# write bumps, so every server sees a change at once without explicit invalidation. Kept as
# bytes in the process (not in Django's cache): a cache hit then costs no unpickling of
# megabytes and no re-encoding of the text on every request.
_layers: dict[int, IdeasLayer] = {}
_lock = threading.Lock()


def ideas_geojson_layer(*, city: City) -> IdeasLayer:
    """The whole city's idea layer, rebuilt only after a write that changes it."""
    version = f"{city.pk}:{city.ideas_changed_at.timestamp()}"
    layer = _layers.get(city.pk)
    if layer is not None and layer.version == version:
        return layer
    with _lock:  # threaded workers build once, not once per thread
        layer = _layers.get(city.pk)
        if layer is None or layer.version != version:
            body = _build(city)
            layer = IdeasLayer(
                version=version,
                body=body,
                gzipped=gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0),
            )
            _layers[city.pk] = layer
    return layer


def ideas_geojson_response(*, city: City, request: HttpRequest) -> HttpResponse:
    """The layer as a response, gzip-compressed for clients that accept it (browsers do)."""
    layer = ideas_geojson_layer(city=city)
    gzipped = bool(_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
    response = HttpResponse(
        layer.gzipped if gzipped else layer.body,
        content_type="application/geo+json; charset=utf-8",
    )
    if gzipped:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _build(city: City) -> bytes:
    # Kinds and district names repeat: encode each once. encode_basestring is what
    # json.dumps(ensure_ascii=False) uses for a string.
    encoded: dict[str, str] = {}

    def once(value: str) -> str:
        text = encoded.get(value)
        if text is None:
            text = encoded[value] = encode_basestring(value)
        return text

    features = [
        f'{{"type":"Feature","id":{pk},"geometry":{{"type":"Point","coordinates":'
        f'[{round(lon, 6)!r},{round(lat, 6)!r}]}},"properties":{{"title":'
        f'{encode_basestring(title)},"kind":{once(kind)},"district":{once(district)}}}}}'
        for pk, lat, lon, title, kind, district in idea_geojson_rows(city=city).iterator(
            chunk_size=5000
        )
    ]
    text = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    return text.encode("utf-8")
