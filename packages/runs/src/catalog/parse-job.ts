import { LOAD_PHASES, type LoadPhase } from '@pipeline/core';
import { JobPayloadError } from '../errors/job-payload-error.js';
import { JOB_CATALOG } from './job-catalog.js';
import type { JobPayload } from './job-payload.js';

function isPhase(name: string): name is LoadPhase {
  return (LOAD_PHASES as readonly string[]).includes(name);
}

/** Checks a job's name and payload against the catalog; the name must be the payload's phase. */
export function parseJob(name: string, data: unknown): JobPayload {
  if (!isPhase(name)) throw new JobPayloadError(name, `no job of this name (known: ${LOAD_PHASES.join(', ')})`);
  const parsed = JOB_CATALOG[name].payload.safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    throw new JobPayloadError(name, detail, { cause: parsed.error });
  }
  if (parsed.data.phase !== name) throw new JobPayloadError(name, `payload names phase "${parsed.data.phase}"`);
  return parsed.data;
}
