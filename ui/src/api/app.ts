import { call } from "./core";
import { commands } from "./gen/bindings";
import type { AppStatus, AuditEntry, Dashboard, Settings } from "./types";

export const appStatus = () => call(commands.appStatus());
/** The first screen is painted; `marks` are the page's steps of the start (name, ms since the epoch). */
export const appReady = (marks: [string, number][]) => call(commands.appReady(marks));
export const dashboard = () => call(commands.appDashboard());
export const getSettings = () => call(commands.settingsGet());
export const saveSettings = (settings: Settings) => call(commands.settingsSave(settings));
export const auditLog = (entity: string, entityId: string | null) =>
  call(commands.auditList(entity, entityId));
/** A typed date (30/9/2026, 30/09/2026, 2026-09-30) as ISO, checked by the core. */
export const parseDate = (text: string, label: string) => call(commands.appParseDate(text, label));
