"""An SMTP server on 127.0.0.1 for the email channel's tests (aiosmtpd), with a certificate
from a throwaway CA (trustme) for "localhost".

    smtp_receiver.py MODE DIR

MODE: `starttls` (STARTTLS offered and required before AUTH and MAIL; the login is
status / s3cret) or `plain` (no STARTTLS: a client that requires it must send nothing).
Writes the CA's certificate to DIR/ca.pem, prints {"port": N}, then one JSON line per event
("auth": a login tried; "message": a message accepted), and stops when stdin closes.
"""

import asyncio
import email
import email.policy
import json
import ssl
import sys
import threading
import warnings

import trustme
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

USER, PASSWORD = b"status", b"s3cret"

# aiosmtpd warns about its own use of a deprecated field on every login.
warnings.simplefilter("ignore", DeprecationWarning)


def say(event):
    print(json.dumps(event), flush=True)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        # Decoded as a mail client would: the subject's RFC 2047 words, the body's transfer
        # encoding.
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        say(
            {
                "event": "message",
                "subject": message["subject"],
                "content_type": message.get_content_type(),
                "charset": message.get_content_charset(),
                "text": message.get_content(),
                "tls": session.ssl is not None,
                "login": session.auth_data.login.decode() if session.authenticated else None,
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
            }
        )
        return "250 2.0.0 accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER,
        PASSWORD,
    )
    say({"event": "auth", "tls": session.ssl is not None, "ok": ok})
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


async def main(mode, folder):
    ca = trustme.CA()
    with open(f"{folder}/ca.pem", "wb") as out:
        out.write(ca.cert_pem.bytes())
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    tls = {"tls_context": context, "require_starttls": True} if mode == "starttls" else {}

    def session():
        return SMTP(
            Handler(),
            hostname="localhost",
            authenticator=authenticator,
            auth_require_tls=mode == "starttls",
            **tls,
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(session, "127.0.0.1", 0)
    say({"port": server.sockets[0].getsockname()[1]})
    closed = loop.create_future()
    # Stdin closing (the test dropping its end) stops the server.
    threading.Thread(
        target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(closed.set_result, None)),
        daemon=True,
    ).start()
    await closed
    server.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
