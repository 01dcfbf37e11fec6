"""Each prayer keeps its partner's community beside it, with an index on (person, community,
time): a person's prayers in a community are read newest first from the index, however many
they have."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intercession", "0004_reminders_move_to_notifications"),
        ("partnerships", "0004_audit_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="prayerlog",
            name="community",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="partnerships.community",
            ),
        ),
        migrations.RunSQL(
            "UPDATE intercession_prayerlog SET community_id = (SELECT p.community_id FROM "
            "partnerships_partner p WHERE p.id = intercession_prayerlog.partner_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="prayerlog",
            name="community",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="partnerships.community",
            ),
        ),
        migrations.AddIndex(
            model_name="prayerlog",
            index=models.Index(
                fields=["user", "community", "prayed_at"], name="intercessio_user_id_9281bf_idx"
            ),
        ),
    ]
