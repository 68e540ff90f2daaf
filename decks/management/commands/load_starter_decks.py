from django.core.management.base import BaseCommand

from decks.starter import load_starter_decks


class Command(BaseCommand):
    help = "Add the starter decks to the library (decks already there are left alone)."

    def handle(self, *args, **options):
        added = load_starter_decks()
        if added:
            self.stdout.write(f"Starter decks added to the library: {', '.join(added)}.")
        else:
            self.stdout.write("Starter decks: all in the library already.")
