import { afterAll, describe, expect, it } from 'vitest';
import { CONFIGURATIONS, EXTERNAL_SECRET, synthesize, type Synthesized } from './synthesize.js';

type Json = unknown;
interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: Json;
  Condition?: Record<string, Record<string, Json>>;
}
interface FoundStatement {
  where: string;
  statement: Statement;
  actions: string[];
  resources: string[];
}

const synthesized: Record<string, Synthesized> = Object.fromEntries(Object.entries(CONFIGURATIONS).map(([name, context]) => [name, synthesize(context)]));
afterAll(() => Object.values(synthesized).forEach((s) => s.cleanup()));

/**
 * A readable form of a CloudFormation value: intrinsics become `${Logical.Attr}`, imports are
 * followed to the exporting stack's output, and the hash CDK appends to logical ids is dropped.
 */
function describeValue(value: Json, s: Synthesized): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, Json>;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, Json[]];
    return parts.map((p) => describeValue(p, s)).join(sep);
  }
  if ('Ref' in v) return `\${${String(v['Ref']).replace(/[0-9A-F]{8}$/, '')}}`;
  if ('Fn::GetAtt' in v) {
    const [id, attr] = v['Fn::GetAtt'] as [string, string];
    return `\${${id.replace(/[0-9A-F]{8}$/, '')}.${attr}}`;
  }
  if ('Fn::Sub' in v) return String(v['Fn::Sub']);
  if ('Fn::ImportValue' in v) {
    const exportName = v['Fn::ImportValue'] as string;
    for (const template of s.byStackName.values()) {
      for (const output of Object.values((template.toJSON()['Outputs'] ?? {}) as Record<string, { Value: Json; Export?: { Name: string } }>)) {
        if (output.Export?.Name === exportName) return describeValue(output.Value, s);
      }
    }
    throw new Error(`no stack exports ${exportName}`);
  }
  throw new Error(`cannot describe ${JSON.stringify(value)}`);
}

/** Every statement of every identity policy (inline, attached, managed) in every template of a configuration. */
function identityStatements(s: Synthesized): FoundStatement[] {
  const found: FoundStatement[] = [];
  for (const [stackName, template] of s.byStackName) {
    for (const [id, resource] of Object.entries(template.toJSON()['Resources'] as Record<string, { Type: string; Properties: Record<string, Json> }>)) {
      const docs: Json[] = [];
      if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') docs.push(resource.Properties['PolicyDocument']);
      if (resource.Type === 'AWS::IAM::Role') docs.push(...((resource.Properties['Policies'] as { PolicyDocument: Json }[] | undefined) ?? []).map((p) => p.PolicyDocument));
      for (const doc of docs) {
        for (const statement of (doc as { Statement: Statement[] }).Statement) {
          const actions = ([] as string[]).concat(statement.Action);
          const resources = ([] as Json[]).concat(statement.Resource).map((r) => describeValue(r, s));
          found.push({ where: `${stackName}/${id}${statement.Sid ? `/${statement.Sid}` : ''}`, statement, actions, resources });
        }
      }
    }
  }
  return found;
}

/** The only `*` resources allowed: the service offers no narrower resource for these actions. */
const STAR_RESOURCES: { actions: string[]; reason: string; condition?: string }[] = [
  { actions: ['ecr:GetAuthorizationToken'], reason: 'no resource type; the image pulls are on one repository' },
  {
    actions: ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement'],
    reason: 'no resource type; narrowed to the worker role’s own statements',
    condition: 'redshift-data:statement-owner-iam-userid',
  },
  { actions: ['cloudwatch:PutMetricData'], reason: 'no resource type; narrowed to the Pipeline namespace', condition: 'cloudwatch:namespace' },
];

