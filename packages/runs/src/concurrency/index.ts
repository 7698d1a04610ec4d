export { forEachLimit } from './for-each-limit.js';
