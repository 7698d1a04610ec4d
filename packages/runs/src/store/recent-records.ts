import type { RunRecord } from '../model/run-record.js';

export interface RecentRecordsLimits {
  /** Records kept at most. */
  maxRecords: number;
  /** Their JSON's length at most, summed: a record of a run of a hundred loads weighs 160 KB. */
  maxBytes: number;
}

/**
 * The records a run store wrote last, least recently written first out, within a count and a
 * weight. Records are values (see `RunRecord`), so the object written is kept as it is: the
 * next change of the run starts from it with no read, no decoding and no copy.
 */
export class RecentRecords {
  private readonly records = new Map<string, { record: RunRecord; bytes: number }>();
  private bytes = 0;
  private readonly limits: RecentRecordsLimits;

  constructor(limits: RecentRecordsLimits) {
    this.limits = limits;
  }

  get(runId: string): RunRecord | undefined {
    return this.records.get(runId)?.record;
  }

  /** Keeps `record` as the run's latest, weighing `bytes` (its JSON's length). */
  set(record: RunRecord, bytes: number): void {
    this.delete(record.runId);
    if (bytes > this.limits.maxBytes) return;
    this.records.set(record.runId, { record, bytes });
    this.bytes += bytes;
    for (const [runId, kept] of this.records) {
      if (this.records.size <= this.limits.maxRecords && this.bytes <= this.limits.maxBytes) break;
      this.records.delete(runId);
      this.bytes -= kept.bytes;
    }
  }

  delete(runId: string): void {
    const kept = this.records.get(runId);
    if (!kept) return;
    this.records.delete(runId);
    this.bytes -= kept.bytes;
  }

  get size(): number {
    return this.records.size;
  }

  /** The kept records' JSON length, summed. */
  get weight(): number {
    return this.bytes;
  }
}
