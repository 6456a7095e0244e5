"""Drafting benchmark: 200 jobs through the runner and the openai provider against a local
OpenAI-compatible server that takes 0.2 s a request, at concurrency 16; then again with 10 % of
requests failing (429 with OpenAI's retry-after-ms, or 500), answered at once as a rate limiter or
a failing gateway does; and, for reference, with the faults answered only after the full latency.

Run: python bench/generate.py [--jobs 200 --latency 0.2 --concurrency 16 --fault-rate 0.1]
     python bench/generate.py --part batch,paced,cache   (a 1000-session event in batch mode, runs paced
     by a token budget, the cached share of prompt tokens: see bench/generate_limits.py)

Printed against two baselines from the same run: the limit ⌈jobs/concurrency⌉ × latency, and the
raw client (the same requests sent by bare `openai` calls on as many threads, no confgen around).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import openai  # noqa: E402

from bench import generate_limits  # noqa: E402
from bench.synthetic import write  # noqa: E402
from confgen.draft.plan import plan  # noqa: E402
from confgen.load.project import open_project  # noqa: E402
from confgen.draft.providers import choose, make_provider  # noqa: E402
from confgen.draft.runner import Runner  # noqa: E402
from llm_server import LLMServer, Responder, delayed, error, ok  # noqa: E402


def faulty(rate: float, latency: float, *, slow_faults: bool, seed: int = 1) -> Responder:
    """Answers ``rate`` of requests with a 429 (retry-after-ms 200) or a 500, the rest with a draft
    after ``latency``. A fault comes at once, as a rate limiter or a failing gateway answers before
    any generation starts; with ``slow_faults`` it comes after the full latency instead."""
    rng = random.Random(seed)
    lock = threading.Lock()
    good = delayed(latency, ok())
    limited = lambda request: (429, {"retry-after-ms": "200"}, {"error": {"message": "rate limited"}})  # noqa: E731
    broken = error(500, "internal error")

    def answer(request):
        with lock:
            roll = rng.random()
        if roll >= rate:
            return good(request)
        if slow_faults:
            time.sleep(latency)
        return limited(request) if roll < rate / 2 else broken(request)

    return answer


def serve(conn, latency: float, fault_rate: float) -> None:
    """The server in its own process, so that it does not share the interpreter lock with the
    client being measured; driven by commands over a pipe."""
    with LLMServer(responder=delayed(latency, ok())) as server:
        conn.send(server.base_url)
        while True:
            command = conn.recv()
            if command == "clean":
                server.responder = delayed(latency, ok())
            elif command in ("faulty", "slow-faults"):
                server.responder = faulty(fault_rate, latency, slow_faults=command == "slow-faults")
            elif command == "stats":
                records = server.chat_records
                conn.send({"requests": len(records), "faults": sum(1 for r in records if r.status != 200),
                           "max_in_flight": server.max_in_flight})
                server.reset()
            elif command == "stop":
                return


def raw_client(base_url: str, jobs: int, concurrency: int) -> float:
    client = openai.OpenAI(api_key="k", base_url=base_url, max_retries=0, timeout=30)
    message = [{"role": "user", "content": "write"}]
    client.chat.completions.create(model="m", messages=message)  # the client's first call loads its types
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda _: client.chat.completions.create(model="m", messages=message), range(jobs)))
    return time.perf_counter() - started


def drafting(folder: Path, base_url: str, sessions: int, concurrency: int):
    project_dir = folder / "bench"
    project_dir.mkdir()
    write(project_dir / "conference.yaml", sessions=sessions, rooms=10, speakers=max(20, sessions // 2), days=2)
    project = open_project(project_dir)
    settings = choose(project, {"name": "openai", "model": "m", "concurrency": concurrency, "base_url": base_url}, {}).settings
    runner = Runner(project, make_provider(project, settings, {"OPENAI_API_KEY": "k"}), concurrency=concurrency,
                    settings=settings, require_provider=True)
    jobs = plan(project, ["talks"])
    started = time.perf_counter()
    summary = runner.run(jobs)
    return time.perf_counter() - started, summary, jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument("--part", default="faults,batch,paced,cache",
                        help="comma-separated: faults (the runs above), batch, paced, cache")
    args = parser.parse_args()
    parts = set(args.part.split(","))
    if "faults" in parts:
        faults(args)
    generate_limits.main(parts)


def faults(args: argparse.Namespace) -> None:
    sessions = -(-args.jobs // 2)  # one talk job per session and language
    limit = math.ceil(args.jobs / args.concurrency) * args.latency
    print(f"{args.jobs} jobs, latency {args.latency}s, concurrency {args.concurrency}: "
          f"limit ⌈{args.jobs}/{args.concurrency}⌉ × {args.latency}s = {limit:.2f}s")
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=serve, args=(child, args.latency, args.fault_rate), daemon=True)
    process.start()
    base_url = parent.recv()
    try:
        raw = raw_client(base_url, args.jobs, args.concurrency)
        parent.send("stats")
        parent.recv()
        print(f"  raw openai client, no confgen    {raw:6.2f}s   {raw / limit:.2f}× the limit")
        runs = (("clean", "clean", 1.1), (f"{args.fault_rate:.0%} faults", "faulty", 1.3),
                (f"{args.fault_rate:.0%} slow faults", "slow-faults", None))
        for label, command, target in runs:
            parent.send(command)
            with tempfile.TemporaryDirectory() as folder:
                seconds, summary, jobs = drafting(Path(folder), base_url, sessions, args.concurrency)
            parent.send("stats")
            stats = parent.recv()
            lost = len(jobs) - summary.count("drafted")
            if target is None:
                verdict = "no target: each fault costs a full latency"
            else:
                verdict = f"target ≤ {target}×: {'ok' if seconds / limit <= target and lost == 0 else 'MISSED'}"
            print(f"  confgen, {label:<22} {seconds:6.2f}s   {seconds / limit:.2f}× the limit ({verdict}), "
                  f"{seconds / raw:.2f}× raw · {stats['requests']} requests, {stats['faults']} faults, "
                  f"{summary.retries} retries, {lost} jobs lost, max in flight {stats['max_in_flight']}")
    finally:
        parent.send("stop")
        process.join(timeout=5)

if __name__ == "__main__":
    main()
