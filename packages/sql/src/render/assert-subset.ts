import { SqlInputError } from '../errors/sql-input-error.js';

/** Throws when a name in `names` is not one of `of`, e.g. a key column missing from the columns. */
export function assertSubset(names: readonly string[], of: readonly string[], what: string, ofWhat: string): void {
  const missing = names.filter((name) => !of.includes(name));
  if (missing.length > 0) {
    throw new SqlInputError(
      what,
      `${missing.map((m) => JSON.stringify(m)).join(', ')} not in ${ofWhat} (${of.join(', ')}); ` +
        `add ${missing.length === 1 ? 'it' : 'them'} to ${ofWhat} or remove ${missing.length === 1 ? 'it' : 'them'} here.`,
    );
  }
}
