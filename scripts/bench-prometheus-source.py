#!/usr/bin/env python3
"""Measures `svctop prom` on a large fleet: a real Prometheus holding N instances of backfilled history (written
with `promtool tsdb create-blocks-from openmetrics`), then the dashboard in a pseudo-terminal against it.

    swift build -c release
    scripts/bench-prometheus-source.py --instances 2000 [--minutes 30] [--spacing 15] [--seconds 30]
        [--prometheus /opt/prometheus-deb/usr/bin/prometheus]

Each instance has go_goroutines, go_threads, process_resident_memory_bytes, go_memstats_heap_inuse_bytes,
go_gc_gomemlimit_bytes, up and an http_request_duration_seconds histogram (7 buckets), every --spacing seconds
for --minutes, ending now. Prints: blocks written, time to the first frame with every row, steady CPU and RSS of
svctop refreshing every --step, the queries Prometheus served per refresh (its own request counter), and
key-to-screen latency while refreshes are in flight."""
import argparse, os, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptybench import cpu_seconds, key_latencies, quit_svctop, read_available, rss_mib, spawn

p = argparse.ArgumentParser()
p.add_argument("--instances", type=int, default=2000)
p.add_argument("--minutes", type=float, default=30)
p.add_argument("--spacing", type=float, default=15)
p.add_argument("--seconds", type=float, default=30)
p.add_argument("--step", default="5s")
p.add_argument("--keys", type=int, default=100)
p.add_argument("--svctop", default=".build/release/svctop")
p.add_argument("--prometheus", default="/opt/prometheus-deb/usr/bin/prometheus")
p.add_argument("--width", type=int, default=120)
p.add_argument("--height", type=int, default=40)
p.add_argument("--serve-only", action="store_true", help="only start the backfilled Prometheus, print its URL, wait")
a = p.parse_args()
promtool = os.path.join(os.path.dirname(a.prometheus), "promtool")

work = tempfile.mkdtemp(prefix="svctop-bench-source-")
end = time.time() - 5
steps = int(a.minutes * 60 / a.spacing)
bounds = ["0.01", "0.05", "0.1", "0.25", "0.5", "1", "+Inf"]
t0 = time.time()
with open(f"{work}/history.om", "w") as out:
    def family(name, kind, value_of):
        out.write(f"# TYPE {name} {kind}\n")
        for i in range(a.instances):
            labels = f'job="bench",instance="10.{i // 60000}.{i // 250 % 240}.{i % 250 + 1}:8080"'
            for s in range(steps + 1):
                t = end - (steps - s) * a.spacing
                for suffix, extra, v in value_of(i, s):
                    sep = "," if extra else ""
                    out.write(f"{name}{suffix}{{{labels}{sep}{extra}}} {v} {t:.3f}\n")
    leaky = lambda i: i % 100 == 0
    family("go_goroutines", "gauge", lambda i, s: [("", "", 100 + (s * 3 if leaky(i) else s % 5))])
    family("go_threads", "gauge", lambda i, s: [("", "", 12)])
    family("process_resident_memory_bytes", "gauge",
           lambda i, s: [("", "", 80_000_000 + (s * 1_000_000 if leaky(i) else (s % 7) * 100_000))])
    family("go_memstats_heap_inuse_bytes", "gauge", lambda i, s: [("", "", 40_000_000 + (s % 5) * 100_000)])
    family("go_gc_gomemlimit_bytes", "gauge", lambda i, s: [("", "", 512_000_000)])
    family("up", "gauge", lambda i, s: [("", "", 1)])
    def histogram(i, s):
        n = s * 50 * a.spacing  # 50 requests a second
        shares = [0.2, 0.6, 0.8, 0.9, 0.97, 0.995, 1.0]
        rows = [("_bucket", f'le="{b}"', int(n * f)) for b, f in zip(bounds, shares)]
        return rows + [("_count", "", int(n)), ("_sum", "", round(n * 0.08, 3))]
    family("http_request_duration_seconds", "histogram", histogram)
    out.write("# EOF\n")
size = os.path.getsize(f"{work}/history.om") / 1e6
subprocess.run([promtool, "tsdb", "create-blocks-from", "openmetrics", "-q", f"{work}/history.om", f"{work}/data"],
               check=True)
os.remove(f"{work}/history.om")
print(f"history: {a.instances} instances x {steps + 1} samples x 16 series ({size:.0f} MB of OpenMetrics) "
      f"written with promtool in {time.time() - t0:.0f} s")

with open(f"{work}/prometheus.yml", "w") as config:
    config.write("global:\n  scrape_interval: 15s\nscrape_configs: []\n")
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
port = listener.getsockname()[1]
listener.close()
url = f"http://127.0.0.1:{port}"
prom = subprocess.Popen([a.prometheus, f"--config.file={work}/prometheus.yml", f"--storage.tsdb.path={work}/data",
                         f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(600):
    try:
        if urllib.request.urlopen(url + "/-/ready").status == 200:
            break
    except Exception:
        time.sleep(0.2)

if a.serve_only:
    print(f"serving {a.instances} instances of history at {url} (job=\"bench\"); Ctrl-C stops", flush=True)
    try:
        prom.wait()
    except KeyboardInterrupt:
        prom.send_signal(signal.SIGTERM)
        prom.wait(timeout=60)
    shutil.rmtree(work, ignore_errors=True)
    raise SystemExit(0)

def served():
    """Queries Prometheus has answered (its own counter, read from its /metrics)."""
    total = 0.0
    for line in urllib.request.urlopen(url + "/metrics").read().decode().splitlines():
        if line.startswith("prometheus_http_requests_total{") and 'handler="/api/v1/query' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total

pid, fd = spawn([a.svctop, "prom", url, "--selector", '{job="bench"}', "--step", a.step, "--journal", "/dev/null"],
                a.width, a.height)
start = time.time()
buffer = b""
first = None
while time.time() - start < 120:
    buffer += read_available(fd, 0.05)
    if f"{a.instances} instances".encode() in buffer and b"refreshed" in buffer:
        first = time.time() - start
        break
print(f"first frame with all {a.instances} rows (history loaded, first refresh): "
      + (f"{first * 1000:.0f} ms" if first else "not seen within 120 s"))

read_available(fd, 5)
queries0, cpu0, t0 = served(), cpu_seconds(pid), time.time()
while time.time() - t0 < a.seconds:
    read_available(fd, 0.5)
elapsed = time.time() - t0
cpu = (cpu_seconds(pid) - cpu0) / elapsed * 100
queries = served() - queries0
step = float(a.step.rstrip("s"))
rss = rss_mib(pid)
print(f"steady state, refresh every {a.step}: svctop CPU {cpu:.2f}% of one core, RSS {rss:.0f} MiB; "
      f"Prometheus served {queries:.0f} queries in {elapsed:.0f} s = {queries / (elapsed / step):.1f} per refresh")

latencies = key_latencies(fd, a.keys, 0.1)
if latencies:
    print(f"key-to-screen latency over {a.keys * 0.1:.0f}+ s of refreshes: median {latencies[len(latencies) // 2] * 1000:.1f} ms, "
          f"p90 {latencies[int(len(latencies) * 0.9)] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
quit_svctop(pid, fd)
prom.send_signal(signal.SIGTERM)
prom.wait(timeout=60)
shutil.rmtree(work, ignore_errors=True)
