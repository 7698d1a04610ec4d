import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { DefinitionError, type DefinitionIssue } from './definition-error.js';
import { PipelineSchema, type PipelineDefinition } from './pipeline-schema.js';

/** A validated pipeline with the file it came from. */
export interface LoadedPipeline {
  file: string;
  definition: PipelineDefinition;
}

const EXTENSIONS = new Set(['.yaml', '.yml']);

function formatPath(p: readonly PropertyKey[]): string {
  return p.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type':
      return issue.input === undefined ? `missing required field (expected ${issue.expected})` : `expected ${issue.expected}`;
    case 'invalid_union':
      return 'not a known check: expected one of not_null, unique, row_count, accepted_values, freshness, reconciliation, custom_sql with its settings';
    case 'custom':
      return issue.message;
    default:
      return `expected ${issue.message}`;
  }
}

/**
 * A union (the check kinds) fails as a whole; when the input picked one branch by its key, the
 * problems inside that branch are the useful ones.
 */
function flattenIssues(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union') return [issue];
    const chosen = issue.errors.find((branch) => !branch.some((i) => i.code === 'unrecognized_keys' && i.path.length === 0) && !branch.some((i) => i.code === 'invalid_type' && i.path.length === 1 && i.input === undefined));
    if (!chosen) return [issue];
    return flattenIssues(chosen.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue));
  });
}

/** Parses and validates one definition file's text. Throws DefinitionError listing every problem. */
export function parsePipeline(file: string, text: string): PipelineDefinition {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number | undefined) => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return `${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw new DefinitionError(
      doc.errors.map((e) => ({ file, path: '', position: position(e.pos[0]), message: `YAML syntax error: ${e.message.split('\n')[0]}` })),
    );
  }
  // reportInput tells a missing field (input undefined) from one of the wrong type.
  const result = PipelineSchema.safeParse(doc.toJS(), { reportInput: true });
  if (result.success) return result.data;
  const issues: DefinitionIssue[] = flattenIssues(result.error.issues).map((issue) => {
    const node = doc.getIn(issue.path as unknown[], true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    return { file, path: formatPath(issue.path), position: position(offset), message: describeIssue(issue) };
  });
  throw new DefinitionError(issues);
}

/**
 * Loads every `*.yaml` / `*.yml` definition in a directory (not recursive). All files are
 * validated before any is returned, so one bad file refuses the whole set.
 */
export async function loadPipelines(dir: string): Promise<LoadedPipeline[]> {
  const absolute = path.resolve(dir);
  let entries: string[];
  try {
    if (!(await stat(absolute)).isDirectory()) throw new Error('not a directory');
    entries = await readdir(absolute);
  } catch {
    throw new DefinitionError([{ file: absolute, path: '', message: 'pipelines directory not found: pass --pipelines DIR or set PIPELINE_PIPELINES_DIR' }]);
  }
  const files = entries.filter((f) => EXTENSIONS.has(path.extname(f))).sort();
  const issues: DefinitionIssue[] = [];
  const loaded: LoadedPipeline[] = [];
  const byId = new Map<string, string>();
  for (const name of files) {
    const file = path.join(absolute, name);
    try {
      const definition = parsePipeline(path.relative(process.cwd(), file) || file, await readFile(file, 'utf8'));
      const previous = byId.get(definition.id);
      if (previous) {
        issues.push({ file, path: 'id', message: `pipeline id "${definition.id}" is also defined in ${previous}` });
        continue;
      }
      byId.set(definition.id, file);
      loaded.push({ file, definition });
    } catch (err) {
      if (err instanceof DefinitionError) issues.push(...err.issues);
      else throw err;
    }
  }
  if (issues.length > 0) throw new DefinitionError(issues);
  return loaded;
}

/** Loads the directory and returns one pipeline by id, or throws a DefinitionError naming the ids there are. */
export async function loadPipeline(dir: string, id: string): Promise<LoadedPipeline> {
  const all = await loadPipelines(dir);
  const found = all.find((p) => p.definition.id === id);
  if (!found) {
    const known = all.map((p) => p.definition.id).join(', ') || 'none';
    throw new DefinitionError([{ file: path.resolve(dir), path: '', message: `no pipeline "${id}" (known: ${known})` }]);
  }
  return found;
}
