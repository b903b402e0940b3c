"""A developer's machine: debug pages, a fixed throw-away key, mail on the console."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
os.environ.setdefault("DJANGO_DEBUG", "true")

from .base import *  # noqa: F403  (settings modules extend the base by star import)

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405  (names from the star-imported base)
# Static files come from the finders here (runserver, live_server); WhiteNoise serves the collected ones in production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405  (names from the star-imported base)
# One process: the cache (the API's request counts) may live in its memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
