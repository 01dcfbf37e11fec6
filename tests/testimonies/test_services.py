"""Writing and publishing testimonies: what is refused, and who is told, exactly once."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import Delivery, Preference
from partnerships.models import Role
from testimonies import services
from testimonies.models import Testimony, TestimonyNotice, Thanks
from tests.factories import make_member, make_partner, make_request
from tests.testimonies.conftest import pray

pytestmark = pytest.mark.django_db


def write(world, author, **fields):
    data = {
        "partner": world["tomasz"],
        "author": author,
        "title": "A hall at last",
        "story": "The school lent us its hall for Sundays.",
        "scripture": "Psalm 126:3",
        "requests": [world["hall"]],
        **fields,
    }
    return services.testimony_create(**data)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"story": "   "}, "story", "Tell the story"),
        ({"title": ""}, "title", "Give the testimony a title"),
        ({"scripture": "x" * 61}, "scripture", "Keep the scripture reference to 60"),
        ({"requests": []}, "requests", "Choose the answered request"),
        ({"audience": "everyone"}, "audience", "Choose who may read it"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(story, partner, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        write(story, partner, **fields)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Testimony.objects.exists()


def test_a_request_of_another_partner_is_refused(story, partner, community):
    elsewhere = make_request(
        make_partner(community), status="answered", answered_on=timezone.localdate()
    )
    with pytest.raises(ValidationError) as refused:
        write(story, partner, requests=[story["hall"], elsewhere])
    assert "its own partner only" in refused.value.message_dict["requests"][0]
    assert not Testimony.objects.exists()


def test_a_request_not_yet_answered_is_refused(story, partner):
    active = make_request(story["tomasz"], text="Visas")
    with pytest.raises(ValidationError):
        write(story, partner, requests=[active])
    assert not Testimony.objects.exists()


def test_publishing_tells_each_person_who_prayed_once_with_their_count(
    story, partner, intercessor, django_capture_on_commit_callbacks
):
    testimony = write(story, partner)
    assert not TestimonyNotice.objects.exists()  # a draft tells nobody
    with django_capture_on_commit_callbacks(execute=True):
        told = services.testimony_publish(testimony=testimony)
    assert told == 2
    counts = dict(
        TestimonyNotice.objects.exclude(user=partner).values_list("user__name", "times_prayed")
    )
    assert counts == {"Daniel Intercessor": 12, "Ruth Lindqvist": 3}
    deliveries = Delivery.objects.filter(kind="testimony")
    assert sorted(d.user_id for d in deliveries) == sorted([intercessor.pk, story["ruth"].pk])
    assert {d.topic for d in deliveries} == {f"testimony:{testimony.pk}"}
    assert all(d.status == "sent" for d in deliveries)  # the eager task sent them


def test_publishing_again_after_unpublishing_tells_nobody_twice(
    story, partner, intercessor, mailoutbox, django_capture_on_commit_callbacks
):
    testimony = write(story, partner)
    with django_capture_on_commit_callbacks(execute=True):
        services.testimony_publish(testimony=testimony)
    services.testimony_unpublish(testimony=testimony)
    # Someone new prays before it is published again: only they are told now.
    late = make_member(story["tomasz"].community, Role.INTERCESSOR, name="Late Lydia")
    pray(late, story["hall"], 2)
    with travel_days(2), django_capture_on_commit_callbacks(execute=True):
        told = services.testimony_publish(testimony=testimony)
    assert told == 1
    assert TestimonyNotice.objects.count() == 3
    assert Delivery.objects.filter(kind="testimony").count() == 3
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert len(recipients) == len(set(recipients)) == 3


def travel_days(days):
    import time_machine

    return time_machine.travel(timezone.now() + timezone.timedelta(days=days))


def test_publishing_twice_is_refused_and_duplicates_nothing(story, partner):
    testimony = write(story, partner)
    services.testimony_publish(testimony=testimony)
    with pytest.raises(ValidationError, match="already published"):
        services.testimony_publish(testimony=testimony)
    assert TestimonyNotice.objects.count() == 2
    assert Delivery.objects.filter(kind="testimony").count() == 2


def test_the_author_and_people_who_left_are_not_told(story, intercessor, community, partner):
    story["ruth"].memberships.filter(community=community).delete()
    testimony = write(story, intercessor)  # Daniel writes it himself
    assert services.testimony_publish(testimony=testimony) == 0
    # Only the partner hears: it is their answered prayer.
    assert list(TestimonyNotice.objects.values_list("user", "times_prayed")) == [(partner.pk, 0)]


def test_the_partner_hears_once_when_someone_else_writes_it(
    story, coordinator, partner, mailoutbox, django_capture_on_commit_callbacks
):
    testimony = write(story, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.testimony_publish(testimony=testimony) == 2  # those who prayed
    (message,) = [m for m in mailoutbox if m.to == [partner.email]]
    assert message.subject == "Your answered prayer was shared with those who prayed"
    assert "2 people who prayed for it hear of it today." in message.body
    services.testimony_unpublish(testimony=testimony)
    with django_capture_on_commit_callbacks(execute=True):
        services.testimony_publish(testimony=testimony)
    assert len([m for m in mailoutbox if m.to == [partner.email]]) == 1


def test_unpublished_before_the_email_went_then_published_again_sends_it_once(
    story, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.send import send_batch

    testimony = write(story, coordinator)
    services.testimony_publish(testimony=testimony)  # its emails wait for the commit
    services.testimony_unpublish(testimony=testimony)
    send_batch(list(Delivery.objects.values_list("pk", flat=True)))
    assert not mailoutbox  # skipped: it was a draft again by then
    with django_capture_on_commit_callbacks(execute=True):
        services.testimony_publish(testimony=testimony)
    recipients = [m.to[0] for m in mailoutbox]
    assert len(recipients) == len(set(recipients)) == 3  # two who prayed and the partner
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_people_who_turned_these_emails_off_are_told_in_the_app_only(story, partner, intercessor):
    Preference.objects.create(user=intercessor, testimony_enabled=False)
    Preference.objects.create(user=story["ruth"], bounced_at=timezone.now())
    testimony = write(story, partner)
    services.testimony_publish(testimony=testimony)
    assert TestimonyNotice.objects.count() == 2
    assert not Delivery.objects.filter(kind="testimony").exists()


def test_adding_a_request_after_publishing_tells_only_the_new_people(story, partner, community):
    testimony = write(story, partner)
    services.testimony_publish(testimony=testimony)
    second = make_request(story["tomasz"], status="answered", answered_on=timezone.localdate())
    newcomer = make_member(community, Role.INTERCESSOR)
    pray(newcomer, second)
    pray(story["ruth"], second)
    services.testimony_edit(
        testimony=testimony,
        title=testimony.title,
        story=testimony.story,
        scripture="",
        audience=testimony.audience,
        requests=[story["hall"], second],
    )
    assert TestimonyNotice.objects.count() == 3
    assert TestimonyNotice.objects.filter(user=newcomer).exists()


def test_thanks_count_once_each(story, partner, intercessor):
    testimony = write(story, partner)
    with pytest.raises(ValidationError):
        services.thanks_give(testimony=testimony, user=intercessor)  # still a draft
    services.testimony_publish(testimony=testimony)
    with pytest.raises(ValidationError, match="your own testimony"):
        services.thanks_give(testimony=testimony, user=partner)  # the author
    assert services.thanks_give(testimony=testimony, user=intercessor) is True
    assert services.thanks_give(testimony=testimony, user=intercessor) is False
    assert Thanks.objects.count() == 1
