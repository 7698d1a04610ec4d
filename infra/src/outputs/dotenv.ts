/** Characters that make a value need quotes in a `.env` file (and in a shell that sources it). */
const NEEDS_QUOTES = /[^A-Za-z0-9_./:@+,=-]/;

/**
 * One `NAME=value` line. Values that are not plain are single-quoted, the way both dotenv parsers
 * and POSIX shells read them literally; a single quote inside is written as `'\''`.
 */
export function dotenvLine(name: string, value: string): string {
  if (value !== '' && !NEEDS_QUOTES.test(value)) return `${name}=${value}`;
  return `${name}='${value.replaceAll("'", `'\\''`)}'`;
}

/** The lines of a `.env` file, sorted by name so that two runs compare cleanly. */
export function formatDotenv(settings: Record<string, string>): string {
  return Object.keys(settings)
    .sort()
    .map((name) => `${dotenvLine(name, settings[name]!)}\n`)
    .join('');
}
