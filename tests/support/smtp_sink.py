#!/usr/bin/env python3
"""A tiny SMTP server for tests (python3-aiosmtpd): every message it accepts
is written to OUT_DIR/<n>.eml (temp file, then rename), envelope sender and
recipients as X-Envelope-* lines first. Runs until SIGTERM/SIGINT.

usage: smtp_sink.py HOST PORT OUT_DIR [USER:PASSWORD|-] [CERT.pem KEY.pem]
With USER:PASSWORD the server requires AUTH (LOGIN or PLAIN; without TLS,
for tests only). With CERT and KEY it offers and requires STARTTLS.
Prints "ready" on stdout once listening."""
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = len([f for f in os.listdir(self.out_dir) if f.endswith('.eml')]) + 1
            path = os.path.join(self.out_dir, f'{n:04d}.eml')
            tmp = path + '.tmp'
            with open(tmp, 'wb') as f:
                f.write(f'X-Envelope-From: {envelope.mail_from}\r\n'.encode())
                for rcpt in envelope.rcpt_tos:
                    f.write(f'X-Envelope-To: {rcpt}\r\n'.encode())
                data = envelope.original_content or envelope.content
                f.write(data if isinstance(data, bytes) else data.encode('utf-8'))
            os.rename(tmp, path)
        return '250 Message accepted for delivery'


def main():
    host, port, out_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(out_dir, exist_ok=True)
    auth = {}
    if len(sys.argv) > 4 and sys.argv[4] != '-':
        user, password = sys.argv[4].split(':', 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = getattr(auth_data, 'login', None) == user.encode() and auth_data.password == password.encode()
            return AuthResult(success=ok)
        auth = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    if len(sys.argv) > 6:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[5], sys.argv[6])
        auth.update(tls_context=context, require_starttls=True)
    controller = Controller(Sink(out_dir), hostname=host, port=port, decode_data=False, **auth)
    controller.start()
    print('ready', flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == '__main__':
    main()
