#!/usr/bin/env python3
# test-bench-run.py BUILD_DIR
#
# bench/run end to end, small: two rounds of every part (wrk, hey, curl, the
# bare libcurl references and every concurrent strategy on the demo server's
# /ping and on nginx, the recording cost, the latency-bound set placed and
# apart, a scale run), and its result file and table checked for what the
# README quotes from them.
# It checks that the harness measures, not what it measures: the figures of
# a run this short on a shared machine say nothing.
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.path.abspath(sys.argv[1])
failures = []


def check(ok, what):
    print(("ok - " if ok else "not ok - ") + what, flush=True)
    if not ok:
        failures.append(what)


def share(value):
    return value is not None and 0.0 <= value <= 1.0


with tempfile.TemporaryDirectory(prefix="fetchscope-test-bench-") as tmp:
    out_json = os.path.join(tmp, "result.json")
    run = subprocess.run(
        [os.path.join(ROOT, "bench", "run"), "--build", build, "--rounds", "2",
         "--seconds", "1", "--requests", "2000", "--latency-requests", "200",
         "--scale", "--scale-requests", "3000", "--scale-concurrency", "200",
         "--scale-seconds", "60", "--json", out_json],
        capture_output=True, text=True, timeout=600)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    check(run.returncode == 0, f"bench/run exits 0 (got {run.returncode})")
    if run.returncode != 0 or not os.path.exists(out_json):
        sys.exit(1)
    with open(out_json) as f:
        result = json.load(f)

usage = subprocess.run([os.path.join(build, "src", "cli", "fetchscope-cli"), "run", "--help"],
                       capture_output=True, text=True).stdout
strategies = [s for s in re.search(r"Fetch strategy: ([\w|]+)", usage).group(1).split("|")
              if s != "serial"]
check(len(strategies) >= 4, f"every concurrent strategy is measured: {strategies}")

# Each strategy is measured next to its bare reference, and every other
# round runs that part backwards, so neither side of a pair always goes first.
for target in ("demo /ping", "nginx 100 B"):
    orders = [re.findall(r"  ([\w-]+) +\d+ \(", line) for line in
              re.findall(rf"^round \d {re.escape(target)} .*$", run.stdout, re.M)]
    check(len(orders) == 2 and orders[0][:2] == ["hey", "curl"] and
          orders[0][2:] == orders[1][2:][::-1], f"{target}: round 2 runs the pairs backwards")
    first = orders[0] if orders else []
    for s, ref in (("loop", "bare-loop"), ("threads", "bare-pool"), ("processes", "bare-proc")):
        check(s in first and ref in first and first.index(s) == first.index(ref) + 1,
              f"{target}: {s} right after {ref}")

header = re.search(r"^server +client .*$", run.stdout, re.M)
check(header is not None and "idle %" in header.group(0) and "steal %" in header.group(0) and
      "x bare" in header.group(0), "the table has the x bare, idle and steal columns")

check(result.get("rounds") == 2 and result.get("cores") == os.cpu_count(),
      "the result file says how it was run")
check(result.get("demo_threads") == min(os.cpu_count(), 64) and
      f"demo server: {result.get('demo_threads')} thread" in run.stdout,
      "the demo server answers on one thread per core, and the run says so")
for target in ("demo /ping", "nginx 100 B"):
    rows = result.get("results", {}).get(target, {})
    for client in ["wrk", "hey", "curl", "bare-loop", "bare-proc", "bare-pool", *strategies]:
        row = rows.get(client)
        where = f"{target}, {client}"
        check(row is not None, f"{where}: measured")
        if row is None:
            continue
        check(row["rps_median"] > 0 and row["ratio_median"] > 0, f"{where}: req/s and × wrk")
        check(row["p50_ms"] is not None and 0 < row["p50_ms"] <= row["p99_ms"],
              f"{where}: p50 ≤ p99")
        check(row["cpu_us_per_request"] > 0, f"{where}: the client's CPU per request")
        check(row["server_cpu_us_per_request"] is not None and
              row["server_cpu_us_per_request"] >= 0, f"{where}: the server's CPU per request")
        check(share(row["idle_share"]) and share(row["steal_share"]),
              f"{where}: idle {row['idle_share']} and steal {row['steal_share']} are shares")
        check(not row["errors"], f"{where}: no errors ({row['errors']})")
    if "wrk" in rows:
        check(rows["wrk"]["ratio_median"] == 1.0, f"{target}: wrk is the reference")
    for s in strategies:
        if s in rows:
            check(rows[s]["peak_rss_mib"] > 0, f"{target}, {s}: peak RSS from its summary")
            ref = rows[s].get("bare_reference")
            check(ref in ("bare-loop", "bare-proc", "bare-pool") and
                  rows[s].get("ratio_to_bare_median", 0) > 0 and
                  abs(rows[s]["ratio_to_bare"][0] -
                      rows[s]["rps"][0] / rows[ref]["rps"][0]) < 1e-9,
                  f"{target}, {s}: its rate over its bare libcurl reference's ({ref})")

recording = result.get("recording_cost", {})
check(len(recording.get("ratio", [])) == 2 and recording["ratio_median"] > 0,
      "the recording cost: recorded ÷ discarded")

latency = result.get("latency_bound", {})
for s in ["wrk", "bare-loop", "bare-proc", "bare-pool", *strategies]:
    eff = latency.get(s, {})
    check(eff.get("server_cpu_us_per_request") is not None and
          eff["server_cpu_us_per_request"] > 0,
          f"latency-bound, {s}: the demo server's CPU per request")
    # 200 x 100 ms at concurrency 100 is two waves: ideal 0.2 s.
    check(0.3 < eff.get("efficiency_median", 0) <= 1.02,
          f"latency-bound, {s}: efficiency {eff.get('efficiency_median')}")
    if os.cpu_count() > 1:
        check(0.3 < eff.get("apart_efficiency_median", 0) <= 1.02,
              f"latency-bound apart, {s}: efficiency {eff.get('apart_efficiency_median')}")

scale = result.get("scale", {}).get("strategies", {})
for s in strategies:
    row = scale.get(s, {})
    check(row.get("requests") == 3000 and row.get("ok") == 3000 and row.get("complete"),
          f"scale, {s}: 3000 of 3000 ok at concurrency 200 ({row.get('errors')})")

print(f"{len(failures)} failed" if failures else "all passed")
sys.exit(1 if failures else 0)
