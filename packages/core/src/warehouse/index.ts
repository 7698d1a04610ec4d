export type { Warehouse, CallOptions } from './warehouse.js';
export { PostgresWarehouse, type PostgresWarehouseOptions } from './postgres-warehouse.js';
export { WarehouseError } from './warehouse-error.js';
export { transactionBody } from './transaction-shape.js';
export { RedshiftDataWarehouse } from './redshift-data-warehouse.js';
export type { RedshiftDataOptions, RedshiftDataTarget } from './redshift-data/redshift-data-options.js';
export { createRedshiftDataClient } from './redshift-data/create-redshift-data-client.js';
export { DataApiError, type DataApiErrorCode } from './redshift-data/data-api-error.js';
export { WarehouseLoadError, type LoadErrorRow } from './redshift-data/warehouse-load-error.js';
