"""Background work of the notifications (ADR 0005): the mails of a notification, sent by the worker."""

from django.core.mail import send_mass_mail
from django_tasks import task


@task()
def send_mails(mails: list[list[str | list[str]]]) -> int:
    """Send queued mails, each `[subject, body, sender, [recipient, …]]`; the number sent.

    Sent by the worker, not in the request: a bulk decision tells hundreds of communes, and a mail server
    that is down must not turn a committed decision into an error page. A failed run stays in the task
    results with its mails (admin: task results), to be queued again.
    """
    return send_mass_mail([(str(s), str(b), str(f), list(to)) for s, b, f, to in mails], fail_silently=False)
