/**
 * The wizard's bundle: which files the operator chose (as `File` handles, not
 * their bytes), and the core's summary of them. Bytes are read for each
 * request and not kept; a passphrase travels in one request and is never
 * stored. A newer pick or unlock wins over an older answer still in flight
 * (the core drops the older inspection too); while the core reads, its
 * progress is shown, and cancelling or closing the wizard stops it.
 */
import { useEffect, useRef, useState } from 'react';
import type { ImportProgress, ImportSummary } from '../../../shared/certificates';
import { err, type AppError } from '../../../shared/result';
import { useClient } from '../app/services';
import { useAction } from '../feedback/use-action';
import { bundleProblem, mergePicked, readBundle, type PickedFile } from './bundle-files';

export interface BundleInspection {
  picked: PickedFile[];
  summary: ImportSummary | null;
  error: AppError | null;
  inspecting: boolean;
  /** What the core is doing for the inspection under way, once it says. */
  progress: ImportProgress | null;
  /** Adds files (replacing earlier ones of the same name) and inspects the whole selection. */
  add(files: PickedFile[] | Promise<PickedFile[]>): void;
  /** Inspects the same selection again with a passphrase. */
  unlock(passphrase: string): void;
  clear(): void;
  /** Stops the inspection under way; the files stay picked. */
  cancel(): void;
}

/** A fresh id per inspection, so its progress and its cancel name it and no other. */
function newInspectionId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function useBundleInspection(): BundleInspection {
  const client = useClient();
  const [picked, setPicked] = useState<PickedFile[]>([]);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  // Only the latest inspection shows: a newer pick, unlock, cancel or clear silences one still in flight.
  const { busy: inspecting, error, run, fail, reset } = useAction();
  /** The inspection whose answer is awaited, if any. */
  const running = useRef<string | null>(null);
  // The selection as of now, for requests started from async code (state lags a render behind).
  const current = useRef<PickedFile[]>([]);

  function stop(): void {
    const inspectionId = running.current;
    running.current = null;
    setProgress(null);
    if (inspectionId) void client.invoke('certificates.cancel', { inspectionId });
  }

  useEffect(() => {
    const off = client.on('certificates.progress', (p) => {
      if (p.inspectionId === running.current) setProgress(p);
    });
    return () => {
      off();
      // Closing the wizard stops the core's work on it.
      stop();
    };
  }, [client]);

  async function inspect(files: PickedFile[], passphrase?: string): Promise<void> {
    const problem = bundleProblem(files);
    if (problem) return fail(problem);
    const inspectionId = newInspectionId();
    setProgress(null);
    await run(
      async () => {
        let bundle: Awaited<ReturnType<typeof readBundle>>;
        try {
          bundle = await readBundle(files);
        } catch (e) {
          return err('file_unreadable', 'A file could not be read.', `Check that it still exists and can be opened. (${String((e as Error)?.message ?? e)})`);
        }
        running.current = inspectionId;
        try {
          return await client.invoke('certificates.inspect', { files: bundle, inspectionId, ...(passphrase ? { passphrase } : {}) });
        } finally {
          if (running.current === inspectionId) {
            running.current = null;
            setProgress(null);
          }
        }
      },
      { onValue: setSummary },
    );
  }

  return {
    picked,
    summary,
    error,
    inspecting,
    progress,
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
      stop();
      current.current = [];
      setPicked([]);
      setSummary(null);
    },
    cancel() {
      reset();
      stop();
    },
  };
}
