// The first screen's two questions, asked as soon as the page's script runs,
// before anything is drawn: the archive's status (App) and the Cruscotto's
// data (Dashboard) travel together, while the page is being built, instead of
// one after the other once it is. Each answer serves the start only: the
// status once; the Cruscotto's data its first showing, if it came (a failure,
// e.g. an archive not opened, is asked again), and not after a change of
// screen (it might be stale by then).
import { appStatus, dashboard } from "../api/app";

let status: ReturnType<typeof appStatus> | null = appStatus();
let first: ReturnType<typeof dashboard> | null = dashboard();
// Its failure is the status's to tell (the archive could not be opened).
first.catch(() => {});

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
