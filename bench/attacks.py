#!/usr/bin/env python3
"""The attacks of issue 34, at the size they were found, against one gateway process per attack (a fresh content
root and outbox each time), its heap capped at 288 MiB (DOTNET_GCHeapHardLimit=0x12000000, as the shipped 384 MiB
container limit leaves it). Run by bench/attacks.sh.

Throughout every attack a genuine HaloPSA key posts one ticket a second from its own address (127.0.0.2); the fake
ilert (127.0.0.1) accepts that key's events and answers 404 for any other key, as ilert does for a key with no alert
source. The attackers post from other loopback addresses (127.0.1.x, 64 of them, so that the per-client limit is not
what stops a flood: the key classes and budgets are).

  slow-body  600 connections from one address, each declaring Content-Length: 1 MiB and sending 300 bytes a second
  flood      8 senders posting valid tickets on made-up keys (atk<uuid>) as fast as they can, for 20 s
  fill       1 MiB bodies that are not JSON on made-up keys, about 60 a second for 20 s; ilert answers 503 to
             everything for the first 10 s (so genuine alerts must be queued, not refused)

With --postgres the flood and the fill run against two replicas sharing a throwaway PostgreSQL (made with the
machine's initdb, on 127.0.0.1), the attackers spread over both: the store is then measured as its tables' size
(with their TOAST and indexes) and the size of the WAL directory.

Per attack it prints: whether the process is alive at the end, the share of genuine posts answered 2xx, the worst
delay from a genuine post to its arrival at the fake ilert (posted while ilert was up), the worst time after ilert's
return that an alert queued during the outage arrived (the retry backoff), the store as the gateway counts it (bytes
of its budget, where the build has budgets) and on disk, the gateway's peak resident memory, what the attackers were
answered and how many of their events reached ilert.
"""
import asyncio, base64, collections, http.client, http.server, json, os, random, shutil, signal, subprocess, sys, threading, time, uuid

GATEWAY_DLL, WORK, ROOT = sys.argv[1], sys.argv[2], sys.argv[3]
POSTGRES = "--postgres" in sys.argv[4:]
FAKE, PG_PORT = 18881, 18882
# One gateway; with --postgres two replicas on one database, the attackers spread over both.
PUBLICS, MANAGEMENTS = ([18890, 18892], [18891, 18893]) if POSTGRES else ([18890], [18891])
PUBLIC, MANAGEMENT = PUBLICS[0], MANAGEMENTS[0]
GENUINE = "il1hps-genuine-bench-7f3a"
GENUINE_FROM = "127.0.0.2"
ATTACKERS = [f"127.0.1.{i}" for i in range(1, 65)]
HEAP_LIMIT = "0x12000000"

# --- the fake ilert -------------------------------------------------------------------------------------------------
lock = threading.Lock()
arrivals = {}                 # alertKey -> monotonic arrival of the genuine key's events
state = {"down": False, "up_since": 0.0, "others": 0}


class Fake(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):
        self.answer(200)

    def do_GET(self):
        self.answer(200)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if state["down"]:
            return self.answer(503)
        try:
            event = json.loads(body)
        except ValueError:
            event = {}
        if event.get("integrationKey") == GENUINE:
            with lock:
                arrivals.setdefault(event.get("alertKey"), time.monotonic())
            return self.answer(202, b'{"responseCode":"NEW_INCIDENT_CREATED"}')
        with lock:
            state["others"] += 1
        self.answer(404, b'{"status":404,"message":"No alert source","code":"NOT_FOUND"}')


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


fake = Server(("127.0.0.1", FAKE), Fake)
threading.Thread(target=fake.serve_forever, daemon=True).start()

# --- the gateway ----------------------------------------------------------------------------------------------------


def as_postgres(*args):
    command = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)
    return subprocess.run(command, check=True, capture_output=True, text=True)


PG_DIR = os.path.join(WORK, "pg")


