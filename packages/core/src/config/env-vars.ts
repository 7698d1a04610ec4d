/** Every environment variable the product reads, in one place. */
export const ENV = {
  configFile: 'PIPELINE_CONFIG',
  pipelinesDir: 'PIPELINE_PIPELINES_DIR',
  warehouse: 'PIPELINE_WAREHOUSE',
  warehouseUrl: 'PIPELINE_WAREHOUSE_URL',
  warehouseDialect: 'PIPELINE_WAREHOUSE_DIALECT',
  secretArn: 'PIPELINE_SECRET_ARN',
  compute: 'PIPELINE_COMPUTE',
  tempDir: 'PIPELINE_TEMP_DIR',
  logLevel: 'PIPELINE_LOG_LEVEL',
  sparkSubmit: 'PIPELINE_SPARK_SUBMIT',
  sparkMaster: 'PIPELINE_SPARK_MASTER',
  sparkPython: 'PIPELINE_SPARK_PYTHON',
  jdbcJar: 'PIPELINE_JDBC_JAR',
  region: 'AWS_REGION',
  redisUrl: 'REDIS_URL',
  keyPrefix: 'PIPELINE_KEY_PREFIX',
} as const;
