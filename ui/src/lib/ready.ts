// Tells the shell, once, that the first screen is interactive (cold-start
// benchmark), with the page's own steps of the start (`startMark`), which the
// shell adds to its start-up timeline (`bench/startup.sh` prints it):
// `ui_script` the page's script running (its first question sent), `ui_data`
// the Cruscotto's data in the page, `ui_settled` data and fonts in (the page
// is built now), `ui_built` the Cruscotto built, `ui_frame` its first frame.
import { appReady } from "../api/app";

const marks: [string, number][] = [];
let sent = false;
let painted: () => void;

/** A step of the start, on the wall clock of the shell's timeline. */
export function startMark(step: string) {
  if (!sent) marks.push([step, performance.timeOrigin + performance.now()]);
}

/** Resolves once the first screen has been painted (at once afterwards):
 *  what lies below the fold is built after it. */
export const firstPaint = new Promise<void>((resolve) => (painted = resolve));

export function markReady() {
  if (sent) return;
  requestAnimationFrame(() => {
    startMark("ui_frame");
    requestAnimationFrame(() => {
      sent = true;
      painted();
      void appReady(marks).catch(() => {});
    });
  });
}
