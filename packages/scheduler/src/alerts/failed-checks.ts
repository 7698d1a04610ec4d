// ChecksFailedError lists each failed check as `<name> (observed <value>[; e.g. <sample>])`,
// separated by "; ", after the first ": ". Check names hold no ";".
const CHECK_ENTRY = /(?:^|; )([^;]+?) \(observed /g;

/**
 * The names of the failed checks in an E_STAGING_CHECKS / E_FINAL_CHECKS message, in order.
 * The event carries the message only; the full results are on the run record and in the audit
 * table.
 */
export function failedChecks(message: string): string[] {
  const start = message.indexOf(': ');
  if (start === -1) return [];
  return [...message.slice(start + 2).matchAll(CHECK_ENTRY)].map((m) => m[1]!.trim());
}

/** Error codes of a phase that failed on its data checks (audit: staging; validate: final table). */
export const CHECK_FAILURE_CODES: ReadonlySet<string> = new Set(['E_STAGING_CHECKS', 'E_FINAL_CHECKS']);
