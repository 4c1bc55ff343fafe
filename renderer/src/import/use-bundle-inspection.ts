/**
 * The wizard's bundle: which files the operator chose (as `File` handles, not
 * their bytes), and the core's summary of them. Bytes are read for each
 * request and not kept; a passphrase travels in one request and is never
 * stored. A newer pick or unlock wins over an older answer still in flight.
 */
import { useRef, useState } from 'react';
import type { ImportSummary } from '../../../shared/certificates';
import { err, type AppError } from '../../../shared/result';
import { useClient } from '../app/services';
import { useAction } from '../feedback/use-action';
import { bundleProblem, mergePicked, readBundle, type PickedFile } from './bundle-files';

export interface BundleInspection {
  picked: PickedFile[];
  summary: ImportSummary | null;
  error: AppError | null;
  inspecting: boolean;
  /** Adds files (replacing earlier ones of the same name) and inspects the whole selection. */
  add(files: PickedFile[] | Promise<PickedFile[]>): void;
  /** Inspects the same selection again with a passphrase. */
  unlock(passphrase: string): void;
  clear(): void;
}

export function useBundleInspection(): BundleInspection {
  const client = useClient();
  const [picked, setPicked] = useState<PickedFile[]>([]);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  // Only the latest inspection shows: a newer pick, unlock or clear silences one still in flight.
  const { busy: inspecting, error, run, fail, reset } = useAction();
  // The selection as of now, for requests started from async code (state lags a render behind).
  const current = useRef<PickedFile[]>([]);

  async function inspect(files: PickedFile[], passphrase?: string): Promise<void> {
    const problem = bundleProblem(files);
    if (problem) return fail(problem);
    await run(
      async () => {
        let bundle: Awaited<ReturnType<typeof readBundle>>;
        try {
          bundle = await readBundle(files);
        } catch (e) {
          return err('file_unreadable', 'A file could not be read.', `Check that it still exists and can be opened. (${String((e as Error)?.message ?? e)})`);
        }
        return client.invoke('certificates.inspect', passphrase ? { files: bundle, passphrase } : { files: bundle });
      },
      { onValue: setSummary },
    );
  }

  return {
    picked,
    summary,
    error,
    inspecting,
    add(files) {
      void (async () => {
        let added: PickedFile[];
        try {
          added = await files;
        } catch (e) {
          return fail({ code: 'drop_unreadable', message: 'The dropped files could not be read.', hint: `Pick them with the file or folder button instead. (${String((e as Error)?.message ?? e)})` });
        }
        if (added.length === 0) {
          return fail({ code: 'bundle_empty', message: 'No files were found in what you picked.', hint: 'Pick the certificate and key files, the zip, or the folder that holds them.' });
        }
        const next = mergePicked(current.current, added);
        current.current = next;
        setPicked(next);
        await inspect(next);
      })();
    },
    unlock(passphrase) {
      void inspect(current.current, passphrase);
    },
    clear() {
      reset();
      current.current = [];
      setPicked([]);
      setSummary(null);
    },
  };
}
