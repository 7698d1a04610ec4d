import { LOAD_PHASES, PipelineSchema, type LoadPhase, type PipelineDefinition } from '@pipeline/core';
import { describe, expect, it } from 'vitest';
import { PhaseTransitionError } from '../errors/phase-transition-error.js';
import { RunStateError } from '../errors/run-state-error.js';
import type { RunRecord } from '../model/run-record.js';
import { applyAdmitted } from './apply-admitted.js';
import { applyExternalId } from './apply-external-id.js';
import { applyPhaseAttemptFailure, applyPhaseFailure } from './apply-phase-failure.js';
import { applyPhaseRunning } from './apply-phase-running.js';
import { applyPhaseSuccess } from './apply-phase-success.js';
import { applyPhasesQueued } from './apply-phases-queued.js';
import { applyRetry } from './apply-retry.js';
import { applyRunCancelled } from './apply-run-cancelled.js';
import { initialPhases } from './initial-phases.js';
import { phaseKey } from './phase-key.js';
import { readyPhases } from './ready-phases.js';
import { rollup } from './rollup.js';

const NOW = new Date('2026-01-02T03:00:00Z');
const ERR = { code: 'E_TEST', message: 'boom' };

function load(id: string, dependsOn: string[] = []) {
  return { id, source: { table: `public.${id}_raw` }, target: { table: `analytics.${id}`, key: ['id'] }, dependsOn };
}

/** a → (b, c) → d: fan-out after a, fan-in before d; e is independent. */
const DIAMOND: PipelineDefinition = PipelineSchema.parse({
  id: 'diamond',
  loads: [load('d', ['b', 'c']), load('b', ['a']), load('a'), load('c', ['a']), load('e')],
});

function newRecord(pipeline: PipelineDefinition = DIAMOND): RunRecord {
  return {
    runId: 'diamond.manual.test',
    pipelineId: pipeline.id,
    trigger: 'manual',
    state: 'queued',
    intervalStart: null,
    intervalEnd: null,
    params: {},
    createdAt: NOW.toISOString(),
    pipeline,
    transformPaths: {},
    phases: initialPhases(pipeline),
    version: 1,
  };
}

const keys = (record: RunRecord) => readyPhases(record).map((p) => phaseKey(p.loadId, p.phase));
const stateOf = (record: RunRecord, loadId: string, phase: LoadPhase) => record.phases.find((p) => p.loadId === loadId && p.phase === phase)?.state;

/** Takes the given phases of a load (all by default) through queued → running → success. */
function succeed(record: RunRecord, loadId: string, phases: readonly LoadPhase[] = LOAD_PHASES): RunRecord {
  let r = record;
  for (const phase of phases) {
    r = applyPhasesQueued(r, [{ loadId, phase }], NOW);
    r = applyPhaseRunning(r, loadId, phase, { worker: 'w1' }, NOW);
    r = applyPhaseSuccess(r, loadId, phase, { phase }, NOW);
  }
  return r;
}

describe('initialPhases', () => {
  it('lists every phase of every load, pending, loads in dependency order', () => {
    const phases = initialPhases(DIAMOND);
    expect(phases).toHaveLength(5 * LOAD_PHASES.length);
    expect(phases.every((p) => p.state === 'pending' && p.attempts === 0 && p.generation === 0)).toBe(true);
    const loadOrder = [...new Set(phases.map((p) => p.loadId))];
    expect(loadOrder.indexOf('a')).toBeLessThan(loadOrder.indexOf('b'));
    expect(loadOrder.indexOf('c')).toBeLessThan(loadOrder.indexOf('d'));
    expect(phases.filter((p) => p.loadId === 'a').map((p) => p.phase)).toEqual([...LOAD_PHASES]);
  });
});

