// Number formats shared by the panels and the map.

export const nf0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
export const nf1 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
export const nf2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `x` with format `f`, or an en dash when `x` is not a finite number. */
export function num(x, f = nf0) {
  return typeof x === "number" && Number.isFinite(x) ? f.format(x) : "–";
}

/** A figure of unknown magnitude: whole numbers from 100 up, one decimal from 10, else two. */
export function measure(x) {
  if (typeof x !== "number" || !Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  return num(x, a >= 100 ? nf0 : a >= 10 ? nf1 : nf2);
}

/** Tonnes a year as "12.3 Mt/yr" or "450 kt/yr". */
export function tonnes(tpy) {
  if (typeof tpy !== "number" || !Number.isFinite(tpy)) return "–";
  if (tpy >= 1e6) return nf1.format(tpy / 1e6) + " Mt/yr";
  return nf0.format(tpy / 1e3) + " kt/yr";
}

/** A unit written in a property name (`km`, `h`, `usd_per_t`) as a reader writes it. */
export function unitLabel(unit) {
  return unit.split("_per_").map((u) => (u === "usd" ? "$" : u)).join("/");
}

/** A change with its sign ("+1,159", "−8.6", "0"). */
export function signed(x) {
  if (typeof x !== "number" || !Number.isFinite(x)) return "–";
  if (x === 0) return "0";
  return (x > 0 ? "+" : "−") + measure(Math.abs(x));
}

/** The class of a change cell: worse (more), better (less) or none. */
export function changeClass(x) {
  return typeof x === "number" && x !== 0 ? (x > 0 ? "more" : "less") : null;
}
