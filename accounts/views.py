from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import ProfileForm
from accounts.http import AuthenticatedRequest
from accounts.services import user_profile_update


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_profile_update(
            user=request.user,
            name=form.cleaned_data["name"],
            time_zone=form.cleaned_data["time_zone"],
            language=form.cleaned_data["language"] or None,
        )
        if request.user.language:  # the message in the language just chosen
            translation.activate(request.user.language)
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "account/profile.html", {"form": form})
