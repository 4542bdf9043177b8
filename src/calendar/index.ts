// Opening hours: open or closed at an instant, why, next change, and week tables.
// Pure functions of (calendar, instant); no clock, no I/O, no YAML.

export { evaluate, stateAt, openState, nextChangeMs, toLocalIso, DEFAULT_HORIZON_DAYS } from './evaluate';
export type { Evaluation, State, EvaluateOptions } from './evaluate';
export type { Reason } from './reason';
export { reasonText, describeReason, describeDay } from './reason';
export { weekTable, formatWeekTable } from './week';
export type { WeekDay } from './week';
export { dayRule, exceptionOn } from './rules';
export type { DayRule } from './rules';
export { holidayOn, holidaysOf, holidayRegionError, parseHolidayRegion } from './holidays';
export type { PublicHoliday } from './holidays';
export { formatInterval, formatMinutes, mondayOf, isoWeekday, addDays } from './civil';
export type { Weekday } from './civil';
export { fillPlaceholders, reopenPhrase, hoursTodayPhrase, hoursWeekPhrase, closurePhrase, placeholderPhrase } from './phrases';
