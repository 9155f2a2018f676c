-- wrk script: mixed map-client and planner traffic, one path per request in rotation.
-- Usage: wrk -t2 -c64 -d30s -s benches/load/mixed.lua http://127.0.0.1:PORT
-- Set WRK_ONLY=route to send only route requests (the routing throughput figure).
local mixed = {
  "/v1/route?from=ru-ulan-ude&to=cn-beijing&mode=rail",
  "/v1/route?from=kz-almaty&to=mn-ulaanbaatar&mode=road&alternatives=3",
  "/v1/route?from=ru-novosibirsk&to=cn-tianjin-port&optimize=cost",
  "/v1/route?from=107.6,51.8&to=cn-erenhot&alternatives=2",
  "/v1/capacity?from=RU&to=MN&mode=rail",
  "/v1/capacity?from=RU&to=CN&mode=rail&avoid_countries=KZ",
  "/v1/features?bbox=87,41,120,52&layer=links",
  "/v1/features?bbox=105,49,108,51&layer=nodes",
  "/v1/nearest?lon=106.9&lat=47.9&k=5",
  "/v1/crossings?countries=RU,MN",
  "/v1/network",
  "/health",
}
local routes = {
  "/v1/route?from=ru-ulan-ude&to=cn-beijing&mode=rail",
  "/v1/route?from=kz-almaty&to=mn-ulaanbaatar&mode=road",
  "/v1/route?from=ru-novosibirsk&to=cn-tianjin-port&optimize=cost",
  "/v1/route?from=ru-vladivostok&to=kz-dostyk",
  "/v1/route?from=mn-tavan-tolgoi&to=cn-tianjin-port&mode=rail&optimize=distance",
}
local paths = (os.getenv("WRK_ONLY") == "route") and routes or mixed
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors connect %d read %d write %d status %d timeout %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  io.write(string.format("throughput %.0f req/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
