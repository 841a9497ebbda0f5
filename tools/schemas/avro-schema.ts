import fs from 'node:fs';
import path from 'node:path';

import { Type } from 'avsc';

import { displayPath } from './paths';
import { SchemaToolErrorCode, SchemaToolException } from './schema-tool.exception';

/** A record schema as JSON (what .avsc files and the registry hold). */
export interface AvroRecordJson {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: unknown[];
  [attribute: string]: unknown;
}

export interface LoadedSchema {
  /** Absolute path, or a label when the schema did not come from a file. */
  file: string;
  /** As shown in messages. */
  shown: string;
  /** The file's text, unchanged. */
  text: string;
  json: AvroRecordJson;
  type: Type;
  /** Full name of the top-level record, e.g. io.tradewind.orders.SalesOrderState. */
  fullName: string;
}

/** Reads and validates one .avsc file (JSON, valid Avro for avsc, a record at the top). */
export function loadAvroSchema(file: string): LoadedSchema {
  const shown = displayPath(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SchemaToolException(SchemaToolErrorCode.SchemaInvalid, `${shown}: cannot be read`, {
      cause: error,
    });
  }
  return parseAvroSchema(text, shown, file);
}

/** Validates schema text; `shown` names it in messages. */
export function parseAvroSchema(text: string, shown: string, file = shown): LoadedSchema {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SchemaToolException(SchemaToolErrorCode.SchemaInvalid, `${shown}: not valid JSON: ${detail}`, {
      cause: error,
    });
  }
  return avroSchemaFromJson(json, shown, file, text);
}

export function avroSchemaFromJson(json: unknown, shown: string, file = shown, text?: string): LoadedSchema {
  let type: Type;
  try {
    type = Type.forSchema(json as Parameters<typeof Type.forSchema>[0]);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SchemaToolException(
      SchemaToolErrorCode.SchemaInvalid,
      `${shown}: not a valid Avro schema: ${detail}`,
      {
        cause: error,
      },
    );
  }
  if (!isRecordJson(json) || type.typeName !== 'record') {
    throw new SchemaToolException(
      SchemaToolErrorCode.SchemaInvalid,
      `${shown}: the top-level type must be a record (a topic value is one record per message)`,
    );
  }
  return { file, shown, text: text ?? JSON.stringify(json), json, type, fullName: type.name ?? json.name };
}

/** The schema text sent to the registry and embedded in generated code: compact JSON of the file. */
export function canonicalSchemaText(schema: LoadedSchema): string {
  return JSON.stringify(schema.json);
}

/** Every .avsc under a directory, sorted, as absolute paths. */
export function listSchemaFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.avsc')) files.push(full);
    }
  };
  walk(dir);
  return files.sort();
}

function isRecordJson(json: unknown): json is AvroRecordJson {
  return (
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    (json as { type?: unknown }).type === 'record' &&
    typeof (json as { name?: unknown }).name === 'string' &&
    Array.isArray((json as { fields?: unknown }).fields)
  );
}
