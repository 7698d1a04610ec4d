import { SqlIdentifierError } from '../errors/sql-identifier-error.js';
import type { DialectName } from '../types/dialect-name.js';
import { identifierLimit } from './identifier-limit.js';

const SHAPE = /^[a-z_][a-z0-9_$]*$/;
const RULE = 'start with a lower-case letter or underscore, then only lower-case letters, digits, underscores or $';

/**
 * Returns `id` unchanged when it is a name both engines read the same way, quoted or not.
 * Upper case is rejected rather than folded: Redshift folds even quoted names to lower case,
 * PostgreSQL keeps them, so `"UserId"` would name different objects on the two engines.
 *
 * @param what where the name came from, e.g. `target.key[0]`; it leads the error message.
 * @param dialect whose length limit applies; without one, the strictest (63).
 */
export function validateIdentifier(id: string, what: string, dialect?: DialectName): string {
  const limit = identifierLimit(dialect);
  if (typeof id !== 'string' || id.length === 0) {
    const problem = typeof id === 'string' ? 'is empty' : `is ${String(id)}, not a string`;
    throw new SqlIdentifierError(what, String(id ?? ''), 'empty', `${what} ${problem}: names must ${RULE}.`);
  }
  const shown = JSON.stringify(id);
  if (!SHAPE.test(id)) {
    if (SHAPE.test(id.toLowerCase())) {
      throw new SqlIdentifierError(
        what,
        id,
        'upper_case',
        `${what} ${shown} has upper-case letters: use lower case; Redshift folds names to lower case, ` +
          `so only lower-case names mean the same object on PostgreSQL and Redshift.`,
      );
    }
    throw new SqlIdentifierError(what, id, 'characters', `${what} ${shown} is not a valid identifier: names must ${RULE}.`);
  }
  if (id.length > limit) {
    const scope = dialect ?? 'every supported engine';
    throw new SqlIdentifierError(
      what,
      id,
      'too_long',
      `${what} ${shown} is ${id.length} characters long; ${scope} allows at most ${limit}. Use a shorter name.`,
    );
  }
  return id;
}
