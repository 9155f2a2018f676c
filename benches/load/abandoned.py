#!/usr/bin/env python3
"""CPU a server spends on work its client abandoned (issue 25: "after a client disconnect,
CPU use stops within 50 ms").

Starts the release binary on an ephemeral port with a long compute bound (so no 503 ends the
work), sends a heavy request on a raw socket, closes the socket while the work runs, and reads
the server's CPU time (the sum of /proc/PID/task/*/schedstat, nanoseconds; /proc/PID/stat's
utime+stime in clock ticks too) every 5 ms for a second after the close. Prints, per run, the
CPU spent in the first 50 ms after the close and after that; the target is none after 50 ms.

    python3 benches/load/abandoned.py [--runs 5] [--hold 0.5] [--kind matrix|assign]

CORRIDOR_BIN picks another binary (default target/release/corridor).
"""
import argparse, json, os, re, socket, subprocess, sys, time, urllib.error, urllib.request

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BIN = os.environ.get("CORRIDOR_BIN") or os.path.join(ROOT, "target", "release", "corridor")


def cpu_ns(pid):
    total = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)


def body(kind, ids):
    if kind == "matrix":
        sources = (ids * 40)[:5000]
        return "/v1/matrix", {"sources": sources, "destinations": ids[:2]}
    n = len(ids)
    demands = [
        {"from": ids[i % n], "to": ids[(i + 1 + (i * 7) % (n - 1)) % n], "tonnes_per_year": 1000}
        for i in range(10000)
    ]
    return "/v1/assign", {"demands": demands}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--hold", type=float, default=0.5, help="seconds before the client closes")
    ap.add_argument("--kind", default="matrix", choices=["matrix", "assign"])
    a = ap.parse_args()
    log = open(os.devnull, "w")
    srv = subprocess.Popen(
        [BIN, "serve", "--bind", "127.0.0.1:0", "--compute-timeout-ms", "60000"],
        stdout=subprocess.PIPE, stderr=log, text=True, env={**os.environ, "RUST_LOG": "warn"})
    try:
        line = srv.stdout.readline()
        m = re.search(r"http://([\d.]+):(\d+)", line)
        host, port = m.group(1), int(m.group(2))
        url = f"http://{host}:{port}"
        net = json.load(urllib.request.urlopen(url + "/v1/network"))
        ids = [f["properties"]["id"] for f in net["features"]
               if f["geometry"]["type"] == "Point" and f["properties"].get("kind") == "city"]
        path, doc = body(a.kind, ids)
        payload = json.dumps(doc).encode()
        req = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload
        # How long the whole request takes when nobody abandons it.
        t = time.monotonic(); c0 = cpu_ns(srv.pid)
        r = urllib.request.Request(url + path, data=payload,
                                   headers={"Content-Type": "application/json"})
        try:
            status = urllib.request.urlopen(r).status
        except urllib.error.HTTPError as e:
            sys.exit(f"{path}: {e.code} {e.read()[:500]!r}")
        print(f"{a.kind}: full request {status} in {time.monotonic() - t:.2f} s wall, "
              f"{(cpu_ns(srv.pid) - c0) / 1e9:.2f} s CPU")
        # What an idle server spends in a second (timers), for comparison.
        time.sleep(0.5)
        i0 = cpu_ns(srv.pid)
        time.sleep(1.0)
        print(f"idle server: {(cpu_ns(srv.pid) - i0) / 1e6:.1f} ms CPU in 1 s")
        for run in range(a.runs):
            time.sleep(0.3)
            s = socket.create_connection((host, port))
            sent = cpu_ns(srv.pid)
            s.sendall(req)
            time.sleep(a.hold)
            before_close = cpu_ns(srv.pid)
            s.close()
            t0, c0, k0 = time.monotonic(), cpu_ns(srv.pid), ticks(srv.pid)
            samples = []
            while time.monotonic() - t0 < 1.0:
                time.sleep(0.005)
                samples.append((time.monotonic() - t0, cpu_ns(srv.pid)))
            at = lambda sec: next((c for (dt, c) in samples if dt >= sec), samples[-1][1])
            first = (at(0.05) - c0) / 1e6
            later = (samples[-1][1] - at(0.05)) / 1e6
            stopped = next((dt for (dt, c) in samples if c == samples[-1][1]), None)
            print(f"run {run}: {(before_close - sent) / 1e6:.0f} ms CPU in the {a.hold:.1f} s "
                  f"before the close; after close: {first:.1f} ms in 0-50 ms, {later:.1f} ms in 50-1000 ms "
                  f"(ticks {ticks(srv.pid) - k0} x 10 ms); CPU flat from "
                  f"{stopped * 1e3 if stopped is not None else float('nan'):.0f} ms")
    finally:
        srv.terminate()
        srv.wait(timeout=10)


if __name__ == "__main__":
    main()
