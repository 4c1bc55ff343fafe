/**
 * Worker threads that do heavy work beside the thread taking in MQTT messages
 * (the history writer, certificate inspection) run at a lower scheduling
 * priority than it: when the CPU is short, the message thread is served
 * first and the worker falls behind instead (the history writer queues, up
 * to its bound, and catches up when messages slow down). On Linux a thread
 * has its own nice value, and `os.setPriority` without a pid sets the calling
 * thread's; elsewhere the same call would lower the whole process, so it is
 * not made there.
 */
import os from 'node:os';

/**
 * Nice value of a background thread: the lowest, yet not idle-only (it still gets
 * a small share of a busy CPU, and all of an idle one). Measured on the ingest
 * benchmark (2 cores shared with the sending process): recording every message ran at 346k
 * msgs/s with the writer at nice 10 and 370k at 19, while the ingest alone ran
 * at the same rate.
 */
export const BACKGROUND_NICE = 19;

/** Lowers the calling worker thread's priority (Linux); true when it did. */
export function runInBackground(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    os.setPriority(BACKGROUND_NICE);
    return true;
  } catch {
    // Not permitted (a sandbox, a container policy): the worker runs at the usual priority.
    return false;
  }
}
