-- OSRM profile for the side-by-side benchmark (benches/osrm/compare.py): OSRM's weights equal
-- Corridor's road weights for one measure.
--
-- compare.py writes one OSM way per Corridor road link (in service: `open` or `seasonal`), with
--   corridor:length_m  the link's length_km × 1000 (the data's, else the haversine length of
--                      its geometry, as Corridor derives it)
--   corridor:time_s    (length_km / speed_kmh + dwell_h at a border crossing) × 3600
--   oneway=yes         for Corridor's oneway links (traversed from → to only)
-- Nothing else is read. The measure comes from the environment, CORRIDOR_OSRM_MEASURE:
--   time      (default) weight = duration = corridor:time_s  (Corridor's optimize=time)
--   distance  weight = corridor:length_m, duration = corridor:time_s (optimize=distance)
--
-- OSRM splits a way's weight and duration evenly over its segments and stores each segment as an
-- integer: durations in 0.1 s, weights in 10^-weight_precision units (0.01 s or m at most). So
-- a route's weight differs from the exact sum by at most 0.5 unit a segment; compare.py checks
-- answers against that bound. Turns cost nothing: Corridor's road mode has no turn costs (a
-- road→road step has no transshipment).

api_version = 4

local measure = os.getenv("CORRIDOR_OSRM_MEASURE") or "time"
-- OSRM packs a segment's weight into 22 bits (at most 4,194,302 units): compare.py picks the
-- finest precision (<= 2) at which the network's longest segment fits.
local precision = tonumber(os.getenv("CORRIDOR_OSRM_PRECISION") or "2")

function setup()
  return {
    properties = {
      weight_name                   = (measure == "distance") and "distance_m" or "duration",
      weight_precision              = precision,
      max_speed_for_map_matching    = 200 / 3.6,
      u_turn_penalty                = 0,
      traffic_signal_penalty        = 0,
      continue_straight_at_waypoint = false,
      use_turn_restrictions         = false,
      process_call_tagless_node     = false,
    },
    default_mode = mode.driving,
  }
end

function process_node(profile, node, result)
end

function process_way(profile, way, result)
  local time_s = tonumber(way:get_value_by_key("corridor:time_s"))
  local length_m = tonumber(way:get_value_by_key("corridor:length_m"))
  if not time_s or not length_m or time_s <= 0 or length_m <= 0 then
    return
  end
  result.forward_mode = mode.driving
  if way:get_value_by_key("oneway") == "yes" then
    result.backward_mode = mode.inaccessible
  else
    result.backward_mode = mode.driving
  end
  -- A nominal speed (OSRM wants one for map matching); the way's duration and weight below are
  -- what routing reads.
  result.forward_speed = 60
  result.backward_speed = 60
  result.duration = time_s
  if measure == "distance" then
    result.weight = length_m
  else
    result.weight = time_s
  end
  local name = way:get_value_by_key("name")
  if name then
    result.name = name
  end
end

function process_turn(profile, turn)
  turn.duration = 0
  turn.weight = 0
end

return {
  setup = setup,
  process_way = process_way,
  process_node = process_node,
  process_turn = process_turn,
}
