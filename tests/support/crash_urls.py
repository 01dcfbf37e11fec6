"""The project's URLs and one more that fails, for the tests of what a server error logs."""

from django.db import connection
from django.http import HttpRequest
from django.urls import path

from config.urls import handler403, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns


def crash(request: HttpRequest, word: str):
    """Fails the way a real bug would, with what the person sent in the exception's message
    and in a local variable, and a database error quoting it too."""
    note = request.POST.get("note", "")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT CAST(%s AS integer)", [note])  # PostgreSQL refuses it
        int(note)  # and Python too, quoting it
    except Exception as error:
        raise ValueError(f"could not read {note!r} for {word}") from error


urlpatterns = [*project_urlpatterns, path("crash/<str:word>/", crash, name="crash")]
