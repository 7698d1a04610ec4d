import type { Logger, PipelineDefinition } from '@pipeline/core';
import { DefinitionSet } from '@pipeline/runs';
import { PipelineNotFoundError } from '../errors/server-errors.js';

/**
 * The pipeline definitions the API answers about. Files are reread when their modification time
 * or size changes, so edits show without a restart; a file that stops parsing keeps its last
 * valid definition (and is logged), as in the scheduler.
 */
export class PipelineCatalog {
  private readonly set: DefinitionSet;

  constructor(dir: string, logger: Logger) {
    this.set = new DefinitionSet(dir, logger);
  }

  async all(): Promise<readonly PipelineDefinition[]> {
    return this.set.refresh();
  }

  async get(id: string): Promise<PipelineDefinition> {
    const all = await this.all();
    const found = all.find((p) => p.id === id);
    if (!found) throw new PipelineNotFoundError(id, all.map((p) => p.id));
    return found;
  }
}
