// podFailurePolicy and successPolicy matching (pod_failure_policy.go, success_policy.go): which
// rule a failed pod matches and what that means for the Job, and whether the succeeded indexes
// satisfy a success rule.
import type { PodFailurePolicyRule } from "../../apis/batch/v1/jobspec";
import { containerStatuses, type ContainerStatusView, type JobSpec, type Pod } from "./types";
import { parseIndexes, totalIndexes, type Intervals } from "./indexes";

export interface PolicyMatch {
  /** Set for a FailJob rule: the message of the Job's failure. */
  failJobMessage?: string;
  /** Whether the failure counts toward backoffLimit (an Ignore rule says it does not). */
  countFailed: boolean;
  action?: string;
}

function exitCodeMatches(code: number, rule: NonNullable<PodFailurePolicyRule["onExitCodes"]>): boolean {
  const listed = (rule.values ?? []).includes(code);
  if (rule.operator === "In") return listed;
  return rule.operator === "NotIn" ? !listed : false;
}

/** The first terminated container (regular ones first, then init containers) with a non-zero exit code the rule names. */
function matchingContainer(pod: Pod, rule: NonNullable<PodFailurePolicyRule["onExitCodes"]>): ContainerStatusView | undefined {
  const statuses = [...containerStatuses(pod), ...containerStatuses(pod, true)];
  return statuses.find((s) => {
    const code = s.state?.terminated?.exitCode;
    if (code === undefined || code === 0) return false;
    return (rule.containerName === undefined || rule.containerName === s.name) && exitCodeMatches(code, rule);
  });
}

function matchingCondition(pod: Pod, patterns: NonNullable<PodFailurePolicyRule["onPodConditions"]>): string | undefined {
  for (const c of pod.status?.conditions ?? []) {
    if (patterns.some((p) => p.type === c.type && p.status === c.status)) return c.type;
  }
  return undefined;
}

/** matchPodFailurePolicy for a failed pod; without a policy every failure counts. */
export function matchPodFailurePolicy(spec: JobSpec, pod: Pod): PolicyMatch {
  const rules = spec.podFailurePolicy?.rules ?? [];
  for (const [index, rule] of rules.entries()) {
    let what: string | undefined;
    if (rule.onExitCodes) {
      const container = matchingContainer(pod, rule.onExitCodes);
      if (container) what = `Container ${container.name} for pod ${pod.metadata.namespace}/${pod.metadata.name} failed with exit code ${container.state?.terminated?.exitCode}`;
    } else if (rule.onPodConditions) {
      const condition = matchingCondition(pod, rule.onPodConditions);
      if (condition) what = `Pod ${pod.metadata.namespace}/${pod.metadata.name} has condition ${condition}`;
    }
    if (what === undefined) continue;
    if (rule.action === "Ignore") return { countFailed: false, action: "Ignore" };
    if (rule.action === "FailJob") return { failJobMessage: `${what} matching FailJob rule at index ${index}`, countFailed: true, action: "FailJob" };
    if (rule.action === "Count" || rule.action === "FailIndex") return { countFailed: true, action: rule.action };
  }
  return { countFailed: true };
}

/** matchSucceededIndexesRule: the rule's indexes all succeeded, or at least succeededCount of them. */
function succeededIndexesRuleMet(required: Intervals, succeeded: Intervals, succeededCount: number | undefined): boolean {
  let contains = 0;
  for (const r of required) {
    for (const s of succeeded) contains += Math.max(0, Math.min(r.last, s.last) - Math.max(r.first, s.first) + 1);
  }
  return contains === totalIndexes(required) || (succeededCount !== undefined && contains >= succeededCount);
}

/** matchSuccessPolicy: the message of the first rule the succeeded indexes satisfy. */
export function matchSuccessPolicy(spec: JobSpec, completions: number, succeeded: Intervals): string | undefined {
  if (!spec.successPolicy || succeeded.length === 0) return undefined;
  for (const [index, rule] of spec.successPolicy.rules?.entries() ?? []) {
    if (rule.succeededIndexes !== undefined) {
      const required = parseIndexes(rule.succeededIndexes, completions);
      if (required.length > 0 && succeededIndexesRuleMet(required, succeeded, rule.succeededCount)) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount !== undefined && totalIndexes(succeeded) >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}
