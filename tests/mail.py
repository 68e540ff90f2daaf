"""A real SMTP server for tests (aiosmtpd, on a free port of this machine), and the messages it
received, read back with the standard library's e-mail parser. The `smtp_server` fixture
(tests/conftest.py) starts one and points Django's SMTP backend at it."""

import asyncio
import email
import email.policy
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from tests.servers import free_port


@dataclass
class Received:
    """One message as the server got it: the envelope's recipients and the parsed message."""

    recipients: list
    message: email.message.EmailMessage

    @property
    def to(self):
        return self.recipients[0]

    @property
    def subject(self):
        return self.message["Subject"]

    def header(self, name):
        """A header's value, unfolded (a long one arrives on two lines, as RFC 5322 allows)."""
        value = self.message[name]
        return None if value is None else " ".join(str(value).split())

    def part(self, content_type):
        for part in self.message.walk():
            if part.get_content_type() == content_type and not part.is_multipart():
                return part.get_content()
        raise AssertionError(f"No {content_type} part in the message to {self.to}.")

    @property
    def text(self):
        return self.part("text/plain")

    @property
    def html(self):
        return self.part("text/html")


@dataclass
class Mailbox:
    """What the handler of the SMTP server does: keep each message, or refuse.

    `refuse_after`: after that many messages, refuse the rest with a temporary error (451) as a
    mail server in trouble does. `drop_after`: after that many, hang up on the next message
    without answering, as a crash mid-conversation would. `refuse_addresses`: recipients
    refused for good (550). `defer_addresses`: {address: count}, that recipient refused with a
    temporary error (450, as greylisting does) that many times, then accepted.
    `refuse_data_addresses`: a message to one of these is refused at DATA for good (554, as a
    content filter of that mailbox does). `delay`: seconds to wait before accepting each message
    (to make runs overlap)."""

    received: list = field(default_factory=list)
    refuse_after: int | None = None
    drop_after: int | None = None
    refuse_addresses: set = field(default_factory=set)
    defer_addresses: dict = field(default_factory=dict)
    refuse_data_addresses: set = field(default_factory=set)
    delay: float = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_addresses:
            return "550 5.1.1 No such mailbox here"
        if self.defer_addresses.get(address, 0) > 0:
            self.defer_addresses[address] -= 1
            return "450 4.2.0 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_after is not None and len(self.received) >= self.refuse_after:
            return "451 4.3.0 Try again later"
        if self.refuse_data_addresses.intersection(envelope.rcpt_tos):
            return "554 5.7.1 Message rejected for this mailbox"
        if self.drop_after is not None and len(self.received) >= self.drop_after:
            server.transport.abort()  # no answer: the client cannot know what became of it
            return "421 4.3.0 Gone"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address):
        """Every message received for `address`."""
        return [message for message in self.received if address in message.recipients]

    @property
    def addresses(self):
        """Each recipient of each message, as many times as they got one."""
        return sorted(address for message in self.received for address in message.recipients)


class SMTPServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def received(self):
        return self.mailbox.received
