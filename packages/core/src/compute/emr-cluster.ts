import type { ClusterState, ClusterSummary, EMRClient } from '@aws-sdk/client-emr';
import { emrSdk } from '../lazy/lazy-modules.js';
import { joinUri } from '../storage/s3-uri.js';
import { ComputeError } from './compute-error.js';
import { remoteApiError } from './remote-api-error.js';

/** Clusters that accept steps. */
export const ACTIVE_CLUSTER_STATES: ClusterState[] = ['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING'];

/** Every active cluster, all pages. */
export async function listActiveClusters(client: EMRClient, signal?: AbortSignal): Promise<ClusterSummary[]> {
  const { ListClustersCommand } = await emrSdk();
  const clusters: ClusterSummary[] = [];
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await client.send(new ListClustersCommand({ ClusterStates: ACTIVE_CLUSTER_STATES, ...(marker ? { Marker: marker } : {}) }), signal ? { abortSignal: signal } : {});
    } catch (err) {
      throw remoteApiError('emr', 'ListClusters', err);
    }
    clusters.push(...(page.Clusters ?? []));
    marker = page.Marker;
  } while (marker);
  return clusters;
}

/**
 * The id of the one active cluster named `name`. Names are not unique in EMR, so none or
 * several matches are errors that list what was found and ask for the id.
 */
export async function clusterIdByName(client: EMRClient, name: string, signal?: AbortSignal): Promise<string> {
  const matches = (await listActiveClusters(client, signal)).filter((cluster) => cluster.Name === name);
  if (matches.length === 1 && matches[0]!.Id) return matches[0]!.Id;
  if (matches.length === 0) {
    throw new ComputeError('emr', `No active EMR cluster is named "${name}" (states ${ACTIVE_CLUSTER_STATES.join(', ')}). Start it, fix the name, or pass the cluster id.`, {
      code: 'E_EMR_CLUSTER',
    });
  }
  const found = matches.map((cluster) => `${cluster.Id} (${cluster.Status?.State ?? 'unknown'})`).join(', ');
  throw new ComputeError('emr', `${matches.length} active EMR clusters are named "${name}": ${found}. Pass the id of the one to use.`, { code: 'E_EMR_CLUSTER' });
}

/** The cluster's LogUri (where EMR copies step logs), or undefined when it has none. */
export async function clusterLogUri(client: EMRClient, clusterId: string): Promise<string | undefined> {
  const { DescribeClusterCommand } = await emrSdk();
  try {
    const { Cluster } = await client.send(new DescribeClusterCommand({ ClusterId: clusterId }));
    return Cluster?.LogUri || undefined;
  } catch (err) {
    throw remoteApiError('emr', 'DescribeCluster', err);
  }
}

/** `<LogUri>/<clusterId>/steps/<stepId>/`: where EMR puts a step's stdout, stderr and controller logs. */
export function stepLogUri(logUri: string, clusterId: string, stepId: string): string {
  return `${joinUri(logUri, clusterId, 'steps', stepId)}/`;
}
