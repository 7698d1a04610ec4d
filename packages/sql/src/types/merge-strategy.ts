/** How staged rows reach the final table. */
export type MergeStrategy = 'merge' | 'delete-insert' | 'append' | 'replace';
