#!/usr/bin/python3
"""A small POP3 server (RFC 1939) on loopback for the tests: the messages are the files of a folder, sorted by
name; DELE marks one, QUIT (in the UPDATE state) removes the marked files. With --cert and --key, POP3S (TLS
from the first byte, as on port 995). Prints "listening PORT" once it accepts connections.

    pop3_server.py --dir DIR --user USER --password PASS [--port 0] [--cert PEM --key PEM]
"""
import argparse
import os
import socketserver
import ssl
import sys


class Handler(socketserver.StreamRequestHandler):
    def send(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        opts = self.server.opts
        user_ok = False
        authed = False
        names = []
        deleted = set()
        self.send("+OK entraide test POP3 server ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            parts = raw.decode("utf-8", "replace").strip().split(" ")
            cmd, args = parts[0].upper(), parts[1:]
            if cmd == "CAPA":
                self.send("+OK capabilities")
                self.send("USER")
                self.send("UIDL")
                self.send(".")
            elif cmd == "USER":
                user_ok = args[:1] == [opts.user]
                self.send("+OK")
            elif cmd == "PASS":
                if user_ok and " ".join(args) == opts.password:
                    authed = True
                    names = sorted(n for n in os.listdir(opts.dir) if not n.startswith("."))
                    self.send("+OK %d messages" % len(names))
                else:
                    self.send("-ERR authentication failed")
            elif cmd == "QUIT":
                for i in deleted:
                    os.remove(os.path.join(opts.dir, names[i]))
                self.send("+OK bye")
                return
            elif not authed:
                self.send("-ERR not authenticated")
            elif cmd == "STAT":
                live = [i for i in range(len(names)) if i not in deleted]
                size = sum(os.path.getsize(os.path.join(opts.dir, names[i])) for i in live)
                self.send("+OK %d %d" % (len(live), size))
            elif cmd in ("LIST", "UIDL"):
                self.send("+OK")
                for i, name in enumerate(names):
                    if i in deleted:
                        continue
                    value = os.path.getsize(os.path.join(opts.dir, name)) if cmd == "LIST" else name
                    self.send("%d %s" % (i + 1, value))
                self.send(".")
            elif cmd == "RETR":
                i = int(args[0]) - 1
                if i < 0 or i >= len(names) or i in deleted:
                    self.send("-ERR no such message")
                    continue
                with open(os.path.join(opts.dir, names[i]), "rb") as f:
                    data = f.read()
                self.send("+OK %d octets" % len(data))
                for line in data.replace(b"\r\n", b"\n").split(b"\n"):
                    if line.startswith(b"."):
                        line = b"." + line
                    self.wfile.write(line + b"\r\n")
                self.send(".")
            elif cmd == "DELE":
                i = int(args[0]) - 1
                if i < 0 or i >= len(names) or i in deleted:
                    self.send("-ERR no such message")
                else:
                    deleted.add(i)
                    self.send("+OK deleted")
            elif cmd == "RSET":
                deleted.clear()
                self.send("+OK")
            elif cmd == "NOOP":
                self.send("+OK")
            else:
                self.send("-ERR unknown command")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    tls = None

    def get_request(self):
        sock, addr = super().get_request()
        if self.tls:
            sock = self.tls.wrap_socket(sock, server_side=True)
        return sock, addr


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cert")
    p.add_argument("--key")
    opts = p.parse_args()
    server = Server(("127.0.0.1", opts.port), Handler)
    server.opts = opts
    if opts.cert:
        server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.tls.load_cert_chain(opts.cert, opts.key)
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
