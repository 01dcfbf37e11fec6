from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from testimonies.selectors import notice_unread_count


def notices(request: HttpRequest) -> dict:
    """The unread count in the menu; counted only when a page shows the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: notice_unread_count(user))}