/** What each statement of this app's policies may name, per configuration (prefix and warehouse differ). */
function expectedResources(s: Synthesized): Record<string, RegExp[]> {
  const p = s.config.s3Prefix.replaceAll('/', '\\/');
  const bucket = '\\$\\{Bucket\\.Arn\\}';
  const secret = s.config.warehouse === 'external' ? [new RegExp(`^${EXTERNAL_SECRET}$`)] : [/^\$\{PipelineUserSecret\}$/];
  const certificates = s.config.emrTlsCertificates
    ? new RegExp(`^arn:\\$\\{AWS::Partition\\}:s3:::${s.config.emrTlsCertificates.slice(5).replaceAll('.', '\\.')}$`)
    : new RegExp(`^arn:\\$\\{AWS::Partition\\}:s3:::\\$\\{Bucket\\}\\/${p}\\/emr\\/tls-certificates\\.zip$`);
  const dataApi = s.config.redshiftClusterId
    ? new RegExp(`^arn:\\$\\{AWS::Partition\\}:redshift:\\$\\{AWS::Region\\}:\\$\\{AWS::AccountId\\}:cluster:${s.config.redshiftClusterId}$`)
    : /^\$\{Workgroup\.Workgroup\.WorkgroupArn\}$/;
  const objects = (folder: string) => new RegExp(`^${bucket}\\/${p}\\/${folder}$`);
  return {
    CopyReads: [objects('runs\\/\\*')],
    UnloadWrites: [objects('runs\\/\\*\\/unload\\/\\*')],
    ListRuns: [new RegExp(`^${bucket}$`)],
    ReadCode: [
      objects('code\\/\\*'),
      // EMR on EC2 only: the bootstrap script (a CDK asset) and the TLS certificates.
      ...(s.config.computeKind === 'emr'
        ? [/^arn:\$\{AWS::Partition\}:s3:::cdk-[a-z0-9]+-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}\/[0-9a-f]{64}\.sh$/, certificates]
        : []),
    ],
    RunFiles: [objects('runs\\/\\*')],
    WriteLogs: [objects('logs\\/\\*')],
    ListTemp: [new RegExp(`^${bucket}$`)],
    ConnectorBucketChecks: [new RegExp(`^${bucket}$`)],
    WarehouseSecret: secret,
    PassJobRole: [/^\$\{JobRole\.Arn\}$/],
    EmrSteps: [/^arn:\$\{AWS::Partition\}:elasticmapreduce:\$\{AWS::Region\}:\$\{AWS::AccountId\}:cluster\/\$\{Cluster\}$/],
    JobRuns: [
      /^arn:\$\{AWS::Partition\}:emr-serverless:\$\{AWS::Region\}:\$\{AWS::AccountId\}:\/applications\/\$\{Application\.ApplicationId\}$/,
      /^arn:\$\{AWS::Partition\}:emr-serverless:\$\{AWS::Region\}:\$\{AWS::AccountId\}:\/applications\/\$\{Application\.ApplicationId\}\/jobruns\/\*$/,
    ],
    DataApiSubmit: [dataApi],
    DataApiOwnStatements: [/^\*$/],
    JobCode: [objects('code\\/\\*')],
    DoctorProbe: [objects('\\.doctor\\/\\*')],
    ListTempPrefixes: [new RegExp(`^${bucket}$`)],
    QueueDepthMetric: [/^\*$/],
  };
}

/** Statements CDK writes itself (grants), by their first action: what they may name. */
const GENERATED: { action: string; resources: RegExp[] }[] = [
  { action: 'kms:Encrypt', resources: [/^\$\{LocalDiskKey\.Arn\}$/] },
  { action: 'kms:CreateGrant', resources: [/^\$\{LocalDiskKey\.Arn\}$/] },
  { action: 'logs:CreateLogStream', resources: [/^\$\{(FlowLogs|Logs)\.Arn\}$/] },
  { action: 'ecr:BatchCheckLayerAvailability', resources: [/^arn:\$\{AWS::Partition\}:ecr:\$\{AWS::Region\}:\$\{AWS::AccountId\}:repository\/(cdk-[a-z0-9]+-container-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}|pipeline)$/] },
  { action: 'ecr:GetAuthorizationToken', resources: [/^\*$/] },
];

