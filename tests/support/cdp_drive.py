#!/usr/bin/env python3
"""Drives headless Chromium through the DevTools protocol (standard library
only) for the browser tests: navigate, fill fields, click, take screenshots,
dump the page text.

usage: cdp_drive.py STEPS.json
STEPS.json: {"chromium": "/usr/bin/chromium", "width": 1200, "height": 900,
             "steps": [{"goto": URL} | {"fill": {CSS: VALUE}} | {"click": CSS} | {"enter": CSS} | {"check": CSS}
                       | {"shot": FILE.png} | {"text": FILE.txt} | {"html": FILE.html}]}
A click waits for the page it loads (when it loads one). Exit 0 when every
step worked; otherwise one line on stderr naming the step."""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class WebSocket:
    def __init__(self, url):
        assert url.startswith('ws://')
        hostport, path = url[5:].split('/', 1)
        host, port = hostport.split(':')
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f'GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n'
                           f'Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n'
                           'Sec-WebSocket-Version: 13\r\n\r\n').encode())
        head = b''
        while b'\r\n\r\n' not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError('websocket handshake failed')
            head += chunk
        if b' 101 ' not in head.split(b'\r\n')[0]:
            raise RuntimeError('websocket handshake refused: ' + head.decode(errors='replace'))

    def _recv_exact(self, n):
        data = b''
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError('websocket closed')
            data += chunk
        return data

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126)
            header += struct.pack('!H', n)
        else:
            header.append(0x80 | 127)
            header += struct.pack('!Q', n)
        mask = os.urandom(4)
        header += mask
        self.sock.sendall(bytes(header) + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def recv(self):
        message = b''
        while True:
            b1, b2 = self._recv_exact(2)
            opcode, n = b1 & 0x0F, b2 & 0x7F
            if n == 126:
                n = struct.unpack('!H', self._recv_exact(2))[0]
            elif n == 127:
                n = struct.unpack('!Q', self._recv_exact(8))[0]
            data = self._recv_exact(n)
            if opcode == 9:  # ping
                continue
            message += data
            if b1 & 0x80:
                return message.decode()


class Browser:
    def __init__(self, chromium, width, height):
        self.profile = tempfile.mkdtemp(prefix='cdp-')
        self.proc = subprocess.Popen(
            [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
             '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars',
             f'--user-data-dir={self.profile}', '--remote-debugging-port=0',
             f'--window-size={width},{height}', 'about:blank'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, 'DevToolsActivePort')
        deadline = time.time() + 30
        while not (os.path.exists(port_file) and open(port_file).read().count('\n') >= 1):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError('chromium did not start')
            time.sleep(0.05)
        port = int(open(port_file).read().split('\n')[0])
        targets = []
        while not targets:
            targets = [t for t in json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/json/list'))
                       if t.get('type') == 'page']
            time.sleep(0.05)
        self.ws = WebSocket(targets[0]['webSocketDebuggerUrl'])
        self.next_id = 0
        self.events = []
        self.call('Page.enable')
        self.call('Emulation.setDeviceMetricsOverride',
                  {'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': False})

    def call(self, method, params=None):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({'id': my_id, 'method': method, 'params': params or {}}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get('id') == my_id:
                if 'error' in msg:
                    raise RuntimeError(f'{method}: {msg["error"]}')
                return msg.get('result', {})
            self.events.append(msg)

    def wait_event(self, name, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i, e in enumerate(self.events):
                if e.get('method') == name:
                    del self.events[i]
                    return e
            self.ws.sock.settimeout(max(0.1, deadline - time.time()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            except socket.timeout:
                break
        raise RuntimeError(f'timed out waiting for {name}')

    def evaluate(self, expression):
        r = self.call('Runtime.evaluate', {'expression': expression, 'returnByValue': True})
        if 'exceptionDetails' in r:
            raise RuntimeError(f'script failed: {expression}')
        return r.get('result', {}).get('value')

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    spec = json.load(open(sys.argv[1]))
    b = Browser(spec.get('chromium', '/usr/bin/chromium'), spec.get('width', 1200), spec.get('height', 900))
    try:
        for n, step in enumerate(spec['steps']):
            try:
                if 'goto' in step:
                    b.events.clear()
                    b.call('Page.navigate', {'url': step['goto']})
                    b.wait_event('Page.loadEventFired')
                elif 'fill' in step:
                    for css, value in step['fill'].items():
                        b.evaluate(f'document.querySelector({json.dumps(css)}).value = {json.dumps(value)}')
                elif 'click' in step:
                    b.events.clear()
                    b.evaluate(f'document.querySelector({json.dumps(step["click"])}).click()')
                    b.wait_event('Page.loadEventFired')
                elif 'check' in step:  # tick a checkbox (no navigation)
                    b.evaluate(f'document.querySelector({json.dumps(step["check"])}).checked = true')
                elif 'enter' in step:  # focus an element and press Enter on the keyboard
                    b.events.clear()
                    b.evaluate(f'document.querySelector({json.dumps(step["enter"])}).focus()')
                    for t in ('rawKeyDown', 'char', 'keyUp'):
                        b.call('Input.dispatchKeyEvent', {'type': t, 'key': 'Enter', 'code': 'Enter',
                                                          'windowsVirtualKeyCode': 13, 'text': '\r'})
                    b.wait_event('Page.loadEventFired')
                elif 'shot' in step:
                    data = b.call('Page.captureScreenshot', {'format': 'png', 'captureBeyondViewport': False})
                    with open(step['shot'], 'wb') as f:
                        f.write(base64.b64decode(data['data']))
                elif 'text' in step:
                    with open(step['text'], 'w', encoding='utf-8') as f:
                        f.write(b.evaluate('location.pathname + "\\n" + document.body.innerText'))
                elif 'html' in step:
                    with open(step['html'], 'w', encoding='utf-8') as f:
                        f.write(b.evaluate('document.documentElement.outerHTML'))
                else:
                    raise RuntimeError('unknown step')
            except Exception as e:  # one clear line for the test log
                print(f'cdp_drive: step {n} {json.dumps(step)[:120]} failed: {e}', file=sys.stderr)
                return 1
    finally:
        b.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
