"""The reminder preferences and the delivery ledger now belong to the notifications app, which
took over their tables with their rows (notifications 0001): forget the models here only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("intercession", "0003_delivery_community"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ReminderDelivery"),
                migrations.DeleteModel(name="ReminderPreference"),
            ],
        ),
    ]