describe('readyPhases', () => {
  it('starts with the extract-transform of every load without dependsOn', () => {
    expect(keys(newRecord()).sort()).toEqual(['a/extract-transform', 'e/extract-transform']);
  });

  it('chains phases within a load', () => {
    const r = succeed(newRecord(), 'a', ['extract-transform', 'stage']);
    expect(keys(r)).toEqual(['a/audit', 'e/extract-transform']);
  });

  it('fans out after validate of the upstream load, before its cleanup', () => {
    const r = succeed(newRecord(), 'a', ['extract-transform', 'stage', 'audit', 'merge']);
    expect(keys(r)).not.toContain('b/extract-transform');
    const validated = succeed(r, 'a', ['validate']);
    expect(keys(validated).sort()).toEqual(['a/cleanup', 'b/extract-transform', 'c/extract-transform', 'e/extract-transform']);
  });

  it('fans in: d waits for both b and c', () => {
    let r = succeed(newRecord(), 'a');
    r = succeed(r, 'b');
    expect(keys(r)).not.toContain('d/extract-transform');
    r = succeed(r, 'c', ['extract-transform', 'stage', 'audit', 'merge', 'validate']);
    expect(keys(r)).toContain('d/extract-transform');
  });

  it('does not offer queued or running phases again', () => {
    const r = applyPhasesQueued(newRecord(), [{ loadId: 'a', phase: 'extract-transform' }], NOW);
    expect(keys(r)).toEqual(['e/extract-transform']);
  });

  it('offers nothing for a cancelled run that had not started', () => {
    expect(readyPhases(applyRunCancelled(newRecord(), NOW))).toEqual([]);
  });

  it('offers only the cleanup of each started load once a run is cancelled', () => {
    let r = applyPhasesQueued(newRecord(), [{ loadId: 'a', phase: 'extract-transform' }, { loadId: 'e', phase: 'extract-transform' }], NOW);
    r = succeed(r, 'a', ['extract-transform', 'stage']);
    r = applyPhaseRunning(r, 'e', 'extract-transform', { worker: 'w' }, NOW);
    const cancelled = applyRunCancelled(r, NOW);
    expect(cancelled.phases.filter((p) => p.state !== 'cancelled' && p.state !== 'success').map((p) => phaseKey(p.loadId, p.phase))).toEqual(['a/cleanup', 'e/cleanup']);
    expect(keys(cancelled)).toEqual(['a/cleanup', 'e/cleanup']);
    expect(rollup(succeed(cancelled, 'a', ['cleanup']))).toBe('cancelled');
  });
});

describe('failure propagation', () => {
  it('marks everything downstream upstream_failed and still runs cleanup of the failed load', () => {
    let r = succeed(newRecord(), 'a', ['extract-transform', 'stage']);
    r = applyPhaseRunning(applyPhasesQueued(r, [{ loadId: 'a', phase: 'audit' }], NOW), 'a', 'audit', { worker: 'w1' }, NOW);
    r = applyPhaseFailure(r, 'a', 'audit', ERR, NOW);
    expect(stateOf(r, 'a', 'audit')).toBe('failed');
    expect(stateOf(r, 'a', 'merge')).toBe('upstream_failed');
    expect(stateOf(r, 'a', 'validate')).toBe('upstream_failed');
    expect(stateOf(r, 'a', 'cleanup')).toBe('pending');
    for (const loadId of ['b', 'c', 'd']) {
      for (const phase of LOAD_PHASES) expect(stateOf(r, loadId, phase), `${loadId}/${phase}`).toBe('upstream_failed');
    }
    expect(stateOf(r, 'e', 'extract-transform')).toBe('pending');
    expect(keys(r).sort()).toEqual(['a/cleanup', 'e/extract-transform']);
    expect(r.phases.find((p) => p.phase === 'audit' && p.loadId === 'a')?.error).toEqual(ERR);
  });

  it('cleanup follows all_done: it runs after a failure in any earlier phase', () => {
    for (const failing of LOAD_PHASES.filter((p) => p !== 'cleanup')) {
      const before = LOAD_PHASES.slice(0, LOAD_PHASES.indexOf(failing));
      let r = succeed(newRecord(), 'e', before);
      r = applyPhaseFailure(applyPhasesQueued(r, [{ loadId: 'e', phase: failing }], NOW), 'e', failing, ERR, NOW);
      expect(keys(r), failing).toContain('e/cleanup');
    }
  });

  it('rolls the run up to failed only once cleanup is done', () => {
    let r = succeed(newRecord(), 'e');
    r = applyPhaseFailure(applyPhasesQueued(r, [{ loadId: 'a', phase: 'extract-transform' }], NOW), 'a', 'extract-transform', ERR, NOW);
    expect(r.state).toBe('running');
    r = succeed(r, 'a', ['cleanup']);
    expect(r.state).toBe('failed');
    expect(r.endedAt).toBe(NOW.toISOString());
  });

  it('a failure report for a phase already finished changes nothing', () => {
    const r = applyPhaseFailure(applyPhasesQueued(newRecord(), [{ loadId: 'a', phase: 'extract-transform' }], NOW), 'a', 'extract-transform', ERR, NOW);
    expect(applyPhaseFailure(r, 'a', 'extract-transform', { code: 'E_OTHER', message: 'x' }, NOW)).toBe(r);
  });

  it('an attempt failure puts the phase back to queued with its error', () => {
    let r = applyPhaseRunning(applyPhasesQueued(newRecord(), [{ loadId: 'a', phase: 'extract-transform' }], NOW), 'a', 'extract-transform', { worker: 'w1' }, NOW);
    r = applyPhaseAttemptFailure(r, 'a', 'extract-transform', ERR, NOW);
    expect(stateOf(r, 'a', 'extract-transform')).toBe('queued');
    expect(stateOf(r, 'a', 'stage')).toBe('pending');
    expect(r.state).toBe('running');
  });
});

