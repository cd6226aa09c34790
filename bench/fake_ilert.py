"""A fake ilert for the Python benchmarks (cluster-chaos.py, backlog.py), on 127.0.0.1: it answers 503 while `down`,
and otherwise enforces ilert's limits per integration key (and, if given, across keys) in a rolling window, answering
429 beyond them (counted in `limited`). Every accepted event is kept in `arrivals` as (monotonic time, integration
key, alertKey, eventType, summary). The gateway's warm-up requests are answered 200 and not counted."""
import collections, http.server, json, threading, time


class FakeIlert:
    def __init__(self, port, per_key, window, all_keys=None):
        self.lock = threading.Lock()
        self.down, self.limited, self.arrivals = False, 0, []
        self._per_key, self._all_keys, self._window = per_key, all_keys, window
        self._sends, self._all = collections.defaultdict(collections.deque), collections.deque()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("User-Agent") == "HaloIlertGateway-warmup":
                    return self.answer(200, b"{}")
                if fake.down:
                    return self.answer(503, b'{"message":"down"}')
                self.answer(*fake._take(json.loads(body), time.monotonic()))

            do_HEAD = do_POST

            def answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def log_message(self, *_):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)

    def _take(self, event, now):
        key = event.get("integrationKey", "")
        with self.lock:
            windows = [self._sends[key]] + ([self._all] if self._all_keys else [])
            for window in windows:
                while window and window[0] <= now - self._window:
                    window.popleft()
            if len(self._sends[key]) >= self._per_key or (self._all_keys and len(self._all) >= self._all_keys):
                self.limited += 1
                return 429, b'{"message":"rate limited"}'
            for window in windows:
                window.append(now)
            self.arrivals.append((now, key, event.get("alertKey"), event.get("eventType"), event.get("summary", "")))
        return 202, b'{"responseCode":"NEW_INCIDENT_CREATED"}'

    def start(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
