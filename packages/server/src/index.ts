export { buildServer, type BuildServerOptions } from './build-server.js';
export { startServer, assertServable, type StartServerOptions, type RunningServer } from './start-server.js';
export { registeredRoutes, type RegisteredRoute } from './route-registry.js';
export { isLoopbackHost } from './auth/loopback.js';
export { bearerMatches } from './auth/bearer-token.js';
export { PipelineNotFoundError, LogNotFoundError, UnauthorizedError } from './errors/server-errors.js';
export { problemSchema, type Problem } from './errors/problem.js';
