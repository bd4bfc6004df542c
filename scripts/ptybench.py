"""What the pseudo-terminal benchmarks share: a process's CPU seconds and wake-ups, reading what a terminal got
within a time, and starting svctop in a pseudo-terminal of a given size."""
import fcntl, os, pty, re, select, struct, termios, time


def cpu_seconds(pid):
    """User plus system CPU seconds of `pid` so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_switches(pid):
    """Each thread's voluntary context switches so far (how often it went to sleep and was woken), by thread
    name: {name: {thread id: count}}. Threads that ended meanwhile are not counted."""
    switches = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            status = open(f"/proc/{pid}/task/{tid}/status").read()
        except OSError:
            continue
        count = int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
        switches.setdefault(name, {})[tid] = count
    return switches


def thread_cpu(pid):
    """Each thread's CPU time so far (user and system, in seconds), by thread name: {name: {thread id: seconds}}.
    Threads that ended meanwhile are not counted."""
    ticks = os.sysconf("SC_CLK_TCK")
    times = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            fields = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times.setdefault(name, {})[tid] = (int(fields[11]) + int(fields[12])) / ticks
    return times


def rates_by_name(before, after, seconds):
    """Per-second rates by thread name between two readings of a per-thread counter (`thread_switches`: wake-ups;
    `thread_cpu`: CPU seconds), largest first."""
    rates = {}
    for name, threads in after.items():
        woken = sum(count - before.get(name, {}).get(tid, 0) for tid, count in threads.items())
        rates[name] = woken / seconds
    return sorted(rates.items(), key=lambda item: -item[1])


def rss_mib(pid):
    return int(next(l for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS:")).split()[1]) / 1024


def read_available(fd, timeout):
    """Everything the terminal receives within `timeout` seconds (less if it closes)."""
    data = b""
    stop = time.time() + timeout
    while True:
        remaining = stop - time.time()
        if remaining <= 0:
            return data
        r, _, _ = select.select([fd], [], [], remaining)
        if not r:
            return data
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return data
        if not chunk:
            return data
        data += chunk


def spawn(argv, width, height):
    """Runs `argv` in a new pseudo-terminal of `width` x `height` (xterm-256color, UTF-8): (pid, fd)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ["LANG"] = os.environ["LC_ALL"] = "C.UTF-8"
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
    return pid, fd


def key_latencies(fd, presses, pause):
    """Presses `s` (which re-sorts, so the screen always changes) `presses` times, `pause` seconds apart: the
    sorted times from each press to the first byte of the redraw."""
    latencies = []
    for _ in range(presses):
        read_available(fd, pause)
        t = time.time()
        os.write(fd, b"s")
        r, _, _ = select.select([fd], [], [], 2)
        if r:
            latencies.append(time.time() - t)
            os.read(fd, 65536)
    return sorted(latencies)


def quit_svctop(pid, fd):
    """`q`, then waits for it to exit."""
    os.write(fd, b"q")
    read_available(fd, 3)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
