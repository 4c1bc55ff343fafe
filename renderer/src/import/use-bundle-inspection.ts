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
import type { AppError } from '../../../shared/result';
import { client } from '../client';
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
  const [picked, setPicked] = useState<PickedFile[]>([]);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [inspecting, setInspecting] = useState(false);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const generation = useRef(0);
  /** The inspection whose answer is awaited, if any. */
  const running = useRef<string | null>(null);
  // The selection as of now, for requests started from async code (state lags a render behind).
  const current = useRef<PickedFile[]>([]);

  useEffect(() => {
    const off = client.on('certificates.progress', (p) => {
      if (p.inspectionId === running.current) setProgress(p);
    });
    return () => {
      off();
      // Closing the wizard stops the core's work on it.
      stop();
    };
  }, []);

  function stop(): void {
    const inspectionId = running.current;
    running.current = null;
    if (inspectionId) void client.invoke('certificates.cancel', { inspectionId });
  }

  async function inspect(files: PickedFile[], passphrase?: string): Promise<void> {
    const run = ++generation.current;
    const problem = bundleProblem(files);
    if (problem) {
      setError(problem);
      return;
    }
    setInspecting(true);
    setProgress(null);
    setError(null);
    const inspectionId = newInspectionId();
    try {
      const bundle = await readBundle(files);
      if (run !== generation.current) return;
      running.current = inspectionId;
      const result = await client.invoke('certificates.inspect', { files: bundle, inspectionId, ...(passphrase ? { passphrase } : {}) });
      if (running.current === inspectionId) running.current = null;
      if (run !== generation.current) return;
      if (result.ok) setSummary(result.value);
      else setError(result.error);
    } catch (e) {
      if (run === generation.current) {
        setError({ code: 'file_unreadable', message: 'A file could not be read.', hint: `Check that it still exists and can be opened. (${String((e as Error)?.message ?? e)})` });
      }
    } finally {
      if (run === generation.current) {
        setInspecting(false);
        setProgress(null);
      }
    }
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
          setError({ code: 'drop_unreadable', message: 'The dropped files could not be read.', hint: `Pick them with the file or folder button instead. (${String((e as Error)?.message ?? e)})` });
          return;
        }
        if (added.length === 0) {
          setError({ code: 'bundle_empty', message: 'No files were found in what you picked.', hint: 'Pick the certificate and key files, the zip, or the folder that holds them.' });
          return;
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
      generation.current++;
      stop();
      current.current = [];
      setPicked([]);
      setSummary(null);
      setError(null);
      setInspecting(false);
      setProgress(null);
    },
    cancel() {
      generation.current++;
      stop();
      setInspecting(false);
      setProgress(null);
    },
  };
}
