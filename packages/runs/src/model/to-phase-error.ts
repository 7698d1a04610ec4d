import { redactText } from '@pipeline/core';
import type { PhaseErrorInfo } from './phase-record.js';

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
  if (hasCode(err)) return { code: err.code, message: redactText(err.message) };
  return { code: 'E_INTERNAL', message: redactText(err instanceof Error ? err.message : String(err)) };
}
