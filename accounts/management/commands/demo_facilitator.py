import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import User

DEMO_EMAIL = "demo@cxworkshop.local"


class Command(BaseCommand):
    help = "Make the demo facilitator account once, and print its login."

    def handle(self, *args, **options):
        password_file = settings.BASE_DIR / ".local" / "demo-password"
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            password = secrets.token_urlsafe(9)
            User.objects.create_user(DEMO_EMAIL, password, name="Demo Facilitator")
            password_file.parent.mkdir(exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        if password_file.exists():
            password = password_file.read_text().strip()
            hint = "(unless you changed it)"
        else:
            password, hint = "(the one you chose)", ""
        self.stdout.write(f"Demo facilitator login: {DEMO_EMAIL}  password: {password} {hint}")
