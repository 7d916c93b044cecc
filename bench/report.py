"""Print bench/run's results folder as one Markdown table (stdlib only).

python bench/report.py RESULTS_DIR

Files read (all written by bench/run):
  targets.tsv            name, path, note: one line per row of the table, in order
  wrk__NAME.txt          wrk --latency output
  cpu__NAME.txt          wall_s server_ticks busy_ticks steal_ticks wrk_cpu_s ncpu clk_tck load1
  meta.json              how the run was made
  seed.json              bench-seed's summary (seeding time)
  rss.txt                "pid rss_kib pss_kib uss_kib" of each gunicorn worker after the run
  peer_summary.json      FlaskBB's figures when PEER=1 ran (peer_bench_report.py's summary)
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

NAN = float("nan")
SOCKET_ERRORS = r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
LABELS = {
    "hello": "hello-world (bare Flask)",
    "template": "Jinja page, 20 items (bare Flask)",
    "home": "home (board index)",
    "board": "board page 1",
    "thread_first": "thread, first page (2,000 posts)",
    "thread_last": "thread, last page (page 100)",
    "permalink": "post permalink (the 302)",
    "inbox": "inbox (signed in)",
    "conversation": "conversation (signed in)",
    "search": "search for a common word (guest)",
    "board_member": "board page 1 (signed in)",
    "thread_first_member": "thread, first page (signed in)",
    "reply": "posting a reply (signed in)",
}
#: FlaskBB 2.2.0, 2 sync workers, from ../shared/bench/flaskbb/README.md (2026-11-26): the middle
#: of each measured range. Used when PEER=1 did not run.
FLASKBB_README = {"hello": 4550.5, "index": 196.0, "forum": 105.5, "topic": 28.5}
#: Its server CPU per request (ms), the steadiest figure on a shared machine (same README).
FLASKBB_README_CPU = {"hello": 0.28, "index": 9.7, "forum": 17.7, "topic": 47.5}
FLASKBB_MATCH = {
    "hello": "hello",
    "home": "index",
    "board": "forum",
    "thread_first": "topic",
    "thread_last": "topic",
    "board_member": "forum",
    "thread_first_member": "topic",
}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    return float(match.group(1)) * UNIT_MS[match.group(2)] if match else NAN


def parse_wrk(path: Path) -> dict:
    out = {"rps": NAN, "p50": NAN, "p99": NAN, "bad": 0, "sockerr": 0, "requests": 0}
    if not path.exists():
        return out
    txt = path.read_text(errors="replace")
    if match := re.search(r"Requests/sec:\s+([\d.]+)", txt):
        out["rps"] = float(match.group(1))
    for pct, key in (("50", "p50"), ("99", "p99")):
        if match := re.search(rf"^\s+{pct}%\s+(\S+)", txt, re.M):
            out[key] = _ms(match.group(1))
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", txt):
        out["bad"] = int(match.group(1))
    if match := re.search(SOCKET_ERRORS, txt):
        out["sockerr"] = sum(int(g) for g in match.groups())
    if match := re.search(r"(\d+) requests in", txt):
        out["requests"] = int(match.group(1))
    return out


def parse_cpu(path: Path, requests: int) -> dict:
    if not path.exists():
        return {"cpu_ms": NAN, "other": NAN, "load1": NAN}
    wall, srv, busy, _steal, wrk_s, ncpu, clk, load1 = path.read_text().split()
    wall_s, srv_s = float(wall), float(srv) / int(clk)
    busy_s = float(busy) / int(clk)
    capacity = wall_s * int(ncpu)
    return {
        "cpu_ms": srv_s * 1e3 / requests if requests else NAN,
        "other": 100 * max(0.0, busy_s - srv_s - float(wrk_s)) / capacity,
        "load1": float(load1),
    }


def flaskbb_figures(res: Path) -> tuple[dict[str, float], dict[str, float], str]:
    """FlaskBB's req/s and server CPU ms per request, by FlaskBB target name."""
    peer = res / "peer_summary.json"
    if peer.exists():
        rows = [
            r
            for r in json.loads(peer.read_text())
            if r.get("mode") == "sync2" and r.get("python") == "py3.12"
        ]
        if rows:
            return (
                {r["target"]: r["rps"] for r in rows},
                {r["target"]: r.get("srv_ms_per_req", NAN) for r in rows},
                "FlaskBB 2.2.0 measured in this run (PEER=1, 2 sync workers)",
            )
    return (
        FLASKBB_README,
        FLASKBB_README_CPU,
        "FlaskBB 2.2.0 figures from ../shared/bench/flaskbb/README.md (2026-11-26; req/s: the "
        "middle of each range, hello 4,550, home 196, board 105.5, topic 28.5; CPU ms/req: "
        "hello 0.28, home 9.7, board 17.7, topic 47.5)",
    )


def fmt(value: float, digits: int = 0) -> str:
    return "–" if value != value or math.isinf(value) else f"{value:,.{digits}f}"


