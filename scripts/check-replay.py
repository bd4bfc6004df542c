#!/usr/bin/env python3
"""Records a real Go fleet live and checks that the replay warns when the live screen did.

    swift build -c release && scripts/test        # (or build examples/go-service by hand)
    scripts/check-replay.py [--minutes 10]

Four Go reference services (examples/go-service) run on loopback: one healthy, one leaking goroutines
(-leak-rate), one whose memory grows towards the 512 MiB limit its target declares (-retain-kib), one with a
saturated worker pool (-workers 1). Two svctop processes watch them in tmux (120x40), each recording to its own
file: the first shows the fleet view (the leak mark on the leaking row), the second the instance view of the
growing service (its "OOM in ..." line). This script reads both screens every half second and notes, in wall-clock
time, when each warning first shows. Then it asks the recordings (`svctop replay FILE --once --format json --at T`)
second by second around that moment, and prints when the replayed state first has the warning. Exit status 1 when
a replayed warning is more than 2 s away from the live one, or missing."""
import argparse, json, os, shutil, subprocess, sys, tempfile, time

p = argparse.ArgumentParser()
p.add_argument("--minutes", type=float, default=10)
p.add_argument("--svctop", default=".build/release/svctop")
p.add_argument("--service", default="examples/go-service/go-service")
a = p.parse_args()

svctop = os.path.abspath(a.svctop)
work = tempfile.mkdtemp(prefix="svctop-check-replay-")
services = []
targets = {}
specs = {
    "steady": ["-load", "20"],
    "leaky": ["-load", "20", "-leak-rate", "2", "-leak-bytes", "8192"],
    "growing": ["-load", "20", "-retain-kib", "1024"],
    "saturated": ["-load", "200", "-workers", "1"],
}
for name, args in specs.items():
    s = subprocess.Popen([a.service, "-addr", "127.0.0.1:0"] + args, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    services.append(s)
    targets[name] = s.stdout.readline().strip().split("listening on ", 1)[1]


def config(names):
    path = os.path.join(work, "-".join(names) + ".yaml")
    with open(path, "w") as f:
        f.write("targets:\n")
        for n in names:
            f.write(f"  - name: {n}\n    url: {targets[n]}\n    memory_limit: 512MiB\n")
    return path


def tmux(*args):
    return subprocess.run(["tmux"] + list(args), capture_output=True, text=True).stdout


sessions = {"fleet": list(specs), "growing": ["growing"]}
files = {}
for session, names in sessions.items():
    files[session] = os.path.join(work, session + ".svrec")
    tmux("kill-session", "-t", "chk-" + session)
    tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", "chk-" + session,
         f"{svctop} --config {config(names)} --record {files[session]} --journal /dev/null --interval 1")
time.sleep(3)
for session in sessions:
    if "chk-" + session not in tmux("ls"):
        sys.exit(f"svctop did not start in tmux session chk-{session}")
tmux("send-keys", "-t", "chk-growing", "Enter")

live = {}
deadline = time.time() + a.minutes * 60
last_seen_without = {}
while time.time() < deadline:
    now = time.time()
    fleet = tmux("capture-pane", "-p", "-t", "chk-fleet").splitlines()
    row = next((line for line in fleet if " leaky " in line), "")
    growing = tmux("capture-pane", "-p", "-t", "chk-growing")
    for warning, shown in [("leak", "↑" in row), ("oom", "OOM in" in growing)]:
        if shown and warning not in live:
            live[warning] = now
            print(f"live: {warning} first shown at {time.strftime('%H:%M:%S', time.gmtime(now))}", flush=True)
        elif not shown and warning not in live:
            last_seen_without[warning] = now
    time.sleep(0.5)

for session in sessions:
    tmux("send-keys", "-t", "chk-" + session, "Escape")
    tmux("send-keys", "-t", "chk-" + session, "q")
time.sleep(2)
for session in sessions:
    tmux("kill-session", "-t", "chk-" + session)
for s in services:
    s.kill()


def snapshot(path, at):
    out = subprocess.run([svctop, "replay", path, "--once", "--format", "json", "--at", f"{at:.3f}"],
                         capture_output=True, text=True).stdout
    return {i["name"]: i for i in json.loads(out)}


failed = False
checks = [("leak", "fleet", "leaky", lambda i: i.get("possible_leak") is True),
          ("oom", "growing", "growing", lambda i: i.get("oom_eta_seconds") is not None)]
for warning, session, name, has in checks:
    if warning not in live:
        print(f"{warning}: never shown live in {a.minutes} minutes")
        failed = True
        continue
    before = last_seen_without.get(warning, live[warning] - 1)
    first = None
    t = int(before) - 5
    while t <= live[warning] + 5:
        if has(snapshot(files[session], t)[name]):
            first = t
            break
        t += 1
    gap = None if first is None else first - live[warning]
    print(f"{warning}: live between {before - live[warning]:+.1f} s and 0 s, replay first at "
          + ("never" if first is None else f"{gap:+.1f} s") + " (whole seconds, from the live first sighting)")
    if first is None or not (before - 2 <= first <= live[warning] + 2):
        failed = True
print(f"recordings in {work}: " + ", ".join(f"{s} {os.path.getsize(f) / 1024:.0f} KiB" for s, f in files.items()))
sys.exit(1 if failed else 0)
