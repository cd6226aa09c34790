#!/usr/bin/env python3
"""The drain after an outage, run by bench/backlog.sh: EVENTS events (each its own alert) on KEYS integration keys are
queued while the fake ilert is down (503), then it comes back with ilert's real limits (50 per 60 s per key, 700 per
60 s across keys; beyond them it answers 429, counted). Per variant (SQLite x1, PostgreSQL x3) it reports:

- the drain: events ilert accepted in each full minute after the first (the first still pays for the outage's failed
  attempts, which count against the same budget), against the 700 a minute allowed;
- what the worker's store calls cost (gateway.delivery.store.duration: due, next_due, claim), averaged over 20 s
  with an empty store and over the measured minutes of the drain with the full backlog;
- ingest latency (p50, p99) of new events, posted at 20 a second for 15 s, on the empty store and during the drain.

Everything listens on 127.0.0.1; every wait is bounded.
"""
import argparse, collections, json, os, shutil, signal, statistics, subprocess, sys, tempfile, time, urllib.error, urllib.request
from fake_ilert import FakeIlert

parser = argparse.ArgumentParser()
parser.add_argument("gateway_dll")
parser.add_argument("work")
parser.add_argument("--events", type=int, default=100_000)
parser.add_argument("--keys", type=int, default=500)
parser.add_argument("--minutes", type=int, default=2, help="full minutes of the drain measured, after the first")
parser.add_argument("--variants", default="Sqlite:1,Postgres:3")
args = parser.parse_args()

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PER_KEY, ALL_KEYS, WINDOW = 50, 700, 60.0
FAKE_PORT, PG_PORT = 18981, 18982
PUBLIC, MANAGEMENT = [18990, 18991, 18992], [18995, 18996, 18997]
PROBE_KEYS = 10


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(*command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def as_postgres(*command):
    return run("runuser", "-u", "postgres", "--", *command) if os.geteuid() == 0 else run(*command)


# --- the fake ilert, with ilert's limits -----------------------------------------------------------------------------
fake = FakeIlert(FAKE_PORT, PER_KEY, WINDOW, all_keys=ALL_KEYS).start()

# --- PostgreSQL, the gateways ----------------------------------------------------------------------------------------
pg_dir = tempfile.mkdtemp(prefix="backlog-pg-", dir=args.work)
if os.geteuid() == 0:
    shutil.chown(pg_dir, "postgres")
as_postgres("initdb", "-D", os.path.join(pg_dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8")
as_postgres("pg_ctl", "-D", os.path.join(pg_dir, "data"), "start", "-w", "-t", "60", "-l", os.path.join(pg_dir, "log"), "-o",
            f"-p {PG_PORT} -k {pg_dir} -c listen_addresses=127.0.0.1 -c max_connections=300")

allowed_keys = os.path.join(args.work, "allowed-keys")
with open(allowed_keys, "w") as f:
    f.write("\n".join([f"il1hps-backlog-{i}" for i in range(args.keys)] + [f"il1hps-probe-{i}" for i in range(PROBE_KEYS)]))
processes = []


def start_gateways(store, count, variant):
    database = f"backlog_{variant}"
    as_postgres("psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-qc", f"CREATE DATABASE {database}")
    connection = os.path.join(args.work, f"pg-{database}")
    with open(connection, "w") as f:
        f.write(f"Host=127.0.0.1;Port={PG_PORT};Username=postgres;Database={database};Maximum Pool Size=50")
    for i in range(count):
        root = os.path.join(args.work, f"{variant}-{i}")
        os.makedirs(root)
        shutil.copy(os.path.join(ROOT, "proxy.json"), root)
        shutil.copytree(os.path.join(ROOT, "transforms"), os.path.join(root, "transforms"))
        out = open(os.path.join(root, "out.log"), "w")
        processes.append(subprocess.Popen([
            "dotnet", args.gateway_dll, f"--urls=http://127.0.0.1:{PUBLIC[i]}", f"--Gateway:Management:Urls=http://127.0.0.1:{MANAGEMENT[i]}",
            "--Serilog:MinimumLevel:Default=Warning", f"--ReverseProxy:Clusters:ilert:Destinations:primary:Address=http://127.0.0.1:{FAKE_PORT}/",
            f"--Gateway:Store:Provider={store}", f"--Gateway:Store:ConnectionString=file:{connection}",
            f"--Gateway:Delivery:AllowedKeys:0=file:{allowed_keys}", "--Gateway:Delivery:PollInterval=00:00:01",
            "--Gateway:Delivery:MaxOutboxBytes=4294967296",
            "--Gateway:RateLimiting:Policies:per-integration-key:TokenLimit=1000000000",
            "--Gateway:RateLimiting:Policies:per-integration-key:TokensPerPeriod=1000000000",
            "--Gateway:RateLimiting:Policies:per-client-ip:PermitLimit=1000000000",
            "--Gateway:RateLimiting:Policies:per-client-address:TokenLimit=1000000000",
            "--Gateway:RateLimiting:Policies:per-client-address:TokensPerPeriod=1000000000",
        ], cwd=root, stdout=out, stderr=out))
    for i in range(count):
        deadline = time.time() + 120
        while not get(MANAGEMENT[i], "/readyz"):
            if time.time() > deadline:
                raise SystemExit(f"gateway {variant}-{i} did not become ready; see its out.log")
            time.sleep(0.2)


def stop_gateways():
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    processes.clear()


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.read().decode()
    except (urllib.error.URLError, OSError):
        return None


def store_calls(count):
    """Per operation, (sum of seconds, count) of gateway.delivery.store.duration, over every gateway."""
    totals = collections.defaultdict(lambda: [0.0, 0])
    for i in range(count):
        for line in (get(MANAGEMENT[i], "/metrics") or "").splitlines():
            if line.startswith("gateway_delivery_store_duration_seconds_sum") or line.startswith("gateway_delivery_store_duration_seconds_count"):
                operation = line.split('operation="')[1].split('"')[0]
                totals[operation][0 if "_sum" in line.split("{")[0] else 1] += float(line.rsplit(" ", 1)[1])
    return totals


def average_ms(before, after):
    return {op: 1000 * (after[op][0] - before[op][0]) / (after[op][1] - before[op][1])
            for op in after if after[op][1] > before.get(op, [0, 0])[1]}


def depth():
    body = get(MANAGEMENT[0], "/_gateway/delivery")
    return json.loads(body)["outboxDepth"] if body else -1


def probe(count, seconds=15, rate=20):
    """Posts new events at `rate` a second, round-robin over the gateways; returns (p50, p99) in ms."""
    latencies, ticket = [], int(time.time() * 1000)
    start = time.monotonic()
    for n in range(seconds * rate):
        time.sleep(max(0.0, start + n / rate - time.monotonic()))
        body = json.dumps({"ticket": {"id": ticket + n, "summary": "probe", "status": {"id": 1, "name": "New"}}}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{PUBLIC[n % count]}/api/v1/events/halopsa/il1hps-probe-{n % PROBE_KEYS}", body,
                                         {"Content-Type": "application/json"})
        began = time.monotonic()
        try:
            urllib.request.urlopen(request, timeout=30).read()
        except urllib.error.HTTPError as error:
            log(f"  probe answered {error.code}")
        latencies.append(1000 * (time.monotonic() - began))
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49], cuts[98]


def load(count):
    """wrk over every gateway until the outbox holds args.events events; returns events per second."""
    started, wrks = time.monotonic(), []
    for i in range(count):
        wrks.append(subprocess.Popen(["wrk", "-t1", f"-c{16 // count}", "-d3600s", "-s", os.path.join(ROOT, "bench", "post-unique.lua"),
                                      f"http://127.0.0.1:{PUBLIC[i]}/api/v1/events/halopsa/il1hps-backlog-"],
                                     env={**os.environ, "BODY_FILE": os.path.join(ROOT, "bench", "new-ticket.json"), "KEYS": str(args.keys)}, stdout=subprocess.DEVNULL))
    deadline = started + 3600
    while (held := depth()) < args.events and time.monotonic() < deadline:
        time.sleep(1)
    for process in wrks:
        process.terminate()
        process.wait()
    return held / (time.monotonic() - started)


results = []
for number, variant in enumerate(args.variants.split(",")):
    store, count = variant.split(":")[0], int(variant.split(":")[1])
    name = f"{store.lower()}{count}"
    log(f"{store} x{count}: starting")
    fake.down = False
    start_gateways(store, count, name)
    try:
        before = store_calls(count)
        time.sleep(20)
        idle_calls = average_ms(before, store_calls(count))
        idle_p50, idle_p99 = probe(count)
        log(f"  idle: store calls {idle_calls}, ingest p50 {idle_p50:.1f} ms, p99 {idle_p99:.1f} ms")

        fake.down = True
        rate = load(count)
        log(f"  loaded {depth()} events at {rate:.0f}/s with ilert down")

        with fake.lock:
            fake.arrivals.clear()
            fake.limited = 0
        up = time.monotonic()
        fake.down = False
        time.sleep(max(0.0, up + WINDOW - time.monotonic()))
        before = store_calls(count)
        drain_p50, drain_p99 = probe(count)
        time.sleep(max(0.0, up + WINDOW * (args.minutes + 1) - time.monotonic()))
        drain_calls = average_ms(before, store_calls(count))
        with fake.lock:
            minutes = [sum(1 for t, *_ in fake.arrivals if up + WINDOW * m <= t < up + WINDOW * (m + 1)) for m in range(1, args.minutes + 1)]
            limited = fake.limited
        log(f"  drain: {minutes} a minute ({limited} answered 429), store calls {drain_calls}, ingest p50 {drain_p50:.1f} ms, p99 {drain_p99:.1f} ms, {depth()} left")
        results.append((store, count, rate, minutes, limited, idle_calls, drain_calls, idle_p99, drain_p99))
    finally:
        stop_gateways()

as_postgres("pg_ctl", "-D", os.path.join(pg_dir, "data"), "stop", "-m", "immediate")
fake.stop()

print(f"\nBacklog drain: {args.events:,} events on {args.keys} keys queued with ilert down, then ilert's limits "
      f"({PER_KEY} per key and {ALL_KEYS} across keys per 60 s); {args.minutes} measured minutes after the first.\n")
print("| store | gateways | queued at | accepted per minute (of 700) | 429s | due ms, empty → backlog | claim ms, empty → backlog | next_due ms, empty → backlog | ingest p99 ms, idle → drain |")
print("|---|---:|---:|---|---:|---|---|---|---|")


def pair(operation, idle, drain):
    return f"{idle.get(operation, float('nan')):.2f} → {drain.get(operation, float('nan')):.2f} ({drain.get(operation, float('nan')) / idle.get(operation, float('nan')):.1f}x)" \
        if operation in idle and operation in drain else "n/a"


for store, count, rate, minutes, limited, idle_calls, drain_calls, idle_p99, drain_p99 in results:
    share = ", ".join(f"{m} ({m / ALL_KEYS:.0%})" for m in minutes)
    print(f"| {store} | {count} | {rate:.0f}/s | {share} | {limited} | {pair('due', idle_calls, drain_calls)} | {pair('claim', idle_calls, drain_calls)} | "
          f"{pair('next_due', idle_calls, drain_calls)} | {idle_p99:.1f} → {drain_p99:.1f} ({drain_p99 / idle_p99:.1f}x) |")