def main(res: Path) -> None:
    meta = json.loads((res / "meta.json").read_text()) if (res / "meta.json").exists() else {}
    targets = [line.split("\t") for line in (res / "targets.tsv").read_text().splitlines() if line]
    rows = {}
    for name, _path, _note in targets:
        result = parse_wrk(res / f"wrk__{name}.txt")
        result.update(parse_cpu(res / f"cpu__{name}.txt", result["requests"]))
        db_ticks = res / f"dbticks__{name}.txt"
        result["db_ms"] = NAN
        if db_ticks.exists() and result["requests"] and meta.get("db") == "postgresql":
            clk = int(meta.get("clk_tck", 100))
            result["db_ms"] = int(db_ticks.read_text().strip() or 0) * 1e3 / clk
            result["db_ms"] /= result["requests"]
        logged = res / f"logged__{name}.txt"
        result["logged"] = int(logged.read_text().strip() or 0) if logged.exists() else 0
        rows[name] = result
    hello = rows.get("hello", {}).get("rps", NAN)
    flaskbb, flaskbb_cpu, flaskbb_source = flaskbb_figures(res)

    if meta:
        print(
            f"Kindred on {meta.get('db')} with {meta.get('posts', 0):,} seeded posts, "
            f"{meta.get('date')}; gunicorn {meta.get('gunicorn')} 2 sync workers, "
            f"{meta.get('python')}; wrk -t2 -c{meta.get('conns')} -d{meta.get('duration')}s "
            f"(+{meta.get('warmup')}s warm-up) from loopback on the same {meta.get('cpus')}-core "
            "host."
        )
        print()
    print(
        "| page | path | req/s | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req "
        "| × hello | × FlaskBB "
        "| × FlaskBB, hello-normalised | FlaskBB CPU ms/req | errors | 500s logged "
        "| other procs CPU % |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    peer_hello = flaskbb.get("hello", NAN)
    for name, path, note in targets:
        label = LABELS.get(name, name)
        if note.startswith("n/a"):
            print(f"| {label} | {path or '–'} | n/a |" + " |" * 10 + f" {note[4:].strip()} |")
            continue
        r = rows[name]
        peer_name = FLASKBB_MATCH.get(name, "")
        peer_rps = flaskbb.get(peer_name, NAN)
        versus = fmt(r["rps"] / peer_rps, 2) if peer_rps == peer_rps else "n/a"
        normalised = "n/a"
        if peer_rps == peer_rps:
            normalised = fmt((r["rps"] / hello) / (peer_rps / peer_hello), 2)
        peer_cpu = fmt(flaskbb_cpu.get(peer_name, NAN), 2) if peer_name else "n/a"
        errors = r["bad"] + r["sockerr"]
        print(
            f"| {label} | `{path}` | {fmt(r['rps'])} | {fmt(r['p50'], 1)} | {fmt(r['p99'], 1)} "
            f"| {fmt(r['cpu_ms'], 2)} | {fmt(r['db_ms'], 2)} | {fmt(r['rps'] / hello, 3)} "
            f"| {versus} | {normalised} "
            f"| {peer_cpu} | {errors} | {r['logged']} | {fmt(r['other'])} |"
        )
    print()
    print(
        "× hello = req/s over hello-world's req/s in this run; × FlaskBB = req/s over FlaskBB's "
        "matching page (home: index, board: forum, thread: its 200-post topic); "
        "hello-normalised = (× hello) over FlaskBB's own page/hello ratio, which cancels most of "
        f"the machine's load; {flaskbb_source}."
    )
    print(
        "server CPU = gunicorn master and workers (on SQLite the database work is in there); "
        "PostgreSQL CPU = the backends serving the two workers (PostgreSQL runs only)."
    )
    print(
        "errors = non-2xx/3xx responses + socket errors reported by wrk; 500s logged = "
        "unhandled errors in gunicorn's log during the row's warm-up and run."
    )
    seed = res / "seed.json"
    if seed.exists():
        summary = json.loads(seed.read_text())
        counts = summary.get("counts", {})
        print(
            f"Seeding: {summary.get('posts', 0):,} posts, {counts.get('threads', 0):,} threads, "
            f"{counts.get('users', 0):,} members, {counts.get('messages', 0):,} messages in "
            f"{summary.get('seconds')} s."
        )
    rss = res / "rss.txt"
    if rss.exists():
        workers = [line.split() for line in rss.read_text().splitlines() if line.strip()]
        print(
            "Worker RSS after the Kindred run: "
            + ", ".join(_worker_memory(*worker) for worker in workers)
            + "."
        )


def _worker_memory(pid: str, rss_kib: str, *shared: str) -> str:
    """``pid 1234 93 MiB``, with PSS (shared pages split between the processes sharing them)
    and USS (this worker's own pages) where ``bench/run`` read them."""
    mib = [f"{int(kib) / 1024:.0f}" for kib in (rss_kib, *shared)]
    return f"pid {pid} {mib[0]} MiB" + (f" (PSS {mib[1]}, USS {mib[2]})" if len(mib) == 3 else "")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
