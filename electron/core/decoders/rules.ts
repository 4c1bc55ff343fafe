/**
 * A connection's decoder rules made ready to use: each rule's decoder built
 * once (Protobuf rules from the connection's `.proto` files compiled
 * together), and `match` picking the first rule whose filter matches a
 * topic. Matching runs once per topic (the result is kept on the topic), not
 * per message. A schema that stopped compiling (a file imported from an
 * export) does not stop the connection: its rules decode nothing and say why
 * on every payload they refuse.
 */
import { DECODER_LABELS, type Decoders, type DecoderRule } from '../../../shared/decoders';
import { topicMatchesFilter } from '../../../shared/mqtt';
import { AppFailure } from '../../../shared/result';
import { DecodeError } from './decode-error';
import { stateless, type PayloadDecoder } from './decoder';
import { cborDecoder, hexDecoder, jsonDecoder, msgpackDecoder, textDecoder } from './formats';
import { protobufDecoder } from './protobuf/decoder';
import { compileProtos, ProtoError, type CompiledProtos } from './protobuf/schema';
import { SparkplugDecoder } from './sparkplug/decoder';
import type { SparkplugState } from './sparkplug/state';

export interface CompiledRules {
  match(topic: string): PayloadDecoder | null;
}

function refusing(reason: string): PayloadDecoder {
  return stateless('protobuf', () => {
    throw new DecodeError(reason);
  });
}

/** The Protobuf message a rule names, or why there is none. */
function messageType(protos: CompiledProtos, name: string): ReturnType<CompiledProtos['root']['lookupType']> | string {
  const wanted = name.replace(/^\./, '');
  if (!protos.messages.includes(wanted)) {
    const near = protos.messages.filter((m) => m.endsWith(`.${wanted}`) || m === wanted.split('.').pop());
    return `no imported .proto file defines the message ${wanted}${near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : ''}`;
  }
  return protos.root.lookupType(wanted);
}

/** Checks what a save would keep: .proto files that compile, and Protobuf rules naming a message they define. */
export function checkDecoders(decoders: Decoders): void {
  if (decoders.protos.length === 0 && !decoders.rules.some((r) => r.decoder === 'protobuf')) return;
  let protos: CompiledProtos;
  try {
    protos = compileProtos(decoders.protos);
  } catch (error) {
    if (error instanceof ProtoError) {
      const index = decoders.protos.findIndex((p) => p.name === error.file);
      throw new AppFailure('proto_invalid', `${error.message}.`, 'Fix the .proto file and import it again, or import the files it needs with it.', ['settings', 'decoders', 'protos', Math.max(0, index), 'text']);
    }
    throw error;
  }
  decoders.rules.forEach((rule, i) => {
    if (rule.decoder !== 'protobuf') return;
    const found = messageType(protos, rule.message);
    if (typeof found === 'string') {
      throw new AppFailure('decoder_invalid', `The rule for ${rule.filter}: ${found}.`, protos.messages.length ? `Pick one of: ${protos.messages.slice(0, 8).join(', ')}${protos.messages.length > 8 ? '…' : ''}.` : 'Import the .proto file that defines it first.', ['settings', 'decoders', 'rules', i, 'message']);
    }
  });
}

export function compileRules(decoders: Decoders, sparkplug: SparkplugState): CompiledRules {
  let protos: CompiledProtos | string | null = null;
  const protoRoot = (): CompiledProtos | string => {
    if (protos === null) {
      try {
        protos = compileProtos(decoders.protos);
      } catch (error) {
        protos = `the connection's .proto files do not compile (${error instanceof Error ? error.message : String(error)})`;
      }
    }
    return protos;
  };
  const sparkplugDecoder = new SparkplugDecoder(sparkplug);
  const build = (rule: DecoderRule): PayloadDecoder => {
    switch (rule.decoder) {
      case 'sparkplug':
        return sparkplugDecoder;
      case 'protobuf': {
        const compiled = protoRoot();
        if (typeof compiled === 'string') return refusing(compiled);
        const type = messageType(compiled, rule.message);
        return typeof type === 'string' ? refusing(type) : protobufDecoder(type);
      }
      case 'cbor':
        return cborDecoder;
      case 'msgpack':
        return msgpackDecoder;
      case 'json':
        return jsonDecoder;
      case 'text':
        return textDecoder;
      case 'hex':
        return hexDecoder;
    }
  };
  const rules = decoders.rules.map((rule) => ({ filter: rule.filter, decoder: build(rule) }));
  return {
    match(topic) {
      for (const rule of rules) if (topicMatchesFilter(rule.filter, topic)) return rule.decoder;
      return null;
    },
  };
}

export { DECODER_LABELS };
