/**
 * The staging table's alias in MERGE. The target is never aliased: Redshift's MERGE accepts an
 * alias on its source only.
 */
export const STAGING_ALIAS = '"src"';
