"""Send whatever digest is due, exactly once per period; safe to run every few minutes.

    */5 * * * * cd /srv/cxworkshop && PUBLIC_URL=https://cx.example.com \
        .venv/bin/python manage.py send_digests        (one line in a crontab; README)

Makes each schedule's draft when its moment passes, and sends approved (or automatic) digests
to every confirmed subscriber who has not had them (stories.delivery says how two runs at once,
or a run after a crash, never mail anyone twice). Exits with an error, after saying what it
did, when PUBLIC_URL is not set or the mail server failed; the next run goes on from there.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from stories import delivery


class Command(BaseCommand):
    help = "Make the digests' drafts that are due and mail the digests that are due."

    def handle(self, *args, **options):
        try:
            report = delivery.run()
        except ImproperlyConfigured as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(
            f"Drafts made: {report.drafts}. Messages sent: {report.messages}. "
            f"Digests finished: {report.digests_sent}. Addresses refused: {len(report.refused)}."
        )
        for digest in report.empty:
            self.stdout.write(f"Not sent, no published story in it: digest {digest.pk}")
        for address in report.refused:
            self.stdout.write(f"Refused by the mail server: {address}")
        for address in report.deferred:
            self.stdout.write(f"Refused for now, tried again next run: {address}")
        if report.stopped:
            raise CommandError(
                f"Stopped: the mail server failed ({report.stopped}). The next run goes on "
                "from here and mails nobody twice."
            )
