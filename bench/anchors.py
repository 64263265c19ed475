"""The two anchors of DESIGN.md §8, served by uvicorn beside the app in bench/dossiers.py.

- `bare`: a raw ASGI callable returning a fixed JSON body — the Python ceiling here;
- `stored`: a FastAPI async route returning bytes stored in SQLite — what a well-built
  endpoint can reach.
"""

import os
import sqlite3

from fastapi import FastAPI
from fastapi.responses import Response

BODY = b'{"status":"ok","anchor":"bare"}'


async def bare(scope, _receive, send):
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": BODY})


stored = FastAPI()
_DB = os.environ.get("ANCHOR_DB", "/tmp/anchor.db")


def prepare(path: str, payload: bytes) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS blob (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        conn.execute("INSERT OR REPLACE INTO blob (id, body) VALUES (1, ?)", (payload,))


_connection: sqlite3.Connection | None = None


@stored.get("/stored")
async def stored_bytes() -> Response:
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(_DB, check_same_thread=False)
    row = _connection.execute("SELECT body FROM blob WHERE id = 1").fetchone()
    return Response(row[0], media_type="application/json")
