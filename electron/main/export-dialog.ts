/**
 * Where an export is saved, asked with main's own save dialog over the window
 * that asked for it: the renderer never names a path for main to write.
 */
import { BrowserWindow, dialog, webContents } from 'electron';
import type { ChooseExportFile } from '../core/history/exports';

export const chooseExportFile: ChooseExportFile = async (fileName, client) => {
  const id = Number(/^ipc:(\d+)$/.exec(client)?.[1]);
  const contents = Number.isInteger(id) ? webContents.fromId(id) : undefined;
  const window = contents ? BrowserWindow.fromWebContents(contents) : null;
  const extension = fileName.split('.').pop() ?? 'csv';
  const kind = { jsonl: 'JSON Lines', html: 'HTML page' }[extension] ?? 'CSV';
  const options = { defaultPath: fileName, filters: [{ name: kind, extensions: [extension] }] };
  const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? null : result.filePath;
};
