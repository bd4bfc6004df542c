#!/usr/bin/env python3
"""Measures svctop in a real pseudo-terminal: bytes written to the terminal per second, CPU share (in all and by
thread) and wake-ups (voluntary context switches, by thread) in steady state, time from launch to the first full
frame, and key-to-screen latency.

    swift build -c release
    scripts/bench-terminal.py --instances 10 [--seconds 30] [--width 120 --height 40]
    scripts/bench-terminal.py --go-services 10 [--api-handlers 3] [--htop]
    scripts/bench-terminal.py --go-services 50 --targets-per-service 20 --prometheus /path/to/prometheus
    scripts/bench-terminal.py --instances 1000 --prometheus /path/to/prometheus

The targets are a demo fleet started with `svctop demo` in a separate process, or with --go-services N real Go
services (examples/go-service, built by scripts/test; -load 20 and --api-handlers handlers each), so the
servers' CPU is not counted. --targets-per-service K has each Go service answer on K ports (`-also-listen`): a
thousand real Go expositions from 50 processes, where a thousand processes would not fit the box. --htop measures
htop in the same pseudo-terminal setup right after, for a ratio; --prometheus measures a Prometheus server (its
binary: Debian's `prometheus` package, unpacked with `apt-get download prometheus && dpkg -x prometheus_*.deb
DIR`) scraping the same targets at the same interval, with a fresh TSDB in a temporary directory, after svctop.
With pyte installed (`pip install pyte`) it also replays the terminal's bytes into a screen and prints how many
targets the header showed up during the window: a run that saves CPU by not keeping up shows targets down.
Prints one line per measure."""
import argparse, os, re, shutil, signal, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptybench import (cpu_seconds, key_latencies, quit_svctop, rates_by_name, read_available, rss_mib,
                      spawn, thread_cpu, thread_switches)

p = argparse.ArgumentParser()
p.add_argument("--instances", type=int, default=10)
p.add_argument("--seconds", type=float, default=30)
p.add_argument("--width", type=int, default=120)
p.add_argument("--height", type=int, default=40)
p.add_argument("--svctop", default=".build/release/svctop")
p.add_argument("--keys", type=int, default=20, help="key presses for the latency measure")
p.add_argument("--go-services", type=int, default=0, help="watch N real Go services instead of the demo")
p.add_argument("--api-handlers", type=int, default=3)
p.add_argument("--targets-per-service", type=int, default=1, help="ports each Go service answers on, one target each")
p.add_argument("--htop", action="store_true", help="measure htop the same way after svctop")
p.add_argument("--prometheus", default="", help="a prometheus binary to measure on the same targets after svctop")
p.add_argument("--svctop-args", default="", help="extra svctop arguments, e.g. '--probe-interval 1s'")
p.add_argument("--rss-every", type=float, default=0, help="also print svctop's RSS every this many seconds")
a = p.parse_args()

