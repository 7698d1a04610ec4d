import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DefinitionError, parsePipeline, type Logger, type PipelineDefinition } from '@pipeline/core';
import { forEachLimit } from '../concurrency/for-each-limit.js';

const EXTENSIONS = new Set(['.yaml', '.yml']);
/** Definition files statted and read at once. */
const FILE_CONCURRENCY = 16;

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
    // Files are looked at a few at a time: one by one, 10,000 definitions cost seconds of
    // waiting on the file system every tick.
    await forEachLimit([...present], FILE_CONCURRENCY, async (file) => {
      if (await this.refreshFile(file)) changed = true;
    });
    if (changed) this.current = this.collect();
    return this.current;
  }

  private async refreshFile(file: string): Promise<boolean> {
    const previous = this.files.get(file);
    let signature: string;
    try {
      const info = await stat(file);
      signature = `${info.mtimeMs}:${info.size}:${info.ino}`;
    } catch (err) {
      // Deleted between readdir and stat: the next refresh sees it gone.
      this.logger.debug({ err, file }, 'pipeline definition file vanished while reading');
      return false;
    }
    if (previous?.signature === signature) return false;
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
