export { voicemailDir, recordingsDir, recordingPathFor, DEFAULT_VOICEMAIL_DIR, DEFAULT_RECORDINGS_DIR } from './paths';
export { VoicemailStore, DIR_MODE, FILE_MODE } from './store';
export type { MessageMetadata, NewMessage, NotifyChannel, NotifyState, StoreOptions, StoredMessage } from './store';
export { Notifier, notifierEnv, retryDelay, DEFAULT_RETRY } from './notify';
export type { NotifierOptions, NotifyLogger, RetryPolicy, Timers } from './notify';
export { smtpFromEnv, mailSubject, formatLength, type SmtpSettings } from './mail';
export { webhookPayload, type WebhookPayload } from './webhook';
