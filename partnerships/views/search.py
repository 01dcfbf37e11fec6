"""Searching a community: what the member may see, found by a few words."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedRequest
from partnerships.access import get_membership
from partnerships.forms import SearchForm
from partnerships.search import search as search_community


@login_required
@require_safe
def search(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Partners, prayer requests, their updates and (for coordinators) check-in notes matching
    ``?q=``, each kind bounded; without a query, the box alone."""
    membership = get_membership(request, slug)
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        results = search_community(membership, form.cleaned_data["q"])
    return render(
        request,
        "partnerships/search.html",
        {"form": form, "results": results, "asked": "q" in request.GET},
    )
