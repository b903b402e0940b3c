"""Small helpers for reading the portal's pages in the browser tests."""

from django.utils import translation
from playwright.sync_api import Locator, Page


def german(message: object) -> str:
    """A message of the portal as the German page shows it."""
    with translation.override("de"):
        return str(message)


def button(page: Page, label: object) -> Locator:
    return page.get_by_role("button", name=german(label), exact=True)
