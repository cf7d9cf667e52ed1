import json

from quartier.ideas.models import Idea
from quartier.moderation.services import content_hide


def test_districts_endpoint_returns_the_twelve_stadtbezirke(client, dortmund):
    response = client.get("/api/v1/cities/dortmund/districts")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 12
    nord = next(f for f in data["features"] if f["properties"]["name"] == "Innenstadt-Nord")
    assert nord["properties"]["population"] == 61065
    assert nord["geometry"]["type"] == "Polygon"


def test_hotspots_without_location_have_null_geometry(client, dortmund):
    features = client.get("/api/v1/cities/dortmund/hotspots").json()["features"]
    by_name = {f["properties"]["name"]: f for f in features}
    assert by_name["DEZENTRALE"]["geometry"] is None
    assert by_name["Borsigplatz"]["geometry"]["coordinates"] == [7.481667, 51.523333]


def test_ideas_are_paginated_and_filterable(client, dortmund):
    data = client.get("/api/v1/cities/dortmund/ideas", {"page_size": 2}).json()
    assert data["count"] == Idea.objects.filter(city=dortmund).count()
    assert len(data["results"]) == 2 and data["pages"] >= 3
    data = client.get("/api/v1/cities/dortmund/ideas", {"district": "innenstadt-nord"}).json()
    assert data["count"] >= 1
    assert {idea["district"] for idea in data["results"]} == {"Innenstadt-Nord"}
    data = client.get("/api/v1/cities/dortmund/ideas", {"kind": "cultural"}).json()
    assert {idea["kind"] for idea in data["results"]} == {"cultural"}


def test_invalid_parameters_get_a_4xx_with_a_message(client, dortmund):
    cases = [
        ({"page": -1}, 422),
        ({"page": "abc"}, 422),
        ({"district": "atlantis"}, 404),
        ({"kind": "magic"}, 422),
        ({"sort": "random"}, 422),
        ({"page_size": 1000}, 422),
        ({"page": 999}, 404),
    ]
    for params, status in cases:
        response = client.get("/api/v1/cities/dortmund/ideas", params)
        assert response.status_code == status, params
        assert response.json()["detail"], params


def test_unknown_city_and_idea_are_404(client, dortmund):
    assert client.get("/api/v1/cities/atlantis/districts").status_code == 404
    assert client.get("/api/v1/cities/dortmund/ideas/999999").status_code == 404


def test_geojson_of_ideas_follows_writes(client, dortmund, resident, moderator):
    first = client.get("/api/v1/cities/dortmund/ideas.geojson").json()
    assert len(first["features"]) == Idea.objects.filter(city=dortmund).count()
    idea = Idea.objects.filter(city=dortmund).earliest("id")
    content_hide(target=idea, moderator=moderator, reason="Test")
    second = client.get("/api/v1/cities/dortmund/ideas.geojson").json()
    assert idea.pk not in {feature["id"] for feature in second["features"]}
    assert len(second["features"]) == len(first["features"]) - 1
    point = second["features"][0]["geometry"]
    assert point["type"] == "Point" and len(point["coordinates"]) == 2


def test_geojson_escapes_titles(client, dortmund, resident):
    from quartier.ideas.tests.test_services import submit

    submit(dortmund, resident, title='Quote " and </script> and Umlaut ä')
    data = json.loads(client.get("/api/v1/cities/dortmund/ideas.geojson").content)
    titles = {feature["properties"]["title"] for feature in data["features"]}
    assert 'Quote " and </script> and Umlaut ä' in titles


def test_idea_detail_has_no_personal_data(client, dortmund):
    idea = Idea.objects.filter(city=dortmund).earliest("id")
    data = client.get(f"/api/v1/cities/dortmund/ideas/{idea.pk}").json()
    assert data["title"] == idea.title
    assert "email" not in json.dumps(data)
    assert "author" not in data


def test_openapi_document_lists_the_endpoints(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    paths = set(spec["paths"])
    assert "/api/v1/cities/{city}/districts" in paths
    assert "/api/v1/cities/{city}/ideas.geojson" in paths
    assert client.get("/api/v1/docs").status_code == 200