def start_postgres():
    os.makedirs(PG_DIR)
    if os.geteuid() == 0:
        shutil.chown(PG_DIR, "postgres")
    as_postgres("initdb", "-D", os.path.join(PG_DIR, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    as_postgres("pg_ctl", "-D", os.path.join(PG_DIR, "data"), "start", "-w", "-t", "60", "-l", os.path.join(PG_DIR, "log"),
                "-o", f"-p {PG_PORT} -k {PG_DIR} -c listen_addresses=127.0.0.1 -c max_connections=300")


def psql(database, sql):
    return as_postgres("psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", database, "-tAc", sql).stdout.strip()


def start_gateways(name):
    """The gateway for an attack (with --postgres, its two replicas on a database of its own); ready."""
    root = os.path.join(WORK, name)
    os.makedirs(root)
    shutil.copy(os.path.join(ROOT, "proxy.json"), root)
    shutil.copytree(os.path.join(ROOT, "transforms"), os.path.join(root, "transforms"))
    store = []
    if POSTGRES:
        psql("postgres", f"CREATE DATABASE {name.replace('-', '_')}")
        with open(os.path.join(root, "pg-connection"), "w") as connection:
            connection.write(f"Host=127.0.0.1;Port={PG_PORT};Username=postgres;Database={name.replace('-', '_')};Timeout=5;Command Timeout=10")
        store = ["--Gateway:Store:Provider=Postgres", f"--Gateway:Store:ConnectionString=file:{os.path.join(root, 'pg-connection')}"]
    env = dict(os.environ, DOTNET_GCHeapHardLimit=HEAP_LIMIT, DOTNET_gcServer="0")
    processes = []
    for public, management in zip(PUBLICS, MANAGEMENTS):
        log = open(os.path.join(root, f"gateway-{public}.log"), "w")
        processes.append(subprocess.Popen(
            ["dotnet", GATEWAY_DLL, f"--urls=http://0.0.0.0:{public}", f"--Gateway:Management:Urls=http://127.0.0.1:{management}",
             f"--ReverseProxy:Clusters:ilert:Destinations:primary:Address=http://127.0.0.1:{FAKE}/",
             "--Serilog:MinimumLevel:Default=Warning", *store],
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT))
    for management in MANAGEMENTS:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(management, "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: a gateway did not become ready; see {root}/gateway-*.log")
            time.sleep(0.2)
    return processes, root


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def post(connection, key, body, content_type="application/json"):
    connection.request("POST", f"/api/v1/events/halopsa/{key}", body=body, headers={"Content-Type": content_type})
    response = connection.getresponse()
    response.read()
    return response.status


def ticket(number, summary="genuine"):
    return json.dumps({"ticket": {"id": number, "summary": summary, "status": {"id": 1, "name": "New"}, "priority": {"id": 1}}})


def peak_rss(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None


def folder_size(folder):
    return sum(os.path.getsize(os.path.join(path, f)) for path, _, files in os.walk(folder) for f in files)


def store(name, root):
    """The store as the gateway counts it, and on disk (the SQLite files; or PostgreSQL's tables and WAL)."""
    try:
        status, body = get(MANAGEMENT, "/_gateway/delivery")
        counted = json.loads(body).get("storage") if status == 200 else None
    except (OSError, ValueError):
        counted = None
    if not POSTGRES:
        return counted, f"{folder_size(os.path.join(root, 'data')) / 1048576:.1f} MiB"
    tables = int(psql(name.replace("-", "_"), "SELECT pg_total_relation_size('outbox') + pg_total_relation_size('dead_letters')"))
    wal = folder_size(os.path.join(PG_DIR, "data", "pg_wal"))
    return counted, f"tables {tables / 1048576:.1f} MiB, WAL {wal / 1048576:.0f} MiB"

# --- the genuine sender ---------------------------------------------------------------------------------------------


class Genuine(threading.Thread):
    """One ticket a second on the genuine key, from its own address, until stopped: (alertKey, posted, status)."""

    def __init__(self, first):
        super().__init__(daemon=True)
        self.number, self.posts, self.stop = first, [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            started = time.monotonic()
            self.number += 1
            try:
                connection = http.client.HTTPConnection("127.0.0.1", PUBLIC, timeout=30, source_address=(GENUINE_FROM, 0))
                status = post(connection, GENUINE, ticket(self.number))
                connection.close()
            except OSError:
                status = 0
            self.posts.append((f"halopsa-{self.number}", started, status))
            self.stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))


def delays(posts, settle):
    """
    The worst delay from post to arrival of the genuine alerts posted while ilert was up, and of those posted while it
    was down (from its return: what retries add), and the alertKeys that never arrived.
    """
    deadline = time.monotonic() + settle
    accepted = [p for p in posts if 200 <= p[2] < 300]
    while time.monotonic() < deadline and any(key not in arrivals for key, _, _ in accepted):
        time.sleep(0.1)
    with lock:
        missing = [key for key, _, _ in accepted if key not in arrivals]
        up = [arrivals[key] - posted for key, posted, _ in accepted if key in arrivals and posted >= state["up_since"]]
        down = [arrivals[key] - state["up_since"] for key, posted, _ in accepted if key in arrivals and posted < state["up_since"]]
    return max(up, default=0.0), (max(down) if down else None), missing

# --- the attacks ----------------------------------------------------------------------------------------------------


async def trickler(index, until, answers):
    """One connection declaring a megabyte and sending 300 bytes a second; reconnects when the gateway closes it."""
    head = (f"POST /api/v1/events/halopsa/atk{uuid.uuid4().hex} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
            f"Content-Length: 1048576\r\n\r\n").encode()
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", PUBLIC, local_addr=("127.0.0.3", 0))
            writer.write(head)
            while time.monotonic() < until:
                writer.write(b" " * 300)
                await writer.drain()
                try:
                    line = await asyncio.wait_for(reader.readline(), timeout=1.0)
                    answers[line.split(b" ")[1].decode() if line.count(b" ") >= 2 else "closed"] += 1
                    await asyncio.sleep(1.0)
                    break
                except asyncio.TimeoutError:
                    continue
            writer.close()
        except (OSError, asyncio.IncompleteReadError):
            answers["refused"] += 1
            await asyncio.sleep(0.5)


def slow_body(seconds, answers):
    async def main():
        until = time.monotonic() + seconds
        await asyncio.gather(*(trickler(i, until, answers) for i in range(600)))
    asyncio.run(main())


def sender(seconds, answers, make_body, content_type, pace=None, addresses=ATTACKERS):
    until = time.monotonic() + seconds
    n = 0
    while time.monotonic() < until:
        source = random.choice(addresses)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PUBLIC, timeout=30, source_address=(source, 0))
            for _ in range(50):
                if time.monotonic() >= until:
                    break
                started = time.monotonic()
                n += 1
                answers[str(post(connection, f"atk{uuid.uuid4().hex}", make_body(n), content_type))] += 1
                if pace:
                    time.sleep(max(0.0, pace - (time.monotonic() - started)))
            connection.close()
        except (OSError, http.client.HTTPException):
            answers["error"] += 1


def flood(seconds, answers):
    threads = [threading.Thread(target=sender, args=(seconds, answers, lambda n: ticket(n, "attack"), "application/json")) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]


# Not JSON, and incompressible (a store that compresses, as PostgreSQL's TOAST does, must not make the fill look small).
JUNK = base64.b64encode(os.urandom(786_432))


def fill(seconds, answers):
    def outage():
        state["down"] = True
        time.sleep(seconds / 2)
        state["up_since"] = time.monotonic()
        state["down"] = False
    threading.Thread(target=outage, daemon=True).start()
    # About 60 a second: 4 senders, one body every 66 ms each.
    threads = [threading.Thread(target=sender, args=(seconds, answers, lambda n: JUNK, "application/json", 0.066)) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]


# A process's memory is its own: the slow senders are measured against one gateway only.
ATTACKS = [("flood", flood), ("fill", fill)] if POSTGRES else [("slow-body", slow_body), ("flood", flood), ("fill", fill)]
# --only NAME: one attack (to look at it again).
if "--only" in sys.argv:
    ATTACKS = [attack for attack in ATTACKS if attack[0] == sys.argv[sys.argv.index("--only") + 1]]


def main():
    rows = []
    if POSTGRES:
        start_postgres()
    for index, (name, attack) in enumerate(ATTACKS):
        state.update(down=False, up_since=0.0, others=0)
        processes, root = start_gateways(name)
        genuine = Genuine(first=100_000 * (index + 1))
        # The genuine key's first event: ilert accepts it, and the key is known from then on (as in production).
        connection = http.client.HTTPConnection("127.0.0.1", PUBLIC, timeout=30, source_address=(GENUINE_FROM, 0))
        post(connection, GENUINE, ticket(genuine.number))
        connection.close()
        genuine.start()
        answers = collections.Counter()
        duration = 30 if name == "slow-body" else 20
        attack(duration, answers)
        genuine.stop.set()
        genuine.join()
        worst, after_outage, missing = delays(genuine.posts, settle=90)
        alive = all(process.poll() is None for process in processes)
        counted, on_disk = store(name, root) if alive else (None, "n/a")
        ok = sum(1 for p in genuine.posts if 200 <= p[2] < 300)
        rows.append((name, alive, f"{ok}/{len(genuine.posts)}", f"{worst:.2f} s" + (f" ({len(missing)} never)" if missing else ""),
                     f"{after_outage:.1f} s" if after_outage is not None else "-",
                     f"{counted['totalBytes'] / 1048576:.1f} of {counted['totalBudget'] / 1048576:.0f} MiB" if counted else "n/a",
                     on_disk,
                     " / ".join(f"{(peak_rss(process.pid) or 0) / 1048576:.0f} MiB" for process in processes) if alive else "n/a",
                     ", ".join(f"{k}: {v}" for k, v in sorted(answers.items())), state["others"]))
        for process, public in zip(processes, PUBLICS):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            else:
                print(f"{name}: the gateway on {public} died; the end of its log:", file=sys.stderr)
                with open(os.path.join(root, f"gateway-{public}.log")) as log:
                    print("".join(log.readlines()[-15:]), file=sys.stderr)
    if POSTGRES:
        as_postgres("pg_ctl", "-D", os.path.join(PG_DIR, "data"), "stop", "-m", "immediate")
    print("| attack | alive | genuine 2xx | worst delay to ilert | queued in the outage: delivered after ilert's return | store (counted) | store on disk | peak RSS | attackers were answered | attackers' events sent to ilert |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


main()
