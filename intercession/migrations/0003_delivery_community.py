import django.db.models.deletion
from django.db import migrations, models


def fill_community(apps, schema_editor):
    """Deliveries written before the field: their topic says what they were about."""
    delivery = apps.get_model("intercession", "ReminderDelivery")
    group = apps.get_model("intercession", "IntercessorGroup")
    checkin = apps.get_model("partnerships", "CheckIn")
    sources = {"group": (group, "community_id"), "checkin": (checkin, "partner__community_id")}
    try:
        sources["testimony"] = (
            apps.get_model("testimonies", "Testimony"),
            "partner__community_id",
        )
    except LookupError:
        pass
    for row in delivery.objects.exclude(topic="").only("pk", "topic"):
        prefix, _sep, pk = row.topic.rsplit("|", 1)[-1].partition(":")
        if prefix not in sources or not pk.isdigit():
            continue
        model, path = sources[prefix]
        community_id = model.objects.filter(pk=int(pk)).values_list(path, flat=True).first()
        if community_id:
            delivery.objects.filter(pk=row.pk).update(community_id=community_id)


class Migration(migrations.Migration):
    dependencies = [
        ("intercession", "0002_testimony_reminders"),
        ("partnerships", "0002_partners_requests_checkins"),
        ("testimonies", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminderdelivery",
            name="community",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="partnerships.community",
            ),
        ),
        migrations.RunPython(fill_community, migrations.RunPython.noop),
    ]
