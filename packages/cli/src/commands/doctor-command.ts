import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createRemoteCompute, createWarehouse, loadPipelines, localSparkPaths, secretProviderFor, tempStore, type Config } from '@pipeline/core';
import { commandContext, type CommandIo, type GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';

const run = promisify(execFile);

interface CheckLine {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

type Probe = (config: Config, env: NodeJS.ProcessEnv) => Promise<Omit<CheckLine, 'name'>>;

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';

const probes: [string, Probe][] = [
  [
    'secrets',
    async (config, env) => {
      const provider = secretProviderFor(config, env);
      try {
        const creds = await provider.get();
        const fields = Object.keys(creds).filter((k) => creds[k as keyof typeof creds] !== undefined);
        return { ok: true, detail: `${provider.description}: ${fields.length ? fields.join(', ') : 'no fields (URL only)'}` };
      } catch (err) {
        return { ok: false, detail: `${provider.description}: ${firstLine(err)}`, fix: 'check PIPELINE_SECRET_ARN, the region and the secret JSON (engine, host, port, username, password, dbname)' };
      }
    },
  ],
  [
    'warehouse',
    async (config, env) => {
      try {
        const secrets = secretProviderFor(config, env);
        const { warehouse, connectionString } = await createWarehouse(config, secrets);
        try {
          const [row] = await warehouse.query<{ version: string }>({ sql: 'SELECT version() AS version', params: [] });
          const where = connectionString ? (({ hostname, port, pathname }) => `${hostname}:${port || 5432}${pathname}`)(new URL(connectionString)) : `the Data API (${config.warehouse.workgroup ? `workgroup ${config.warehouse.workgroup}` : `cluster ${config.warehouse.cluster}`})`;
          return { ok: true, detail: `${row?.version.split(' on ')[0] ?? 'connected'} at ${where} (${warehouse.dialect.name} dialect)` };
        } finally {
          await warehouse.close();
        }
      } catch (err) {
        return {
          ok: false,
          detail: firstLine(err),
          fix:
            config.warehouse.kind === 'redshift-data'
              ? 'check PIPELINE_REDSHIFT_WORKGROUP or PIPELINE_REDSHIFT_CLUSTER, the database, the secret and the role\'s redshift-data permissions'
              : 'set PIPELINE_WAREHOUSE_URL=postgres://user@host:5432/db (or PIPELINE_SECRET_ARN) and make sure the server accepts connections',
        };
      }
    },
  ],
  [
    'compute',
    async (config) => {
      if (config.compute.kind === 'local') return { ok: true, detail: `local Spark (${config.compute.master}); see java, pyspark and jdbc driver` };
      try {
        const sparkDir = localSparkPaths().sparkDir;
        if (!sparkDir) return { ok: false, detail: 'the spark/ folder with the load job is not found', fix: 'run from the project checkout' };
        const compute = createRemoteCompute(config, tempStore(config), sparkDir);
        return { ok: true, detail: `${config.compute.kind}: ${(await compute.check?.()) ?? 'reachable'}` };
      } catch (err) {
        return { ok: false, detail: firstLine(err), fix: config.compute.kind === 'emr' ? 'check PIPELINE_EMR_CLUSTER_ID / PIPELINE_EMR_CLUSTER_NAME, the region and the role\'s EMR permissions' : 'check PIPELINE_EMR_SERVERLESS_APPLICATION_ID, the region and the role\'s EMR Serverless permissions' };
      }
    },
  ],
  [
    'java',
    async () => {
      try {
        const { stderr, stdout } = await run('java', ['-version']);
        return { ok: true, detail: (stderr || stdout).split('\n')[0] ?? 'java found' };
      } catch (err) {
        return { ok: false, detail: firstLine(err), fix: 'install a Java 17 runtime (Debian: apt-get install openjdk-17-jre-headless)' };
      }
    },
  ],
  [
    'pyspark',
    async (config) => {
      const paths = localSparkPaths({ sparkSubmit: config.compute.sparkSubmit, python: config.compute.python });
      try {
        const { stdout } = await run(paths.python, ['-c', 'import pyspark; print(pyspark.__version__)']);
        await access(paths.sparkSubmit.includes(path.sep) ? paths.sparkSubmit : paths.python, constants.X_OK);
        return { ok: true, detail: `pyspark ${stdout.trim()} (${paths.python}; spark-submit ${paths.sparkSubmit})` };
      } catch (err) {
        return { ok: false, detail: firstLine(err), fix: 'run "npm run setup" to create .venv with pyspark, or set PIPELINE_SPARK_PYTHON / PIPELINE_SPARK_SUBMIT' };
      }
    },
  ],
  [
    'jdbc driver',
    async (config) => {
      try {
        await access(config.compute.jdbcJar, constants.R_OK);
        return { ok: true, detail: config.compute.jdbcJar };
      } catch {
        return { ok: false, detail: `${config.compute.jdbcJar} not readable`, fix: 'apt-get install libpostgresql-jdbc-java, or set PIPELINE_JDBC_JAR to the PostgreSQL JDBC jar' };
      }
    },
  ],
  [
    'temp dir',
    async (config) => {
      const { tempDir, store } = tempStore(config);
      const probe = `${tempDir}/.doctor/${process.pid}`;
      try {
        await store.put(`${probe}/probe`, 'ok');
        const found = await store.exists(`${probe}/probe`);
        await store.deletePrefix(probe);
        if (!found) return { ok: false, detail: `${tempDir}: an object written could not be read back`, fix: 'check the bucket and the role\'s s3:GetObject permission' };
        return { ok: true, detail: `${tempDir} writable` };
      } catch (err) {
        return { ok: false, detail: firstLine(err), fix: /^s3:/.test(tempDir) ? 'check the bucket, the region and the role\'s s3:PutObject, GetObject, DeleteObject and ListBucket permissions' : 'set PIPELINE_TEMP_DIR to a writable directory' };
      }
    },
  ],
  [
    'alerts',
    async (config) => {
      // Configured or not, never called: a test message would land in the team's channel.
      if (!config.alerts.webhookUrl) return { ok: true, detail: 'off (set PIPELINE_ALERT_WEBHOOK_URL to have `pipeline scheduler` send them)' };
      const host = new URL(config.alerts.webhookUrl).host;
      return { ok: true, detail: `webhook on ${host} configured, not called${config.dashboardUrl ? `; links to ${config.dashboardUrl}` : '; no links (PIPELINE_DASHBOARD_URL unset)'}` };
    },
  ],
  [
    'pipelines',
    async (config) => {
      try {
        const all = await loadPipelines(config.pipelinesDir);
        return { ok: true, detail: `${all.length} valid definition(s) in ${path.resolve(config.pipelinesDir)}` };
      } catch (err) {
        return { ok: false, detail: firstLine(err), fix: 'run "pipeline validate" for the full list of problems' };
      }
    },
  ],
];

const LOCAL_ONLY = new Set(['java', 'pyspark', 'jdbc driver']);

/** `pipeline doctor`: is everything a run needs reachable? One line per check, with what to fix. */
export async function doctorCommand(options: GlobalOptions, io: CommandIo): Promise<number> {
  const ctx = commandContext(options, io);
  // Java, pyspark and the JDBC driver matter only where Spark runs on this machine.
  const wanted = probes.filter(([name]) => ctx.config.compute.kind === 'local' || !LOCAL_ONLY.has(name));
  const results = await Promise.all(wanted.map(async ([name, probe]) => ({ name, ...(await probe(ctx.config, io.env)) })));
  for (const r of results) {
    ctx.out.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(12)} ${r.detail}${r.fix ? `\n     fix: ${r.fix}` : ''}\n`);
  }
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
}
