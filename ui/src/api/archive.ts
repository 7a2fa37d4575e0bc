// The archive's life: read-only opening, quitting, backups, copy, restore.
import { call } from "./core";
import type { ArchiveSummary, BackupInfo, RestoreReport } from "./types";

export const openReadOnly = () => call<void>("open_read_only");
export const quitApp = () => call<void>("quit_app");
export const backups = () => call<BackupInfo[]>("backups");
export const backupNow = () => call<BackupInfo>("backup_now");
/** Null if the save dialog was closed. */
export const saveArchiveCopy = () => call<[string, ArchiveSummary] | null>("save_archive_copy");
/** `path` from the backup list, or null to choose a file in the open dialog; null if closed. */
export const restoreArchive = (path: string | null) =>
  call<RestoreReport | null>("restore_archive", { path });
