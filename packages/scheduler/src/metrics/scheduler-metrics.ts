import { Counter, Histogram, type Registry } from 'prom-client';
import type { PlannedRun } from '../plan/plan-tick.js';
import type { TickReport } from '../loop/start-scheduler.js';

/** The scheduler's own metrics, counted in this process: sum them across replicas. */
export class SchedulerMetrics {
  private readonly ticks: Counter<'outcome'>;
  private readonly tickDuration: Histogram;
  private readonly runsCreated: Counter<'pipeline' | 'trigger'>;
  private readonly lockBusy: Counter<'pipeline'>;
  private readonly pipelineErrors: Counter<'pipeline'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.ticks = new Counter({ name: 'pipeline_scheduler_ticks_total', help: 'Ticks this scheduler ran; outcome failed when the tick itself failed (definitions unreadable, Redis down)', labelNames: ['outcome'], registers });
    this.tickDuration = new Histogram({
      name: 'pipeline_scheduler_tick_duration_seconds',
      help: 'Time one tick took: reading definitions, every pipeline, retention',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.runsCreated = new Counter({ name: 'pipeline_scheduler_runs_created_total', help: 'Runs this scheduler created, by pipeline and trigger', labelNames: ['pipeline', 'trigger'], registers });
    this.lockBusy = new Counter({
      name: 'pipeline_scheduler_lock_busy_total',
      help: "Pipeline ticks passed over because another replica held the pipeline's lock",
      labelNames: ['pipeline'],
      registers,
    });
    this.pipelineErrors = new Counter({ name: 'pipeline_scheduler_pipeline_errors_total', help: 'Pipeline ticks that failed (tried again next tick)', labelNames: ['pipeline'], registers });
  }

  /** Runs one tick, timing it and counting what its report says. */
  async timeTick(tick: () => Promise<TickReport>): Promise<TickReport> {
    const stop = this.tickDuration.startTimer();
    try {
      const report = await tick();
      this.ticks.inc({ outcome: 'ok' });
      for (const p of report.pipelines) if (p.status === 'busy') this.lockBusy.inc({ pipeline: p.pipelineId });
      for (const e of report.errors) this.pipelineErrors.inc({ pipeline: e.pipelineId });
      return report;
    } catch (err) {
      this.ticks.inc({ outcome: 'failed' });
      throw err;
    } finally {
      stop();
    }
  }

  runCreated(pipelineId: string, trigger: PlannedRun['trigger']): void {
    this.runsCreated.inc({ pipeline: pipelineId, trigger });
  }
}
