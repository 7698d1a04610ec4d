import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { REDACTED, redactJsonText } from './redactor.js';
import { SENSITIVE_REDACT_PATHS } from './sensitive-keys.js';
import { redactValue } from './redact-value.js';
import { serializeError } from './serialize-error.js';

export type Logger = PinoLogger;

export interface CreateLoggerOptions {
  /**
   * Minimum level written: trace, debug, info, warn, error, fatal or silent.
   * @defaultValue 'info'
   */
  level?: string;
  /** Written as `name` on every line, e.g. the process role (`worker`, `scheduler`). */
  name?: string;
  /**
   * Where lines go. Standard error by default, so a command's own output on standard output
   * stays clean for pipes.
   * @defaultValue standard error
   */
  destination?: DestinationStream;
  /**
   * Human-readable lines instead of JSON, for a terminal. Redaction happens before formatting.
   * @defaultValue false
   */
  pretty?: boolean;
}

/**
 * A structured JSON logger that redacts by itself, so no call site has to remember to:
 * - values under sensitive keys (password, secret, token, authorization, apiKey, …) are
 *   replaced, through a walk of every logged object, and through pino `redact` paths for the
 *   top-level keys of child-logger bindings;
 * - every string in a logged object is scrubbed of registered secrets and URL passwords, and
 *   errors anywhere in it are serialized with their message, stack and cause chain scrubbed;
 * - the finished line is scrubbed once more, which covers messages, interpolated arguments
 *   and child-logger bindings.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      ...(options.name === undefined ? {} : { name: options.name }),
      redact: { paths: [...SENSITIVE_REDACT_PATHS], censor: REDACTED },
      serializers: { err: logErrorSerializer, error: logErrorSerializer },
      formatters: { log: (object) => redactValue(object) as Record<string, unknown> },
      hooks: { streamWrite: redactJsonText },
    },
    destinationFor(options),
  );
}

const require = createRequire(import.meta.url);

function destinationFor(options: CreateLoggerOptions): DestinationStream {
  if (options.pretty) {
    // Required here, not imported: only a terminal gets pretty lines, and every other process
    // (workers, schedulers, the CLI in a pipe) would pay ~50 ms at start to load it for nothing.
    const pretty = require('pino-pretty') as typeof PinoPretty;
    return pretty({ destination: options.destination ?? 2, sync: true, translateTime: 'SYS:standard' });
  }
  return options.destination ?? pino.destination({ dest: 2, sync: true });
}

// pino's default `err` serializer would wrap again the plain object the walk already made of an
// error; this one passes it through, and still serializes an Error that reaches it some other way.
function logErrorSerializer(value: unknown): unknown {
  return value instanceof Error ? serializeError(value) : value;
}
