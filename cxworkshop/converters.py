"""URL parts that are looked up in the database match only what they can be, so a link with
anything else in it (a NUL byte, which PostgreSQL refuses in text) is a plain 404.
cxworkshop/apps.py registers them as <joincode:> and <token:>."""


class JoinCodeConverter:
    """A join code as it may appear in a link: letters and digits, any case, maybe dashes
    (the join view redirects to the canonical form)."""

    regex = "[0-9A-Za-z-]{1,32}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class TokenConverter(JoinCodeConverter):
    """A `secrets.token_urlsafe` value: a participant's private link."""

    regex = "[0-9A-Za-z_-]{1,64}"
