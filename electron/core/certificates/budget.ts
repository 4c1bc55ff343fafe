/**
 * One import's allowance, IMPORT_LIMITS, over all its files and every archive
 * inside them (a zip's own limits only bound that zip): bytes read and
 * unpacked, files and entries, items, and key derivation rounds. Also where
 * the import's progress goes.
 */
import { IMPORT_LIMITS, type ImportProgress } from '../../../shared/certificates';
import { kdfMeter, type KdfMeter } from './pkcs12';
import type { ZipLimits } from './zip';

export type InspectProgress = Omit<ImportProgress, 'inspectionId'>;

export type ImportLimits = Pick<typeof IMPORT_LIMITS, 'maxTotalBytes' | 'maxEntries' | 'maxItems' | 'maxTotalKdfRounds'>;

export class ImportBudget {
  private bytes = 0;
  private entries = 0;
  private items = 0;
  readonly meter: KdfMeter;

  constructor(
    readonly progress: (progress: InspectProgress) => void = () => undefined,
    readonly limits: ImportLimits = IMPORT_LIMITS,
  ) {
    this.meter = kdfMeter(limits.maxTotalKdfRounds, (done, total) => progress({ stage: 'deriving', done, total }));
  }

  /** Counts a file, or an entry unpacked from an archive, of `bytes`; false when the import would go over its limits. */
  takeEntry(bytes: number): boolean {
    if (this.entries + 1 > this.limits.maxEntries || this.bytes + bytes > this.limits.maxTotalBytes) return false;
    this.entries++;
    this.bytes += bytes;
    return true;
  }

  /** Counts a certificate, key or other block; false when the import already holds as many as it may. */
  takeItem(): boolean {
    if (this.items >= this.limits.maxItems) return false;
    this.items++;
    return true;
  }

  get itemsLeft(): number {
    return this.limits.maxItems - this.items;
  }

  /** The limits for the next archive: its own, tightened to what the import has left, and which of them the import tightened. */
  zipLimits(own: ZipLimits): { limits: ZipLimits; tightened: Set<keyof ZipLimits> } {
    const entriesLeft = this.limits.maxEntries - this.entries;
    const bytesLeft = this.limits.maxTotalBytes - this.bytes;
    const tightened = new Set<keyof ZipLimits>();
    if (entriesLeft < own.maxEntries) tightened.add('maxEntries');
    if (bytesLeft < own.maxTotalBytes) tightened.add('maxTotalBytes');
    return { limits: { ...own, maxEntries: Math.min(own.maxEntries, entriesLeft), maxTotalBytes: Math.min(own.maxTotalBytes, bytesLeft) }, tightened };
  }
}
