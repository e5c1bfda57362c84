"""A real SMTP server for the mail tests (tests/api/smtp_sink.rs starts it): aiosmtpd,
keeping each mail it accepts in a Maildir (DIR/new/), and noting each AUTH attempt in
DIR/auth.log as "ok tls", "ok plain", "failed tls" or "failed plain".

usage: smtp_sink.py PORT DIR [--starttls CERT KEY] [--auth USER:PASSWORD]
                             [--reject-recipients] [--slow SECONDS]

Prints "ready" once it listens on 127.0.0.1:PORT. Needs aiosmtpd (Debian: python3-aiosmtpd).
"""

import argparse
import asyncio
import os
import ssl

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("dir")
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", metavar="USER:PASSWORD")
    parser.add_argument("--reject-recipients", action="store_true")
    parser.add_argument("--slow", type=float, default=0, help="seconds to wait before accepting a mail's data")
    args = parser.parse_args()

    class Handler(Mailbox):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if args.reject_recipients:
                # As real servers do, the refusal quotes the address.
                return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(args.slow)
            return await super().handle_DATA(server, session, envelope)

    handler = Handler(os.path.join(args.dir, "maildir"))

    tls = None
    if args.starttls:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(*args.starttls)

    auth = {}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login == user.encode()
                and auth_data.password == password.encode()
            )
            over = "tls" if session.ssl is not None else "plain"
            with open(os.path.join(args.dir, "auth.log"), "a") as log:
                log.write(f"{'ok' if ok else 'failed'} {over}\n")
            return AuthResult(success=ok)

        # Without STARTTLS the server offers AUTH over plain text too, so that a client that
        # sent its password in clear would be seen doing it.
        auth = dict(
            authenticator=authenticator,
            auth_required=True,
            auth_require_tls=tls is not None,
        )

    def protocol():
        return SMTP(
            handler,
            hostname="localhost",
            tls_context=tls,
            require_starttls=tls is not None,
            **auth,
        )

    loop = asyncio.new_event_loop()
    loop.run_until_complete(loop.create_server(protocol, "127.0.0.1", args.port))
    print("ready", flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
