"""Django with django-cors-headers from a `CorsPolicy`: the settings.py lines and the MIDDLEWARE order.

What django-cors-headers 4.9 does (read in ``corsheaders/middleware.py`` and ``checks.py``, verified live by
tests/frameworks/ under Django's own ``runserver``):

- ``CorsMiddleware`` answers every preflight (OPTIONS with Access-Control-Request-Method) itself with ``200`` and an
  empty body, listing the whole ``CORS_ALLOW_HEADERS`` and ``CORS_ALLOW_METHODS`` (their defaults allow more than
  most policies, so the generator always writes both) and ``CORS_PREFLIGHT_MAX_AGE`` (86400 by default; 0 sends
  none);
- it adds its headers on the way out, so a middleware listed *above* it that answers by itself (an auth check's
  401) answers without CORS headers: it must come first;
- ``CORS_ALLOW_ALL_ORIGINS = True`` with ``CORS_ALLOW_CREDENTIALS = True`` answers with the request's own Origin;
- an origin with a path (``"https://app.example.com/"``, a trailing slash) is a system-check error
  (``corsheaders.E014``): ``runserver`` refuses to start.
"""
from __future__ import annotations

import sys
from urllib.parse import urlsplit

from cors_lab.frameworks.base import Config, comment_notes, facts, refuse
from cors_lab.frameworks.live import LiveProcess
from cors_lab.policy import CorsPolicy

NAME = "django"
TITLE = "Django with django-cors-headers"
MIDDLEWARE_LINE = "corsheaders.middleware.CorsMiddleware"


def config(policy: CorsPolicy) -> Config:
    """The settings.py lines (INSTALLED_APPS, MIDDLEWARE first, the CORS_* settings) that answer as ``policy``."""
    f = facts(policy, TITLE)
    notes = ["django-cors-headers answers an accepted preflight with 200 and lists every allowed method and "
             "header, whatever was requested."]
    if f.any_origin and f.credentials:
        raise refuse(TITLE, "allow_origins='*' with allow_credentials=True", "CORS_ALLOW_ALL_ORIGINS with "
                     "CORS_ALLOW_CREDENTIALS answers with the request's own Origin, not with '*'.")
    for origin in f.origins:
        parts = urlsplit(origin)
        if origin != "null" and (parts.path or parts.query or parts.fragment):
            raise refuse(TITLE, f"origin {origin!r}", "an origin with a path (a trailing slash) is a system-check "
                         "error (corsheaders.E014) and Django refuses to start; write it without the slash.")
    lines = ['INSTALLED_APPS += ["corsheaders"]',
             "# first in MIDDLEWARE: above CommonMiddleware and anything that may answer by itself (an auth check)",
             f'MIDDLEWARE.insert(0, "{MIDDLEWARE_LINE}")', ""]
    if f.any_origin:
        lines.append("CORS_ALLOW_ALL_ORIGINS = True")
    else:
        lines.append(f"CORS_ALLOWED_ORIGINS = {f.origins!r}")
        if f.reflect:
            lines.append('CORS_ALLOWED_ORIGIN_REGEXES = [r".*"]  # reflects ANY origin')
            notes.append("reflect_origin is written as CORS_ALLOWED_ORIGIN_REGEXES = [r'.*']: every Origin is "
                         "echoed.")
        elif f.regex:
            lines.append(f"CORS_ALLOWED_ORIGIN_REGEXES = [{f.regex!r}]  # re.match, as the policy")
    lines.append(f"CORS_ALLOW_METHODS = {f.methods!r}")
    lines.append(f"CORS_ALLOW_HEADERS = {[h.lower() for h in f.headers]!r}")
    if f.expose:
        lines.append(f"CORS_EXPOSE_HEADERS = {f.expose!r}")
    if f.credentials:
        lines.append("CORS_ALLOW_CREDENTIALS = True")
    lines.append(f"CORS_PREFLIGHT_MAX_AGE = {f.max_age or 0}" + ("  # 0: no Access-Control-Max-Age"
                                                                  if not f.max_age else ""))
    if not f.vary:
        notes.append("django-cors-headers always sends Vary: Origin (vary_origin=False cannot be said).")
    text = comment_notes(notes, "#") + "\n".join(lines) + "\n"
    return Config(text, NAME, notes)


SETTINGS = '''\
SECRET_KEY = "cors-lab-only-on-loopback"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "urls"
INSTALLED_APPS = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
USE_TZ = True

'''
URLS = '''\
from django.http import JsonResponse
from django.urls import path


def data(request):
    response = JsonResponse({"ok": True, "framework": "django"})
    response["X-Request-Id"] = "42"
    return response


def item(request):
    return JsonResponse({"ok": True, "method": request.method})


def fail(request):
    raise RuntimeError("an unhandled error in the view")


def private(request):
    if "authorization" not in request.headers:
        return JsonResponse({"error": "not logged in"}, status=401)
    return JsonResponse({"user": "alice"})


urlpatterns = [path("api/data", data), path("api/items/1", item), path("api/fail", fail),
               path("api/private", private)]
'''


def process(config_text: str, settings: str = SETTINGS, extra_files: dict[str, str] | None = None) -> LiveProcess:
    """Django's own development server (``runserver --noreload``) with ``config_text`` pasted at the end of a small
    settings.py. Not started: use ``with`` or ``.start()``. ``runserver`` runs the system checks first, so a
    configuration they refuse makes `LiveProcess.start` raise with Django's own error lines."""
    command = [sys.executable, "-m", "django", "runserver", "127.0.0.1:{port}", "--noreload"]
    files = {"settings.py": settings + config_text, "urls.py": URLS, **(extra_files or {})}
    return LiveProcess(NAME, command, files, env={"DJANGO_SETTINGS_MODULE": "settings", "PYTHONPATH": "{dir}",
                                                  "PYTHONUNBUFFERED": "1"})
