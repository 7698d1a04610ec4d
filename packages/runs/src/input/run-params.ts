import type { ParamValue } from '@pipeline/core';
import { UsageError } from '../errors/usage-error.js';

/** A run parameter's name: what a SQL template or the Spark job can refer to. */
export const PARAM_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The message for a parameter name that is not one; `where` names the input (`--param`, `params`). */
export function badParamKeyMessage(where: string, key: string): string {
  return `${where} name "${key}" must be made of letters, digits and _, not starting with a digit`;
}

/** Collects repeated `--param key=value`; numbers and booleans keep their type. */
export function collectParam(value: string, previous: Record<string, ParamValue> = {}): Record<string, ParamValue> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (!match) throw new UsageError(`--param "${value}" must look like key=value, the key made of letters, digits and _`);
  const [, key, raw] = match as unknown as [string, string, string];
  if (key in previous) throw new UsageError(`--param ${key} is given twice`);
  const typed: ParamValue = raw === 'true' ? true : raw === 'false' ? false : /^-?\d+(\.\d+)?$/.test(raw) && raw.length < 16 ? Number(raw) : raw;
  return { ...previous, [key]: typed };
}
