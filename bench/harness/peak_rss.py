#!/usr/bin/env python3
"""Watches one running process and writes its peak resident memory (VmHWM, KiB) to a file when it is gone.

/usr/bin/time reports the largest RSS among the process and all of its waited-for descendants: for kiln that is
the compiler a RUN starts inside the container (go build), not kiln. This polls the kernel's own high-water mark of
that one process, every 10 ms for the first 2 s and every 50 ms after; VmHWM never decreases, so the last reading
is the peak up to that moment (growth in the last few ms of a run could be missed). Polling every 10 ms throughout
cost 1.7 % of a core (0.17 s of CPU in 10 s), taken from the build it measures, and from kiln's builds only: the
peers are not polled. After 2 s kiln is waiting on a RUN or hashing, and its memory grows slowly if at all. It runs beside the command (run.sh starts it on the command's PID), so
its own start-up is not timed. run.sh runs the command under /usr/bin/time too: a run shorter than this script's
start-up (a warm build) is never seen here, starts no container either, and then time's figure is kiln's own.
With PID a /usr/bin/time process, the process watched is its child.
usage: peak_rss.py PID OUTFILE   (writes 0 when the process was gone before the first reading)
"""
import sys
import time


def vm_hwm(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


def child_of_time(pid):
    """/usr/bin/time's child once it has one; the PID itself when it is not /usr/bin/time; None when gone."""
    while True:
        try:
            with open(f"/proc/{pid}/comm") as comm:
                if comm.read().strip() != "time":
                    return pid
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                first = children.read().split()
            if first:
                return int(first[0])
        except (FileNotFoundError, ProcessLookupError):
            return None
        time.sleep(0.001)


def main():
    pid, out = child_of_time(int(sys.argv[1])), sys.argv[2]
    peak = 0
    start = time.monotonic()
    while pid is not None and (value := vm_hwm(pid)) is not None:
        peak = max(peak, value)
        time.sleep(0.01 if time.monotonic() - start < 2 else 0.05)
    with open(out, "w") as f:
        f.write(f"{peak}\n")


main()
