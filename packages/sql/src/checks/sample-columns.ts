/** Key columns first, then the checked columns not already among them (all quoted). */
export function sampleColumns(key: readonly string[], checked: readonly string[]): string[] {
  return [...key, ...checked.filter((c) => !key.includes(c))];
}
