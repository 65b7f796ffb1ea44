// The shapes the endpoints controllers read and write, and the labels Kubernetes gives them.
import type { Pod } from "../../apis/core/v1/pod";
import type { Service } from "../../apis/core/v1/service";
import type { KubeObject } from "../../apis/types";

export type { Pod } from "../../apis/core/v1/pod";
export type { Service } from "../../apis/core/v1/service";

/** discovery.k8s.io labels (k8s.io/api/discovery/v1 well_known_labels.go). */
export const LABEL_SERVICE_NAME = "kubernetes.io/service-name";
export const LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
export const LABEL_SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
/** core/v1 IsHeadlessService: on slices and Endpoints of Services without a cluster IP. */
export const LABEL_HEADLESS = "service.kubernetes.io/headless";
export const CONTROLLER_NAME = "endpointslice-controller.k8s.io";

/** At most this many endpoints per slice (the controller's --max-endpoints-per-slice default). */
export const MAX_ENDPOINTS_PER_SLICE = 100;
/** core/v1 Endpoints hold at most this many addresses; more are truncated and annotated. */
export const MAX_ENDPOINTS_ADDRESSES = 1000;
export const OVER_CAPACITY_ANNOTATION = "endpoints.kubernetes.io/over-capacity";

export interface EndpointPort {
  name?: string;
  protocol?: string;
  port?: number;
  appProtocol?: string;
}

export interface TargetRef {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

export interface Endpoint {
  addresses: string[];
  conditions: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  targetRef?: TargetRef;
  nodeName?: string;
  zone?: string;
}

export interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: Endpoint[];
  ports?: EndpointPort[];
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: TargetRef;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: { name?: string; port: number; protocol?: string; appProtocol?: string }[];
}

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

/** What one pass of a Service's endpoints controllers sees. */
export interface ServiceEndpointsInput {
  service: Service;
  /** Pods of the Service's namespace that its selector matches. */
  pods: Pod[];
  /** Slices in the namespace labelled with the Service's name. */
  slices: EndpointSlice[];
  /** The Endpoints object of the Service's name, if there is one. */
  endpoints?: Endpoints;
}
