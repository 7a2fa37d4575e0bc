import { call } from "./core";
import type { AppStatus, AuditEntry, Dashboard, Settings } from "./types";

export const appStatus = () => call<AppStatus>("app_status");
export const appReady = () => call<void>("app_ready");
export const dashboard = () => call<Dashboard>("dashboard");
export const getSettings = () => call<Settings>("get_settings");
export const saveSettings = (settings: Settings) => call<Settings>("save_settings", { settings });
export const auditLog = (entity: string, entityId: string | null) =>
  call<AuditEntry[]>("audit_log", { entity, entityId });
/** A typed date (30/9/2026, 30/09/2026, 2026-09-30) as ISO, checked by the core. */
export const parseDate = (text: string, label: string) => call<string>("parse_date", { text, label });
