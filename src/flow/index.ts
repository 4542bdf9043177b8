// Public face of the call-flow interpreter.
export { startCall, handleEvent, type IsOpen, type OpenState, type Step } from './interpreter';
export { rememberAnswer } from './memory';
export type { CallState } from './state';
export { isEnded } from './state';
export { DEFAULT_LIMITS, MAX_HOPS } from './limits';
export { callerIdFor, formatCaller, normaliseNumber } from './numbers';
export * from './contract';
export { snapshotOf, parseSnapshot, resumeCall, type CallSnapshot, type Resumed } from './resume';
