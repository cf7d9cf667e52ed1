import gzip
import json

from quartier.ideas.models import Idea
from quartier.moderation.services import content_hide


def test_geojson_is_gzipped_for_clients_that_accept_it(client, dortmund):
    url = "/api/v1/cities/dortmund/ideas.geojson"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert packed["Content-Type"].startswith("application/geo+json")
    assert json.loads(gzip.decompress(packed.content)) == json.loads(plain.content)


def test_gzipped_geojson_follows_writes(client, dortmund, moderator):
    url = "/api/v1/cities/dortmund/ideas.geojson"
    headers = {"Accept-Encoding": "gzip"}
    before = json.loads(gzip.decompress(client.get(url, headers=headers).content))
    idea = Idea.objects.filter(city=dortmund).first()
    content_hide(target=idea, moderator=moderator, reason="Test")
    after = json.loads(gzip.decompress(client.get(url, headers=headers).content))
    assert len(after["features"]) == len(before["features"]) - 1
    assert idea.pk not in {feature["id"] for feature in after["features"]}
