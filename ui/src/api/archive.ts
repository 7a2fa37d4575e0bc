// The archive's life: read-only opening, quitting, backups, copy, restore.
import { call } from "./core";
import { commands } from "./gen/bindings";
import type { ArchiveSummary, BackupInfo, RestoreReport } from "./types";

export const openReadOnly = () => call(commands.archiveOpenReadOnly());
export const openAnyway = () => call(commands.archiveOpenAnyway());
export const quitApp = () => call(commands.appQuit());
export const backups = () => call(commands.archiveBackups());
export const backupNow = () => call(commands.archiveBackupNow());
/** Null if the save dialog was closed. */
export const saveArchiveCopy = () => call(commands.archiveSaveCopy());
/** `path` from the backup list, or null to choose a file in the open dialog; null if closed. */
export const restoreArchive = (path: string | null) =>
  call(commands.archiveRestore(path));
