import { z } from 'zod';
import { SecretError } from '../errors/secret-error.js';
import { registerSecret } from '../logging/index.js';

/** The warehouse connection fields of a Redshift secret. Any field may be absent. */
export interface WarehouseCredentials {
  engine?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  dbname?: string;
}

const optionalText = z.string().nullish();

const credentialsSchema = z.object({
  engine: optionalText,
  host: optionalText,
  port: z
    .union([z.number(), z.string().regex(/^\s*\d+\s*$/).transform(Number)])
    .pipe(z.number().int().min(1).max(65_535))
    .nullish(),
  username: optionalText,
  password: optionalText,
  dbname: optionalText,
});

type Field = keyof WarehouseCredentials;

const EXPECTED: Record<Field, string> = {
  engine: 'a string',
  host: 'a string',
  port: 'an integer from 1 to 65535, as a number or a string of digits',
  username: 'a string',
  password: 'a string',
  dbname: 'a string',
};

/**
 * Validates raw secret fields. The password is registered with the log redactor before
 * anything else happens, so not even a failed validation can leak it; errors name the fields
 * that are wrong and what they should be, never their values.
 *
 * @param source Where the fields came from, safe to print: "the secret arn:…", "the environment".
 * @param fieldName How to name a field in an error (e.g. its environment variable).
 */
export function validateWarehouseCredentials(
  raw: unknown,
  source: string,
  fieldName: (field: Field) => string = (field) => field,
): WarehouseCredentials {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw formatError(`Expected a JSON object in ${source}. ${EXPECTED_SHAPE}`);
  }
  const password = (raw as { password?: unknown }).password;
  if (typeof password === 'string') registerSecret(password);

  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path[0]))].filter(isField);
    const list = fields.map((field) => `${fieldName(field)} (expected ${EXPECTED[field]})`).join(', ');
    throw formatError(`Invalid fields in ${source}: ${list}. Correct them there.`);
  }
  const credentials: WarehouseCredentials = {};
  for (const [field, value] of Object.entries(parsed.data)) {
    if (value !== null && value !== undefined) Object.assign(credentials, { [field]: value });
  }
  return credentials;
}

/** Parses a secret's JSON text (a SecretString, or a decoded SecretBinary). */
export function parseWarehouseSecret(text: string, source: string): WarehouseCredentials {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // The parser's own message quotes the text around the fault, which may be the password,
    // so it is neither repeated nor kept as the cause.
    throw formatError(`Expected valid JSON in ${source}. ${EXPECTED_SHAPE}`);
  }
  return validateWarehouseCredentials(raw, source);
}

const EXPECTED_SHAPE =
  'Store it as a JSON object with the fields engine, host, port, username, password and dbname (the Redshift secret format).';

function formatError(message: string): SecretError {
  return new SecretError(message, { code: 'E_SECRET_FORMAT', retryable: false });
}

function isField(key: unknown): key is Field {
  return typeof key === 'string' && key in EXPECTED;
}
