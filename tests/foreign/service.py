#!/usr/bin/python3
"""A small API that loadgate did not write or start: the shape of a Node/Express service with a
pg Pool, in Python's standard library and psycopg2 (Debian's python3-psycopg2).

  GET  /healthz             200 when a `SELECT 1` through its pool works, else 503
  GET  /api/v1/items/<id>   200 {"id", "name"} or 404
  POST /api/v1/items        {"name"} -> 201 {"id": <the id Postgres generated>}

--never-reconnect keeps one connection for good: once the database drops it, every request
fails with 500, as a service with a broken reconnect would. Only ever binds to loopback.
"""
import argparse
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2
import psycopg2.pool

ITEM = re.compile(r"^/api/v1/items/(\d+)$")


class Database:
    def __init__(self, dsn, never_reconnect):
        self.dsn = dsn
        self.never_reconnect = never_reconnect
        if never_reconnect:
            self.single = psycopg2.connect(dsn, connect_timeout=2)
            self.single.autocommit = True
            self.lock = threading.Lock()
        else:
            self.pool = psycopg2.pool.ThreadedConnectionPool(1, 10, dsn, connect_timeout=2)

    def run(self, sql, params=()):
        if self.never_reconnect:
            with self.lock:
                with self.single.cursor() as cur:
                    cur.execute(sql, params)
                    return cur.fetchall() if cur.description else []
        conn = self.pool.getconn()
        broken = False
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall() if cur.description else []
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            broken = True  # a pool drops a broken connection; the next request opens a new one
            raise
        finally:
            self.pool.putconn(conn, close=broken or conn.closed != 0)


def handler_for(db):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def guarded(self, work):
            try:
                status, body = work()
            except Exception as e:  # the database is down: the client sees a 5xx
                status, body = 500, {"error": type(e).__name__}
            self.reply(status, body)

        def do_GET(self):
            if self.path == "/healthz":
                return self.guarded(lambda: (200, {"ok": db.run("SELECT 1")[0][0] == 1}))
            match = ITEM.match(self.path)
            if not match:
                return self.reply(404, {"error": "not found"})

            def read():
                rows = db.run("SELECT id, name FROM items WHERE id = %s", (int(match.group(1)),))
                return (200, {"id": rows[0][0], "name": rows[0][1]}) if rows else (404, {})

            self.guarded(read)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            try:
                name = json.loads(self.rfile.read(length))["name"]
            except (ValueError, KeyError, TypeError):
                return self.reply(400, {"error": "expected {\"name\"}"})
            if self.path != "/api/v1/items":
                return self.reply(404, {"error": "not found"})
            self.guarded(lambda: (201, {"id": db.run(
                "INSERT INTO items (name) VALUES (%s) RETURNING id", (name,))[0][0]}))

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--never-reconnect", action="store_true")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(Database(args.dsn, args.never_reconnect)))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
