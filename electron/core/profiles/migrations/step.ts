/**
 * What one step of the profiles file's format history is: a pure function from
 * the profiles as format N wrote them (parsed JSON, not yet validated: an old
 * file is outside input like any other) to format N + 1, with a sentence per
 * change the operator should know of, and any secret it took out of the file
 * for the store to move to the keychain before the file is rewritten.
 */
import type { SecretItem } from '../../../../shared/profiles';

/** A secret a step found in the file; it is no longer in the profiles the step returns. */
export interface FoundSecret {
  profileId: string;
  profileName: string;
  item: SecretItem;
  value: string;
}

export interface StepResult {
  profiles: unknown[];
  notes: string[];
  secrets: FoundSecret[];
}

export interface MigrationStep {
  /** The format this step reads; it writes `from + 1`. */
  from: number;
  run(profiles: readonly unknown[]): StepResult;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
