/** An EMR step: `emr:<clusterId>:<stepId>`. */
export interface EmrStepRef {
  clusterId: string;
  stepId: string;
}

/** An EMR Serverless job run: `emr-serverless:<applicationId>:<jobRunId>`. */
export interface EmrServerlessJobRef {
  applicationId: string;
  jobRunId: string;
}

const EMR_STEP = /^emr:(j-[A-Za-z0-9]+):(s-[A-Za-z0-9]+)$/;
const EMR_SERVERLESS = /^emr-serverless:([A-Za-z0-9]+):([A-Za-z0-9]+)$/;

export function emrStepExternalId(ref: EmrStepRef): string {
  return `emr:${ref.clusterId}:${ref.stepId}`;
}

/** The step an external id names; null for any other id (a local process, a job run…). */
export function parseEmrStepExternalId(externalId: string | undefined): EmrStepRef | null {
  const match = externalId === undefined ? null : EMR_STEP.exec(externalId);
  return match ? { clusterId: match[1]!, stepId: match[2]! } : null;
}

export function emrServerlessExternalId(ref: EmrServerlessJobRef): string {
  return `emr-serverless:${ref.applicationId}:${ref.jobRunId}`;
}

export function parseEmrServerlessExternalId(externalId: string | undefined): EmrServerlessJobRef | null {
  const match = externalId === undefined ? null : EMR_SERVERLESS.exec(externalId);
  return match ? { applicationId: match[1]!, jobRunId: match[2]! } : null;
}
