/**
 * CRL files the operator adds to a connection, as the form keeps them: the
 * picked bytes read as PEM, or DER wrapped in PEM (shared/revocation.ts),
 * and refused with the reason when they are not a CRL. The bytes travel to
 * main inside the connection's settings; no path ever does.
 */
import { crlFieldProblem, crlFileText, MAX_CRL_FILES } from '../../../shared/revocation';
import type { AppError } from '../../../shared/result';

export interface PickedCrl {
  name: string;
  text: string;
}

export function pickCrlFile(name: string, bytes: Uint8Array, already: number): { taken: PickedCrl | null; refused: AppError | null } {
  const refuse = (why: string) => ({ taken: null, refused: { code: 'crl_file_refused' as const, message: `${name} was not added. ${why}`, hint: '' } });
  if (already >= MAX_CRL_FILES) return refuse(`A connection keeps at most ${MAX_CRL_FILES} CRL files; remove one first.`);
  const text = crlFileText(bytes);
  if (text === null) return refuse('It is neither a PEM nor a DER certificate revocation list.');
  const problem = crlFieldProblem(text);
  return problem ? refuse(problem) : { taken: { name, text }, refused: null };
}
