#!/usr/bin/env python3
"""Cluster chaos run: three gateway processes on one throwaway PostgreSQL, in front of a fake ilert that enforces
ilert's per-key window. Everything listens on 127.0.0.1; every wait is bounded. Run by bench/cluster-chaos.sh.

Scenario "kill": 300 events for 30 tickets (steps 1-9 ALERT, step 10 RESOLVE each) over 10 integration keys, sent
round-robin across the replicas (a client whose replica does not answer tries the next, as a load balancer would).
The fake fails (503) from event 50 to 200; replica B is killed with SIGKILL at event 150 and replica C is restarted
at event 225. Scenario "pg-down": 150 more events while PostgreSQL is stopped for 10 s in the middle.

Checks: every acknowledged event arrives; each ticket's steps arrive in order (RESOLVE last); no window of the fake
held more than the limit per key (the fake answers 429 beyond it: counted, and expected 0); duplicates (events that
arrived twice: an attempt in flight at the kill) are counted; while PostgreSQL is down no client gets a 2xx.
"""
import collections, json, os, re, shutil, signal, subprocess, sys, tempfile, time, urllib.error, urllib.request
from fake_ilert import FakeIlert

GATEWAY_DLL, WORK = sys.argv[1], sys.argv[2]
LIMIT, WINDOW, MARGIN = 5, 2.0, 1.0
FAKE_PORT, PG_PORT = 18781, 18782
PUBLIC = [18790, 18791, 18792]
MANAGEMENT = [18795, 18796, 18797]
NAMES = ["A", "B", "C"]


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def as_postgres(*args):
    return run("runuser", "-u", "postgres", "--", *args) if os.geteuid() == 0 else run(*args)


# --- the fake ilert -------------------------------------------------------------------------------------------------
fake = FakeIlert(FAKE_PORT, LIMIT, WINDOW)
lock, arrivals = fake.lock, fake.arrivals  # (monotonic, key, alertKey, eventType, summary)


# --- PostgreSQL and the gateways ------------------------------------------------------------------------------------
pg_dir = tempfile.mkdtemp(prefix="chaos-pg-", dir=WORK)
if os.geteuid() == 0:
    shutil.chown(pg_dir, "postgres")
pg_options = f"-p {PG_PORT} -k {pg_dir} -c listen_addresses=127.0.0.1 -c max_connections=300"


def pg(action):
    extra = ["-w", "-t", "60", "-l", os.path.join(pg_dir, "log"), "-o", pg_options] if action == "start" else ["-m", "immediate"]
    as_postgres("pg_ctl", "-D", os.path.join(pg_dir, "data"), action, *extra)


