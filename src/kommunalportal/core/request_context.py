"""The id of the request being served, so that audit events can name it without taking the request."""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
