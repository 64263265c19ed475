"""ESCO at full size: import time and search latency, each beside an anchor from the same run.

    .venv/bin/python bench/esco.py [--languages en,it] [--database-url URL]

Import: `competenze esco import` of the synthetic full-size catalogue (bench/esco_synthetic.py),
first into an empty catalogue and again (the idempotent re-import); the anchor is reading
and parsing the same CSV files without touching the database, which is the floor for any
streaming importer. Target (issue 3): under a minute on SQLite.

Search: 400 queries built from real label words (one word, a prefix, two words), p50/p95
of the service call; the anchor is a primary-key lookup of one concept in the same database.
Target: p95 under 50 ms.
"""

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import esco_synthetic
from sqlmodel import Session, select

from competenze.db import make_engine
from competenze.frameworks.esco import service
from competenze.frameworks.esco.importer import import_directory
from competenze.frameworks.esco.models import EscoConcept, EscoLabel
from competenze.migrate import upgrade


def parse_only(directory: Path) -> None:
    for path in sorted(directory.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for _ in csv.DictReader(handle):
                pass


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", default="en,it")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "esco"
        sizes = esco_synthetic.write(data, tuple(args.languages.split(",")))
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)

        anchor = timed(lambda: parse_only(data))

        def load() -> None:
            with Session(engine) as session:
                import_directory(session, data)
                session.commit()

        first, second = timed(load), timed(load)
        print(f"catalogue: {sizes} in {args.languages}; database {engine.dialect.name}")
        print(
            f"import: first {first:.1f} s, again {second:.1f} s; anchor (parse the CSV only) {anchor:.1f} s; "
            f"ratio first/anchor {first / anchor:.1f}"
        )

        with Session(engine) as session:
            rng = random.Random(3)
            labels = session.exec(select(EscoLabel.label).limit(5000)).all()
            uris = session.exec(select(EscoConcept.uri).limit(2000)).all()
            queries = []
            for text in rng.sample(labels, 400):
                words = text.split()
                shape = rng.random()
                queries.append(words[0] if shape < 0.4 else words[0][:3] if shape < 0.7 else " ".join(words[:2]))
            search_ms, lookup_ms = [], []
            for query, uri in zip(queries, rng.choices(uris, k=len(queries)), strict=True):
                search_ms.append(
                    1000 * timed(lambda q=query: service.search(session, q, kind=None, lang=None, limit=20))
                )
                session.expunge_all()
                lookup_ms.append(1000 * timed(lambda u=uri: session.get(EscoConcept, u)))
                session.expunge_all()
        print(
            f"search: p50 {statistics.median(search_ms):.2f} ms, p95 {percentile(search_ms, 0.95):.2f} ms, "
            f"max {max(search_ms):.2f} ms over {len(queries)} queries"
        )
        print(
            f"anchor (primary-key lookup): p50 {statistics.median(lookup_ms):.3f} ms, "
            f"p95 {percentile(lookup_ms, 0.95):.3f} ms; ratio p95 {percentile(search_ms, 0.95) / percentile(lookup_ms, 0.95):.0f}x"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
