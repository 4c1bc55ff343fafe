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

/** Nice value of a background thread: well below the message thread's 0, not idle-only. */
export const BACKGROUND_NICE = 10;

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
