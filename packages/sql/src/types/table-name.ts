/** A table, always schema-qualified (`public` when the text named none). */
export interface TableName {
  schema: string;
  name: string;
}
