export { getPostgresUrl, LOCAL_POSTGRES_URL } from './postgres-url.js';
export { startEmbeddedPostgres, type EmbeddedPostgresOptions, type EmbeddedPostgresServer } from './embedded-postgres.js';
export { createTestSchema, type TestSchema } from './test-schema.js';
export { startMoto, type MotoServer } from './moto.js';
export { repoRoot } from './repo-root.js';
export { venvPython } from './venv-python.js';
export { uniqueName } from './unique-name.js';
export { freePort } from './free-port.js';
