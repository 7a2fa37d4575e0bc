// A check the core makes again while the user types (a template's preview):
// only the answer to the latest call is shown, so a slow answer to an older
// text never replaces a newer one; `soon` runs it a moment (300 ms) after the
// user stops typing.
import { messageOf } from "../api/core";

export function latest<T>(run: () => Promise<T>, show: (value: T | null, error: string | null) => void) {
  let calls = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const now = async () => {
    const mine = ++calls;
    let value: T | null = null;
    let error: string | null = null;
    try {
      value = await run();
    } catch (e) {
      error = messageOf(e);
    }
    if (mine === calls) show(value, error);
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(now, 300);
  };
  return { now, soon };
}
