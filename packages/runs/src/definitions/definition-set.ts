import { statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { DefinitionError, parsePipeline, type Logger, type PipelineDefinition } from '@pipeline/core';
import { forEachLimit } from '../concurrency/for-each-limit.js';

const EXTENSIONS = new Set(['.yaml', '.yml']);
/** Changed definition files read at once. */
const FILE_CONCURRENCY = 16;
/** Files statted between two turns of the event loop. */
const STAT_SLICE = 500;

interface FileEntry {
  /** What the file looked like when last read: a change in any of these triggers a reread. */
  signature: string;
  /** The last definition the file held that was valid; undefined when it never held one. */
  definition?: PipelineDefinition;
}

/**
 * The pipeline definitions of a directory, reread file by file when a file's modification time
 * or size changes, so a running scheduler follows edits without a restart. A file that stops
 * parsing is logged and its last valid definition stays in force: one bad edit never stops the
 * pipelines that were running, nor any other file's. Two files with the same pipeline id: the
 * first by file name wins and the other is logged.
 */
export class DefinitionSet {
  private readonly files = new Map<string, FileEntry>();
  private current: PipelineDefinition[] = [];

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** The definitions in force, in file-name order. */
  get definitions(): readonly PipelineDefinition[] {
    return this.current;
  }

  /** Rereads changed, new and removed files. Never throws: problems are logged. */
  async refresh(): Promise<readonly PipelineDefinition[]> {
    const absolute = path.resolve(this.dir);
    let names: string[];
    try {
      names = (await readdir(absolute)).filter((f) => EXTENSIONS.has(path.extname(f))).sort();
    } catch (err) {
      this.logger.error({ err, dir: absolute }, 'cannot read the pipelines directory; keeping the definitions loaded before');
      return this.current;
    }
    let changed = false;
    const present = new Set(names.map((name) => path.join(absolute, name)));
    for (const file of this.files.keys()) {
      if (!present.has(file)) {
        this.files.delete(file);
        this.logger.info({ file }, 'pipeline definition file removed');
        changed = true;
      }
    }
    // Every file is statted on every refresh, and most have not changed. A synchronous stat costs
    // a few microseconds; through the thread pool it costs ten times that, and a tick over
    // 10,000 files would spend most of its time there. The loop gets a turn every STAT_SLICE files.
    const reread: Array<{ file: string; signature: string }> = [];
    let statted = 0;
    for (const file of present) {
      if (++statted % STAT_SLICE === 0) await yieldToLoop();
      const signature = this.signatureOf(file);
      if (signature !== undefined && this.files.get(file)?.signature !== signature) reread.push({ file, signature });
    }
    await forEachLimit(reread, FILE_CONCURRENCY, async ({ file, signature }) => {
      if (await this.reread(file, signature)) changed = true;
    });
    if (changed) this.current = this.collect();
    return this.current;
  }

  /** What the file looks like now (a change in any part triggers a reread), or undefined when it vanished. */
  private signatureOf(file: string): string | undefined {
    try {
      const info = statSync(file);
      return `${info.mtimeMs}:${info.size}:${info.ino}`;
    } catch (err) {
      // Deleted between readdir and stat: the next refresh sees it gone.
      this.logger.debug({ err, file }, 'pipeline definition file vanished while reading');
      return undefined;
    }
  }

  /** Parses a new or changed file; true when the definitions in force changed. */
  private async reread(file: string, signature: string): Promise<boolean> {
    const previous = this.files.get(file);
    const shown = path.relative(process.cwd(), file) || file;
    try {
      const definition = parsePipeline(shown, await readFile(file, 'utf8'));
      this.files.set(file, { signature, definition });
      this.logger.info({ file, pipelineId: definition.id }, previous ? 'pipeline definition reloaded' : 'pipeline definition loaded');
      return true;
    } catch (err) {
      if (!(err instanceof DefinitionError) && !isFileError(err)) throw err;
      this.files.set(file, { signature, definition: previous?.definition });
      const kept = previous?.definition ? `keeping its last valid version (pipeline "${previous.definition.id}")` : 'it has no valid version, so no pipeline from it is scheduled';
      this.logger.error({ err, file, code: err instanceof DefinitionError ? err.code : undefined }, `invalid pipeline definition file; ${kept}: fix it and save again`);
      return false;
    }
  }

  private collect(): PipelineDefinition[] {
    const byId = new Map<string, string>();
    const out: PipelineDefinition[] = [];
    for (const [file, entry] of [...this.files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (!entry.definition) continue;
      const first = byId.get(entry.definition.id);
      if (first) {
        this.logger.error({ file, pipelineId: entry.definition.id, definedIn: first }, `pipeline id "${entry.definition.id}" is also defined in ${first}; ignoring this file: give it another id`);
        continue;
      }
      byId.set(entry.definition.id, file);
      out.push(entry.definition);
    }
    return out;
  }
}

function isFileError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).syscall !== undefined;
}
