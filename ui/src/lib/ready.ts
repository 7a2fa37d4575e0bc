// Tells the shell, once, that the first screen is interactive (cold-start benchmark).
import { appReady } from "../api/app";

let sent = false;
export function markReady() {
  if (sent) return;
  sent = true;
  requestAnimationFrame(() => requestAnimationFrame(() => void appReady().catch(() => {})));
}
