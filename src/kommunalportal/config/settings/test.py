"""The test suite: fast hashing, no manifest for static files, mail kept in memory."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")

from .base import *  # noqa: F403  (settings modules extend the base by star import)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405  (names from the star-imported base)
# Tasks are recorded, not run, unless a test runs them (the worker's own path is tested with the database backend).
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
SESSION_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
CSRF_COOKIE_SECURE = False
# Static files come from the finders here (runserver, live_server); WhiteNoise serves the collected ones in production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405  (names from the star-imported base)

import tempfile  # noqa: E402  (kept beside the one setting that needs it)

MEDIA_ROOT = tempfile.mkdtemp(prefix="kommunalportal-test-media-")
# One process: the cache (the API's request counts) may live in its memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
