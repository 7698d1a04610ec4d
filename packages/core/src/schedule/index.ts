export { cronFor, lastCompleteInterval, intervalStartingAt, intervalsBetween, type DataInterval } from './intervals.js';
