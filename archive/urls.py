from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from .security import security_txt

handler500 = "archive.busy.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("archive.accounts.urls")),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    # The admin's language form posts here; it sets the language cookie the editors' side reads.
    path("i18n/setlang/", set_language, name="set_language"),
    # The public site: English at its addresses as they have always been, Persian under /fa/
    # (archive/interface_languages.py).
    *i18n_patterns(path("", include("archive.public_urls")), prefix_default_language=False),
]