describe('rollup', () => {
  it('queued → running → success', () => {
    const single = PipelineSchema.parse({ id: 'single', loads: [load('a')] });
    let r = applyPhasesQueued(newRecord(single), readyPhases(newRecord(single)), NOW);
    expect(rollup(r)).toBe('queued');
    r = applyPhaseRunning(r, 'a', 'extract-transform', { worker: 'w1' }, NOW);
    expect(rollup(r)).toBe('running');
    expect(r.startedAt).toBe(NOW.toISOString());
    r = applyPhaseSuccess(r, 'a', 'extract-transform', {}, NOW);
    // Between phases a started run stays running.
    expect(rollup(r)).toBe('running');
    r = succeed(r, 'a', LOAD_PHASES.slice(1));
    expect(rollup(r)).toBe('success');
    expect(r.state).toBe('success');
  });

  it('cancelled stays cancelled', () => {
    const r = applyRunCancelled(applyPhasesQueued(newRecord(), [{ loadId: 'a', phase: 'extract-transform' }], NOW), NOW);
    expect(rollup(r)).toBe('cancelled');
    expect(r.phases.every((p) => p.state === 'cancelled')).toBe(true);
  });
});

describe('phase transitions', () => {
  it('success is idempotent: the same object comes back', () => {
    const r = succeed(newRecord(), 'a', ['extract-transform']);
    expect(applyPhaseSuccess(r, 'a', 'extract-transform', { again: true }, NOW)).toBe(r);
  });

  it('running counts attempts and keeps the external id of an earlier attempt', () => {
    let r = applyPhaseRunning(applyPhasesQueued(newRecord(), readyPhases(newRecord()), NOW), 'a', 'extract-transform', { worker: 'w1' }, NOW);
    r = applyExternalId(r, 'a', 'extract-transform', 'local:host:42');
    r = applyPhaseAttemptFailure(r, 'a', 'extract-transform', ERR, NOW);
    r = applyPhaseRunning(r, 'a', 'extract-transform', { worker: 'w2' }, NOW);
    const p = r.phases.find((x) => x.loadId === 'a' && x.phase === 'extract-transform');
    expect(p).toMatchObject({ attempts: 2, worker: 'w2', externalId: 'local:host:42', state: 'running' });
  });

  it('refuses to start a phase of a cancelled run, a finished phase, or a stale generation', () => {
    const queued = applyPhasesQueued(newRecord(), readyPhases(newRecord()), NOW);
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(PhaseTransitionError);
        return (err as PhaseTransitionError).code;
      }
      return 'none';
    };
    expect(codeOf(() => applyPhaseRunning(applyRunCancelled(queued, NOW), 'a', 'extract-transform', { worker: 'w' }, NOW))).toBe('E_RUN_CANCELLED');
    expect(codeOf(() => applyPhaseRunning(succeed(queued, 'a', ['extract-transform']), 'a', 'extract-transform', { worker: 'w' }, NOW))).toBe('E_PHASE_TERMINAL');
    expect(codeOf(() => applyPhaseRunning(queued, 'a', 'extract-transform', { worker: 'w', generation: 1 }, NOW))).toBe('E_PHASE_STALE');
    expect(codeOf(() => applyPhaseSuccess(queued, 'a', 'extract-transform', {}, NOW, { generation: 3 }))).toBe('E_PHASE_STALE');
    expect(codeOf(() => applyPhaseRunning(queued, 'b', 'extract-transform', { worker: 'w' }, NOW))).toBe('E_PHASE_NOT_QUEUED');
  });
});

