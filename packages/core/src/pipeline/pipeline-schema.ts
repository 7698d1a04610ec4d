import { z } from 'zod';
import { parseDeadline } from './deadline.js';
import { parseDuration } from './duration.js';
import { cronFor } from '../schedule/intervals.js';

const IDENTIFIER = /^[a-z_][a-z0-9_$]*$/;
const TABLE = /^([a-z_][a-z0-9_$]*\.)?[a-z_][a-z0-9_$]*$/;
const SLUG = /^[a-z][a-z0-9_-]{0,62}$/;

/** A column name: lower case so quoted and unquoted forms name the same column on Redshift. */
export const columnName = z
  .string()
  .regex(IDENTIFIER, 'a lower-case SQL identifier: letters, digits and _, not starting with a digit')
  .max(127);

/** `schema.table` or `table` (schema `public`). */
export const tableName = z
  .string()
  .regex(TABLE, 'a lower-case table name such as "analytics.users" (schema optional, letters, digits and _)')
  .max(255);

const slug = z.string().regex(SLUG, 'lower-case letters, digits, "-" and "_", starting with a letter, at most 63 characters');

const isoInstant = z.iso.datetime({ offset: true, message: 'an ISO-8601 timestamp with a time zone, e.g. 2026-01-01T00:00:00Z' });

// Building an Intl.DateTimeFormat is the only portable check of a zone name, and a slow one;
// a scheduler reading thousands of definitions sees the same few zones over and over.
const knownZones = new Set<string>();
function isTimeZone(tz: string): boolean {
  if (knownZones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    return false;
  }
  if (knownZones.size < 1_000) knownZones.add(tz);
  return true;
}

const timezone = z.string().refine(isTimeZone, { message: 'expected an IANA time zone such as UTC or Europe/Berlin' });

