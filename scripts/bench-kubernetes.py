#!/usr/bin/env python3
"""Measures `svctop k8s` at N pods: the cost of discovery (list + watch) and of the transport (every scrape and
probe through `kubectl proxy` and the API server's pod proxy, or through one `kubectl port-forward` per pod),
against the same fleet scraped directly.

    swift build -c release
    scripts/bench-kubernetes.py --pods 100 [--seconds 30] [--kubectl kubectl] [--via proxy,port-forward,direct]

The pods are a demo fleet (`svctop demo`, one process, not counted) behind a small stand-in for the API server
written here (plain HTTP, not counted): it lists and watches N pods in namespace `bench` labelled app=demo, each
with a container port named `metrics` and an httpGet readiness probe, and forwards the pod proxy subresource to
the demo service of that pod, and answers the portforward subresource over SPDY/3.1 (each stream joined to a new
connection to that pod's demo service; kubectl's WebSocket attempt gets a 404 and it falls back to SPDY, as with
API servers before 1.30). svctop runs in a pseudo-terminal at 120x40 with a 1 s interval. Printed: time
until every pod row has values, svctop's CPU share and RSS, kubectl's CPU share and RSS, svctop's child
processes, requests per second through the proxy; then the same for `svctop` on the same targets directly."""
import argparse, http.client, json, os, shutil, socket, struct, subprocess, sys, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptybench import cpu_seconds, quit_svctop, read_available, rss_mib, spawn

p = argparse.ArgumentParser()
p.add_argument("--pods", type=int, default=100)
p.add_argument("--seconds", type=float, default=30)
p.add_argument("--svctop", default=".build/release/svctop")
p.add_argument("--kubectl", default=shutil.which("kubectl") or "kubectl")
p.add_argument("--via", default="proxy,port-forward,direct", help="which runs, in order")
a = p.parse_args()

fleet = subprocess.Popen([a.svctop, "demo", "--instances", str(a.pods), "--scenario", "healthy"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
urls = []
for line in fleet.stdout:
    if line.startswith("# watch it"):
        break
    urls.append(line.split("\t")[0].split("=", 1)[-1])
ports = [int(u.rsplit(":", 1)[1].strip("/")) for u in urls]


def pod(i):
    return {
        "metadata": {"name": f"demo-{i:03d}", "namespace": "bench", "uid": f"uid-{i}", "resourceVersion": "1",
                     "labels": {"app": "demo"}},
        "spec": {"nodeName": "node-1", "containers": [{
            "name": "app", "ports": [{"name": "metrics", "containerPort": 9090}],
            "resources": {"limits": {"memory": "512Mi"}},
            "readinessProbe": {"httpGet": {"path": "/readyz", "port": 9090}},
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 9090}}}]},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                   "containerStatuses": [{"name": "app", "restartCount": 0}]},
    }


pods = {f"demo-{i:03d}": (pod(i), ports[i]) for i in range(a.pods)}
proxied = [0]
streams_opened = [0]
local = threading.local()


