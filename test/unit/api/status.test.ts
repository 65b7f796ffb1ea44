import { describe, expect, it } from "vitest";
import {
  alreadyExists,
  badRequest,
  conflict,
  continueExpired,
  expired,
  forbidden,
  internalError,
  invalid,
  isApiError,
  methodNotAllowed,
  notAcceptable,
  notFound,
  StatusError,
  tooLarge,
  toStatus,
  unauthorized,
  unsupportedMediaType,
} from "../../../src/api/status";

describe("error constructors", () => {
  it("words NotFound as Kubernetes does, the group left out for core", () => {
    expect(notFound("pods", "", "x").message).toBe('pods "x" not found');
    expect(notFound("deployments", "apps", "web")).toEqual({
      code: 404,
      reason: "NotFound",
      message: 'deployments.apps "web" not found',
      details: { name: "web", group: "apps", kind: "deployments" },
    });
  });

  it("words AlreadyExists and Conflict", () => {
    expect(alreadyExists("deployments", "apps", "x").message).toBe('deployments.apps "x" already exists');
    expect(alreadyExists("deployments", "apps", "x").code).toBe(409);
    expect(conflict("configmaps", "", "x").message).toBe(
      'Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(conflict("configmaps", "", "x", "boom").message).toBe('Operation cannot be fulfilled on configmaps "x": boom');
  });

  it("words Invalid with one cause bare and several in brackets, duplicates dropped", () => {
    const required = { reason: "FieldValueRequired", field: "spec.selector", message: "Required value" };
    const bad = { reason: "FieldValueInvalid", field: "spec.replicas", message: "Invalid value: -1: must be greater than or equal to 0" };
    const one = invalid("Deployment", "apps", "x", [required]);
    expect(one.message).toBe('Deployment.apps "x" is invalid: spec.selector: Required value');
    expect(one.code).toBe(422);
    expect(one.details).toEqual({ name: "x", group: "apps", kind: "Deployment", causes: [required] });
    expect(invalid("ConfigMap", "", "x", [required, bad, required]).message).toBe(
      'ConfigMap "x" is invalid: [spec.selector: Required value, spec.replicas: Invalid value: -1: must be greater than or equal to 0]',
    );
  });

  it("words the remaining errors", () => {
    expect(expired(5, 17)).toEqual({ code: 410, reason: "Expired", message: "too old resource version: 5 (17)" });
    expect(continueExpired().message).toMatch(/^The provided continue parameter is too old/);
    expect(tooLarge(3 * 1024 * 1024).message).toBe("Request entity too large: limit is 3145728");
    expect(unsupportedMediaType(["application/json", "application/yaml"]).message).toBe(
      "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
    );
    expect(notAcceptable(["application/json"]).message).toBe("only the following media types are accepted: application/json");
    expect(methodNotAllowed("nodes", "", "create").message).toBe('create is not supported on resources of kind "nodes"');
    expect(forbidden("pods", "", "", "denied").message).toBe("pods is forbidden: denied");
    expect(forbidden("secrets", "", "s", "denied").message).toBe('secrets "s" is forbidden: denied');
    expect(unauthorized()).toEqual({ code: 401, reason: "Unauthorized", message: "Unauthorized" });
  });
});

describe("toStatus", () => {
  it("builds a meta/v1 Status and leaves empty details out", () => {
    expect(toStatus(badRequest("nope"))).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "nope",
      reason: "BadRequest",
      code: 400,
    });
    expect(toStatus(notFound("pods", "", "x")).details).toEqual({ name: "x", kind: "pods" });
  });

  it("drops empty cause fields as Go's omitempty does", () => {
    expect(toStatus(internalError("disk on fire")).details).toEqual({ causes: [{ message: "disk on fire" }] });
  });
});

describe("isApiError and StatusError", () => {
  it("recognises error values", () => {
    expect(isApiError(notFound("pods", "", "x"))).toBe(true);
    expect(isApiError({ code: 400, reason: "Nope", message: "x" })).toBe(false);
    expect(isApiError(null)).toBe(false);
  });

  it("carries the error to the edge", () => {
    const e = new StatusError(notFound("pods", "", "x"));
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('pods "x" not found');
    expect(e.error.code).toBe(404);
  });
});
