export { createServices, createRemoteCompute, createWarehouse, secretProviderFor, resolveConnectionString, tempStore, type Services } from './create-services.js';
export { dialectForUrl } from './warehouse-dialect.js';
export { jdbcReadFromUrl, JDBC_PASSWORD_ENV } from './jdbc-read.js';
