/**
 * Turning what the operator picks or drops into the bundle the core inspects:
 * files from an `<input type=file>` (a folder pick keeps each file's path
 * inside the folder), dropped files and dropped folders (walked with
 * `webkitGetAsEntry`), read as base64. Zips go as they are: the core opens
 * them. Bounded like the contract: at most 500 files and 16 MB in all.
 */
import { MAX_BUNDLE_BYTES, type BundleFile } from '../../../shared/certificates';
import type { AppError } from '../../../shared/result';
import { readBase64 } from '../connections/files';

export const MAX_BUNDLE_FILES = 500;

/** A file the operator chose, under the name the summary will show (its path inside a dropped or picked folder). */
export interface PickedFile {
  name: string;
  file: File;
}

/** Files of a file or folder input; a folder pick sets `webkitRelativePath`. */
export function pickedFromList(list: FileList | null): PickedFile[] {
  return Array.from(list ?? []).map((file) => ({ name: file.webkitRelativePath || file.name, file }));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

/** Every file under `entry`, depth first; stops once `out` holds more than the limit (the caller reports it). */
async function walk(entry: FileSystemEntry, out: PickedFile[], depth: number): Promise<void> {
  if (out.length > MAX_BUNDLE_FILES || depth > 16) return;
  if (entry.isFile) {
    out.push({ name: entry.fullPath.replace(/^\/+/, '') || entry.name, file: await fileOf(entry as FileSystemFileEntry) });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (100 in Chromium) until it returns an empty one.
  for (let batch = await readBatch(reader); batch.length > 0; batch = await readBatch(reader)) {
    for (const child of batch) await walk(child, out, depth + 1);
    if (out.length > MAX_BUNDLE_FILES) return;
  }
}

/**
 * Files and folders of a drop. The entries must be taken while the drop
 * event runs (the DataTransfer is emptied afterwards), so this reads them
 * synchronously first and walks them afterwards.
 */
export function pickedFromDrop(transfer: DataTransfer): Promise<PickedFile[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (entries.length === 0 && loose.length === 0) loose.push(...Array.from(transfer.files));
  return (async () => {
    const out: PickedFile[] = loose.map((file) => ({ name: file.name, file }));
    for (const entry of entries) await walk(entry, out, 0);
    return out;
  })();
}

/** `added` replaces earlier files of the same name, so picking a file again does not send it twice. */
export function mergePicked(existing: PickedFile[], added: PickedFile[]): PickedFile[] {
  const byName = new Map(existing.map((p) => [p.name, p]));
  for (const p of added) byName.set(p.name, p);
  return [...byName.values()];
}

/** A sentence when the selection is over the contract's bounds, else null. */
export function bundleProblem(picked: PickedFile[]): AppError | null {
  if (picked.length > MAX_BUNDLE_FILES) {
    return { code: 'bundle_too_many_files', message: `That is more than ${MAX_BUNDLE_FILES} files.`, hint: 'Pick the folder that holds only the certificates and keys, or the files themselves.' };
  }
  const total = picked.reduce((sum, p) => sum + p.file.size, 0);
  if (total > MAX_BUNDLE_BYTES) {
    const mb = (total / 1024 / 1024).toFixed(1);
    return { code: 'bundle_too_large', message: `These files add up to ${mb} MB; a certificate bundle is a few kilobytes.`, hint: 'Pick only the certificates, keys, PKCS#12 files or the zip that holds them.' };
  }
  return null;
}

export function readBundle(picked: PickedFile[]): Promise<BundleFile[]> {
  return Promise.all(picked.map(async (p) => ({ name: p.name, base64: await readBase64(p.file) })));
}
