import { statementOf } from '../render/statement-of.js';
import type { Statement } from '../types/statement.js';
import type { MergePlan } from './merge-plan.js';

/** `INSERT INTO target (cols) SELECT cols FROM staging`, shared by the non-MERGE strategies. */
export function insertFromStaging(p: MergePlan): Statement {
  const cols = p.columns.join(', ');
  return statementOf(`INSERT INTO ${p.target} (${cols})\nSELECT ${cols}\nFROM ${p.staging}`);
}
