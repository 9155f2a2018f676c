// Colour scales shared by the panels: utilisation (green → amber → red), a change in
// utilisation (blue: fell, grey: unchanged, red: rose) and the baseline of a comparison.

/** Utilisation stops: [fraction of capacity, rgb]. */
export const UTIL_STOPS = [[0, [42, 157, 143]], [0.5, [233, 196, 106]], [1, [230, 57, 70]]];
/** Change stops: [change from -1 to +1 of the scale, rgb]. */
export const CHANGE_STOPS = [[-1, [33, 102, 172]], [0, [190, 190, 190]], [1, [178, 24, 43]]];
/** How the baseline of a comparison is drawn: grey, dashed, under the scenario. */
export const BASELINE = { color: "#6b7280", dashArray: "7 6" };

export const rgb = (c) => `rgb(${c.join(",")})`;

function ramp(stops, x) {
  const lo = stops[0][0];
  const hi = stops[stops.length - 1][0];
  const v = Math.max(lo, Math.min(hi, x));
  let i = 0;
  while (i < stops.length - 2 && v > stops[i + 1][0]) i++;
  const [a, ca] = stops[i];
  const [b, cb] = stops[i + 1];
  const t = (v - a) / (b - a);
  return `rgb(${ca.map((c, k) => Math.round(c + t * (cb[k] - c))).join(",")})`;
}

/** The colour of a link used to fraction `u` of its capacity (green → amber → red). */
export function utilColor(u) {
  return ramp(UTIL_STOPS, typeof u === "number" ? u : 0);
}

/** The colour of a change `d` in utilisation on a scale of ±`scale` (blue fell, red rose). */
export function changeColor(d, scale) {
  if (typeof d !== "number" || !(scale > 0)) return rgb(CHANGE_STOPS[1][1]);
  return ramp(CHANGE_STOPS, d / scale);
}
