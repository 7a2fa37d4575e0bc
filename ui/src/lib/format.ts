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

// The calendar's words, once for every screen (month grid, date field, lists).
export const MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"];
/** Weekdays from Monday, the Italian week's first day. */
export const WEEKDAYS = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"];

const pad2 = (x: number) => String(x).padStart(2, "0");
/** A local Date as ISO (AAAA-MM-GG). */
export const isoOf = (d: Date) => `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
/** An ISO date (AAAA-MM-GG) as a local Date at midnight. */
export const parseIso = (iso: string) => new Date(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
/** Monday = 0 … Sunday = 6. */
export const weekdayIndex = (d: Date) => (d.getDay() + 6) % 7;
/** "martedì 9 marzo 2027". */
export function longDate(iso: string): string {
  const d = parseIso(iso);
  return `${WEEKDAYS[weekdayIndex(d)]} ${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}
/** Today as a local Date at midnight, on the core's clock. */
export const today = () => parseIso(todayIso());
/** This year, on the core's clock. */
export const thisYear = () => Number(todayIso().slice(0, 4));
/** "marzo 2027". */
export const monthYear = (d: Date) => `${MONTHS[d.getMonth()]} ${d.getFullYear()}`;

/**
 * The core's text folding (`text::fold`: accents dropped, lower case,
 * punctuation as spaces) for a filter that must stay on the client (a list
 * already loaded). Searches of the archive ask the core instead.
 */
export const fold = (s: string) =>
  s.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase("it").replace(/[^\p{L}\p{N}]+/gu, " ").trim();

/** Whether every word of `query` is found (folded) in one of `texts`. */
export function matches(query: string, ...texts: (string | null | undefined)[]): boolean {
  const terms = fold(query).split(" ").filter(Boolean);
  if (terms.length === 0) return true;
  const hay = fold(texts.filter(Boolean).join(" "));
  return terms.every((t) => hay.includes(t));
}
