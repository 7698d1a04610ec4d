import { redactText } from '@pipeline/core';
import type { FailedCheckInfo, PhaseErrorInfo } from './phase-record.js';

function hasCode(err: unknown): err is { code: string; message: string } {
  return typeof err === 'object' && err !== null
    && typeof (err as { code?: unknown }).code === 'string'
    && typeof (err as { message?: unknown }).message === 'string';
}

/**
 * What is stored of an error on a phase: its stable code (E_INTERNAL when it has none) and its
 * message with registered secrets and URL passwords removed, since run records are shown to
 * anyone who can read the dashboard.
 */
export function toPhaseError(err: unknown): PhaseErrorInfo {
  if (hasCode(err)) {
    const details = detailsOf(err);
    const checks = failedChecksOf(err);
    return { code: err.code, message: redactText(err.message), ...(details ? { details } : {}), ...(checks ? { checks } : {}) };
  }
  return { code: 'E_INTERNAL', message: redactText(err instanceof Error ? err.message : String(err)) };
}

const DETAIL_FIELDS = ['reason', 'message', 'logFile', 'logUri'] as const;

/** The string fields of an error's `details` (a remote compute's FailureDetails), redacted. */
function detailsOf(err: object): PhaseErrorInfo['details'] {
  const raw = (err as { details?: unknown }).details;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const out: NonNullable<PhaseErrorInfo['details']> = {};
  for (const field of DETAIL_FIELDS) {
    const value = (raw as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.length > 0) out[field] = redactText(value);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The failed ones of an error's check `results` (ChecksFailedError), without their sample rows. */
function failedChecksOf(err: object): FailedCheckInfo[] | undefined {
  const results = (err as { results?: unknown }).results;
  if (!Array.isArray(results)) return undefined;
  const failed = results.flatMap((r: unknown): FailedCheckInfo[] => {
    if (typeof r !== 'object' || r === null) return [];
    const { name, passed, observed, stage } = r as Record<string, unknown>;
    if (passed !== false || typeof name !== 'string' || (stage !== 'staging' && stage !== 'final')) return [];
    const value = typeof observed === 'number' || typeof observed === 'string' ? observed : null;
    return [{ name: redactText(name), observed: value, stage }];
  });
  return failed.length > 0 ? failed : undefined;
}
