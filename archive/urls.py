from django.contrib import admin
from django.urls import include, path

from .security import security_txt

handler500 = "archive.busy.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("archive.accounts.urls")),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    path("", include("archive.public_urls")),
]
