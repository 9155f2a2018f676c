#!/usr/bin/env python3
"""Edit -> new snapshot served on every replica (README "PostGIS source" -> Performance).

usage: replicas_edits.py PSQL_CONNINFO EDITS REPLICA_URL...

Each edit is one UPDATE of a crossing's dwell_h through a psql session kept open for the
whole run (no process start or connection per edit), committed on its own (autocommit). The
time runs from the moment psql reports the UPDATE done (the COMMIT, when PostgreSQL delivers
the NOTIFY) until every replica's /health shows an ETag other than the one it had before the
edit, polled over one keep-alive connection per replica. Prints each edit, then the median
and p90 in ms.
"""
import http.client
import json
import statistics
import subprocess
import sys
import time
import urllib.parse

CROSSING = "xr-zamyn-uud-erenhot"
LIMIT_S = 10.0


class Replica:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=5)

    def etag(self):
        for _ in range(2):
            try:
                self.conn.request("GET", "/health")
                r = self.conn.getresponse()
                return json.loads(r.read())["etag"]
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
        raise SystemExit(f"FAIL: {self.host}:{self.port}/health does not answer")


def main():
    conninfo, edits, urls = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    replicas = [Replica(u) for u in urls]
    psql = subprocess.Popen(
        ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", conninfo],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    times = []
    for i in range(edits):
        before = [r.etag() for r in replicas]
        sign = 1 if i % 2 == 0 else -1
        psql.stdin.write(
            f"UPDATE corridor.links SET dwell_h = dwell_h + {sign} WHERE id = '{CROSSING}';\n"
            "\\echo committed\n")
        psql.stdin.flush()
        if psql.stdout.readline().strip() != "committed":
            raise SystemExit("FAIL: psql did not confirm the UPDATE")
        t0 = time.monotonic()
        seen = [None] * len(replicas)
        while None in seen:
            for k, r in enumerate(replicas):
                if seen[k] is None and r.etag() != before[k]:
                    seen[k] = time.monotonic() - t0
            if time.monotonic() - t0 > LIMIT_S:
                raise SystemExit(f"FAIL: edit {i + 1} not served on every replica within {LIMIT_S} s")
        times.append(max(seen))
        print(f"edit {i + 1}: " + ", ".join(f"{x * 1000:.0f} ms" for x in seen), flush=True)
        time.sleep(0.2)
    psql.stdin.close()
    psql.wait()
    ms = sorted(t * 1000 for t in times)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    print(f"edit -> served on every replica ({len(urls)}): median {statistics.median(ms):.0f} ms, "
          f"p90 {p90:.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms over {edits} edits")


if __name__ == "__main__":
    main()
