import type { DialectName } from '@pipeline/sql';

/** Redshift endpoints speak the PostgreSQL protocol but Redshift's SQL. */
export function dialectForUrl(url: string | undefined): DialectName {
  if (!url) return 'postgres';
  try {
    return /\.redshift(-serverless)?\.amazonaws\.com(\.cn)?$/i.test(new URL(url).hostname) ? 'redshift' : 'postgres';
  } catch {
    return 'postgres';
  }
}