services = []
targets = []
if a.go_services:
    for i in range(a.go_services):
        service = subprocess.Popen(["examples/go-service/go-service", "-addr", "127.0.0.1:0", "-load", "20",
                                    "-api-handlers", str(a.api_handlers),
                                    "-also-listen", str(a.targets_per_service - 1)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        services.append(service)
        for j in range(a.targets_per_service):
            url = service.stdout.readline().strip().split("listening on ", 1)[1]
            targets.append(f"go-{i}=" + url if a.targets_per_service == 1 else f"go-{i}-{j}=" + url)
    a.instances = len(targets)
    fleet = None
else:
    # The fleet runs from its own copy of the binary: two processes mapping one file share its pages, and svctop
    # could not give back start-up pages the fleet still maps (a real deployment runs svctop alone).
    import tempfile
    fleet_dir = tempfile.mkdtemp(prefix="svctop-bench-fleet-")
    fleet_binary = os.path.join(fleet_dir, "svctop-demo")
    shutil.copy2(a.svctop, fleet_binary)
    fleet = subprocess.Popen([fleet_binary, "demo", "--instances", str(a.instances), "--scenario", "healthy"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    shutil.rmtree(fleet_dir, ignore_errors=True)  # the running fleet keeps its mapped copy
    for line in fleet.stdout:
        if line.startswith("# watch it"):
            break
        targets.append(line.split("\t")[0])

pid, fd = spawn([a.svctop, "--journal", "/dev/null", "--interval", "1"] + a.svctop_args.split() + targets,
                a.width, a.height)
start = time.time()
buffer = b""
first_frame = None
while time.time() - start < 20:
    buffer += read_available(fd, 0.05)
    if b"refreshed" in buffer and targets[0].split("=")[0].encode() in buffer:
        first_frame = time.time() - start
        break
print(f"first full frame: {first_frame * 1000:.0f} ms" if first_frame else "first full frame: not seen")

# The screen as the terminal shows it, when pyte (`pip install pyte`) is there: a configuration that saves CPU by
# starving its network threads shows as targets down, which the CPU figure alone hides.
try:
    import pyte
    screen = pyte.Screen(a.width, a.height)
    screen_stream = pyte.ByteStream(screen)
    screen_stream.feed(buffer)
except ImportError:
    screen_stream = None


def shown(data):
    if screen_stream:
        screen_stream.feed(data)
    return data


shown(read_available(fd, 5))  # settle into steady state
cpu0, switches0, threads0, t0 = cpu_seconds(pid), thread_switches(pid), thread_cpu(pid), time.time()
written = 0
next_rss = t0 + a.rss_every
up_counts = set()
while time.time() - t0 < a.seconds:
    written += len(shown(read_available(fd, 0.5)))
    if screen_stream:
        header = re.search(r"^up (\d+)/", screen.display[1])  # the fleet's second line: "up N/M  ready ..."
        if header:
            up_counts.add(int(header.group(1)))
    if a.rss_every and time.time() >= next_rss:
        print(f"  {time.time() - start:6.0f} s after launch: RSS {rss_mib(pid):.1f} MiB", flush=True)
        next_rss += a.rss_every
elapsed = time.time() - t0
cpu = cpu_seconds(pid) - cpu0
wakeups = rates_by_name(switches0, thread_switches(pid), elapsed)
thread_shares = rates_by_name(threads0, thread_cpu(pid), elapsed / 100)  # CPU seconds per 100 s: % of one core
rss = rss_mib(pid)
svctop_cpu = cpu / elapsed * 100
print(f"steady state, {a.instances} instances at {a.width}x{a.height}, 1 s interval: "
      f"{written / elapsed / 1024:.2f} KB/s to the terminal, CPU {svctop_cpu:.2f}% of one core, RSS {rss:.0f} MiB")
if screen_stream:
    print(f"targets up on screen during the window: {min(up_counts)}..{max(up_counts)} of {a.instances}"
          if up_counts else "targets up on screen: header not found")
print(f"wake-ups (voluntary context switches) per second: {sum(rate for _, rate in wakeups):.0f}; busiest threads: "
      + ", ".join(f"{name} {rate:.0f}" for name, rate in wakeups[:4]))
print("CPU by thread (% of one core): "
      + ", ".join(f"{name} {share:.2f}" for name, share in thread_shares if share > 0))

latencies = key_latencies(fd, a.keys, 0.2)
if latencies:
    print(f"key-to-screen latency: median {latencies[len(latencies) // 2] * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms ({len(latencies)} presses of s)")
quit_svctop(pid, fd)

if a.htop:
    hpid, hfd = spawn([shutil.which("htop") or "/usr/bin/htop", "--delay", "10"], a.width, a.height)
    read_available(hfd, 5)
    hcpu0, ht0 = cpu_seconds(hpid), time.time()
    hwritten = 0
    while time.time() - ht0 < a.seconds:
        hwritten += len(read_available(hfd, 0.5))
        helapsed = time.time() - ht0
    hcpu = (cpu_seconds(hpid) - hcpu0) / helapsed * 100
    print(f"htop, same terminal size, 1 s refresh: {hwritten / helapsed / 1024:.2f} KB/s, CPU {hcpu:.2f}% of one core; "
          f"svctop / htop = {svctop_cpu / hcpu:.2f}")
    os.kill(hpid, signal.SIGTERM)
    os.waitpid(hpid, 0)

if a.prometheus:
    import socket, tempfile
    work = tempfile.mkdtemp(prefix="svctop-bench-prometheus-")
    hosts = [t.split("=", 1)[1].split("://", 1)[-1].rstrip("/") for t in targets]
    with open(f"{work}/prometheus.yml", "w") as config:
        config.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 800ms\n"
                     "scrape_configs:\n  - job_name: bench\n    static_configs:\n      - targets:\n")
        config.writelines(f"          - '{h}'\n" for h in hosts)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    prom = subprocess.Popen([a.prometheus, f"--config.file={work}/prometheus.yml", f"--storage.tsdb.path={work}/data",
                             f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(10)  # first scrapes of every target, WAL created: the same settling svctop gets
    pcpu0, pt0 = cpu_seconds(prom.pid), time.time()
    time.sleep(a.seconds)
    pelapsed = time.time() - pt0
    pcpu = (cpu_seconds(prom.pid) - pcpu0) / pelapsed * 100
    prss = rss_mib(prom.pid)
    print(f"prometheus {a.prometheus}, same {a.instances} targets at 1 s: CPU {pcpu:.2f}% of one core, "
          f"RSS {prss:.0f} MiB; svctop / prometheus = {svctop_cpu / pcpu:.2f}")
    prom.send_signal(signal.SIGTERM)
    prom.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)

if fleet:
    fleet.send_signal(signal.SIGTERM)
    fleet.wait(timeout=10)
    shutil.rmtree(os.path.dirname(fleet_binary), ignore_errors=True)
for service in services:
    service.send_signal(signal.SIGTERM)
    service.wait(timeout=10)
