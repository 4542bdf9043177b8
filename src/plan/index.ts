// The plan's public face: everything outside src/plan/ imports from here (or types.ts).

export type * from './types';
export { loadPlan, planFromSources, MAX_FILE_BYTES, type LoadOptions, type LoadResult } from './load';
export { formatError, type PlanError } from './errors';
export { normaliseNumber, dialledForms } from './numbers';
export { watchPlan, type PlanEvent, type PlanWatcher, type WatchOptions } from './watch';
export { diffPlans, summariseDiff, type PlanDiff } from './diff';
export { planSchema } from './schema';
export { parseDuration, formatDuration } from './durations';
export { editPlan, readPlanSources, type EditResult, type EditChange, type PlanEdit, type EditPath } from './edit';
