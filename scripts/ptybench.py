"""What the pseudo-terminal benchmarks share: a process's CPU seconds, reading what a terminal got within a
time, and starting svctop in a pseudo-terminal of a given size."""
import fcntl, os, pty, select, struct, termios, time


def cpu_seconds(pid):
    """User plus system CPU seconds of `pid` so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
