/**
 * The one error a decoder throws: a payload that is not what its rule says,
 * with the reason in a sentence an operator can act on. Anything else a
 * library throws is turned into one of these at the decoder's edge, so a
 * hostile payload can never escape as an unexpected exception.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/** The library's own words, for the end of a reason (`…: index out of range: 3 + 4 > 5`). */
export function libraryReason(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'it is nested too deeply';
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 160 ? `${message.slice(0, 160)}…` : message;
}
