-- wrk script: route requests only (the five of mixed.lua's WRK_ONLY=route), with a summary line
-- giving p50, p99 and max. Usage: wrk -t1 -c4 -d10s -s benches/load/route_stats.lua URL
local routes = {
  "/v1/route?from=ru-ulan-ude&to=cn-beijing&mode=rail",
  "/v1/route?from=kz-almaty&to=mn-ulaanbaatar&mode=road",
  "/v1/route?from=ru-novosibirsk&to=cn-tianjin-port&optimize=cost",
  "/v1/route?from=ru-vladivostok&to=kz-dostyk",
  "/v1/route?from=mn-tavan-tolgoi&to=cn-tianjin-port&mode=rail&optimize=distance",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", routes[(i % #routes) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors connect %d read %d write %d status %d timeout %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  io.write(string.format("throughput %.0f req/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