describe.each(Object.keys(CONFIGURATIONS))('IAM of the %s configuration', (name) => {
  const s = synthesized[name]!;
  const statements = identityStatements(s);

  it('finds the policies of every role', () => {
    const sids = new Set(statements.map((f) => f.statement.Sid).filter(Boolean));
    const common = ['CopyReads', 'UnloadWrites', 'ListRuns', 'ReadCode', 'RunFiles', 'WriteLogs', 'WarehouseSecret'];
    const compute = s.config.computeKind === 'emr' ? ['PassJobRole', ...(s.config.orchestrator ? ['EmrSteps'] : [])] : s.config.orchestrator ? ['JobRuns', 'PassJobRole'] : [];
    const worker = s.config.orchestrator ? ['DataApiSubmit', 'DataApiOwnStatements', 'JobCode', 'DoctorProbe', 'ListTempPrefixes', 'QueueDepthMetric'] : [];
    for (const sid of [...common, ...compute, ...worker]) expect(sids, sid).toContain(sid);
  });

  it('allows no wildcard action', () => {
    const wild = statements.filter((f) => f.statement.Effect === 'Allow' && f.actions.some((a) => a.includes('*')));
    expect(wild.map((f) => `${f.where}: ${f.actions.join(', ')}`)).toEqual([]);
  });

  it('names "*" as a resource only for actions that support no resource, with the narrowing condition', () => {
    const problems: string[] = [];
    for (const f of statements.filter((x) => x.resources.includes('*'))) {
      const entry = STAR_RESOURCES.find((e) => f.actions.every((a) => e.actions.includes(a)));
      if (!entry) problems.push(`${f.where}: ${f.actions.join(', ')} on "*" is not in the allow-list`);
      else if (entry.condition && !Object.values(f.statement.Condition ?? {}).some((c) => entry.condition! in c)) problems.push(`${f.where}: lacks the ${entry.condition} condition`);
    }
    expect(problems).toEqual([]);
  });

  it('names exactly the resources each statement is for', () => {
    const expected = expectedResources(s);
    const problems: string[] = [];
    for (const f of statements) {
      const allowed = f.statement.Sid ? expected[f.statement.Sid] : GENERATED.find((g) => g.action === f.actions[0])?.resources;
      if (!allowed) {
        problems.push(`${f.where}: unexpected statement ${f.actions.join(', ')}`);
        continue;
      }
      for (const r of f.resources) if (!allowed.some((re) => re.test(r))) problems.push(`${f.where}: ${r}`);
      if (f.statement.Sid && f.resources.length !== allowed.length) problems.push(`${f.where}: ${f.resources.length} resources, expected ${allowed.length}`);
    }
    expect(problems).toEqual([]);
  });

  it('keeps the documented conditions', () => {
    const bySid = (sid: string) => statements.find((f) => f.statement.Sid === sid)?.statement;
    expect(bySid('ListRuns')?.Condition).toEqual({ StringLike: { 's3:prefix': [`${s.config.s3Prefix}/runs/*`] } });
    expect(bySid('ListTemp')?.Condition).toEqual({ StringLike: { 's3:prefix': [`${s.config.s3Prefix}/*`] } });
    const passedTo = s.config.computeKind === 'emr' ? 'ec2.amazonaws.com' : 'emr-serverless.amazonaws.com';
    expect(bySid('PassJobRole')?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': passedTo } });
    if (s.config.orchestrator) {
      const owner = bySid('DataApiOwnStatements')?.Condition?.['StringLike']?.['redshift-data:statement-owner-iam-userid'] as Json[];
      expect(owner.map((v) => describeValue(v, s))).toEqual(['${WorkerRole.RoleId}', '${WorkerRole.RoleId}:*']);
    }
  });
});

describe('resource policies', () => {
  const s = synthesized['default']!;

  it('the bucket policy denies every request without TLS and allows nothing', () => {
    const policy = Object.values(s.templates.storage!.findResources('AWS::S3::BucketPolicy'))[0] as { Properties: { PolicyDocument: { Statement: Statement[] } } };
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements.every((st) => st.Effect === 'Deny')).toBe(true);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('the disk key policy only delegates to the account’s IAM policies', () => {
    const key = Object.values(s.templates.compute!.findResources('AWS::KMS::Key'))[0] as { Properties: { KeyPolicy: { Statement: Statement[] } } };
    // In a key policy, "*" is this key; kms:* for the account root hands the decisions to IAM policies, which the tests above check.
    expect(key.Properties.KeyPolicy.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'kms:*', Resource: '*', Principal: { AWS: expect.objectContaining({ 'Fn::Join': expect.anything() }) } }),
    ]);
    expect(JSON.stringify(key.Properties.KeyPolicy.Statement[0]!)).toContain(':root');
  });
});
