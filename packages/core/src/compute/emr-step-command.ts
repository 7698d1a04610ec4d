import type { HadoopJarStepConfig } from '@aws-sdk/client-emr';

const UTC_JAVA_OPTION = '-Duser.timezone=UTC';

/**
 * The Spark settings every remote job runs with: the session, the JVMs and Python pinned to UTC,
 * so timestamps round-trip the same on every cluster. The job's session builder pins them too;
 * setting them at submit time covers the JVMs started before the job's code runs. EMR keeps its
 * own JVM flags in `spark.*.defaultJavaOptions`, so setting `extraJavaOptions` adds to them.
 */
export const REMOTE_SPARK_CONF: ReadonlyArray<readonly [string, string]> = [
  ['spark.sql.session.timeZone', 'UTC'],
  ['spark.driver.extraJavaOptions', UTC_JAVA_OPTION],
  ['spark.executor.extraJavaOptions', UTC_JAVA_OPTION],
  ['spark.executorEnv.TZ', 'UTC'],
];

/**
 * `spark-submit` for an EMR step (run by `command-runner.jar`, which passes the arguments as
 * they are, with no shell in between, so the spec JSON needs no quoting): cluster deploy mode,
 * the step name as the application name (readable in YARN and the Spark UI), UTC, the caller's
 * extra arguments, the code zip on `--py-files`, then load_job.py and its spec arguments.
 */
export function emrSparkSubmitStep(options: {
  stepName: string;
  pyFilesUri: string;
  entryPointUri: string;
  specArgs: string[];
  extraArgs?: string[];
}): HadoopJarStepConfig & { Jar: string; Args: string[] } {
  const conf = [...REMOTE_SPARK_CONF, ['spark.yarn.appMasterEnv.TZ', 'UTC'] as const].flatMap(([key, value]) => ['--conf', `${key}=${value}`]);
  return {
    Jar: 'command-runner.jar',
    Args: [
      'spark-submit',
      '--deploy-mode', 'cluster',
      '--name', options.stepName,
      ...conf,
      ...(options.extraArgs ?? []),
      '--py-files', options.pyFilesUri,
      options.entryPointUri,
      ...options.specArgs,
    ],
  };
}

/** Characters a HadoopJarStep spends of EMR's 10,240: its jar and every argument. */
export function hadoopJarStepChars(step: { Jar: string; Args: string[] }): number {
  return step.Jar.length + step.Args.reduce((sum, arg) => sum + arg.length, 0);
}
