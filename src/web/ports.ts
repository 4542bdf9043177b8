// The places where features built elsewhere plug into the page. Until one is
// given, its screen says "pas encore disponible" instead of pretending.

import type { PlanEdit } from '../plan/edit';
import type { Plan } from '../plan/types';

/** Text announcements (`say: "…"` where the plan takes a sound), rendered offline. */
export interface AnnouncementTexts {
  /** The text an announcement says, if it is a text announcement. */
  textOf(plan: Plan, announcement: string): string | undefined;
  /** Why the voice cannot say `text` (shown beside the field, nothing written); undefined = it can. */
  problem?(text: string): string | undefined;
  /** The plan edits that make `announcement` say `text` (checked and written like any other edit). */
  editsFor(plan: Plan, announcement: string, text: string): PlanEdit[];
}

/** Turning an uploaded audio file into a sound of the plan's sounds folder (as `accueil sound import`). */
export interface SoundImport {
  importSound(uploadedPath: string, name: string): Promise<{ ok: true } | { ok: false; message: string }>;
}

export interface CallRecord {
  at: string;
  called: string;
  calledName?: string;
  caller: string;
  /** "answered" by a line, "voicemail", "missed" (hung up, no one answered), … */
  outcome: string;
  answeredBy?: string;
  durationMs?: number;
}

/** The call history. */
export interface CallHistory {
  callsBetween(fromMs: number, toMs: number, numbers: string[]): Promise<CallRecord[]>;
}

/** The announcements recorded by phone (the studio): what callers hear instead of the plan's sound. */
export interface RecordedTakes {
  takes(): Readonly<Record<string, { durationMs: number; keptAt: number }>>;
}

export interface Ports {
  texts?: AnnouncementTexts;
  recorded?: RecordedTakes;
  soundImport?: SoundImport;
  calls?: CallHistory;
}