const cronExpression = z.string().superRefine((expr, ctx) => {
  try {
    cronFor(expr, 'UTC');
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a cron expression such as "0 2 * * *" (${(err as Error).message})`,
    });
  }
});

const duration = z.string().refine((v) => parseDuration(v) !== undefined, {
  message: 'expected a duration such as "90m", "26h" or "2d"',
});

const deadline = z.string().refine((v) => parseDeadline(v) !== undefined, {
  message: 'expected a duration from 1 minute to 30 days, such as "2h", "90m", "1h30m" or ISO-8601 "PT2H"',
});

const paramValue = z.union([z.string(), z.number(), z.boolean()]);

export const ScheduleSchema = z.strictObject({
  /** Cron expression evaluated in `timezone`; a run fires at the end of its data interval. */
  cron: cronExpression,
  /** @defaultValue "UTC" */
  timezone: timezone.default('UTC'),
  /** Create one run per missed interval since `start`. @defaultValue false */
  catchup: z.boolean().default(false),
  /** First data interval starts at or after this instant. */
  start: isoInstant.optional(),
  /** No data interval starts at or after this instant. */
  end: isoInstant.optional(),
  /** @defaultValue 1 */
  maxActiveRuns: z.int().min(1).max(100).default(1),
});

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

const CheckSchema = z.union([
  z.strictObject({ not_null: z.array(columnName).min(1) }),
  z.strictObject({ unique: z.array(columnName).min(1) }),
  z.strictObject({
    row_count: z
      .strictObject({ min: z.int().min(0).optional(), max: z.int().min(0).optional() })
      .refine((v) => v.min !== undefined || v.max !== undefined, { message: 'give min, max or both' }),
  }),
  z.strictObject({
    accepted_values: z
      .record(columnName, z.array(paramValue).min(1))
      .refine((v) => Object.keys(v).length > 0, { message: 'map at least one column to its accepted values' }),
  }),
  z.strictObject({ freshness: z.strictObject({ column: columnName, maxAge: duration }) }),
  z.strictObject({ reconciliation: z.union([z.literal(true), z.strictObject({ source: z.boolean().default(true) })]) }),
  z.strictObject({ custom_sql: z.strictObject({ name: slug, sql: z.string().min(1) }) }),
]);

export const SourceSchema = z
  .strictObject({
    /** Source table, read whole or filtered to the run's interval. */
    table: tableName.optional(),
    /** A SELECT to read instead of a table. */
    query: z.string().min(1).optional(),
    /** Column the run's data interval filters on: `start <= column < end`. */
    incrementalColumn: columnName.optional(),
  })
  .refine((s) => (s.table === undefined) !== (s.query === undefined), {
    message: 'give exactly one of "table" or "query"',
  });

export const TargetSchema = z.strictObject({
  table: tableName,
  /** Columns that identify a row; the primary key when the table is created. @defaultValue [] */
  key: z.array(columnName).default([]),
  /** @defaultValue "merge" */
  strategy: z.enum(['merge', 'delete-insert', 'append', 'replace'], {
    message: 'one of merge, delete-insert, append, replace',
  }).default('merge'),
  /**
   * The columns that order the versions of a row: among rows with the same key in one batch the
   * latest wins, and merge and delete-insert never replace a row of the target with an older version.
   */
  orderBy: oneOrMany(columnName).optional(),
  /** For `append`: the target column holding the interval column's value, deleted per interval on rerun. */
  intervalColumn: columnName.optional(),
});

const MAX_BACKOFF_SECONDS = 24 * 3600;

export const RetriesSchema = z
  .strictObject({
    /** Executions of each of the load's phases before it fails for good (the first included). */
    attempts: z.int().min(1).max(20).optional(),
    /** Base of the exponential backoff between attempts (with jitter), e.g. "30s" or "5m". */
    backoff: z
      .string()
      .refine(
        (v) => {
          const seconds = parseDuration(v);
          return seconds !== undefined && seconds >= 1 && seconds <= MAX_BACKOFF_SECONDS;
        },
        { message: 'expected a duration from "1s" to "24h", such as "30s" or "5m"' },
      )
      .optional(),
  })
  .refine((r) => r.attempts !== undefined || r.backoff !== undefined, { message: 'give attempts, backoff or both' });

export const LoadSchema = z
  .strictObject({
    id: slug,
    description: z.string().optional(),
    source: SourceSchema,
    transform: z.strictObject({ spark: z.string().regex(/\.py$/, 'a path to a PySpark module ending in .py') }).optional(),
    target: TargetSchema,
    checks: z
      .strictObject({ staging: z.array(CheckSchema).default([]), final: z.array(CheckSchema).default([]) })
      .default({ staging: [], final: [] }),
    /** Loads of the same pipeline that must succeed before this one starts. @defaultValue [] */
    dependsOn: z.array(slug).default([]),
    /** Parameters merged over the pipeline's, passed to the transform and SQL templates. */
    params: z.record(z.string(), paramValue).default({}),
    /**
     * Retries of this load's phase jobs, over the job kind's defaults (Spark: 3 attempts, backoff
     * from 5 s; SQL: 5 attempts, backoff from 1 s).
     */
    retries: RetriesSchema.optional(),
  })
  .superRefine((load, ctx) => {
    const { strategy, key } = load.target;
    if ((strategy === 'merge' || strategy === 'delete-insert') && key.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['target', 'key'], message: `strategy "${strategy}" needs at least one key column` });
    }
  });

export const PipelineSchema = z
  .strictObject({
    id: slug,
    description: z.string().optional(),
    schedule: ScheduleSchema.optional(),
    /**
     * How long a run has to succeed, counted from its interval end (when the schedule fires it)
     * for scheduled runs, from the later of interval end and creation for backfill runs, and from
     * creation for manual runs; past it, an active run raises a `deadline_missed` alert.
     */
    deadline: deadline.optional(),
    params: z.record(z.string(), paramValue).default({}),
    loads: z.array(LoadSchema).min(1, 'a pipeline needs at least one load'),
  })
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    p.loads.forEach((load, i) => {
      if (ids.has(load.id)) ctx.addIssue({ code: 'custom', path: ['loads', i, 'id'], message: `duplicate load id "${load.id}"` });
      ids.add(load.id);
    });
    p.loads.forEach((load, i) => {
      load.dependsOn.forEach((dep, j) => {
        if (!ids.has(dep)) ctx.addIssue({ code: 'custom', path: ['loads', i, 'dependsOn', j], message: `no load "${dep}" in this pipeline` });
        if (dep === load.id) ctx.addIssue({ code: 'custom', path: ['loads', i, 'dependsOn', j], message: 'a load cannot depend on itself' });
      });
    });
    if (p.schedule?.start && p.schedule.end && Date.parse(p.schedule.start) >= Date.parse(p.schedule.end)) {
      ctx.addIssue({ code: 'custom', path: ['schedule', 'end'], message: 'end must be after start' });
    }
  });

export type PipelineDefinition = z.output<typeof PipelineSchema>;
export type LoadDefinition = z.output<typeof LoadSchema>;
export type CheckDefinition = z.output<typeof CheckSchema>;
export type ScheduleDefinition = z.output<typeof ScheduleSchema>;
export type RetriesDefinition = z.output<typeof RetriesSchema>;
