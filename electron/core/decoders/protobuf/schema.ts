/**
 * The operator's `.proto` files compiled with protobufjs into one root, from
 * their text alone: nothing is ever read from disk. Imports are resolved
 * among the files imported together (by name or last path part) and the
 * well-known `google/protobuf/*.proto` types protobufjs carries. A file that
 * does not compile is refused with the file and line of the fault: from the
 * parser's own "(line N)", else the line where the name the error quotes is
 * written. Small and synchronous: a schema is kilobytes, parsed on import and
 * when a connection's decoders change, never per message.
 */
import type * as Protobuf from 'protobufjs';
import { protobuf } from '../libraries';
import type { ProtoFile } from '../../../../shared/decoders';
import { libraryReason } from '../decode-error';

export class ProtoError extends Error {
  constructor(
    readonly reason: string,
    readonly file: string,
    readonly line: number | null,
  ) {
    super(`${file}${line === null ? '' : `, line ${line}`}: ${reason}`);
  }
}

export interface CompiledProtos {
  root: Protobuf.Root;
  /** Full names of every message type defined by the files (not the well-known ones). */
  messages: string[];
}

const baseName = (name: string) => name.slice(name.lastIndexOf('/') + 1);

/** The 1-based line of the first place `pattern` matches, or null. */
function lineOf(text: string, pattern: RegExp): number | null {
  const match = pattern.exec(text);
  if (!match) return null;
  let line = 1;
  for (let i = 0; i < match.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where an error without a line number points: the line of the last part of the name it quotes. */
function locate(message: string, files: readonly ProtoFile[], prefer: ProtoFile | null): { file: string; line: number | null } {
  const quoted = /'([^']+)'/.exec(message)?.[1];
  const duplicateId = /duplicate id (\d+) in Type \.?([\w.]+)/.exec(message);
  const order = prefer ? [prefer, ...files.filter((f) => f !== prefer)] : [...files];
  for (const file of order) {
    if (duplicateId) {
      const typeName = (duplicateId[2] as string).split('.').pop() as string;
      const start = lineOf(file.text, new RegExp(`\\bmessage\\s+${escape(typeName)}\\b`));
      if (start === null) continue;
      const lines = file.text.split('\n');
      let seen = 0;
      for (let i = start - 1; i < lines.length; i++) {
        if (new RegExp(`=\\s*${duplicateId[1]}\\s*[;\\[]`).test(lines[i] as string) && ++seen === 2) return { file: file.name, line: i + 1 };
      }
      return { file: file.name, line: start };
    }
    if (quoted) {
      // The name as written (`common.Unit`), else its last part (`Unit` inside its package).
      for (const name of [quoted.replace(/^\./, ''), quoted.split('.').pop() as string]) {
        const line = lineOf(file.text, new RegExp(`(^|[^\\w.])${escape(name)}(?![\\w])`, 'm'));
        if (line !== null) return { file: file.name, line };
      }
    }
  }
  return { file: (prefer ?? files[0])?.name ?? '.proto', line: null };
}

/** The parser's words without its "(line N)", which the error states on its own. */
function tidy(message: string): string {
  return message
    .replace(/\s*\((?:[^,()]*, )?line \d+\)\s*$/, '')
    .replace(/ in (Type|Namespace|Enum|Service) \.?[\w.]*$/, '')
    .replace(/^no such Type or Enum/, 'no message or enum named');
}

export function compileProtos(files: readonly ProtoFile[]): CompiledProtos {
  const root = new protobuf.Root();
  const added = new Set<string>();
  const missing: Array<{ file: ProtoFile; name: string }> = [];
  for (const file of files) {
    let parsed: Protobuf.IParserResult;
    try {
      parsed = protobuf.parse(file.text, root, { keepCase: true, alternateCommentMode: true });
    } catch (error) {
      const message = libraryReason(error);
      const line = /line (\d+)\)\s*$/.exec(message)?.[1];
      if (line) throw new ProtoError(tidy(message), file.name, Number(line));
      const at = locate(message, [file], file);
      throw new ProtoError(tidy(message), at.file, at.line);
    }
    for (const name of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
      const common = protobuf.common.get(name) as Protobuf.INamespace | null;
      if (common?.nested) {
        if (!added.has(name)) root.addJSON(common.nested);
        added.add(name);
      } else if (!files.some((f) => f.name === name || baseName(f.name) === baseName(name))) missing.push({ file, name });
    }
  }
  try {
    root.resolveAll();
  } catch (error) {
    const message = libraryReason(error);
    const at = locate(message, files, null);
    const lacking = missing.find((m) => m.file.name === at.file) ?? missing[0];
    const also = lacking ? ` (${lacking.file.name} imports "${lacking.name}", which was not imported with it: import that file too)` : '';
    throw new ProtoError(`${tidy(message)}${also}`, at.file, at.line);
  }
  const messages: string[] = [];
  const open: Protobuf.ReflectionObject[] = [...root.nestedArray];
  while (open.length > 0) {
    const item = open.pop() as Protobuf.ReflectionObject;
    if (item instanceof protobuf.Type && !item.fullName.startsWith('.google.protobuf.')) messages.push(item.fullName.slice(1));
    if (item instanceof protobuf.Namespace) open.push(...item.nestedArray);
  }
  messages.sort();
  return { root, messages };
}