as_postgres("initdb", "-D", os.path.join(pg_dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8")
pg("start")
connection_file = os.path.join(WORK, "pg-connection")
with open(connection_file, "w") as f:
    f.write(f"Host=127.0.0.1;Port={PG_PORT};Username=postgres;Database=postgres;Timeout=5;Command Timeout=10")

processes = [None, None, None]


def start(i):
    root = os.path.join(WORK, f"replica-{NAMES[i]}")
    os.makedirs(root, exist_ok=True)
    for item in ("proxy.json", "transforms"):
        target = os.path.join(root, item)
        if not os.path.exists(target):
            source = os.path.join(os.path.dirname(GATEWAY_DLL), item)
            (shutil.copytree if os.path.isdir(source) else shutil.copy)(source, target)
    log = open(os.path.join(WORK, f"replica-{NAMES[i]}.log"), "a")
    processes[i] = subprocess.Popen([
        "dotnet", GATEWAY_DLL, f"--urls=http://127.0.0.1:{PUBLIC[i]}", f"--Gateway:Management:Urls=http://127.0.0.1:{MANAGEMENT[i]}",
        "--Serilog:MinimumLevel:Default=Warning", f"--ReverseProxy:Clusters:ilert:Destinations:primary:Address=http://127.0.0.1:{FAKE_PORT}/",
        "--Gateway:Store:Provider=Postgres", f"--Gateway:Store:ConnectionString=file:{connection_file}",
        f"--Gateway:Delivery:RatePerMinutePerKey={LIMIT}", f"--Gateway:Delivery:PacingWindow=00:00:0{int(WINDOW)}",
        f"--Gateway:Delivery:PacingMargin=00:00:0{int(MARGIN)}", "--Gateway:Delivery:InitialBackoff=00:00:00.200",
        "--Gateway:Delivery:MaxBackoff=00:00:02", "--Gateway:Delivery:RateLimitedBackoff=00:00:01", "--Gateway:Delivery:AttemptTimeout=00:00:03",
        "--Gateway:Delivery:PollInterval=00:00:00.200", "--Gateway:RateLimiting:Policies:per-integration-key:TokenLimit=100000",
        "--Gateway:RateLimiting:Policies:per-integration-key:TokensPerPeriod=100000",
    ], cwd=root, stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{MANAGEMENT[i]}/readyz", timeout=2)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise SystemExit(f"replica {NAMES[i]} did not become ready; see {log.name}")


def post(replica, ticket, step):
    key = f"il1hps-chaos-{ticket % 10}"
    body = json.dumps({"ticket": {"id": 1000 + ticket, "summary": f"ticket {ticket} step {step}",
                                  "status": {"id": 9, "name": "Closed"} if step == 10 else {"id": 1, "name": "New"}}}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{PUBLIC[replica]}/api/v1/events/halopsa/{key}", body, {"Content-Type": "application/json"})
    try:
        return urllib.request.urlopen(request, timeout=15).status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def send(events, on_event, log_statuses):
    """Round-robin; a replica that does not answer or answers 5xx is skipped for the next (as a load balancer would)."""
    acknowledged = []
    for n, (ticket, step) in enumerate(events):
        on_event(n)
        for attempt in range(30):
            status = post((n + attempt) % 3, ticket, step)
            log_statuses.append(status)
            if 200 <= status < 300:
                acknowledged.append((ticket, step))
                break
            time.sleep(0.1 if status in (0, 502, 503) else 0.5)
    return acknowledged


def step_of(summary):
    """(ticket, step) from an event's summary ("#1000 ticket 0 step 1"), or None."""
    match = re.search(r"ticket (\d+) step (\d+)", summary or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def wait_for(acknowledged, seconds=240):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with lock:
            got = {parsed for _, _, _, _, s in arrivals if (parsed := step_of(s))}
        missing = [e for e in acknowledged if e not in got]
        if not missing:
            return []
        time.sleep(0.5)
    return missing


def report(name, acknowledged, missing, started):
    with lock:
        seen = [(*parsed, t) for t, _, _, _, s in arrivals if (parsed := step_of(s))]
        keys = collections.defaultdict(list)
        for t, key, _, _, s in arrivals:
            if step_of(s):
                keys[key].append(t)
    counts = collections.Counter((ticket, step) for ticket, step, _ in seen)
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    first = {}
    for ticket, step, t in sorted(seen, key=lambda x: x[2]):
        first.setdefault((ticket, step), t)
    out_of_order = 0
    for ticket in {t for t, _ in acknowledged}:
        steps = sorted(s for t, s in acknowledged if t == ticket)
        times = [first.get((ticket, s)) for s in steps]
        if any(a is None or b is None or a > b for a, b in zip(times, times[1:])):
            out_of_order += 1
    worst = 0
    for times in keys.values():
        times.sort()
        j = 0
        for i in range(len(times)):
            while times[i] - times[j] >= WINDOW:
                j += 1
            worst = max(worst, i - j + 1)
    ok = not missing and out_of_order == 0 and worst <= LIMIT
    print(f"{name}: {len(acknowledged)} acknowledged, {len(missing)} missing, {out_of_order} tickets out of order, "
          f"{duplicates} duplicates, max {worst} per {WINDOW:.0f} s per key (limit {LIMIT}), {fake.limited} 429s from the fake, "
          f"{time.time() - started:.1f} s -> {'PASS' if ok else 'FAIL'}")
    return ok


fake.start()
passed = True
try:
    for i in range(3):
        start(i)

    # --- scenario "kill" ---------------------------------------------------------------------------------------------
    events = [(ticket, step) for step in range(1, 11) for ticket in range(30)]
    statuses = []

    def chaos(n):
        if n == 50:
            fake.down = True
        if n == 150:
            processes[1].send_signal(signal.SIGKILL)
            processes[1].wait()
        if n == 200:
            fake.down = False
        if n == 225:
            processes[2].send_signal(signal.SIGTERM)
            processes[2].wait(timeout=60)
            start(2)

    started = time.time()
    acknowledged = send(events, chaos, statuses)
    start(1)  # the killed replica comes back: its leases ran out meanwhile, and it works the shared outbox again
    passed &= report("kill", acknowledged, wait_for(acknowledged), started)

    # --- scenario "pg-down" ------------------------------------------------------------------------------------------
    down = {"since": None}
    during = []

    def outage(n):
        if n == 40:
            pg("stop")
            down["since"] = time.time()
        if down["since"] and time.time() - down["since"] >= 10:
            pg("start")
            down["since"] = None

    events = [(ticket, step) for step in range(11, 16) for ticket in range(30)]
    started = time.time()
    statuses = []
    acknowledged = []
    for n, event in enumerate(events):
        outage(n)
        status = post(n % 3, *event)
        if down["since"]:
            during.append(status)
        if 200 <= status < 300:
            acknowledged.append(event)
        elif not down["since"]:
            # Not stored: the client sends it again (HaloPSA's runbook retries a failed step).
            for attempt in range(30):
                time.sleep(0.2)
                if 200 <= post((n + attempt + 1) % 3, *event) < 300:
                    acknowledged.append(event)
                    break
        if down["since"]:
            time.sleep(0.2)
    if down["since"]:
        pg("start")
    two_xx = sum(1 for s in during if 200 <= s < 300)
    after = len(acknowledged) - 40
    print(f"pg-down: {len(during)} posts while PostgreSQL was down: {sum(1 for s in during if s == 503)} answered 503, {two_xx} answered 2xx; "
          f"{after} acknowledged after it came back")
    passed &= two_xx == 0 and after > 0
    passed &= report("pg-down", acknowledged, wait_for(acknowledged), started)
finally:
    for p in processes:
        if p and p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
    try:
        pg("stop")
    except subprocess.CalledProcessError:
        pass
    fake.stop()

print("cluster chaos: " + ("PASS" if passed else "FAIL"))
sys.exit(0 if passed else 1)
