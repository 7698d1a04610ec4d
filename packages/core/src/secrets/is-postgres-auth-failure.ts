/**
 * SQLSTATEs PostgreSQL and Redshift answer with when they refuse a login:
 * invalid_password, and invalid_authorization_specification (unknown role, no pg_hba entry).
 */
const AUTH_FAILURE_CODES = new Set(['28P01', '28000']);

/** Whether the warehouse refused the login, looking through the error's cause chain. */
export function isPostgresAuthFailure(err: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && AUTH_FAILURE_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
