import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';

/** The subset of EMR's model the stand-in keeps, in EMR's own field names where they surface. */
export type ClusterState = 'STARTING' | 'BOOTSTRAPPING' | 'RUNNING' | 'WAITING' | 'TERMINATING' | 'TERMINATED' | 'TERMINATED_WITH_ERRORS';
export type StepState = 'PENDING' | 'CANCEL_PENDING' | 'RUNNING' | 'COMPLETED' | 'CANCELLED' | 'FAILED' | 'INTERRUPTED';

export interface FailureDetails {
  Reason?: string;
  Message?: string;
  LogFile?: string;
}

export interface DoubleStep {
  id: string;
  name: string;
  actionOnFailure: string;
  jar: string;
  args: string[];
  properties: Array<{ Key?: string; Value?: string }>;
  state: StepState;
  createdAt: Date;
  startedAt?: Date;
  endedAt?: Date;
  stateChangeReason?: string;
  failureDetails?: FailureDetails;
  process?: ChildProcess;
  /** The spark-submit's pid, kept after it exits: its process group may outlive it. */
  pid?: number;
  cancelRequested?: boolean;
}

export interface DoubleCluster {
  id: string;
  name: string;
  state: ClusterState;
  stateChangeReason?: { Code?: string; Message?: string };
  logUri?: string;
  releaseLabel: string;
  /** False for RunJobFlow clusters that end once their steps are done. */
  keepAlive: boolean;
  createdAt: Date;
  readyAt?: Date;
  endedAt?: Date;
  steps: DoubleStep[];
  tags: Array<{ Key?: string; Value?: string }>;
}

export const ACTIVE_CLUSTER_STATES: ReadonlySet<ClusterState> = new Set(['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING']);
export const TERMINAL_STEP_STATES: ReadonlySet<StepState> = new Set(['COMPLETED', 'CANCELLED', 'FAILED', 'INTERRUPTED']);

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `j-` or `s-` and 13 upper-case letters and digits, as EMR's ids look. */
export function emrId(prefix: 'j' | 's'): string {
  const bytes = randomBytes(13);
  return `${prefix}-${Array.from(bytes, (b) => ID_CHARS[b % ID_CHARS.length]).join('')}`;
}

/** JSON 1.1 carries timestamps as epoch seconds. */
function seconds(date: Date | undefined): number | undefined {
  return date ? date.getTime() / 1000 : undefined;
}

export function stepStatus(step: DoubleStep) {
  return {
    State: step.state,
    ...(step.stateChangeReason ? { StateChangeReason: { Message: step.stateChangeReason } } : {}),
    ...(step.failureDetails ? { FailureDetails: step.failureDetails } : {}),
    Timeline: { CreationDateTime: seconds(step.createdAt), StartDateTime: seconds(step.startedAt), EndDateTime: seconds(step.endedAt) },
  };
}

export function stepShape(step: DoubleStep) {
  return {
    Id: step.id,
    Name: step.name,
    Config: { Jar: step.jar, Args: step.args, Properties: Object.fromEntries(step.properties.map((p) => [p.Key ?? '', p.Value ?? ''])) },
    ActionOnFailure: step.actionOnFailure,
    Status: stepStatus(step),
  };
}

export function clusterStatus(cluster: DoubleCluster) {
  return {
    State: cluster.state,
    ...(cluster.stateChangeReason ? { StateChangeReason: cluster.stateChangeReason } : {}),
    Timeline: { CreationDateTime: seconds(cluster.createdAt), ReadyDateTime: seconds(cluster.readyAt), EndDateTime: seconds(cluster.endedAt) },
  };
}

export function clusterArn(region: string, id: string): string {
  return `arn:aws:elasticmapreduce:${region}:123456789012:cluster/${id}`;
}