describe('held runs', () => {
  const held = (): RunRecord => ({ ...newRecord(), held: true });

  it('offers no phase of a held run, and refuses to start one', () => {
    expect(keys(held())).toEqual([]);
    expect(() => applyPhaseRunning(held(), 'a', 'extract-transform', { worker: 'w' }, NOW)).toThrow(/held for a run slot/);
  });

  it('admitting makes the first phases ready; a run not held comes back as the same object', () => {
    const admitted = applyAdmitted(held());
    expect(admitted.held).toBeUndefined();
    expect(keys(admitted)).toEqual(keys(newRecord()));
    expect(applyAdmitted(admitted)).toBe(admitted);
  });

  it('a cancelled held run is no longer held, and stays cancelled when admitted', () => {
    const cancelled = applyRunCancelled(held(), NOW);
    expect(cancelled).toMatchObject({ state: 'cancelled' });
    expect(cancelled.held).toBeUndefined();
    expect(applyAdmitted(cancelled)).toBe(cancelled);
    expect(keys(cancelled)).toEqual([]);
  });
});

describe('applyRetry', () => {
  it('refuses a run that has not failed', () => {
    expect(() => applyRetry(newRecord(), NOW)).toThrow(RunStateError);
  });

  it('keeps successes, resets failed and upstream_failed phases with generation + 1', () => {
    let r = succeed(newRecord(), 'e');
    r = applyPhaseRunning(applyPhasesQueued(r, [{ loadId: 'a', phase: 'extract-transform' }], NOW), 'a', 'extract-transform', { worker: 'w1' }, NOW);
    r = applyPhaseFailure(r, 'a', 'extract-transform', ERR, NOW);
    r = succeed(r, 'a', ['cleanup']);
    expect(r.state).toBe('failed');
    const retried = applyRetry(r, NOW);
    expect(retried.state).toBe('queued');
    expect(retried.endedAt).toBeUndefined();
    for (const p of retried.phases.filter((x) => x.loadId === 'e')) expect(p).toMatchObject({ state: 'success', generation: 0 });
    for (const p of retried.phases.filter((x) => x.loadId !== 'e')) expect(p).toMatchObject({ state: 'pending', generation: 1 });
    expect(retried.phases.find((x) => x.loadId === 'a' && x.phase === 'extract-transform')).toMatchObject({ attempts: 1 });
    expect(retried.phases.find((x) => x.loadId === 'a' && x.phase === 'extract-transform')?.error).toBeUndefined();
    expect(keys(retried)).toEqual(['a/extract-transform']);
  });

  it('re-runs the staging phases of a load whose cleanup dropped staging, keeping its extract', () => {
    let r = succeed(newRecord(PipelineSchema.parse({ id: 'single', loads: [load('e')] })), 'e', ['extract-transform', 'stage', 'audit', 'merge']);
    r = applyPhaseFailure(applyPhasesQueued(r, [{ loadId: 'e', phase: 'validate' }], NOW), 'e', 'validate', ERR, NOW);
    r = succeed(r, 'e', ['cleanup']);
    expect(r.state).toBe('failed');
    const retried = applyRetry(r, NOW);
    const e = Object.fromEntries(retried.phases.filter((p) => p.loadId === 'e').map((p) => [p.phase, [p.state, p.generation]]));
    expect(e).toEqual({
      'extract-transform': ['success', 0],
      stage: ['pending', 1],
      audit: ['pending', 1],
      merge: ['pending', 1],
      validate: ['pending', 1],
      cleanup: ['pending', 1],
    });
    expect(keys(retried)).toContain('e/stage');
  });

  it('retries a cancelled run', () => {
    const r = applyRunCancelled(succeed(newRecord(), 'a', ['extract-transform']), NOW);
    const retried = applyRetry(r, NOW);
    expect(retried.state).toBe('queued');
    expect(stateOf(retried, 'a', 'extract-transform')).toBe('success');
    expect(keys(retried).sort()).toEqual(['a/stage', 'e/extract-transform']);
  });
});
