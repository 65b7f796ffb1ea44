// The selector and pod-template rules the replica controllers share (apps/validation's
// ValidateReplicaSetSpec, ValidatePodTemplateSpecForReplicaSet and ValidateDaemonSetSpec).
import { forbidden, invalid, notSupported, required } from "../../fielderrors";
import type { LabelSelector } from "../../meta";
import type { PodTemplateSpec } from "../../core/v1/podspec";
import { validatePodTemplateSpec } from "../../core/v1/podspec";
import type { FieldCause } from "../../types";
import { labelSelectorMatches, validateLabelSelector } from "../../validation";
import { selectorString } from "./labels";

export function isEmptySelector(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;
}

/** A selector the kind cannot work without: present, well-formed and not empty ("for <noun>" is Kubernetes' wording). */
export function validateRequiredSelector(sel: LabelSelector | undefined, path: string, noun: string): FieldCause[] {
  if (!sel) return [required(path)];
  const causes = validateLabelSelector(sel, path);
  if (isEmptySelector(sel)) causes.push(invalid(path, sel, `empty selector is invalid for ${noun}`));
  return causes;
}

/** The template's labels must be selected by the controller's selector (an empty selector selects everything). */
export function validateSelectorMatchesTemplate(sel: LabelSelector | undefined, template: PodTemplateSpec | undefined, specPath: string): FieldCause[] {
  const labels = template?.metadata?.labels;
  if ((sel && isEmptySelector(sel)) || labelSelectorMatches(sel, labels)) return [];
  return [invalid(`${specPath}.template.metadata.labels`, labels ?? {}, "`selector` does not match template `labels`")];
}

/** Pods of a long-running controller: a valid template that restarts Always and has no deadline. */
export function validateLongRunningTemplate(template: PodTemplateSpec | undefined, templatePath: string, controller: string): FieldCause[] {
  const spec = template?.spec;
  const causes = validatePodTemplateSpec(template ?? {}, templatePath);
  if (spec?.restartPolicy !== "Always") causes.push(notSupported(`${templatePath}.spec.restartPolicy`, spec?.restartPolicy ?? "", ["Always"]));
  if (spec?.activeDeadlineSeconds !== undefined) {
    causes.push(forbidden(`${templatePath}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${controller} is not Supported`));
  }
  return causes;
}

/**
 * ValidateReplicaSetSpec's selector and template rules, shared by ReplicaSet and Deployment.
 * Kubernetes words them for "deployment" and "ReplicaSet" in both kinds, and so do we.
 */
export function validateReplicatedPods(spec: { selector?: LabelSelector; template?: PodTemplateSpec } | undefined, specPath: string): FieldCause[] {
  const selectorPath = `${specPath}.selector`;
  const causes = validateRequiredSelector(spec?.selector, selectorPath, "deployment");
  if (spec?.selector && selectorString(spec.selector) === undefined) return [...causes, invalid(selectorPath, spec.selector, "invalid label selector")];
  return [
    ...causes,
    ...validateSelectorMatchesTemplate(spec?.selector, spec?.template, specPath),
    ...validateLongRunningTemplate(spec?.template, `${specPath}.template`, "ReplicaSet"),
  ];
}
