"""The reminder preferences and the delivery ledger move here from the intercession app.

Only Django's record of the models moves: the tables and their rows stay as they are
(intercession 0004 forgets the models on its side), and 0002 renames the tables.
"""

import datetime
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('intercession', '0003_delivery_community'),
        ('partnerships', '0002_partners_requests_checkins'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Preference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('daily_enabled', models.BooleanField(default=True, verbose_name='daily prayer list')),
                        ('daily_time', models.TimeField(default=datetime.time(7, 0), verbose_name='at')),
                        ('daily_next_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                        ('weekly_enabled', models.BooleanField(default=True, verbose_name='weekly group reminder')),
                        ('checkin_digest_enabled', models.BooleanField(default=True, verbose_name='check-ins due')),
                        ('checkin_digest_next_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                        ('checkin_eve_enabled', models.BooleanField(default=True, verbose_name='the day before a check-in')),
                        ('testimony_enabled', models.BooleanField(default=True, verbose_name='answered prayer')),
                        ('bounced_at', models.DateTimeField(blank=True, null=True)),
                        ('bounce_reason', models.CharField(blank=True, max_length=300)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_preference', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'intercession_reminderpreference',
                    },
                ),
                migrations.CreateModel(
                    name='Delivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('daily', 'Daily prayer list'), ('weekly', 'Weekly group reminder'), ('checkin_digest', 'Check-ins due (coordinators)'), ('checkin_eve', 'Check-in tomorrow'), ('testimony', 'Answered prayer')], max_length=20)),
                        ('topic', models.CharField(blank=True, max_length=40)),
                        ('local_date', models.DateField()),
                        ('due_at', models.DateTimeField()),
                        ('status', models.CharField(choices=[('pending', 'Waiting'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('skipped', 'Skipped')], db_index=True, default='pending', max_length=10)),
                        ('email', models.EmailField(blank=True, max_length=254)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('lease_until', models.DateTimeField(blank=True, null=True)),
                        ('last_error', models.CharField(blank=True, max_length=500)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('community', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.community')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_deliveries', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'intercession_reminderdelivery',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['status', 'lease_until'], name='intercessio_status_103d01_idx')],
                        'constraints': [models.UniqueConstraint(fields=('user', 'kind', 'topic', 'local_date'), name='delivery_once_per_day'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'sent'), _negated=True), ('sent_at__isnull', False), _connector='OR'), name='delivery_sent_has_time')],
                    },
                ),
            ],
        ),
    ]
