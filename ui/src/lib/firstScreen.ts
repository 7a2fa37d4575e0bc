// The first screen's two questions, asked as soon as the page's script runs,
// before anything is drawn: the archive's status (App) and the Cruscotto's
// data (Dashboard) travel together, while the page is being built, instead of
// one after the other once it is. Each answer serves the start only: the
// status once; the Cruscotto's data its first showing, if it came (a failure,
// e.g. an archive not opened, is asked again), and not after a change of
// screen (it might be stale by then).
import { appStatus, dashboard } from "../api/app";
import { startMark } from "./ready";

startMark("ui_script");

let status: ReturnType<typeof appStatus> | null = appStatus();
let first: ReturnType<typeof dashboard> | null = dashboard();
// Its failure is the status's to tell (the archive could not be opened).
first.catch(() => {});
void first.then(() => startMark("ui_data"), () => {});

// The three weights of Titillium Web the first screen uses, asked for now
// (the page's first layout would ask for them only once the screen is built,
// and draw it first in the fallback font).
const fonts = ["400", "600", "700"].map((w) => document.fonts.load(`${w} 16px "Titillium Web"`));

/** Settles once the first screen can be drawn whole, with its data and its
 *  fonts (or after a second, whatever is missing: the screens show their own
 *  «Caricamento…»), so that the page is laid out and painted once. */
export function firstScreenSettled(): Promise<void> {
  const all = Promise.allSettled([status, first, ...fonts].filter((p) => p !== null));
  return Promise.race([all, new Promise((r) => setTimeout(r, 1000))]).then(() => startMark("ui_settled"));
}

/** The archive's status: the one asked at start, the first time. */
export function takeStatus(): ReturnType<typeof appStatus> {
  const asked = status ?? appStatus();
  status = null;
  return asked;
}

/** The Cruscotto's data: the one asked at start, the first time. */
export function takeDashboard(): ReturnType<typeof dashboard> {
  const asked = first;
  first = null;
  return asked ? asked.catch(() => dashboard()) : dashboard();
}

/** The screen changed before the Cruscotto was shown: its data is asked anew. */
export function forgetFirstScreen() {
  first = null;
}