def spdy_session(conn, rfile, port):
    """The server side of a SPDY/3.1 port-forward session, reduced to what kubectl needs (see the Swift test
    server's SpdyPortForward): every stream is answered with an empty SYN_REPLY and joined to a new connection to
    the pod's service; DATA both ways, FIN half-closes, PING is echoed. Stream headers are not read."""
    lock = threading.Lock()
    first = [True]
    backends = {}

    def send(data):
        with lock:
            conn.sendall(data)

    def pump(sid, sock):
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                send(struct.pack(">II", sid, len(data)) + data)
        except OSError:
            pass
        try:
            send(struct.pack(">II", sid, 0x01000000))
        except OSError:
            pass

    try:
        while True:
            head = rfile.read(8)
            if len(head) < 8:
                break
            word, flags_length = struct.unpack(">II", head)
            flags, length = flags_length >> 24, flags_length & 0xFFFFFF
            payload = rfile.read(length)
            if word & 0x80000000:
                kind = word & 0xFFFF
                if kind == 1:  # SYN_STREAM
                    sid = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
                    block = ((b"\x78\x01" if first[0] else b"") + b"\x00\x04\x00\xfb\xff" + b"\0\0\0\0"
                             + b"\x00\x00\x00\xff\xff")
                    first[0] = False
                    send(struct.pack(">III", 0x80030002, 4 + len(block), sid) + block)
                    streams_opened[0] += 1
                    sock = socket.create_connection(("127.0.0.1", port))
                    backends[sid] = sock
                    threading.Thread(target=pump, args=(sid, sock), daemon=True).start()
                    if flags & 1:
                        sock.shutdown(socket.SHUT_WR)
                elif kind == 3:  # RST_STREAM
                    sock = backends.pop(struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF, None)
                    if sock:
                        sock.close()
                elif kind == 6:  # PING
                    send(head + payload)
                elif kind == 7:  # GOAWAY
                    break
            else:
                sock = backends.get(word & 0x7FFFFFFF)
                if sock:
                    try:
                        if payload:
                            sock.sendall(payload)
                        if flags & 1:
                            sock.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
    finally:
        for sock in backends.values():
            sock.close()


