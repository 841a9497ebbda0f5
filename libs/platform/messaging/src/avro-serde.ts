import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';

import { MessagingErrorCode, MessagingException } from './messaging.exception';

const MAGIC_BYTE = 0;

export interface AvroSerdeOptions {
  /** Confluent-compatible registry base URL, e.g. http://127.0.0.1:8081/apis/ccompat/v7 */
  registryUrl: string;
  auth?: { username: string; password: string };
}

/**
 * Avro in the Confluent wire format (magic byte, 4-byte schema id, Avro binary).
 * Producers encode with the schema compiled into their contracts and look up its registry id by
 * schema (a producer never registers: schemas:register does, after the compatibility check).
 * Consumers decode with the writer's schema from the registry, resolved into their own reader schema,
 * so a v2 consumer reads v1 records with defaults filled in.
 */
export class AvroSerde {
  readonly registry: SchemaRegistry;
  private readonly writerIds = new Map<string, Promise<number>>();
  // Schemas come from the compiled-in catalog: the same object every call, so identity is a cheap key.
  private readonly typesBySchema = new WeakMap<object, avro.Type>();
  private readonly idsBySchema = new WeakMap<object, Map<string, Promise<number>>>();
  private readonly writerTypes = new Map<number, Promise<avro.Type>>();
  private readonly readerTypes = new Map<string, avro.Type>();
  private readonly resolvers = new WeakMap<avro.Type, Map<number, avro.Resolver | null>>();

  constructor(options: AvroSerdeOptions) {
    this.registry = new SchemaRegistry({
      host: options.registryUrl,
      auth: options.auth,
      retry: { retries: 3 },
    });
  }

  /** Avro type of a schema (cached by its canonical JSON). */
  typeOf(schema: object): avro.Type {
    const known = this.typesBySchema.get(schema);
    if (known) return known;
    const key = JSON.stringify(schema);
    let type = this.readerTypes.get(key);
    if (!type) {
      type = avro.Type.forSchema(schema as avro.Schema);
      this.readerTypes.set(key, type);
    }
    this.typesBySchema.set(schema, type);
    return type;
  }

  async encode(subject: string, schema: object, value: unknown): Promise<Buffer> {
    const type = this.typeOf(schema);
    const id = await this.schemaId(subject, schema);
    const paths: string[] = [];
    if (!type.isValid(value, { errorHook: (path) => paths.push(path.join('.') || '(root)') })) {
      throw new MessagingException(
        MessagingErrorCode.InvalidPayload,
        `value for ${subject} does not match its schema at: ${paths.join(', ')}`,
      );
    }
    const body = type.toBuffer(value);
    const out = Buffer.allocUnsafe(5 + body.length);
    out.writeUInt8(MAGIC_BYTE, 0);
    out.writeInt32BE(id, 1);
    body.copy(out, 5);
    return out;
  }

  /** Decodes with `readerSchema` when given, else with the writer's schema. */
  async decode<T>(buffer: Buffer, readerSchema?: object): Promise<{ value: T; schemaId: number }> {
    if (buffer.length < 5 || buffer.readUInt8(0) !== MAGIC_BYTE) {
      throw new MessagingException(
        MessagingErrorCode.DecodeFailed,
        'not in the Confluent wire format (bad magic byte)',
      );
    }
    const schemaId = buffer.readInt32BE(1);
    const writer = await this.writerType(schemaId);
    const payload = buffer.subarray(5);
    try {
      if (!readerSchema) return { value: writer.fromBuffer(payload) as T, schemaId };
      const reader = this.typeOf(readerSchema);
      const resolver = this.resolver(schemaId, writer, reader);
      const value: unknown = resolver ? reader.fromBuffer(payload, resolver) : reader.fromBuffer(payload);
      return { value: value as T, schemaId };
    } catch (error) {
      throw new MessagingException(
        MessagingErrorCode.DecodeFailed,
        `schema id ${schemaId}: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  private schemaId(subject: string, schema: object): Promise<number> {
    let bySubject = this.idsBySchema.get(schema);
    if (!bySubject) {
      bySubject = new Map();
      this.idsBySchema.set(schema, bySubject);
    }
    const cached = bySubject.get(subject);
    if (cached) return cached;
    const key = `${subject}\u0000${JSON.stringify(schema)}`;
    let id = this.writerIds.get(key);
    if (!id) {
      id = this.registry
        .getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(schema) })
        .catch((error: unknown) => {
          this.writerIds.delete(key);
          throw new MessagingException(
            MessagingErrorCode.SchemaNotRegistered,
            `the producer's schema for ${subject} is not registered (run ./tradewind schemas register)`,
            { cause: error },
          );
        });
      this.writerIds.set(key, id);
    }
    const resolved = id;
    bySubject.set(subject, resolved);
    // A failed lookup must not stay cached under the schema object either.
    resolved.catch(() => bySubject.delete(subject));
    return resolved;
  }

  private writerType(id: number): Promise<avro.Type> {
    let type = this.writerTypes.get(id);
    if (!type) {
      type = this.registry.getSchema(id).then(
        // The registry client parses Avro schemas into avsc types already.
        (schema) =>
          avro.Type.isType(schema)
            ? (schema as unknown as avro.Type)
            : avro.Type.forSchema(schema as avro.Schema),
        (error: unknown) => {
          this.writerTypes.delete(id);
          throw new MessagingException(
            MessagingErrorCode.RegistryUnavailable,
            `schema id ${id} could not be fetched`,
            {
              cause: error,
            },
          );
        },
      );
      this.writerTypes.set(id, type);
    }
    return type;
  }

  private resolver(id: number, writer: avro.Type, reader: avro.Type): avro.Resolver | null {
    let byWriter = this.resolvers.get(reader);
    if (!byWriter) {
      byWriter = new Map();
      this.resolvers.set(reader, byWriter);
    }
    let resolver = byWriter.get(id);
    if (resolver === undefined) {
      resolver = reader.equals(writer) ? null : reader.createResolver(writer);
      byWriter.set(id, resolver);
    }
    return resolver;
  }
}
