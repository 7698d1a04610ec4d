/** The warehouse engines SQL is generated for. PostgreSQL stands in for Redshift locally. */
export type DialectName = 'postgres' | 'redshift';
