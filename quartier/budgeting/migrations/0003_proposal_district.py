"""Proposals remember their district, so that a district's list shows the city-wide projects
placed in it. Existing proposals get it as new ones do: the pot's district, else the district
their place lies in, else their idea's."""

import django.db.models.deletion
from django.db import migrations, models
from shapely.geometry import Point, shape


def districts_filled(apps, schema_editor):
    Proposal = apps.get_model("budgeting", "Proposal")
    District = apps.get_model("cities", "District")
    shapes: dict[int, list[tuple[int, object]]] = {}
    proposals = Proposal.objects.select_related("pot", "idea", "process")
    for proposal in proposals.iterator():
        district_id = proposal.pot.district_id
        if district_id is None and proposal.lat is not None and proposal.lon is not None:
            city_id = proposal.process.city_id
            if city_id not in shapes:
                shapes[city_id] = [
                    (pk, shape(geometry))
                    for pk, geometry in District.objects.filter(city_id=city_id).values_list(
                        "id", "geometry"
                    )
                ]
            point = Point(proposal.lon, proposal.lat)
            district_id = next((pk for pk, area in shapes[city_id] if area.intersects(point)), None)
        if district_id is None and proposal.idea is not None:
            district_id = proposal.idea.district_id
        if district_id is not None:
            Proposal.objects.filter(pk=proposal.pk).update(district_id=district_id)


class Migration(migrations.Migration):
    dependencies = [
        ("budgeting", "0002_ever_published"),
        ("cities", "0005_remove_city_single_language_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="district",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="cities.district",
                verbose_name="district",
            ),
        ),
        migrations.RunPython(districts_filled, migrations.RunPython.noop),
    ]
