/**
 * Byte counts as an operator reads them ("900 B", "12.5 KB", "256.0 MB"): one
 * wording for the window and for the reasons main writes.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  // The unit follows the rounded figure: 1,048,575 bytes is "1.0 MB", not "1024.0 KB".
  if (Math.round((bytes / 1024) * 10) / 10 < 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
