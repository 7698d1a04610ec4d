export type { Warehouse, CallOptions } from './warehouse.js';
export { PostgresWarehouse, type PostgresWarehouseOptions } from './postgres-warehouse.js';
export { WarehouseError } from './warehouse-error.js';
export { transactionBody } from './transaction-shape.js';
