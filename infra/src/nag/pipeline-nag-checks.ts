import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** A wildcard resource a policy may hold: a pattern of cdk-nag's finding text, and why. */
export interface WildcardResource {
  /** Matched against the resource as cdk-nag prints it, e.g. `<Bucket83908E77.Arn>/pipeline/runs/*`. */
  pattern: RegExp;
  reason: string;
}

const acknowledged = new WeakMap<IConstruct, WildcardResource[]>();

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 findings of wildcard resources on a role or policy (and
 * its children) by pattern. cdk-nag 3 acknowledges a finding only by its exact text, and the text
 * of an ARN imported from another stack holds a hashed export name that exists only once the app is
 * synthesized; a pattern such as "ends in /runs/*" says what is meant and survives renames.
 */
export function acknowledgeWildcardResources(scope: IConstruct, resources: WildcardResource[]): void {
  acknowledged.set(scope, [...(acknowledged.get(scope) ?? []), ...resources]);
}

function isAcknowledged(app: IConstruct, constructPath: string, resource: string): boolean {
  for (const construct of app.node.findAll()) {
    const entries = acknowledged.get(construct);
    if (!entries) continue;
    const path = construct.node.path;
    if (constructPath !== path && !constructPath.startsWith(`${path}/`)) continue;
    if (entries.some((e) => e.pattern.test(resource))) return true;
  }
  return false;
}

const WILDCARD_RESOURCE = /^AwsSolutions-IAM5\[Resource::(.*)\]$/;

/**
 * cdk-nag's AWS Solutions rule pack as a CDK policy-validation plugin, with the pattern
 * acknowledgements above applied. Every other rule is acknowledged the usual way, with
 * `Validations.of(construct).acknowledge(...)` beside the construct.
 */
export class PipelineNagChecks implements IPolicyValidationPlugin {
  readonly name = 'AwsSolutions';
  private readonly pack: AwsSolutionsChecks;

  constructor(private readonly app: IConstruct) {
    this.pack = new AwsSolutionsChecks(app, { verbose: true });
  }

  /** The violations left in a synthesized app: empty when the rule pack passes. */
  check(): PolicyViolation[] {
    const violations: PolicyViolation[] = [];
    for (const violation of this.pack.validateScope(this.app).violations) {
      const wildcard = WILDCARD_RESOURCE.exec(violation.ruleName)?.[1];
      const resources = violation.violatingResources.filter((r) => wildcard === undefined || r.constructPath === undefined || !isAcknowledged(this.app, r.constructPath, wildcard));
      if (resources.length > 0) violations.push({ ...violation, violatingResources: resources });
    }
    return violations;
  }

  validate(_context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations = this.check();
    return { success: violations.length === 0, violations };
  }
}
