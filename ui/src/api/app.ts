import { call } from "./core";
import type { AppStatus, AuditEntry, Dashboard, Settings } from "./types";

export const appStatus = () => call<AppStatus>("app_status");
export const appReady = () => call<void>("app_ready");
export const dashboard = () => call<Dashboard>("dashboard");
export const getSettings = () => call<Settings>("get_settings");
export const saveSettings = (settings: Settings) => call<Settings>("save_settings", { settings });
export const auditLog = (entity: string, entityId: string | null) =>
  call<AuditEntry[]>("audit_log", { entity, entityId });
