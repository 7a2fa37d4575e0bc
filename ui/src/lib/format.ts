// Italian formatting of numbers and dates for display.
const int = new Intl.NumberFormat("it-IT");
const pct = new Intl.NumberFormat("it-IT", { maximumFractionDigits: 1 });

export const n = (v: number | null | undefined) => (v == null ? "—" : int.format(v));
export const percent = (part: number, whole: number) =>
  whole > 0 ? `${pct.format((part * 100) / whole)}%` : "—";

/** ISO date (AAAA-MM-GG) as GG/MM/AAAA. */
export function date(iso: string | null | undefined): string {
  if (!iso) return "—";
  const [y, m, d] = iso.slice(0, 10).split("-");
  return d && m && y ? `${d}/${m}/${y}` : iso;
}

/** UTC RFC 3339 timestamp shown in Europe/Rome. */
export function timestamp(rfc: string): string {
  const t = new Date(rfc);
  if (Number.isNaN(t.getTime())) return rfc;
  // gg/mm/aaaa, hh:mm: the year in full, as everywhere else.
  return t.toLocaleString("it-IT", {
    timeZone: "Europe/Rome", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
  });
}

let coreToday = "";
/** Sets today as the core's clock says (from the app status, at start). */
export function setToday(iso: string): void {
  coreToday = iso;
}
/** Today as ISO, on the core's clock (the local date, or `CDP_TODAY`). */
export function todayIso(): string {
  return coreToday;
}

/** An Italian count: "nessun comune", "1 comune", "2 comuni" (`none` for zero, when given). */
export function count(v: number, one: string, many: string, none?: string): string {
  if (v === 0 && none) return none;
  return v === 1 ? `1 ${one}` : `${n(v)} ${many}`;
}