class API(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        parts = self.path.partition("?")[0].strip("/").split("/")
        if len(parts) == 7 and parts[4] == "pods" and parts[6] == "portforward" and parts[5] in pods \
                and self.headers.get("Upgrade", "").lower().startswith("spdy/3.1"):
            self.send_response(101)
            self.send_header("Connection", "Upgrade")
            self.send_header("Upgrade", "SPDY/3.1")
            self.send_header("X-Stream-Protocol-Version", "portforward.k8s.io")
            self.end_headers()
            self.wfile.flush()
            spdy_session(self.connection, self.rfile, pods[parts[5]][1])
            self.close_connection = True
            return
        self.send_json(404, {"kind": "Status", "code": 404, "message": "not modelled"})

    def do_GET(self):
        path, _, query = self.path.partition("?")
        parts = path.strip("/").split("/")
        if path == "/api":
            return self.send_json(200, {"kind": "APIVersions", "versions": ["v1"]})
        if path == "/apis":
            return self.send_json(200, {"kind": "APIGroupList", "groups": []})
        if path == "/api/v1":
            # What `kubectl port-forward pod/NAME` looks up first.
            return self.send_json(200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                {"name": "pods", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get", "list"]},
                {"name": "pods/portforward", "singularName": "", "namespaced": True,
                 "kind": "PodPortForwardOptions", "verbs": ["create", "get"]}]})
        if len(parts) == 6 and parts[4] == "pods" and parts[5] in pods:
            return self.send_json(200, dict(pods[parts[5]][0], kind="Pod", apiVersion="v1"))
        if len(parts) >= 7 and parts[4] == "pods" and parts[6] == "proxy":
            name, _, _ = parts[5].partition(":")
            if name not in pods:
                return self.send_json(404, {"kind": "Status", "code": 404, "message": f"pods \"{name}\" not found"})
            port = pods[name][1]
            conns = getattr(local, "conns", None) or {}
            local.conns = conns
            for attempt in range(2):
                conn = conns.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conns[port] = conn
                try:
                    conn.request("GET", "/" + "/".join(parts[7:]), headers={"Accept-Encoding": "identity"})
                    r = conn.getresponse()
                    body = r.read()
                    break
                except Exception:
                    conn.close()
                    conns.pop(port, None)
            else:
                return self.send_json(502, {"kind": "Status", "code": 502, "message": "backend failed"})
            proxied[0] += 1
            self.send_response(r.status)
            self.send_header("Content-Type", r.getheader("Content-Type") or "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif len(parts) == 5 and parts[4] == "pods":
            if "watch=1" in query or "watch=true" in query:
                # No changes in this fleet: the watch stays open, as a quiet API server's does.
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.flush()
                time.sleep(a.seconds * 4 + 60)
                return
            self.send_json(200, {"kind": "PodList", "metadata": {"resourceVersion": "1"},
                                 "items": [p for p, _ in pods.values()]})
        else:
            self.send_json(404, {"kind": "Status", "code": 404, "message": "not modelled"})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512

    def handle_error(self, request, client_address):
        pass  # connections svctop or kubectl reset when they quit


server = Server(("127.0.0.1", 0), API)
threading.Thread(target=server.serve_forever, daemon=True).start()
workdir = tempfile.mkdtemp(prefix="svctop-bench-k8s-")
kubeconfig = os.path.join(workdir, "kubeconfig")
with open(kubeconfig, "w") as f:
    f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster:
    server: http://127.0.0.1:{server.server_address[1]}
users:
- name: bench
  user: {{}}
contexts:
- name: bench
  context: {{cluster: bench, user: bench, namespace: bench}}
current-context: bench
""")


def alive_cpu(pids):
    """CPU seconds of those of `pids` still running (a forwarder that exits and is restarted leaves the list)."""
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except OSError:
            pass
    return total


def children(pid):
    out = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines() if line.strip()]


def measure(label, argv, ready_text):
    pid, fd = spawn(argv, 120, 40)
    start = time.time()
    buffer = b""
    ready = None
    while time.time() - start < 60:
        buffer += read_available(fd, 0.05)
        if ready_text in buffer:
            ready = time.time() - start
            break
        buffer = buffer[-200_000:]
    read_available(fd, 5)
    kids = children(pid)
    kubectl = [int(k[0]) for k in kids if k[1] in ("kubectl", "sh")]
    # The guard shell execs kubectl: the child is kubectl itself.
    cpu0, kcpu0, n0, s0, t0 = (cpu_seconds(pid), alive_cpu(kubectl), proxied[0],
                               streams_opened[0], time.time())
    while time.time() - t0 < a.seconds:
        read_available(fd, 0.5)
    elapsed = time.time() - t0
    cpu = (cpu_seconds(pid) - cpu0) / elapsed * 100
    kcpu = (alive_cpu(kubectl) - kcpu0) / elapsed * 100
    exited = len(set(kubectl) - {int(k[0]) for k in children(pid)})
    line = (f"{label}: all {a.pods} rows live after {ready:.2f} s" if ready else f"{label}: rows not all live in 60 s")
    line += f"; svctop CPU {cpu:.2f}% of one core, RSS {rss_mib(pid):.0f} MiB; child processes {len(kids)}"
    if kubectl:
        line += (f"; kubectl CPU {kcpu:.2f}%, RSS {sum(rss_mib(k) for k in kubectl if os.path.exists(f'/proc/{k}')):.0f} MiB"
                 f" ({exited} exited during the run); "
                 f"{(proxied[0] - n0) / elapsed:.0f} requests/s through the pod proxy, "
                 f"{(streams_opened[0] - s0) / elapsed:.1f} port-forward streams/s opened")
    print(line, flush=True)
    quit_svctop(pid, fd)


try:
    for via in a.via.split(","):
        if via == "direct":
            measure(f"svctop, the same {a.pods} services directly",
                    [a.svctop, "--interval", "1", "--journal", "/dev/null", "--no-record"] + urls,
                    f"{a.pods}/{a.pods}".encode())
        else:
            measure(f"svctop k8s, {a.pods} pods through kubectl {via}",
                    [a.svctop, "k8s", "--kubeconfig", kubeconfig, "--kubectl", a.kubectl, "-l", "app=demo",
                     "--via", via, "--interval", "1s", "--journal", "/dev/null", "--no-record"],
                    f"{a.pods}/{a.pods}".encode())
finally:
    fleet.terminate()
    server.shutdown()
    shutil.rmtree(workdir, ignore_errors=True)
