/**
 * The sentence after the demo is removed: what went, as the operator saw it.
 */
export function removedText(name: string, charts: number, key: boolean): string {
  const dashboard = charts ? ` with its ${charts} chart${charts === 1 ? '' : 's'}` : '';
  const secret = key ? ', and its client key from the keychain' : '';
  return `Demo removed: its broker and simulated devices, the connection ${name}${dashboard}${secret}.`;
}
