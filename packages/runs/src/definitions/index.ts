export { DefinitionSet } from './definition-set.js';
