// Public face of line availability and the waiting queue (pure, no clock).
export { deviceStatus, linesOfDevice, type LineStatus } from './device-state';
export {
  describeOverflow,
  Dispatcher,
  MIN_FAILURE_PAUSE_MS,
  rotate,
  type Dispatch,
  type DispatcherOptions,
  type Offer,
  type Overflow,
  type QueueGroup,
  type ReleaseCause,
  type WaitingCaller,
} from './dispatcher';
export { applyQueueActions } from './feed';
