import path from 'node:path';
import { isS3Uri, type LoadPhase } from '@pipeline/core';
import type { RunRecord } from '@pipeline/runs';
import { LogNotFoundError } from '../errors/server-errors.js';
import { tailLines } from './tail-lines.js';

/**
 * The tail of a phase's log, when the worker keeps one where this server can read it: the local
 * Spark compute appends the job's output to `<tempDir>/runs/<runId>/<loadId>/spark.log`. Remote
 * computes keep their logs in S3, which the run view's `logUri` points to.
 */
export async function phaseLogTail(tempDir: string, run: RunRecord, loadId: string, phase: LoadPhase, lines: number): Promise<string[]> {
  const record = run.phases.find((p) => p.loadId === loadId && p.phase === phase);
  if (!record) throw new LogNotFoundError(`run "${run.runId}" has no phase ${loadId}/${phase}; GET /api/v1/runs/${run.runId} lists its phases`);
  if (phase !== 'extract-transform') {
    throw new LogNotFoundError(`phase ${loadId}/${phase} runs SQL in the warehouse and keeps no log file; its error, if any, is in the run view`);
  }
  if (isS3Uri(tempDir)) {
    throw new LogNotFoundError(`phase ${loadId}/${phase} ran on a remote compute whose logs are not on this server; see the phase's logUri in GET /api/v1/runs/${run.runId}`);
  }
  const tail = await tailLines(path.join(tempDir, 'runs', run.runId, loadId, 'spark.log'), lines);
  if (tail === undefined) {
    throw new LogNotFoundError(`no log for phase ${loadId}/${phase} of run "${run.runId}" on this server: it has not started, its temp files were cleaned up, or the worker ran on another machine`);
  }
  return tail;
}
