import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { venvPython } from '../../venv-python.js';
import { CopyRequestError, SpectrumScanError } from './copy-errors.js';
import type { TargetColumn } from './target-columns.js';

// Beside this module in src and, copied by the build, in dist.
const SCRIPT = fileURLToPath(new URL('./parquet_to_csv.py', import.meta.url));
// parquet_to_csv.py's exit status for a file Redshift would refuse.
const REFUSED = 3;

/**
 * One Parquet file as PostgreSQL CSV for `COPY … FROM STDIN WITH (FORMAT csv)`, one line per row
 * in file order, its columns mapped by position onto `columns`. pyarrow reads the file, in the
 * venv's Python (parquet_to_csv.py says how each type is written). A file Redshift would refuse
 * fails with {@link SpectrumScanError}; `file` names it in the message.
 */
export async function parquetToCsv(body: Uint8Array, columns: TargetColumn[], file: string): Promise<string> {
  const child = spawn(venvPython(), [SCRIPT, '--file', file, '--columns', JSON.stringify(columns)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  // The reader may refuse the file before reading all of it; the pipe then closes early.
  child.stdin.on('error', () => undefined);
  child.stdin.end(body);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const errors = Buffer.concat(stderr).toString('utf8').trim();
  if (code === REFUSED) {
    const refused = JSON.parse(errors.split('\n').pop() ?? '{}') as { code: number; context: string };
    throw new SpectrumScanError(refused.code, refused.context);
  }
  if (code !== 0) throw new CopyRequestError(`the stand-in's Parquet reader failed on ${file} (exit ${code}): ${errors.split('\n').slice(-3).join(' ')}`);
  return Buffer.concat(stdout).toString('utf8');
}
