// Announcements as sound: text rendered by the offline voice, audio imported.
export { Speaker, speechDir, instantsAhead, SPEECH_MEDIA_PREFIX, DEFAULT_SPEECH_DIR, type RenderResult } from './speaker';
export { pickEngine, synthesise, toPlayable, measure, type Engine } from './engine';
export { speakable } from './speakable';
export { RecordedAnnouncements, RECORDED_FILE, type RecordedTake } from './recorded';
export { importSound, listSounds, MAX_IMPORT_MS, type ImportResult, type SoundEntry, type SoundList } from './library';
