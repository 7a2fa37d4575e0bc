// Comunicazioni: the generated commands through `call`.
import { call, type Job } from "./core";
import { commands } from "./gen/bindings";
import type * as G from "./gen/bindings";

export type CommKind = G.CommKind;
export type CommInput = G.CommInput;
export type Communication = G.Communication;
export type CommSummary = G.CommSummary;
export type CommFilter = G.CommFilter;
export type RecipientRule = G.RecipientRule;
export type RecipientRole = G.RecipientRole;
export type RecipientLine = G.RecipientLine;
export type HandRecipient = G.HandRecipient;
export type MessagePreview = G.MessagePreview;
export type SendReport = G.SendReport;
export type ReceiptLine = G.ReceiptLine;
export type SmtpSettings = G.SmtpSettings;
export type ImapSettings = G.ImapSettings;
export type ImapReport = G.ImapReport;

export const commKinds = () => call(commands.commsKinds());
export const listComms = (filter: CommFilter) => call(commands.commsList(filter));
export const getComm = (id: number) => call(commands.commsGet(id));
export const createComm = (input: CommInput) => call(commands.commsCreate(input));
export const updateComm = (id: number, input: CommInput) => call(commands.commsUpdate(id, input));
export const deleteComm = (id: number) => call(commands.commsDelete(id));
export const previewRecipients = (rule: RecipientRule, hand: HandRecipient[]) =>
  call(commands.commsPreviewRecipients(rule, hand));
export const setRecipients = (id: number, rule: RecipientRule, hand: HandRecipient[]) =>
  call(commands.commsSetRecipients(id, rule, hand));
export const previewMessage = (recipient: number) => call(commands.commsPreviewMessage(recipient));
/** Null if the open dialog was closed. */
export const addAttachment = (id: number) => call(commands.commsAddAttachment(id));
export const removeAttachment = (id: number, attachment: number) =>
  call(commands.commsRemoveAttachment(id, attachment));
export const queueComm = (id: number) => call(commands.commsQueue(id));
export const sendComm = (id: number, job: Job) => call(commands.commsSend(id, job.id, job.progress));
export const requeueComm = (id: number, recipients: number[], undelivered: boolean) =>
  call(commands.commsRequeue(id, recipients, undelivered));
/** Null if the folder dialog was closed. */
export const prepareEml = (id: number) => call(commands.commsPrepareEml(id));
/** Null if the open dialog was closed. */
export const importReceipts = () => call(commands.commsImportReceipts());
export const smtpSettings = () => call(commands.commsSmtpSettings());
export const saveSmtpSettings = (settings: SmtpSettings, password: string | null) =>
  call(commands.commsSaveSmtpSettings(settings, password));
export const sendTest = () => call(commands.commsSendTest());
export const imapSettings = () => call(commands.commsImapSettings());
export const saveImapSettings = (settings: ImapSettings, password: string | null) =>
  call(commands.commsSaveImapSettings(settings, password));
/** «Prova la lettura»: connects and opens the folder; reads nothing. */
export const testImap = () => call(commands.commsTestImap());
/** «Leggi ricevute dalla casella», with progress; «Interrompi» cancels the job. */
export const readImap = (job: Job) => call(commands.commsReadImap(job.id, job.progress));
export type EventPeople = G.EventPeople;
export type Dropped = G.Dropped;
/** Files dropped on the window: receipts (`.eml`) imported, returned schede (`.xlsx`) previewed; others not read. */
export const importDropped = (paths: string[], request: number | null) => call(commands.commsImportDropped(paths, request));
/** The register as filtered: PDF (`format` null), CSV or Excel. Null if the save dialog was closed. */
export const exportRegister = (filter: CommFilter, format: G.Format | null) =>
  call(commands.commsExportRegister(filter, format));
