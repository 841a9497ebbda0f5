// Container health probe: exit 0 when GET /health/<live|ready> on this container's HTTP_PORT answers 200
// within 2 s. The image's HEALTHCHECK asks `live` (restart-worthy); compose asks `ready` (report only).
'use strict';
const kind = process.argv[2] ?? 'live';
const port = process.env.HTTP_PORT;
if (kind !== 'live' && kind !== 'ready') {
  console.error(`healthcheck: unknown probe "${kind}" (live or ready)`);
  process.exit(2);
}
if (!port) {
  console.error('healthcheck: HTTP_PORT is not set');
  process.exit(1);
}
fetch(`http://127.0.0.1:${port}/health/${kind}`, { signal: AbortSignal.timeout(2000) }).then(
  (response) => process.exit(response.status === 200 ? 0 : 1),
  () => process.exit(1),
);
