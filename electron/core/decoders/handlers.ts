/**
 * The `decoders.*` and `sparkplug.*` channels: reading a `.proto` file the
 * operator picked (its text, never a path) into the messages it defines, the
 * Sparkplug B tree of a connection, and the rebirth request, published on
 * the connection's own session (refused while it is down, like any publish).
 */
import { AppFailure } from '../../../shared/result';
import type { Handlers } from '../ipc/dispatcher';
import type { SessionManager } from '../sessions/manager';
import type { Telemetry } from '../telemetry/service';
import { compileProtos, ProtoError } from './protobuf/schema';
import { rebirthCommand } from './sparkplug/commands';

export function decoderHandlers({ telemetry, sessions }: { telemetry: Pick<Telemetry, 'sparkplugTree'>; sessions: Pick<SessionManager, 'get'> }) {
  return {
    'decoders.inspectProto': ({ file, others }) => {
      try {
        const { messages } = compileProtos([...others.filter((o) => o.name !== file.name), file]);
        if (messages.length === 0) throw new AppFailure('proto_invalid', `${file.name} defines no message.`, 'Import the .proto file that declares the messages your devices send.', ['file', 'text']);
        return { name: file.name, messages };
      } catch (error) {
        if (error instanceof ProtoError) throw new AppFailure('proto_invalid', `${error.message}.`, 'Fix the file and import it again; a file it imports must be imported with it.', ['file', 'text']);
        throw error;
      }
    },
    'sparkplug.tree': ({ connectionId }) => telemetry.sparkplugTree(connectionId),
    'sparkplug.rebirth': async ({ connectionId, group, edge }) => {
      const command = rebirthCommand(group, edge);
      await sessions.get(connectionId).publish(command.topic, command.payload, { qos: 0, retain: false });
      return { topic: command.topic };
    },
  } satisfies Pick<Handlers, 'decoders.inspectProto' | 'sparkplug.tree' | 'sparkplug.rebirth'>;
}
